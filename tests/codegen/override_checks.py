"""codegen/overrides.py + validate.py: merging onto the real spec/valkey/, and every
kind of mistake in an override file reported with its file and JSON path."""

import unittest

from support import SPEC_ROOT, TempTree

from codegen.errors import SpecErrors
from codegen.load import load_commands
from codegen.overrides import apply, load_overrides
from codegen.types import parse
from codegen.validate import render, validate

COMMANDS = load_commands([SPEC_ROOT / "valkey"])

# COMMAND's default method name clashes with the front ends' command(...): every test
# names it, as spec/overrides must.
COMMAND = {"COMMAND": {"reply": "Reply", "reason": "test", "name": "command_all"}}

SLOWLOG_ENTRY = {"shape": "array", "doc": "One entry.",
                 "fields": [["id", "int"], ["arguments", "vector<string>"]]}


def merge(**files):
    """The validated model for override files {stem: content}."""
    with TempTree() as tree:
        return _merge(tree, files)


def errors(**files) -> list[str]:
    """The messages merging gives, each starting with the file name (folder cut off)."""
    with TempTree() as tree:
        try:
            _merge(tree, files)
        except SpecErrors as e:
            return [str(x).replace(f"{tree.root}/overrides/", "") for x in e.errors]
    raise AssertionError("merged without error")


def _merge(tree: TempTree, files: dict):
    tree.write("overrides/zz_command.json", COMMAND)
    for stem, content in files.items():
        tree.write(f"overrides/{stem}.json", content)
    model = apply(COMMANDS, load_overrides(tree.root / "overrides"))
    validate(model)
    return model


class Merging(unittest.TestCase):
    def test_set(self):
        model = merge(string={
            "SET": {"reply": "bool", "idempotent": True,
                    "args": {"expiration.seconds": "seconds"},
                    "variants": {"set_get": {"fix": {"get": True},
                                             "reply": "optional<string>"}}}})
        c = model.command("SET")
        self.assertEqual((c.reply, c.reply_source, c.idempotent, c.cacheable),
                         (parse("bool"), "override", True, False))
        self.assertEqual(c.argument("expiration.seconds").arg_type, "seconds")
        self.assertIsNone(c.argument("expiration.milliseconds").arg_type)
        base, set_get = c.methods
        self.assertEqual((base.name, base.dropped, base.is_variant),
                         ("set", frozenset({"get"}), False))
        self.assertEqual((set_get.name, set_get.fixed_value("get"), set_get.dropped,
                          str(set_get.reply)), ("set_get", True, frozenset(), "optional<string>"))

    def test_require_and_name(self):
        c = merge(list={"LPOP": {"reply": "optional<string>", "name": "pop_left",
                                 "variants": {"lpop_count": {"require": ["count"],
                                                             "reply": "vector<string>"}}}}
                  ).command("LPOP")
        base, counted = c.methods
        self.assertEqual((base.name, sorted(base.dropped)), ("pop_left", ["count"]))
        self.assertEqual((counted.required, counted.is_required("count")), (("count",), True))

    def test_oneof_with_every_branch_decided_is_dropped(self):
        c = merge(geo={"GEORADIUS": {"reply": "vector<string>", "variants": {
            "georadius_store": {"require": ["store.storekey"], "reply": "int"},
            "georadius_storedist": {"require": ["store.storedistkey"], "reply": "int"}}}}
        ).command("GEORADIUS")
        self.assertTrue(c.methods[0].is_dropped("store"))
        self.assertTrue(c.methods[0].is_dropped("store.storekey"))
        self.assertFalse(c.methods[1].is_dropped("store"))

    def test_structs_across_files(self):
        model = merge(server={"$types": {"slowlog_entry": SLOWLOG_ENTRY}},
                      other={"SLOWLOG GET": {"reply": "vector<slowlog_entry>"}})
        (struct,) = model.structs
        self.assertEqual((struct.name, struct.shape, [f.cpp_name for f in struct.fields]),
                         ("slowlog_entry", "array", ["id", "arguments"]))

    def test_map_field_names(self):
        model = merge(stream={"$types": {"stream_info": {"shape": "map", "fields": [
            ["radix-tree-keys", "int"], ["first-entry", "optional<string>"]]}},
            "XINFO STREAM": {"reply": "stream_info"}})
        self.assertEqual([(f.wire_name, f.cpp_name) for f in model.structs[0].fields],
                         [("radix-tree-keys", "radix_tree_keys"),
                          ("first-entry", "first_entry")])

    def test_report(self):
        model = merge(x={"$types": {"doc_arg": {"shape": "map", "fields": [
            ["name", "string"], ["arguments", "vector<Reply>"]]},
            "unused": {"shape": "array", "fields": [["a", "int"]]}},
            "GET": {"reply": "optional<string>"},
            "COMMAND DOCS": {"reply": "map<string,doc_arg>"},
            "EVAL": {"reply": "Reply", "reason": "whatever the script returns"}})
        report = validate(model)
        self.assertEqual([c.name for c in report.typed], ["GET"])
        self.assertEqual([c.name for c in report.partial], ["COMMAND DOCS"])
        self.assertEqual([c.name for c in report.untyped], ["COMMAND", "EVAL"])
        self.assertEqual(len(report.missing), len(model.callable_commands) - 4)
        self.assertEqual(report.unused_structs, ("unused",))
        text = render(report)
        self.assertIn("typed: 1/384 (0.3%), Reply: 2, partly Reply: 1", text)
        self.assertRegex(text, r"\nstring +22 +1 +0 +21\n")
        self.assertIn("\n  EVAL: Reply: whatever the script returns\n", text)
        self.assertIn("\nstructs no reply uses: unused\n", text)

    def test_no_override_no_schema(self):
        c = merge().command("GET")
        self.assertEqual((c.reply, c.reply_source, c.methods[0].name), (None, None, "get"))


class Mistakes(unittest.TestCase):
    def check(self, files: dict, *expected: str):
        self.assertEqual(errors(**files), list(expected))

    def test_commands(self):
        self.check({"x": {"GETT": {"reply": "int"}}},
                   "x.json: GETT: no such command; did you mean 'GET'?")
        self.check({"x": {"CLIENT": {"reply": "int"}}},
                   "x.json: CLIENT: a container of subcommands, not callable")
        self.check({"x": {"get": {"reply": "int"}}},
                   "x.json: get: command names are upper case, words separated by one "
                   "space: 'GET'")
        self.check({"a": {"GET": {"reply": "int"}}, "b": {"GET": {"reply": "int"}}},
                   "b.json: GET: GET is also overridden in a.json")

    def test_keys_and_values(self):
        self.assertRegex(errors(x={"GET": {"reply": "int", "cachable": True}})[0],
                         r"^x\.json: GET\.cachable: unknown key \(known: .*cacheable.*\)$")
        self.check({"x": {"GET": {"cacheable": True}}},
                   "x.json: GET: missing required field 'reply'")
        self.check({"x": {"GET": {"reply": "int", "cacheable": "yes"}}},
                   'x.json: GET.cacheable: expected a boolean, got a string "yes"')
        self.check({"x": {"GET": {"reply": "int", "name": "Get"}}},
                   "x.json: GET.name: 'Get' is not a lower_snake_case name (nor a C++ "
                   "keyword)")
        self.check({"x": {"GET": {"reply": "int", "decoder": "info lines"}}},
                   "x.json: GET.decoder: 'info lines' is not a lower_snake_case decoder name")
        self.check({"x": ["GET"]},
                   'x.json: expected an object of command names, got a list ["GET"]')
        self.check({"x": '{"GET": {"reply": "int", "reply": "bool"}}'},
                   "x.json: GET: duplicate key 'reply'")

    def test_reply_types(self):
        self.check({"x": {"GET": {"reply": "optional<string"}}},
                   "x.json: GET.reply: bad reply type: expected '>', got the end at column "
                   "16 of 'optional<string'")
        self.check({"x": {"GET": {"reply": "optional<strng>"}}},
                   "x.json: GET.reply: unknown type 'strng' (neither a builtin nor a $types "
                   "struct); did you mean 'string'?")
        self.check({"x": {"GET": {"reply": "Reply"}}},
                   "x.json: GET.reply: a Reply type needs a reason: why no specific type fits")
        self.check({"x": {"GET": {"reply": "int", "reason": "because"}}},
                   "x.json: GET.reason: a reason is only for a reply that is or holds Reply; "
                   "this one is 'int'")

    def test_argument_types(self):
        self.check({"x": {"SET": {"reply": "bool", "args": {"expiration.second": "seconds"}}}},
                   'x.json: SET.args["expiration.second"]: SET has no argument '
                   "'expiration.second' (paths join names with dots; top level: key, value, "
                   "condition, get, expiration)")
        self.check({"x": {"SET": {"reply": "bool", "args": {"value": "seconds"}}}},
                   "x.json: SET.args.value: 'seconds' is for integer or double arguments; "
                   "'value' is string")
        self.check({"x": {"SET": {"reply": "bool", "args": {
            "expiration.seconds": "seconds_double"}}}},
            "x.json: SET.args[\"expiration.seconds\"]: 'seconds_double' is for double "
            "arguments; 'expiration.seconds' is integer")
        self.check({"x": {"SET": {"reply": "bool", "args": {"expiration.seconds": "minutes"}}}},
                   'x.json: SET.args["expiration.seconds"]: unknown argument type \'minutes\' '
                   "(known: seconds, milliseconds, seconds_double, unix_seconds, "
                   "unix_milliseconds, double, string)")

    def test_variants(self):
        def variant(command, reply="int", **v):
            return {"x": {command: {"reply": reply, "variants": {"v_x": {"reply": "int", **v}}}}}

        self.check(variant("SET", fix={"gett": True}),
                   "x.json: SET.variants.v_x.fix.gett: SET has no argument 'gett' (paths join "
                   "names with dots; top level: key, value, condition, get, expiration)")
        self.check(variant("SET", fix={"get": "nx"}),
                   "x.json: SET.variants.v_x.fix.get: a pure token is fixed to true")
        self.check(variant("SET", fix={"get": False}),
                   "x.json: SET.variants.v_x.fix.get: expected true (a pure token) or a oneof "
                   "branch name, got false")
        self.check(variant("SET", fix={"value": True}),
                   "x.json: SET.variants.v_x.fix.value: only pure tokens and oneofs can be "
                   "fixed; 'value' is string")
        self.check(variant("SET", fix={"condition": "nx2"}),
                   "x.json: SET.variants.v_x.fix.condition: 'condition' has no branch 'nx2' "
                   "(branches: nx, xx)")
        self.check(variant("SET", fix={"expiration": "seconds"}),
                   "x.json: SET.variants.v_x.fix.expiration: branch 'seconds' takes a value; "
                   "fix only picks pure-token branches (use require: ['expiration.seconds'])")
        self.check(variant("SET", fix={"get": 1}),
                   "x.json: SET.variants.v_x.fix.get: expected true (a pure token) or a oneof "
                   "branch name, got an integer 1")
        self.check(variant("SET", require=["value"]),
                   "x.json: SET.variants.v_x.require[0]: 'value' is required already")
        self.check(variant("SET", exclude=["key"]),
                   "x.json: SET.variants.v_x.exclude[0]: 'key' is required by the command; it "
                   "cannot be left out")
        self.check(variant("SET", fix={"get": True}, exclude=["get"]),
                   "x.json: SET.variants.v_x.exclude[0]: the variant fixes 'get' and excludes "
                   "'get'")
        self.check(variant("SET", require=["get", "get"]),
                   "x.json: SET.variants.v_x.require[1]: 'get' is listed twice")
        self.assertRegex(errors(**variant("SET", requires=["get"]))[0],
                         r"^x\.json: SET\.variants\.v_x\.requires: unknown key \(known: "
                         r".*require.*\)$")
        self.check(variant("SET"),
                   "x.json: SET.variants.v_x: a variant fixes, requires or excludes some "
                   "argument")
        self.check(variant("ZADD", fix={"data.member": True}),
                   "x.json: ZADD.variants.v_x.fix[\"data.member\"]: 'data.member' is inside "
                   "the repeated argument 'data'; a variant cannot decide it for all elements")
        self.check({"x": {"SET": {"reply": "bool", "variants": {
            "set": {"fix": {"get": True}, "reply": "int"}}}}},
            "x.json: SET.variants.set: a variant needs a name other than the base method's")
        self.check({"x": {"SET": {"reply": "bool", "variants": {
            "SetGet": {"fix": {"get": True}, "reply": "int"}}}}},
            "x.json: SET.variants.SetGet: a variant's key is its method name: "
            "lower_snake_case, no C++ keyword")
        self.check({"x": {"XADD": {"reply": "string", "variants": {
            "xadd_auto": {"fix": {"id-selector": "auto-id"}, "reply": "string"},
            "xadd_id": {"require": ["id-selector.id"], "reply": "string"}}}}},
            "x.json: XADD.variants: the base method would leave out the required "
            "'id-selector', which variants fix or require")
        self.check(variant("CLIENT KILL", fix={"filter.new-format": True}),
                   "x.json: CLIENT KILL.variants.v_x.fix[\"filter.new-format\"]: "
                   "'filter.new-format' is a repeated argument; only a single one can be fixed")
        self.assertEqual(merge(x={"CLIENT KILL": {"reply": "int", "variants": {
            "client_kill_new": {"require": ["filter.new-format"], "reply": "int"}}}})
            .command("CLIENT KILL").methods[1].required, ("filter.new-format",))

    def test_method_names(self):
        self.check({"x": {"GET": {"reply": "int", "name": "set"}}},
                   "x.json: GET.name: method name 'set' is also used by SET")
        self.check({"x": {"SET": {"reply": "bool", "variants": {
            "get": {"fix": {"get": True}, "reply": "int"}}}}},
            "x.json: SET.variants.get: method name 'get' is also used by GET")
        self.assertIn(
            "x.json: GET.name: method name 'command' clashes with the generic command(...) "
             "escape hatch; give the command a \"name\"",
            errors(x={"GET": {"reply": "int", "name": "command"}}))

    def test_marks(self):
        self.check({"x": {"SET": {"reply": "bool", "cacheable": True}}},
                   "x.json: SET.cacheable: cannot be cached: it is not READONLY")
        self.check({"x": {"RANDOMKEY": {"reply": "optional<string>", "cacheable": True}}},
                   "x.json: RANDOMKEY.cacheable: cannot be cached: it is not READONLY"
                   if "READONLY" not in dict((c.name, c.flags) for c in COMMANDS)["RANDOMKEY"]
                   else "x.json: RANDOMKEY.cacheable: cannot be cached: its output is "
                        "nondeterministic")
        self.check({"x": {"GET": {"reply": "optional<string>", "idempotent": True}}},
                   "x.json: GET.idempotent: idempotent marks writes; a READONLY command is "
                   "retry-safe anyway")

    def test_structs(self):
        def struct(**fields):
            return {"x": {"$types": {"slowlog_entry": {**SLOWLOG_ENTRY, **fields}}}}

        self.check(struct(shape="list"),
                   "x.json: $types.slowlog_entry.shape: unknown shape 'list' (known: array, "
                   "map)")
        self.assertRegex(errors(**struct(feilds=[]))[0],
                         r"^x\.json: \$types\.slowlog_entry\.feilds: unknown key \(known: "
                         r".*fields.*\)$")
        self.check(struct(fields=[["id", "int", "x"]]),
                   'x.json: $types.slowlog_entry.fields[0]: expected [name, type], got a list '
                   '["id", "int", "x"]')
        self.check(struct(fields=[["id", "integer"]]),
                   "x.json: $types.slowlog_entry.fields[0][1]: unknown type 'integer' (neither "
                   "a builtin nor a $types struct); did you mean 'int'?")
        self.check(struct(fields=[["id", "vector<>"]]),
                   "x.json: $types.slowlog_entry.fields[0][1]: bad field type: expected a type "
                   "name, got '>' at column 8 of 'vector<>'")
        self.check(struct(fields=[["first-entry", "int"], ["first_entry", "int"]]),
                   "x.json: $types.slowlog_entry.fields[1][0]: field 'first_entry' has the "
                   "same C++ name first_entry as 'first-entry'")
        self.check(struct(fields=[["next", "optional<slowlog_entry>"]]),
                   "x.json: $types.slowlog_entry: contains itself (slowlog_entry -> "
                   "slowlog_entry) other than as vector<slowlog_entry>")
        self.assertEqual(merge(**struct(fields=[["children", "vector<slowlog_entry>"]]))
                         .structs[0].name, "slowlog_entry")
        self.check({"x": {"$types": {"Entry": SLOWLOG_ENTRY}}},
                   "x.json: $types.Entry: a struct name is lower_snake_case and not a builtin "
                   "type name")
        self.check({"a": {"$types": {"slowlog_entry": SLOWLOG_ENTRY}},
                    "b": {"$types": {"slowlog_entry": SLOWLOG_ENTRY}}},
                   "b.json: $types.slowlog_entry: struct already defined in a.json")

    def test_every_mistake_in_one_run(self):
        self.assertEqual(len(errors(a={"GET": {"reply": "strng"}, "SET": {"reply": "int",
                                                                         "nmae": "x"}},
                                    b={"$types": {"s": {"shape": "x", "fields": []}}})), 3)


if __name__ == "__main__":
    unittest.main()
