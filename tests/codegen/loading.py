"""codegen/load.py: the known quirks normalised, and malformed specs named precisely."""

import unittest

from support import TempTree, command

from codegen.errors import SpecError, SpecErrors
from codegen.load import COMMAND_FLAGS, load_commands, load_file
from codegen.model import ARGUMENT_TYPES
from codegen.names import lower_snake


def load_one(name: str, body: dict):
    with TempTree() as tree:
        return load_file(tree.spec(name, body))


def load_error(name: str, body: dict) -> str:
    """The message of the SpecError loading the command gives, with the folder cut off."""
    with TempTree() as tree:
        path = tree.spec(name, body)
        try:
            load_file(path)
        except SpecError as e:
            return str(e).replace(str(path.parent) + "/", "")
    raise AssertionError(f"{name} loaded without error")


def arg(name, kind, **fields):
    return {"name": name, "type": kind, **fields}


class Quirks(unittest.TestCase):
    def test_multiple_as_a_string(self):
        # client-capa.json upstream: "multiple": "true"
        c = load_one("CLIENT CAPA", command(arguments=[
            arg("capability", "string", multiple="true"), arg("x", "string", optional="false")]))
        self.assertIs(c.arguments[0].multiple, True)
        self.assertIs(c.arguments[1].optional, False)

    def test_migrate_empty_string_token(self):
        for token in ('""', ""):  # upstream spelling, dumped spelling
            with self.subTest(token=token):
                c = load_one("MIGRATE", command(arguments=[arg("key-selector", "oneof", arguments=[
                    arg("key", "key", key_spec_index=0),
                    arg("empty-string", "pure-token", token=token)])]))
                self.assertEqual(c.argument("key-selector.empty-string").token, "")

    def test_pure_token_without_token(self):
        c = load_one("SIMULATE", command(arguments=[arg("mode", "oneof", arguments=[
            arg("crash-after-election", "pure-token"), arg("help", "pure-token")])]))
        self.assertEqual([a.token for a in c.arguments[0].children],
                         ["CRASH-AFTER-ELECTION", "HELP"])

    def test_key_spec_index_on_a_pattern(self):
        # SORT's BY pattern names the key spec of the keys it produces; still a pattern.
        c = load_one("SORT", command(arguments=[
            arg("key", "key", key_spec_index=0),
            arg("by-pattern", "pattern", key_spec_index=0, token="BY", optional=True)]))
        by = c.argument("by-pattern")
        self.assertEqual((by.type, by.key_spec_index, by.is_key), ("pattern", 0, False))
        self.assertTrue(c.argument("key").is_key)

    def test_flag_spellings(self):
        c = load_one("GET", command(
            command_flags=["fast", "readonly"], doc_flags=["deprecated"],
            acl_categories=["@string", "read"],
            command_tips=["request_policy:all_shards", "nondeterministic_output"],
            key_specs=[{"flags": ["access", "RO"], "begin_search": {"index": {"pos": 1}},
                        "find_keys": {"range": {"lastkey": 0, "step": 1, "limit": 0}}}]))
        self.assertEqual(c.flags, ("READONLY", "FAST"))  # canonical (server bit) order
        self.assertEqual(c.doc_flags, ("DEPRECATED",))
        self.assertEqual(c.acl_categories, ("READ", "STRING"))
        self.assertEqual((c.tips.request_policy, c.tips.nondeterministic_output),
                         ("ALL_SHARDS", True))
        self.assertEqual(c.key_specs[0].flags, ("RO", "ACCESS"))
        self.assertTrue(c.deprecated)

    def test_token_and_name_case_and_display(self):
        c = load_one("SET", command(arguments=[
            arg("key", "key", key_spec_index=0),
            arg("ID", "pure-token", token="normal", display="ID"),
            arg("timeout", "integer", display="timeout"),
            arg("shown", "integer", display="<ms>")]))
        self.assertEqual((c.arguments[1].name, c.arguments[1].token), ("id", "NORMAL"))
        self.assertEqual([a.display for a in c.arguments[1:]], ["ID", "timeout", "<ms>"])
        self.assertEqual(load_one("SET", command(arguments=[
            arg("key", "key", key_spec_index=0), arg("timeout", "integer")])).arguments[1],
            c.arguments[2])  # display equal to the name == no display

    def test_group_spelling(self):
        self.assertEqual(load_one("ZADD", command(group="sorted-set")).group, "sorted_set")

    def test_module_spellings(self):
        c = load_one("JSON.GET", command(since=None, module_since="1.0.0", group="json",
                                         arguments=[arg("key", "key", key_spec_index=0),
                                                    arg("path", "string", description="d")]))
        self.assertEqual((c.since, c.method, c.arguments[1].summary),
                         ("1.0.0", "json_get", "d"))


class Model(unittest.TestCase):
    def test_names(self):
        c = load_one("CLIENT KILL", command(arguments=[
            arg("and", "pure-token", optional=True),
            arg("unix-time-seconds", "unix-time", optional=True),
            arg("new-format", "block", arguments=[arg("max-age", "integer")])]))
        self.assertEqual((c.name, c.container, c.words, c.method),
                         ("CLIENT KILL", "CLIENT", ("CLIENT", "KILL"), "client_kill"))
        self.assertEqual([a.cpp_name for a in c.walk()],
                         ["and_", "unix_time_seconds", "new_format", "max_age"])
        self.assertEqual(c.argument("new-format.max-age").path, "new-format.max-age")

    def test_cpp_names(self):
        for spec_name, cpp in [("DELETE", "delete_"), ("FT._LIST", "ft_list"), ("2d", "_2d"),
                               ("unix", "unix_"), ("INDENT/NEWLINE/SPACE",
                                                   "indent_newline_space")]:
            self.assertEqual(lower_snake(spec_name), cpp)

    def test_key_specs(self):
        c = load_one("MIGRATE", command(key_specs=[
            {"flags": ["RW"], "begin_search": {"keyword": {"keyword": "KEYS", "startfrom": -2}},
             "find_keys": {"keynum": {"keynumidx": 0, "firstkey": 1, "step": 1}}},
            {"flags": ["RO"], "begin_search": {"unknown": None}, "find_keys": {"unknown": None},
             "notes": "n"}]))
        first, second = c.key_specs
        self.assertEqual((first.begin_search.kind, first.begin_search.keyword,
                          first.begin_search.startfrom), ("keyword", "KEYS", -2))
        self.assertEqual((first.find_keys.kind, first.find_keys.keynumidx,
                          first.find_keys.firstkey, first.find_keys.step), ("keynum", 0, 1, 1))
        self.assertEqual((second.begin_search.kind, second.find_keys.kind, second.notes),
                         ("unknown", "unknown", "n"))

    def test_containers(self):
        with TempTree() as tree:
            tree.spec("CLIENT", command(arity=-2, arguments=None, key_specs=None))
            tree.spec("CLIENT KILL", command(arity=-3))
            tree.spec("COMMAND", command(arity=-1, arguments=None, key_specs=None))
            tree.spec("COMMAND COUNT", command())
            commands = {c.name: c for c in load_commands([tree.root / "valkey"])}
        self.assertEqual(list(commands), ["CLIENT", "CLIENT KILL", "COMMAND", "COMMAND COUNT"])
        self.assertEqual([(c.is_container, c.is_callable) for c in commands.values()],
                         [(True, False), (False, True), (True, True), (False, True)])
        self.assertEqual(commands["CLIENT"].methods, ())


class Errors(unittest.TestCase):
    def test_unknown_argument_type(self):
        self.assertEqual(
            load_error("SET", command(arguments=[arg("key", "key", key_spec_index=0),
                                                 arg("value", "string"),
                                                 arg("condition", "strng")])),
            "set.json: SET.arguments[2].type: unknown argument type 'strng' "
            f"(known: {', '.join(ARGUMENT_TYPES)})")

    def test_missing_field(self):
        self.assertEqual(load_error("GET", command(arity=None)),
                         "get.json: GET: missing required field 'arity'")

    def test_wrong_value_types(self):
        self.assertEqual(load_error("GET", command(arity="2")),
                         'get.json: GET.arity: expected an integer, got a string "2"')
        self.assertEqual(
            load_error("GET", command(arguments=[arg("key", "key", key_spec_index=0,
                                                     multiple="yes")])),
            'get.json: GET.arguments[0].multiple: expected a boolean, got a string "yes"')
        self.assertEqual(load_error("GET", command(arguments=[arg("key", "key",
                                                                  key_spec_index=True)])),
                         "get.json: GET.arguments[0].key_spec_index: expected an integer, "
                         "got true")

    def test_unknown_keys(self):
        message = load_error("GET", command(arguments=[arg("key", "key", key_spec_index=0,
                                                           optinal=True)]))
        self.assertRegex(message, r"^get\.json: GET\.arguments\[0\]\.optinal: unknown key "
                                  r"\(known: .*optional.*\)$")
        self.assertRegex(load_error("GET", command(sumary="x")),
                         r"^get\.json: GET\.sumary: unknown key \(known: .*summary.*\)$")

    def test_unknown_flags_and_tips(self):
        self.assertEqual(load_error("GET", command(command_flags=["READONLY", "FASTER"])),
                         "get.json: GET.command_flags[1]: unknown command flag 'FASTER' "
                         f"(known: {', '.join(COMMAND_FLAGS)})")
        self.assertEqual(load_error("GET", command(command_tips=["request_policy:some"])),
                         "get.json: GET.command_tips[0]: unknown command tip "
                         "'request_policy:some'")

    def test_key_spec_problems(self):
        self.assertEqual(load_error("GET", command(arguments=[arg("key", "key",
                                                                  key_spec_index=1)])),
                         "get.json: GET.arguments[0].key_spec_index: no key spec 1 (the "
                         "command has 1 key specs)")
        self.assertEqual(load_error("GET", command(arguments=[arg("key", "key")])),
                         "get.json: GET.arguments[0]: a key argument needs key_spec_index "
                         "(cluster routing uses it)")
        spec = command()["key_specs"][0]
        self.assertEqual(load_error("GET", command(key_specs=[{**spec, "begin_search": {
            "index": {"pos": 1}, "keyword": {"keyword": "K", "startfrom": 1}}}])),
            "get.json: GET.key_specs[0].begin_search: expected exactly one of index, "
            "keyword, unknown; got index, keyword")
        self.assertEqual(load_error("GET", command(key_specs=[{**spec, "find_keys": {
            "range": {"lastkey": 0, "step": 1}}}])),
            "get.json: GET.key_specs[0].find_keys.range: missing required field 'limit'")

    def test_argument_tree_problems(self):
        self.assertEqual(load_error("GET", command(arguments=[arg("c", "oneof")])),
                         "get.json: GET.arguments[0].arguments: a oneof argument needs "
                         "sub-arguments")
        self.assertEqual(load_error("GET", command(arguments=[
            arg("key", "key", key_spec_index=0), arg("KEY", "string")])),
            "get.json: GET.arguments[1].name: argument 'key' has the same name as 'key'")
        self.assertEqual(load_error("GET", command(arguments=[
            arg("a-b", "string"), arg("a_b", "string")])),
            "get.json: GET.arguments[1].name: argument 'a_b' has the same C++ name a_b as "
            "'a-b'")
        self.assertEqual(load_error("GET", command(arguments=[arg("x", "string",
                                                                  multiple_token=True)])),
                         "get.json: GET.arguments[0].multiple_token: multiple_token without "
                         "multiple")
        self.assertEqual(load_error("GET", command(arguments=[arg("a.b", "string")])),
                         "get.json: GET.arguments[0].name: an argument name is not empty and "
                         "has no '.' (paths use dots)")

    def test_file_level_problems(self):
        with TempTree() as tree:
            bad_json = tree.write("valkey/append.json", '{"APPEND": {"summary": }')
            duplicate = tree.write("valkey/set.json",
                                   '{"SET": {"summary": "a", "summary": "b"}}')
            misnamed = tree.spec("GET", command())
            misnamed = misnamed.rename(misnamed.with_name("got.json"))
            with self.assertRaises(SpecErrors) as caught:
                load_commands([tree.root / "valkey"])
            self.assertEqual([str(e) for e in caught.exception.errors], [
                f"{bad_json}: invalid JSON: Expecting value at line 1 column 24",
                f"{misnamed}: defines GET, so it should be named get.json",
                f"{duplicate}: SET: duplicate key 'summary'"])

    def test_every_file_is_reported(self):
        with TempTree() as tree:
            tree.spec("GET", command(arity=None))
            tree.spec("SET", command(group=None))
            tree.spec("CLIENT KILL", command())
            with self.assertRaises(SpecErrors) as caught:
                load_commands([tree.root / "valkey"])
            self.assertEqual([e.message for e in caught.exception.errors],
                             ["missing required field 'arity'",
                              "missing required field 'group'"])
            (tree.root / "valkey" / "get.json").unlink()
            (tree.root / "valkey" / "set.json").unlink()
            with self.assertRaises(SpecErrors) as caught:
                load_commands([tree.root / "valkey"])
            self.assertEqual(str(caught.exception),
                             f"{tree.root}/valkey/client-kill.json: KILL.container: no spec "
                             "file defines the container command CLIENT")

    def test_same_command_in_two_folders(self):
        with TempTree() as tree:
            tree.spec("GET", command())
            second = tree.spec("GET", command(), folder="modules/m")
            with self.assertRaises(SpecErrors) as caught:
                load_commands([tree.root / "valkey", tree.root / "modules" / "m"])
            self.assertEqual(str(caught.exception),
                             f"{second}: GET is also defined by {tree.root}/valkey/get.json")

    def test_missing_folder(self):
        with self.assertRaises(SpecErrors) as caught:
            load_commands(["/nonexistent/specs"])
        self.assertEqual(str(caught.exception), "/nonexistent/specs: no such folder")


if __name__ == "__main__":
    unittest.main()
