"""The reply structs: generated/include/valkey/replies.hpp.

Every "$types" struct of spec/overrides/ becomes `valkey::reply::<name>`: its fields with
`{}` initializers, a defaulted operator==, and a `valkey::resp::record_traits`
specialisation (shape + field table) that valkey::resp::adapter decodes with
(runtime/include/valkey/resp/record.hpp). Structs come in dependency order: a struct is
defined after every struct it holds, except one it holds as std::vector<that struct>
(std::vector accepts an incomplete type), which is how a struct holds itself. Such
structs are marked with valkey::resp::holds_itself (valkey/resp/adapter.hpp), so that
the adapter of a vector of them keeps its element adapter on the heap.
"""

from __future__ import annotations

import pathlib
import re

from .. import names
from ..errors import SpecError
from ..types import Type
from . import common

REPLIES_HEADER = pathlib.Path("include/valkey/replies.hpp")

STRUCTS_KEY = "$types"

# Standard headers for the generics a field may use (types.GENERICS, C++ spelling).
_GENERIC_HEADERS = {
    "optional": "<optional>", "vector": "<vector>", "set": "<unordered_set>",
    "map": "<unordered_map>", "pairs": ("<utility>", "<vector>"), "pair": "<utility>",
    "tuple": "<tuple>",
}
_SCALAR_HEADERS = {"status": "<string>", "string": "<string>", "int": "<cstdint>"}
_PROJECT_HEADERS = {"ok": '"valkey/resp/adapter.hpp"', "Reply": '"valkey/resp/reply.hpp"'}

# Member names that would change what a later member's type means: the fields' types
# are spelled std::... and valkey::reply::..., looked up from inside the struct.
_RESERVED_MEMBERS = {"std", "valkey"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def emit_structs(model, out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Writes replies.hpp under `out_dir` (generated/); returns its path. SpecError for a
    struct C++ cannot hold (a bad member name, a cycle other than vector<itself>)."""
    path = pathlib.Path(out_dir) / REPLIES_HEADER
    common.write_if_changed(path, render_structs(model))
    return [path]


def render_structs(model) -> str:
    ordered = struct_order(model)
    recursive = holds_itself(ordered)
    return common.render("replies.hpp.j2", header=common.HEADER,
                         includes=_includes(ordered, recursive), forward=_forward(ordered),
                         holds_itself=recursive,
                         structs=[_struct(s) for s in ordered])


def struct_order(model) -> list:
    """model.structs with every struct after those it needs complete (everything it
    holds, except as vector<S> directly); among the rest, after those it holds as vectors
    where a cycle allows. Deterministic: a depth-first walk in name order, the fields of
    each struct in their own order."""
    structs = {s.name: s for s in model.structs}
    for s in model.structs:
        for index, field in enumerate(s.fields):
            for name in sorted(field.type.structs()):
                if name not in structs:
                    raise SpecError(s.file, (STRUCTS_KEY, s.name, "fields", index, 1),
                                    f"unknown struct '{name}'")

    # Following vector edges too puts a struct's vector elements before it where it can;
    # when that breaks a real need (a cycle entered through a vector), strong edges only.
    order = _depth_first(structs, _held)
    if _unmet(structs, order) is not None:
        order = _depth_first(structs, _needs_complete)
    problem = _unmet(structs, order)
    if problem is not None:
        name, index, inner = problem
        raise SpecError(structs[name].file, (STRUCTS_KEY, name, "fields", index, 1),
                        f"'{name}' needs '{inner}' complete, and '{inner}' needs '{name}': "
                        f"only vector<{name}> may close a cycle")
    return [structs[name] for name in order]


def _depth_first(structs: dict, edges) -> list[str]:
    """Post-order of a depth-first walk from each struct in name order, following
    `edges(field type)` in field order; an edge back into the walk is skipped."""
    order: list[str] = []
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in done or name in trail:
            return
        for field in structs[name].fields:
            for inner in edges(field.type):
                visit(inner, (*trail, name))
        done.add(name)
        order.append(name)

    for name in sorted(structs):
        visit(name, ())
    return order


def _unmet(structs: dict, order: list[str]):
    """(struct, field index, struct it needs complete but comes later), or None."""
    position = {name: i for i, name in enumerate(order)}
    for name in order:
        for index, field in enumerate(structs[name].fields):
            for inner in _needs_complete(field.type):
                if position[inner] >= position[name]:
                    return name, index, inner
    return None


def _forward(ordered) -> list[str]:
    """The structs held (as vector<S>) before or inside their own definition: these are
    declared ahead of all definitions. Sorted by name."""
    position = {s.name: i for i, s in enumerate(ordered)}
    return sorted({inner for s in ordered for field in s.fields for inner in _held(field.type)
                   if position[inner] >= position[s.name]})


def holds_itself(structs) -> list[str]:
    """The structs that hold themselves, directly or through others (vector<S> closes
    every such cycle): valkey::resp::holds_itself marks them, so that the adapter of a
    vector of them keeps its element adapter on the heap. Sorted by name."""
    held = {s.name: {inner for f in s.fields for inner in _held(f.type)} for s in structs}

    def reaches(start: str) -> bool:
        seen, pending = set(), list(held[start])
        while pending:
            name = pending.pop()
            if name == start:
                return True
            if name not in seen:
                seen.add(name)
                pending.extend(held[name])
        return False

    return sorted(name for name in held if reaches(name))


def _held(t: Type):
    """The structs inside `t`, outermost first."""
    for inner in t.walk():
        if inner.is_struct:
            yield inner.name


def _needs_complete(t: Type):
    """The structs `t` needs complete: all of them but S in vector<S>."""
    if t.is_struct:
        yield t.name
    elif not (t.name == "vector" and t.args[0].is_struct):
        for arg in t.args:
            yield from _needs_complete(arg)


def _struct(s) -> dict:
    where = (STRUCTS_KEY, s.name)
    if not (_IDENTIFIER.fullmatch(s.name) and names.safe_identifier(s.name) == s.name):
        raise SpecError(s.file, where, f"'{s.name}' is no C++ struct name")
    cpp_names: dict[str, int] = {}
    wire_names: dict[str, int] = {}
    fields = []
    for index, field in enumerate(s.fields):
        at = (*where, "fields", index, 0)
        name = field.cpp_name
        if not _IDENTIFIER.fullmatch(name) or names.safe_identifier(name) != name:
            raise SpecError(s.file, at, f"C++ member name '{name}' is not an identifier or "
                                        "is a keyword or macro")
        if name == s.name or name in _RESERVED_MEMBERS:
            raise SpecError(s.file, at, f"C++ member name '{name}' would hide "
                            + ("the struct's own name" if name == s.name else f"{name}::"))
        if name in cpp_names:
            raise SpecError(s.file, at, f"C++ member name '{name}' is also field "
                                        f"{cpp_names[name]}'s")
        if field.wire_name in wire_names:
            raise SpecError(s.file, at, f"field name '{field.wire_name}' is also field "
                                        f"{wire_names[field.wire_name]}'s")
        cpp_names[name] = wire_names[field.wire_name] = index
        entry = f"field{{{common.cpp_string(field.wire_name)}, "
        member = f"&valkey::reply::{s.name}::{name}}}"
        if len("      " + entry + member + ",") > 100:
            entry = entry.rstrip() + "\n" + " " * len("      field{")
        fields.append({"type": field.type.cpp(), "name": name, "entry": entry + member})
    if s.shape not in ("array", "map"):
        raise SpecError(s.file, (*where, "shape"), f"unknown shape '{s.shape}'")
    equality = f"friend bool operator==(const {s.name}&, const {s.name}&) = default;"
    if len("  " + equality) > 100:
        equality = (f"friend bool operator==(const {s.name}&,\n"
                    f"{' ' * len('  friend bool operator==(')}const {s.name}&) = default;")
    return {"name": s.name, "shape": s.shape, "doc": common.doc_lines(s.doc),
            "fields": fields, "equality": equality}


def _includes(structs, recursive) -> dict[str, list[str]]:
    std: set[str] = {"<tuple>"}  # std::make_tuple in the field tables
    if recursive:
        std.add("<type_traits>")  # std::true_type
    project: set[str] = {'"valkey/resp/record.hpp"'}
    for s in structs:
        for field in s.fields:
            for t in field.type.walk():
                headers = _GENERIC_HEADERS.get(t.name) or _SCALAR_HEADERS.get(t.name) or ()
                std.update((headers,) if isinstance(headers, str) else headers)
                if t.name in _PROJECT_HEADERS:
                    project.add(_PROJECT_HEADERS[t.name])
    return {"std": sorted(std), "project": sorted(project)}
