"""The command table: generated/src/command_table.cpp and detail/command_rows.hpp.

One constant-initialised `valkey::command_info` row per command of the model (containers
too), in table_order(): sorted by name, as find_command()'s binary search expects. A
builder points at its row as `&valkey::detail::command_rows[i]`, i = row_index()[name].
"""

from __future__ import annotations

import pathlib
import re

from ..errors import SpecError
from . import common

ROWS_HEADER = pathlib.Path("include/valkey/detail/command_rows.hpp")
TABLE_SOURCE = pathlib.Path("src/command_table.cpp")

# Model spellings (load.py's canonical names) -> members of valkey::command_flag,
# valkey::key_flag, valkey::request_policy, valkey::response_policy
# (runtime/include/valkey/command_info.hpp). A name missing here is an error, never a
# silently dropped bit.
COMMAND_FLAGS = {
    "WRITE": "write", "READONLY": "readonly", "DENYOOM": "denyoom", "MODULE": "module",
    "ADMIN": "admin", "PUBSUB": "pubsub", "NOSCRIPT": "noscript", "BLOCKING": "blocking",
    "LOADING": "loading", "STALE": "stale", "SKIP_MONITOR": "skip_monitor",
    "SKIP_SLOWLOG": "skip_slowlog", "ASKING": "asking", "FAST": "fast", "NO_AUTH": "no_auth",
    "MAY_REPLICATE": "may_replicate", "SENTINEL": "sentinel",
    "ONLY_SENTINEL": "only_sentinel", "NO_MANDATORY_KEYS": "no_mandatory_keys",
    "PROTECTED": "protected_", "MODULE_NO_CLUSTER": "module_no_cluster",
    "NO_ASYNC_LOADING": "no_async_loading", "NO_MULTI": "no_multi",
    "MOVABLE_KEYS": "movable_keys", "ALLOW_BUSY": "allow_busy",
    "TOUCHES_ARBITRARY_KEYS": "touches_arbitrary_keys",
}
KEY_FLAGS = {
    "RO": "ro", "RW": "rw", "OW": "ow", "RM": "rm", "ACCESS": "access", "UPDATE": "update",
    "INSERT": "insert", "DELETE": "delete_", "NOT_KEY": "not_key",
    "INCOMPLETE": "incomplete", "VARIABLE_FLAGS": "variable_flags",
}
REQUEST_POLICIES = {
    None: "none", "ALL_NODES": "all_nodes", "ALL_SHARDS": "all_shards",
    "MULTI_SHARD": "multi_shard", "SPECIAL": "special",
}
RESPONSE_POLICIES = {
    None: "none", "ONE_SUCCEEDED": "one_succeeded", "ALL_SUCCEEDED": "all_succeeded",
    "AGG_LOGICAL_AND": "agg_logical_and", "AGG_LOGICAL_OR": "agg_logical_or",
    "AGG_MIN": "agg_min", "AGG_MAX": "agg_max", "AGG_SUM": "agg_sum", "SPECIAL": "special",
}

# What find_command() can find: it upper-cases ASCII letters only and compares bytes.
_TABLE_NAME = re.compile(r"[A-Z0-9][A-Z0-9_.|:-]*( [A-Z0-9_.|:-]+)?")


def emit_table(model, out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Writes the table source and the rows header under `out_dir` (generated/); returns
    both paths. SpecError for what the runtime cannot represent (an unknown flag)."""
    out_dir = pathlib.Path(out_dir)
    rows = table_rows(model)
    files = {
        ROWS_HEADER: common.render("command_rows.hpp.j2", header=common.HEADER,
                                   count=len(rows)),
        TABLE_SOURCE: common.render("command_table.cpp.j2", header=common.HEADER, rows=rows,
                                    count=len(rows)),
    }
    for relative, text in files.items():
        common.write_if_changed(out_dir / relative, text)
    return [out_dir / relative for relative in files]


def table_rows(model) -> list[dict]:
    """What the template needs per row, every value already C++ text."""
    commands = common.table_order(model)
    names = [c.name for c in commands]
    if len(set(names)) != len(names):
        raise ValueError("command table: duplicate command names")
    key_arrays = _key_array_names(commands)
    return [_row(index, command, key_arrays[command.name])
            for index, command in enumerate(commands)]


def _row(index: int, command, key_array: str) -> dict:
    own = command.name.split(" ")[-1]
    if not _TABLE_NAME.fullmatch(command.name):
        raise SpecError(command.file, (own,), f"'{command.name}' cannot be a table row: "
                        "find_command() needs upper-case ASCII, at most one space")
    return {
        "index": index,
        "comment": common.doc_lines(f"[{index}] {command.name}: {command.summary}",
                                    prefix="    // "),
        "name": common.cpp_string(command.name),
        "container": common.cpp_string(command.container),
        "group": common.cpp_string(command.group),
        "since": common.cpp_string(command.since),
        "arity": str(command.arity),
        "flags": _wrap(_bits("cf", command.flags, COMMAND_FLAGS, command.file,
                             (own, "command_flags"), "valkey::command_flag"),
                       indent=len("     .flags = ")),
        "key_array": key_array,
        "key_specs": [_key_spec(command, own, i, spec)
                      for i, spec in enumerate(command.key_specs)],
        "request": _policy(REQUEST_POLICIES, command.tips.request_policy, command, own),
        "response": _policy(RESPONSE_POLICIES, command.tips.response_policy, command, own),
        "nondeterministic_output": _bool(command.tips.nondeterministic_output),
        "cacheable": _bool(command.cacheable),
        "idempotent": _bool(command.idempotent),
    }


def _key_array_names(commands) -> dict[str, str | None]:
    """`<method>_keys` for each command with key specs (row index added on a clash)."""
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for index, command in enumerate(commands):
        if not command.key_specs:
            out[command.name] = None
            continue
        name = f"{command.method}_keys"
        if name in taken:
            name = f"{command.method}_{index}_keys"
        taken.add(name)
        out[command.name] = name
    return out


def _key_spec(command, own: str, index: int, spec) -> dict[str, str]:
    """A valkey::key_spec as three parts of a designated initializer, members in
    declaration order (as C++20 requires): "flags = ...", "begin = ..., index = 1" and
    "find = ..., lastkey = 0, ...", each with the fields of its kind only."""
    where = (own, "key_specs", index)
    flags = _bits("kf", spec.flags, KEY_FLAGS, command.file, (*where, "flags"),
                  "valkey::key_flag")
    begin, find = spec.begin_search, spec.find_keys
    if begin.kind == "index":
        begin_parts = ["begin = begin::index", f"index = {begin.index}"]
    elif begin.kind == "keyword":
        begin_parts = ["begin = begin::keyword", f"keyword = {common.cpp_string(begin.keyword)}",
                       f"startfrom = {begin.startfrom}"]
    elif begin.kind == "unknown":
        begin_parts = ["begin = begin::unknown"]
    else:
        raise SpecError(command.file, (*where, "begin_search"),
                        f"unknown begin_search kind '{begin.kind}'")
    if find.kind == "range":
        find_parts = ["find = find::range", f"lastkey = {find.lastkey}",
                      f"keystep = {find.step}", f"limit = {find.limit}"]
    elif find.kind == "keynum":
        find_parts = ["find = find::keynum", f"keystep = {find.step}",
                      f"keynumidx = {find.keynumidx}", f"firstkey = {find.firstkey}"]
    elif find.kind == "unknown":
        find_parts = ["find = find::unknown"]
    else:
        raise SpecError(command.file, (*where, "find_keys"),
                        f"unknown find_keys kind '{find.kind}'")
    return {"flags": f".flags = {flags}", "begin": ", ".join("." + p for p in begin_parts),
            "find": ", ".join("." + p for p in find_parts)}


def _bits(alias: str, names, known: dict[str, str], file, path, where: str) -> str:
    bits = []
    for index, name in enumerate(names):
        if name not in known:
            raise SpecError(file, (*path, index), f"flag '{name}' has no bit in {where} "
                            "(runtime/include/valkey/command_info.hpp); add one there and "
                            "to codegen/emit/table.py")
        bits.append(f"{alias}::{known[name]}")
    return " | ".join(bits) or "0"


def _wrap(bits: str, indent: int, width: int = 100) -> str:
    """`a | b | c` broken before a `|` where a line would pass `width` (the first line
    starting at column `indent`, the others aligned under it)."""
    lines = [""]
    for bit in bits.split(" | "):
        if lines[-1] and indent + len(lines[-1]) + len(" | " + bit) + 1 > width:
            lines.append("")
        lines[-1] += (" | " if lines[-1] else "") + bit
    return ("\n" + " " * (indent - 2) + "| ").join(lines)


def _policy(known: dict, value: str | None, command, own: str) -> str:
    if value not in known:
        raise SpecError(command.file, (own, "command_tips"),
                        f"policy '{value}' has no valkey:: policy value")
    return known[value]


def _bool(value: bool) -> str:
    return "true" if value else "false"
