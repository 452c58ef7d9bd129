"""codegen/types.py: the reply type grammar parses, round-trips, renders C++, rejects junk."""

import unittest

import support  # noqa: F401  (puts the repository on sys.path)

from codegen.types import GrammarError, Type, parse


class Parsing(unittest.TestCase):
    def test_round_trip(self):
        for text in ["ok", "status", "string", "int", "double", "bool", "Reply",
                     "optional<vector<pair<string,double>>>", "set<string>",
                     "map<string,map<string,string>>", "pairs<string,vector<stream_entry>>",
                     "tuple<int,string,double>", "tuple<int>", "vector<optional<geo_position>>",
                     "slowlog_entry"]:
            with self.subTest(text=text):
                t = parse(text)
                self.assertEqual(str(t), text)
                self.assertEqual(parse(str(t)), t)

    def test_whitespace_is_not_significant(self):
        self.assertEqual(parse(" map < string , int > "), parse("map<string,int>"))
        self.assertEqual(str(parse("pair<int, string>")), "pair<int,string>")

    def test_tree(self):
        self.assertEqual(parse("optional<pairs<string,double>>"),
                         Type("optional", (Type("pairs", (Type("string"), Type("double"))),)))

    def test_queries(self):
        t = parse("optional<vector<pair<stream_entry,Reply>>>")
        self.assertEqual(t.structs(), {"stream_entry"})
        self.assertTrue(t.contains_reply())
        self.assertFalse(t.is_reply)
        self.assertTrue(parse("Reply").is_reply)
        self.assertTrue(parse("client_info").is_struct)
        self.assertFalse(parse("vector<int>").contains_reply())


class Cpp(unittest.TestCase):
    def test_rendering(self):
        for text, cpp in [
            ("optional<vector<pair<string,double>>>",
             "std::optional<std::vector<std::pair<std::string, double>>>"),
            ("ok", "valkey::ok_t"), ("status", "std::string"), ("int", "std::int64_t"),
            ("bool", "bool"), ("Reply", "valkey::Reply"),
            ("slowlog_entry", "valkey::reply::slowlog_entry"),
            ("set<string>", "std::unordered_set<std::string>"),
            ("map<string,int>", "std::unordered_map<std::string, std::int64_t>"),
            ("pairs<string,double>", "std::vector<std::pair<std::string, double>>"),
            ("tuple<int,string,bool>", "std::tuple<std::int64_t, std::string, bool>"),
            ("vector<optional<geo_position>>",
             "std::vector<std::optional<valkey::reply::geo_position>>"),
        ]:
            with self.subTest(text=text):
                self.assertEqual(parse(text).cpp(), cpp)


class Junk(unittest.TestCase):
    def test_errors(self):
        for text, message in [
            ("", "expected a type, got the end at column 1 of ''"),
            ("optional<", "expected a type, got the end at column 10 of 'optional<'"),
            ("optional<int", "expected '>', got the end at column 13 of 'optional<int'"),
            ("vector<int>>", "unexpected text after the type at column 12 of 'vector<int>>'"),
            ("vector<int,int>", "vector<...> takes 1 parameter, got 2 at column 1 of "
                                "'vector<int,int>'"),
            ("map<string>", "map<...> takes 2 parameters, got 1 at column 1 of 'map<string>'"),
            ("tuple<>", "expected a type name, got '>' at column 7 of 'tuple<>'"),
            ("int<string>", "'int' takes no parameters at column 4 of 'int<string>'"),
            ("optional<optional<int>>", "optional<optional<...>> has no meaning at column 1 "
                                        "of 'optional<optional<int>>'"),
            ("map<vector<int>,int>", "map<...> needs a scalar key (one of bool, double, int, "
                                     "status, string), got 'vector<int>' at column 1 of "
                                     "'map<vector<int>,int>'"),
            ("set<Reply>", "set<...> needs a scalar key (one of bool, double, int, status, "
                           "string), got 'Reply' at column 1 of 'set<Reply>'"),
            ("vector<1>", "expected a type name, got '1' at column 8 of 'vector<1>'"),
            ("vector int", "expected '<', got 'int' at column 8 of 'vector int'"),
            ("map<string;int>", "expected '>', got ';' at column 11 of 'map<string;int>'"),
        ]:
            with self.subTest(text=text), self.assertRaises(GrammarError) as caught:
                parse(text)
            self.assertEqual(str(caught.exception), message)

    def test_not_a_string(self):
        with self.assertRaisesRegex(GrammarError, "expected a type string, got 3"):
            parse(3)


if __name__ == "__main__":
    unittest.main()
