"""codegen/emit/structs.py: replies.hpp for small hand-built models (struct text, field
tables, dependency order with recursion, includes, errors), compiled when a C++ compiler
is at hand, and the real tree's structs."""

import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from support import REPO, SPEC_ROOT

import codegen
from codegen.emit import common
from codegen.emit.structs import emit_structs, holds_itself, render_structs, struct_order
from codegen.errors import SpecError
from codegen.model import Model, Struct, StructField
from codegen.names import lower_snake
from codegen.types import parse


def struct(name: str, shape: str, *fields, doc: str | None = None) -> Struct:
    """fields: (wire name, type text) pairs; C++ names as overrides.py makes them."""
    return Struct(name, shape, tuple(StructField(w, lower_snake(w), parse(t)) for w, t in fields),
                  doc, f"spec/overrides/{name}.json")


def model(*structs: Struct) -> Model:
    return Model((), tuple(sorted(structs, key=lambda s: s.name)))


def order(*structs: Struct) -> list[str]:
    return [s.name for s in struct_order(model(*structs))]


STREAM_ENTRY = struct("stream_entry", "array", ("id", "string"),
                      ("fields", "pairs<string,string>"), doc="One stream entry.")
STREAM_INFO = struct("stream_info", "map", ("length", "int"), ("radix-tree-keys", "int"),
                     ("first-entry", "optional<stream_entry>"),
                     ("last-entry", "optional<stream_entry>"), doc="XINFO STREAM.")
DOC_ARG = struct("doc_arg", "map", ("name", "string"), ("flags", "set<string>"),
                 ("arguments", "vector<doc_arg>"))
# Mutual recursion through vectors, and a struct that needs one of them complete.
TREE_A = struct("tree_a", "array", ("b", "vector<tree_b>"), ("weight", "double"))
TREE_B = struct("tree_b", "array", ("a", "vector<tree_a>"), ("ok", "ok"))
FOREST = struct("forest", "map", ("root", "optional<tree_a>"),
                ("by-name", "map<string,tree_b>"), ("tagged", "pair<int,tree_b>"),
                ("parts", "tuple<bool,tree_a,string>"))


class Text(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = render_structs(model(STREAM_INFO, STREAM_ENTRY))

    def test_struct(self):
        self.assertIn("""\
/// XINFO STREAM.
struct stream_info {
  std::int64_t length{};
  std::int64_t radix_tree_keys{};
  std::optional<valkey::reply::stream_entry> first_entry{};
  std::optional<valkey::reply::stream_entry> last_entry{};

  friend bool operator==(const stream_info&, const stream_info&) = default;
};
""", self.text)

    def test_field_table_uses_wire_names(self):
        self.assertIn("""\
template <>
struct valkey::resp::record_traits<valkey::reply::stream_info> {
  static constexpr record_shape shape = record_shape::map;
  static constexpr auto fields = std::make_tuple(
      field{"length", &valkey::reply::stream_info::length},
      field{"radix-tree-keys", &valkey::reply::stream_info::radix_tree_keys},
      field{"first-entry", &valkey::reply::stream_info::first_entry},
      field{"last-entry", &valkey::reply::stream_info::last_entry});
};
""", self.text)
        self.assertIn("struct valkey::resp::record_traits<valkey::reply::stream_entry> {\n"
                      "  static constexpr record_shape shape = record_shape::array;", self.text)

    def test_dependencies_first_and_listed_in_all_structs(self):
        self.assertLess(self.text.index("struct stream_entry {"),
                        self.text.index("struct stream_info {"))
        self.assertIn("using all_structs = std::tuple<\n    stream_entry,\n    stream_info\n"
                      "    >;", self.text)

    def test_no_forward_declarations_or_recursion_marks_without_recursion(self):
        self.assertNotIn("struct stream_entry;", self.text)
        self.assertNotIn("holds_itself", self.text)

    def test_includes_follow_the_types_used(self):
        includes = re.findall(r"^#include (\S+)$", self.text, re.M)
        self.assertEqual(includes, ["<cstdint>", "<optional>", "<string>", "<tuple>",
                                    "<utility>", "<vector>", '"valkey/resp/record.hpp"'])
        small = render_structs(model(struct("t", "array", ("x", "int"))))
        self.assertEqual(re.findall(r"^#include (\S+)$", small, re.M),
                         ["<cstdint>", "<tuple>", '"valkey/resp/record.hpp"'])
        project = render_structs(model(struct("t", "array", ("x", "ok"), ("y", "Reply"))))
        self.assertIn('#include "valkey/resp/adapter.hpp"\n#include "valkey/resp/record.hpp"\n'
                      '#include "valkey/resp/reply.hpp"\n', project)

    def test_generated_header(self):
        self.assertTrue(self.text.startswith(common.HEADER))
        self.assertIn("#pragma once\n", self.text)

    def test_long_lines_wrap(self):
        name = "stream_full_consumer_pending_entry"
        wire = "a-long-field-name-from-the-server"
        text = render_structs(model(struct(name, "map", (wire, "int"),
                                           doc="word " * 60)))
        self.assertIn(f"""\
  friend bool operator==(const {name}&,
                         const {name}&) = default;""", text)
        self.assertIn(f"""\
      field{{"{wire}",
            &valkey::reply::{name}::a_long_field_name_from_the_server}});""", text)
        self.assertEqual([line for line in text.splitlines() if len(line) > 100], [])
        self.assertEqual(len(re.findall(r"^/// word", text, re.M)), 4)


class Order(unittest.TestCase):
    def test_held_structs_come_first(self):
        self.assertEqual(order(STREAM_INFO, STREAM_ENTRY), ["stream_entry", "stream_info"])

    def test_self_recursion_through_a_vector(self):
        self.assertEqual(order(DOC_ARG), ["doc_arg"])
        text = render_structs(model(DOC_ARG))
        self.assertIn("struct doc_arg;\n", text)
        self.assertIn("  std::vector<valkey::reply::doc_arg> arguments{};\n", text)
        self.assertIn("template <>\nstruct valkey::resp::holds_itself<valkey::reply::doc_arg> "
                      ": std::true_type {};\n", text)
        self.assertIn("#include <type_traits>\n", text)

    def test_mutual_recursion_and_a_struct_needing_both_complete(self):
        names = order(TREE_A, TREE_B, FOREST)
        self.assertEqual(names, ["tree_b", "tree_a", "forest"])
        self.assertEqual(holds_itself(struct_order(model(TREE_A, TREE_B, FOREST))),
                         ["tree_a", "tree_b"])
        text = render_structs(model(TREE_A, TREE_B, FOREST))
        self.assertIn("// Held as std::vector<S> before (or inside) their own definition.\n"
                      "struct tree_a;\n\n", text)

    def test_a_cycle_entered_through_a_vector_still_puts_needs_first(self):
        # b holds vector<a> but a needs b complete: b's vector edge must not put a first.
        a = struct("a", "array", ("b", "optional<b>"))
        b = struct("b", "array", ("as", "vector<a>"))
        self.assertEqual(order(a, b), ["b", "a"])
        a2 = struct("a", "array", ("bs", "vector<b>"))
        b2 = struct("b", "array", ("a", "optional<a>"))
        self.assertEqual(order(a2, b2), ["a", "b"])

    def test_deterministic_and_independent_of_input_order(self):
        structs = [TREE_A, TREE_B, FOREST, DOC_ARG, STREAM_INFO, STREAM_ENTRY]
        first = order(*structs)
        self.assertEqual(order(*reversed(structs)), first)

    def test_a_cycle_without_a_vector_is_an_error(self):
        a = struct("a", "array", ("b", "optional<b>"))
        b = struct("b", "array", ("a", "pair<int,a>"))
        with self.assertRaises(SpecError) as e:
            order(a, b)
        self.assertIn("only vector<", str(e.exception))

    def test_unknown_struct_is_an_error(self):
        with self.assertRaises(SpecError) as e:
            order(struct("a", "array", ("b", "vector<nope>")))
        self.assertEqual(str(e.exception),
                         "spec/overrides/a.json: $types.a.fields[0][1]: unknown struct 'nope'")


class MemberNames(unittest.TestCase):
    def fails(self, s: Struct) -> str:
        with self.assertRaises(SpecError) as e:
            render_structs(model(s))
        return str(e.exception)

    def test_keywords_and_macros_are_fixed_by_names_py(self):
        text = render_structs(model(struct("t", "map", ("class", "int"), ("major", "int"),
                                           ("for", "string"))))
        self.assertIn("  std::int64_t class_{};\n  std::int64_t major_{};\n", text)
        self.assertIn('field{"class", &valkey::reply::t::class_}', text)

    def test_bad_member_names(self):
        bad = Struct("t", "map", (StructField("x", "class", parse("int")),), None, "f.json")
        self.assertIn("C++ member name 'class' is not an identifier or is a keyword",
                      self.fails(bad))
        same = struct("count", "map", ("count", "int"))
        self.assertIn("would hide the struct's own name", self.fails(same))
        std = struct("t", "map", ("std", "int"), ("x", "string"))
        self.assertIn("would hide std::", self.fails(std))

    def test_duplicate_names(self):
        cpp = Struct("t", "map", (StructField("a-b", "a_b", parse("int")),
                                  StructField("a_b", "a_b", parse("int"))), None, "f.json")
        self.assertIn("C++ member name 'a_b' is also field 0's", self.fails(cpp))
        wire = Struct("t", "map", (StructField("a", "a", parse("int")),
                                   StructField("a", "a2", parse("int"))), None, "f.json")
        self.assertIn("field name 'a' is also field 0's", self.fails(wire))


def compiler() -> str | None:
    return os.environ.get("CXX") or shutil.which("g++") or shutil.which("clang++")


@unittest.skipIf(compiler() is None, "no C++ compiler")
class Compiles(unittest.TestCase):
    """The emitted header for the recursive models compiles with the runtime, and every
    struct's adapter instantiates (the real tree is compiled by the unit tests)."""

    def test_recursive_models_compile_and_decode(self):
        m = model(STREAM_INFO, STREAM_ENTRY, DOC_ARG, TREE_A, TREE_B, FOREST,
                  struct("everything", "array", ("ok", "ok"), ("s", "status"), ("i", "int"),
                         ("d", "double"), ("b", "bool"), ("r", "Reply"),
                         ("set", "set<string>"), ("map", "map<string,int>"),
                         ("pairs", "pairs<string,double>"), ("t", "tuple<int>"),
                         ("o", "optional<vector<doc_arg>>")))
        with tempfile.TemporaryDirectory() as out:
            out = pathlib.Path(out)
            header, = emit_structs(m, out)
            source = out / "check.cpp"
            source.write_text("""\
#include "valkey/replies.hpp"
#include "valkey/resp/reader.hpp"
#include <string_view>
#include <tuple>
#include <utility>
template <class T>
bool decodes() {
  T value{};
  return valkey::resp::decode(std::string_view("*0\\r\\n"), value).ok() || value == T{};
}
int main() {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return (decodes<std::tuple_element_t<I, valkey::reply::all_structs>>() && ...);
  }(std::make_index_sequence<std::tuple_size_v<valkey::reply::all_structs>>{}) ? 0 : 1;
}
""", encoding="utf-8")
            result = subprocess.run(
                [compiler(), "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                 f"-I{REPO / 'runtime' / 'include'}", f"-I{out / 'include'}", str(source)],
                capture_output=True, text=True, timeout=120)
            self.assertEqual(result.returncode, 0, result.stderr[-4000:])


class RealTree(unittest.TestCase):
    def test_whole_spec(self):
        m = codegen.build(SPEC_ROOT)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            path, = emit_structs(m, pathlib.Path(out))
            text = path.read_text(encoding="utf-8")
        self.assertLess(time.perf_counter() - started, 1.0)
        defined = re.findall(r"^struct (\w+) \{$", text, re.M)
        self.assertEqual(sorted(defined), sorted(s.name for s in m.structs))
        self.assertEqual(defined, [s.name for s in struct_order(m)])
        self.assertEqual(len(re.findall(r"^struct valkey::resp::record_traits<", text, re.M)),
                         len(m.structs))
        self.assertIn("struct valkey::resp::holds_itself<valkey::reply::command_doc_arg>", text)
        self.assertEqual([line for line in text.splitlines() if len(line) > 100], [])


if __name__ == "__main__":
    unittest.main()
