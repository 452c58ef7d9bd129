"""codegen/schema.py: reply types from upstream reply_schema, by form and on real files."""

import json
import unittest

from support import NO_REFERENCE, REFERENCE_DIR

from codegen.load import load_commands
from codegen.schema import TOO_COMPLEX, derive

NULL = {"type": "null"}
STRING = {"type": "string"}
INTEGER = {"type": "integer"}


def derived(schema, unordered=False) -> str:
    d = derive(schema, unordered)
    return str(d.type) if d.reason is None else f"{d.type}: {d.reason}"


class Forms(unittest.TestCase):
    def test_scalars(self):
        self.assertEqual(derived({"const": "OK"}), "ok")
        self.assertEqual(derived({"const": "PONG"}), "status")
        self.assertEqual(derived(STRING), "string")
        self.assertEqual(derived({"type": "integer", "minimum": 0}), "int")
        self.assertEqual(derived({"type": "number"}), "double")

    def test_alternatives(self):
        self.assertEqual(derived({"oneOf": [STRING, NULL]}), "optional<string>")
        self.assertEqual(derived({"anyOf": [NULL, {"const": 0}, {"const": 1}]}),
                         "optional<bool>")
        self.assertEqual(derived({"oneOf": [{"const": 0}, {"const": 1}]}), "bool")
        self.assertEqual(derived({"oneOf": [{"const": "OK"}, NULL]}), "bool")
        self.assertEqual(derived({"oneOf": [{"const": -2}, {"const": -1}, INTEGER]}), "int")
        self.assertEqual(derived({"oneOf": [{"const": "OK"}, {"const": "NOKEY"}]}), "status")
        self.assertEqual(derived({"anyOf": [{"const": "OK"}, STRING, NULL]}),
                         "optional<string>")
        self.assertEqual(derived({"oneOf": [INTEGER, {"type": "number"}]}),
                         f"Reply: {TOO_COMPLEX}: alternatives double | int")
        self.assertEqual(derived({"oneOf": [NULL]}), f"Reply: {TOO_COMPLEX}: only null")

    def test_arrays(self):
        array = {"type": "array", "items": STRING}
        self.assertEqual(derived(array), "vector<string>")
        self.assertEqual(derived({**array, "uniqueItems": True}), "vector<string>")
        self.assertEqual(derived({**array, "uniqueItems": True}, unordered=True), "set<string>")
        self.assertEqual(derived({**array, "minItems": 2, "maxItems": 2}), "pair<string,string>")
        self.assertEqual(derived({"type": "array", "items": [STRING, INTEGER, STRING]}),
                         "tuple<string,int,string>")
        pair = {"type": "array", "minItems": 2, "maxItems": 2, "items": [STRING, INTEGER]}
        self.assertEqual(derived(pair), "pair<string,int>")
        self.assertEqual(derived({"type": "array", "items": pair}), "pairs<string,int>")
        self.assertEqual(derived({"type": "array"}), f"Reply: {TOO_COMPLEX}: array without items")
        self.assertEqual(derived({"type": "array", "minItems": 1, "items": [STRING, STRING]}),
                         f"Reply: {TOO_COMPLEX}: array of 1..None items, 2 of them positional")

    def test_objects(self):
        self.assertEqual(derived({"type": "object", "additionalProperties": INTEGER}),
                         "map<string,int>")
        self.assertEqual(derived({"type": "object", "properties": {"a": STRING}}),
                         f"Reply: {TOO_COMPLEX}: object with named properties (a $types "
                         "struct of shape map fits)")

    def test_anything(self):
        self.assertEqual(derived({"description": "whatever the script returns"}),
                         f"Reply: {TOO_COMPLEX}: any reply")


# What the real Valkey 8.0.1 schemas give (the reason's prefix for Reply).
EXPECTED = {
    "GET": "optional<string>",
    "INCR": "int",
    "HGETALL": "map<string,string>",
    "SET": "optional<string>",        # null | OK | null | the old value: all decodable
    "EXPIRE": "bool",
    "SMEMBERS": "set<string>",        # unique and NONDETERMINISTIC_OUTPUT_ORDER
    "ZRANGEBYLEX": "vector<string>",  # unique but ordered
    "TIME": "pair<string,string>",
    "GEOPOS": "vector<optional<pair<double,double>>>",
    "PING": "string",
    "BGSAVE": "status",
    "SCAN": "pair<string,vector<string>>",
    "CONFIG GET": "map<string,string>",
    "COMMAND GETKEYSANDFLAGS": "pairs<string,vector<string>>",
    "SLOWLOG GET": "vector<tuple<int,int,int,vector<string>,string,string>>",
    "MEMORY USAGE": "optional<int>",
    "BZPOPMIN": "optional<tuple<string,string,double>>",
    "ZRANGE": f"Reply: {TOO_COMPLEX}: alternatives pairs<string,double> | vector<string>",
    "LPOP": f"Reply: {TOO_COMPLEX}: alternatives string | vector<string>",
    "XINFO STREAM": f"Reply: {TOO_COMPLEX}: object with named properties",
    "EVAL": f"Reply: {TOO_COMPLEX}: any reply",
}


@unittest.skipUnless(REFERENCE_DIR.is_dir(), NO_REFERENCE)
class RealSchemas(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.commands = {c.name: c for c in load_commands([REFERENCE_DIR])}

    def test_examples(self):
        for name, expected in EXPECTED.items():
            with self.subTest(command=name):
                c = self.commands[name]
                self.assertTrue(derived(c.reply_schema, c.tips.nondeterministic_output_order)
                                .startswith(expected))

    def test_every_schema_derives(self):
        # Each gives a type or a reason; most are specific.
        results = [derive(c.reply_schema, c.tips.nondeterministic_output_order)
                   for c in self.commands.values() if c.reply_schema is not None]
        self.assertTrue(all(r.reason is None or r.type.is_reply for r in results))
        typed = sum(r.reason is None for r in results)
        self.assertGreater(typed / len(results), 0.8, json.dumps(
            sorted(r.reason for r in results if r.reason), indent=1))


if __name__ == "__main__":
    unittest.main()
