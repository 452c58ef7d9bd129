"""codegen/emit/table.py: the command table rows, flag bits, key specs and policies it
writes for a small hand-built model, its errors, and the real tree's table."""

import pathlib
import re
import tempfile
import time
import unittest

from support import REPO, SPEC_ROOT

import codegen
from codegen import names
from codegen.emit import common
from codegen.emit.table import (COMMAND_FLAGS, KEY_FLAGS, REQUEST_POLICIES, RESPONSE_POLICIES,
                                emit_table)
from codegen.errors import SpecError
from codegen.model import BeginSearch, Command, FindKeys, KeySpec, Model, Tips

COMMAND_INFO_HPP = REPO / "runtime" / "include" / "valkey" / "command_info.hpp"


def cmd(name: str, **fields) -> Command:
    container = name.split(" ")[0] if " " in name else None
    values = dict(name=name, container=container, file=f"spec/valkey/{name.lower()}.json",
                  group="string", summary=f"Does {name}.", arity=2, since="1.0.0",
                  method=names.lower_snake(name))
    values.update(fields)
    return Command(**values)


def index_range(pos: int, lastkey: int, step: int = 1, limit: int = 0, flags=("RO", "ACCESS")):
    return KeySpec(flags, BeginSearch("index", index=pos),
                   FindKeys("range", lastkey=lastkey, step=step, limit=limit))


GET = cmd("GET", flags=("READONLY", "FAST"), key_specs=(index_range(1, 0),), cacheable=True)
CLIENT = cmd("CLIENT", group="connection", arity=-2, is_container=True, flags=("SENTINEL",))
CLIENT_KILL = cmd("CLIENT KILL", group="connection", since="2.4.0", arity=-3,
                  flags=("ADMIN", "NOSCRIPT", "LOADING", "STALE", "SENTINEL"))
XREAD = cmd("XREAD", group="stream", since="5.0.0", arity=-4, flags=("READONLY", "BLOCKING"),
            key_specs=(KeySpec(("RO", "ACCESS"),
                               BeginSearch("keyword", keyword="STREAMS", startfrom=1),
                               FindKeys("range", lastkey=-1, step=1, limit=2)),))
ZUNIONSTORE = cmd("ZUNIONSTORE", group="sorted_set", arity=-4, flags=("WRITE", "DENYOOM"),
                  key_specs=(index_range(1, 0, flags=("OW", "UPDATE")),
                             KeySpec(("RO", "ACCESS"), BeginSearch("index", index=2),
                                     FindKeys("keynum", keynumidx=0, firstkey=1, step=1))))
SORT = cmd("SORT", group="generic", arity=-2, flags=("WRITE", "DENYOOM", "MOVABLE_KEYS"),
           key_specs=(index_range(1, 0), KeySpec(("RO", "ACCESS", "INCOMPLETE"),
                                                 BeginSearch("unknown"), FindKeys("unknown"))))
FLUSHALL = cmd("FLUSHALL", group="server", arity=-1, flags=("WRITE",), idempotent=True,
               tips=Tips("ALL_SHARDS", "ALL_SUCCEEDED"))
RANDOMKEY = cmd("RANDOMKEY", group="generic", arity=1, flags=("READONLY",),
                tips=Tips("ALL_SHARDS", "SPECIAL", nondeterministic_output=True))
JSON_GET = cmd("JSON.GET", group="json", since=None, arity=-2, flags=("READONLY",),
               key_specs=(index_range(1, 0),))

MODEL = Model(tuple(sorted([GET, CLIENT, CLIENT_KILL, XREAD, ZUNIONSTORE, SORT, FLUSHALL,
                            RANDOMKEY, JSON_GET], key=lambda c: c.name)))


def emitted(model=MODEL) -> tuple[str, str]:
    """(command_table.cpp, detail/command_rows.hpp) for `model`."""
    with tempfile.TemporaryDirectory() as out:
        files = emit_table(model, pathlib.Path(out))
        return tuple(f.read_text(encoding="utf-8") for f in sorted(files, reverse=True))


def row(source: str, name: str) -> str:
    """The row of `name`: from its comment line to the end of its initializer."""
    match = re.search(r"\n    // \[\d+\] " + re.escape(name) + r":.*?\.idempotent = \w+\},\n",
                      source, re.S)
    assert match, f"no row for {name}"
    return match.group(0).strip("\n")


def runtime_enumerators(namespace: str) -> set[str]:
    text = COMMAND_INFO_HPP.read_text(encoding="utf-8")
    block = re.search(r"namespace " + namespace + r" \{\nenum : std::uint32_t \{\n(.*?)\};",
                      text, re.S).group(1)
    return set(re.findall(r"^\s*(\w+) = 1u << \d+,", block, re.M))


class Rows(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.source, cls.header = emitted()

    def test_one_row_per_command_in_table_order(self):
        found = re.findall(r"^    // \[(\d+)\] ([^:]+):", self.source, re.M)
        self.assertEqual(found, [(str(i), c.name) for i, c in
                                 enumerate(common.table_order(MODEL))])
        self.assertEqual([n for _, n in found], ["CLIENT", "CLIENT KILL", "FLUSHALL", "GET",
                                                 "JSON.GET", "RANDOMKEY", "SORT", "XREAD",
                                                 "ZUNIONSTORE"])
        self.assertEqual(common.row_index(MODEL)["GET"], 3)

    def test_get(self):
        self.assertEqual(row(self.source, "GET"), """\
    // [3] GET: Does GET.
    {.name = "GET", .container = "", .group = "string",
     .since = "1.0.0", .arity = 2,
     .flags = cf::readonly | cf::fast,
     .key_specs = get_keys,
     .request = request_policy::none, .response = response_policy::none,
     .nondeterministic_output = false, .cacheable = true, .idempotent = false},""")
        self.assertIn("""\
constexpr key_spec get_keys[] = {
    {.flags = kf::ro | kf::access,
     .begin = begin::index, .index = 1,
     .find = find::range, .lastkey = 0, .keystep = 1, .limit = 0},
};
""", self.source)

    def test_container_and_subcommand(self):
        self.assertIn('{.name = "CLIENT", .container = "", .group = "connection",',
                      row(self.source, "CLIENT"))
        kill = row(self.source, "CLIENT KILL")
        self.assertIn('{.name = "CLIENT KILL", .container = "CLIENT", .group = "connection",',
                      kill)
        self.assertIn('.since = "2.4.0", .arity = -3,', kill)
        self.assertIn(".flags = cf::admin | cf::noscript | cf::loading | cf::stale | "
                      "cf::sentinel,", kill)
        self.assertIn(".key_specs = {},", kill)

    def test_policies_tips_and_marks(self):
        flushall = row(self.source, "FLUSHALL")
        self.assertIn(".request = request_policy::all_shards, "
                      ".response = response_policy::all_succeeded,", flushall)
        self.assertIn(".nondeterministic_output = false, .cacheable = false, "
                      ".idempotent = true}", flushall)
        randomkey = row(self.source, "RANDOMKEY")
        self.assertIn("response_policy::special", randomkey)
        self.assertIn(".nondeterministic_output = true,", randomkey)

    def test_no_since_is_empty(self):
        self.assertIn('.since = "", .arity = -2,', row(self.source, "JSON.GET"))
        self.assertIn("constexpr key_spec json_get_keys[] = {", self.source)

    def test_key_spec_kinds(self):
        self.assertIn("""\
constexpr key_spec xread_keys[] = {
    {.flags = kf::ro | kf::access,
     .begin = begin::keyword, .keyword = "STREAMS", .startfrom = 1,
     .find = find::range, .lastkey = -1, .keystep = 1, .limit = 2},
};""", self.source)
        self.assertIn("""\
constexpr key_spec zunionstore_keys[] = {
    {.flags = kf::ow | kf::update,
     .begin = begin::index, .index = 1,
     .find = find::range, .lastkey = 0, .keystep = 1, .limit = 0},
    {.flags = kf::ro | kf::access,
     .begin = begin::index, .index = 2,
     .find = find::keynum, .keystep = 1, .keynumidx = 0, .firstkey = 1},
};""", self.source)
        self.assertIn("""\
    {.flags = kf::ro | kf::access | kf::incomplete,
     .begin = begin::unknown,
     .find = find::unknown},""", self.source)
        self.assertIn(".flags = cf::write | cf::denyoom | cf::movable_keys,",
                      row(self.source, "SORT"))

    def test_rows_header(self):
        self.assertIn("inline constexpr std::size_t command_count = 9;", self.header)
        self.assertIn("extern const command_info command_rows[command_count];", self.header)
        self.assertIn("namespace valkey::detail {", self.header)
        self.assertTrue(self.header.startswith(common.HEADER))

    def test_table_source_shape(self):
        self.assertTrue(self.source.startswith(common.HEADER))
        self.assertIn("constinit const command_info command_rows[command_count] = {",
                      self.source)
        self.assertIn("std::span<const command_info> command_table() noexcept "
                      "{ return detail::command_rows; }", self.source)


class Flags(unittest.TestCase):
    def test_every_runtime_bit_is_mapped_and_nothing_else(self):
        self.assertEqual(set(COMMAND_FLAGS.values()), runtime_enumerators("command_flag"))
        self.assertEqual(set(KEY_FLAGS.values()), runtime_enumerators("key_flag"))

    def test_every_model_spelling_the_runtime_has_is_mapped(self):
        from codegen.load import (COMMAND_FLAGS as MODEL_FLAGS, KEY_SPEC_FLAGS,
                                  REQUEST_POLICIES as MODEL_REQUESTS,
                                  RESPONSE_POLICIES as MODEL_RESPONSES)
        # The two module-API flags the runtime has no bit for are rejected (below).
        self.assertEqual(set(MODEL_FLAGS) - set(COMMAND_FLAGS),
                         {"MODULE_GETKEYS", "MODULE_GETCHANNELS"})
        self.assertEqual(set(KEY_SPEC_FLAGS), set(KEY_FLAGS))
        self.assertEqual(set(MODEL_REQUESTS), set(REQUEST_POLICIES) - {None})
        self.assertEqual(set(MODEL_RESPONSES), set(RESPONSE_POLICIES) - {None})

    def test_trailing_underscore_spellings(self):
        model = Model((cmd("X", flags=("PROTECTED",),
                           key_specs=(index_range(1, 0, flags=("RM", "DELETE")),)),))
        source, _ = emitted(model)
        self.assertIn(".flags = cf::protected_,", source)
        self.assertIn("{.flags = kf::rm | kf::delete_,", source)

    def test_unknown_flag_fails_naming_file_and_field(self):
        model = Model((cmd("FT.SEARCH", flags=("READONLY", "MODULE_GETKEYS")),))
        with self.assertRaises(SpecError) as e:
            emitted(model)
        self.assertEqual(str(e.exception),
                         'spec/valkey/ft.search.json: ["FT.SEARCH"].command_flags[1]: flag '
                         "'MODULE_GETKEYS' has no bit in valkey::command_flag "
                         "(runtime/include/valkey/command_info.hpp); add one there and to "
                         "codegen/emit/table.py")

    def test_unknown_key_flag_fails(self):
        model = Model((cmd("X", key_specs=(index_range(1, 0, flags=("RO", "SHINY")),)),))
        with self.assertRaises(SpecError) as e:
            emitted(model)
        self.assertIn("X.key_specs[0].flags[1]: flag 'SHINY' has no bit in valkey::key_flag",
                      str(e.exception))

    def test_long_flag_lists_wrap_under_100_columns(self):
        flags = ("ADMIN", "NOSCRIPT", "LOADING", "STALE", "SENTINEL", "NO_MULTI", "ALLOW_BUSY")
        source, _ = emitted(Model((cmd("SENTINEL SIMULATE-FAILURE", flags=flags),
                                   cmd("SENTINEL", is_container=True))))
        self.assertIn("""\
     .flags = cf::admin | cf::noscript | cf::loading | cf::stale | cf::sentinel | cf::no_multi
            | cf::allow_busy,""", source)
        self.assertEqual([line for line in source.splitlines() if len(line) > 100], [])


class Errors(unittest.TestCase):
    def test_names_find_command_cannot_find(self):
        for name in ("get", "CLIENT  KILL", "A B C"):
            with self.subTest(name=name), self.assertRaises(SpecError) as e:
                emitted(Model((cmd(name),)))
            self.assertIn("find_command() needs upper-case ASCII", str(e.exception))

    def test_a_summary_ending_in_a_backslash_does_not_splice_the_next_line(self):
        source, _ = emitted(Model((cmd("GET", summary="Ends in a \\"),)))
        self.assertIn("    // [0] GET: Ends in a \\//\n    {.name", source)


class Files(unittest.TestCase):
    def test_returns_both_paths_and_rewrites_only_changes(self):
        with tempfile.TemporaryDirectory() as out:
            out = pathlib.Path(out)
            files = emit_table(MODEL, out)
            self.assertEqual(files, [out / "include/valkey/detail/command_rows.hpp",
                                     out / "src/command_table.cpp"])
            stamps = [f.stat().st_mtime_ns for f in files]
            time.sleep(0.01)
            emit_table(MODEL, out)
            self.assertEqual([f.stat().st_mtime_ns for f in files], stamps)


class RealTree(unittest.TestCase):
    def test_whole_spec(self):
        model = codegen.build(SPEC_ROOT)
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            files = emit_table(model, pathlib.Path(out))
            elapsed = time.perf_counter() - started
            source = files[1].read_text(encoding="utf-8")
        self.assertLess(elapsed, 1.0)
        self.assertEqual(len(re.findall(r"^    // \[\d+\] ", source, re.M)),
                         len(model.commands))
        self.assertEqual(source.count("{.flags = "),
                         sum(len(c.key_specs) for c in model.commands))
        self.assertIn('{.name = "GET", .container = "", .group = "string",', source)


if __name__ == "__main__":
    unittest.main()
