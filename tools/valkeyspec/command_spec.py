"""From a live server's COMMAND DOCS + COMMAND INFO to Valkey's per-command JSON files.

The target is the format of Valkey's `src/commands/*.json`: one file per command or
subcommand, `{"NAME": {...}}`, with the keys in the order the upstream files mostly use.
What the server does not report (reply_schema, function, get_keys_function) is absent;
everything else is rebuilt, undoing the server's own rewrites:

- flags, doc flags, key-spec flags and tips come back lowercase; the files use uppercase
- groups are spelled "sorted-set"; the files use C-identifier style "sorted_set"
- ACL categories come back with the categories implied by the flags added; the files
  list only the explicit ones
- the SENTINEL / ONLY_SENTINEL flags are never reported; they follow from which commands
  a sentinel-mode server has (see merge_servers)
- "display_text" is always reported (defaulting to the name); the files have "display"
  only where it differs
- argument "flags" become the booleans optional / multiple / multiple_token
- key specs use {"type": ..., "spec": {...}} where the files use {type: {...}}
"""

from __future__ import annotations

import dataclasses
import logging

from .resp_client import RespClient, ServerError


log = logging.getLogger(__name__)


class SpecError(Exception):
    pass


COMMAND_KEY_ORDER = (
    "summary", "complexity", "group", "since", "arity", "container", "history",
    "deprecated_since", "replaced_by", "doc_flags", "command_flags", "acl_categories",
    "command_tips", "key_specs", "arguments",
)
ARGUMENT_KEY_ORDER = (
    "name", "display", "type", "token", "key_spec_index", "optional", "multiple",
    "multiple_token", "since", "deprecated_since", "summary", "arguments",
)
KEY_SPEC_KEY_ORDER = ("notes", "flags", "begin_search", "find_keys")

# Reported by COMMAND INFO but not a flag of the file format: the server derives it
# from the key specs and the key-extraction function.
DERIVED_COMMAND_FLAGS = {"MOVABLEKEYS"}

# COMMAND DOCS fields handled outside the generic copy.
_DOC_FIELDS_HANDLED = {"subcommands", "arguments", "doc_flags", "history", "module"}
_ARGUMENT_FIELDS_HANDLED = {"display_text", "flags", "arguments"}


@dataclasses.dataclass
class RawCommand:
    """One command or subcommand as a server reports it."""

    name: str        # lowercase, "client|kill" for a subcommand
    docs: dict       # its COMMAND DOCS map, without "subcommands"
    info: list       # its COMMAND INFO array, without the subcommands element

    @property
    def is_module_command(self) -> bool:
        return "module" in self.docs


def read_commands(client: RespClient) -> dict[str, RawCommand]:
    """Every command and subcommand the server has, by full lowercase name."""
    try:
        docs = client.command("COMMAND", "DOCS")
        infos = client.command("COMMAND", "INFO")
    except ServerError as e:
        if "unknown" in e.message.lower():
            raise SpecError(f"{client.endpoint}: the server has no COMMAND DOCS "
                            f"(Valkey 7.2+ or Redis 7.0+ is needed): {e.message}") from None
        raise SpecError(f"{client.endpoint}: COMMAND DOCS/INFO failed: {e.message}") from None
    if not isinstance(docs, dict) or not isinstance(infos, list):
        raise SpecError(f"{client.endpoint}: unexpected COMMAND DOCS/INFO reply shape "
                        f"(is the connection RESP3?)")
    commands: dict[str, RawCommand] = {}
    _flatten(docs, infos, commands)
    return commands


def _flatten(docs: dict, infos: list, out: dict[str, RawCommand]) -> None:
    for info in infos:
        if info is None:
            continue
        name = info[0].lower()
        doc = docs.get(name)
        if doc is None:
            raise SpecError(f"COMMAND INFO lists {name!r} but COMMAND DOCS does not")
        out[name] = RawCommand(name, {k: v for k, v in doc.items() if k != "subcommands"},
                               info[:9])
        if len(info) > 9 and info[9]:
            _flatten(doc.get("subcommands") or {}, info[9], out)


def merge_servers(standalone: dict[str, RawCommand],
                  sentinel: dict[str, RawCommand]) -> dict[str, dict]:
    """The spec files of both servers: {file name: file content}.

    A sentinel-mode server keeps exactly the commands flagged SENTINEL or ONLY_SENTINEL,
    and a standalone server drops the ONLY_SENTINEL ones, so the two command lists give
    back both flags. Commands on both servers are taken from the standalone one.
    """
    files = {}
    module_commands = 0
    for name in sorted(standalone.keys() | sentinel.keys()):
        raw = standalone.get(name) or sentinel[name]
        if raw.is_module_command:
            module_commands += 1  # spec/valkey/ holds core commands only
            continue
        extra_flags = []
        if name in sentinel:
            extra_flags.append("SENTINEL")
        if name not in standalone:
            extra_flags.append("ONLY_SENTINEL")
        files[file_name(name)] = to_spec(raw, extra_flags)
    if module_commands:
        log.warning("%d module command(s) left out: spec/valkey/ holds core commands only",
                    module_commands)
    return files


def file_name(name: str) -> str:
    """"client|kill" -> "client-kill.json", as Valkey names its files."""
    return name.replace("|", "-") + ".json"


def to_spec(raw: RawCommand, extra_flags: list[str] = ()) -> dict:
    """One command in the file format: {"KILL": {..., "container": "CLIENT", ...}}."""
    container, _, own_name = raw.name.rpartition("|")
    _, arity, flags, _first, _last, _step, categories, tips, key_specs = raw.info
    docs = raw.docs

    command_flags = [f.upper() for f in flags if f.upper() not in DERIVED_COMMAND_FLAGS]
    command_flags += [f for f in extra_flags if f not in command_flags]
    categories = [c.lstrip("@").upper() for c in categories]

    fields = {key: value for key, value in docs.items() if key not in _DOC_FIELDS_HANDLED}
    fields.update({
        "group": docs["group"].replace("-", "_") if "group" in docs else None,
        "arity": arity,
        "container": container.upper() or None,
        "history": [list(entry) for entry in docs.get("history") or []] or None,
        "doc_flags": [f.upper() for f in docs.get("doc_flags") or []] or None,
        "command_flags": command_flags or None,
        "acl_categories": explicit_acl_categories(command_flags, categories) or None,
        "command_tips": [t.upper() for t in tips] or None,
        "key_specs": [_key_spec(ks, raw.name) for ks in key_specs] or None,
        "arguments": [_argument(a, raw.name) for a in docs.get("arguments") or []] or None,
    })
    fields = {k: v for k, v in fields.items() if v is not None}
    return {own_name.upper(): _ordered(fields, COMMAND_KEY_ORDER, raw.name)}


def explicit_acl_categories(command_flags: list[str], categories: list[str]) -> list[str]:
    """The categories a file lists: those the server did not add on its own.

    The server adds WRITE, READ, ADMIN + DANGEROUS, PUBSUB, FAST and BLOCKING for the
    matching flags (READ not for scripting commands), and SLOW to every command that
    is not FAST.
    """
    flags = set(command_flags)
    implied = {"SLOW"} if "FAST" not in categories else set()
    if "WRITE" in flags:
        implied.add("WRITE")
    if "READONLY" in flags and "SCRIPTING" not in categories:
        implied.add("READ")
    if "ADMIN" in flags:
        implied |= {"ADMIN", "DANGEROUS"}
    for flag in ("PUBSUB", "FAST", "BLOCKING"):
        if flag in flags:
            implied.add(flag)
    return [c for c in categories if c not in implied]


def _key_spec(spec: dict, command: str) -> dict:
    fields = dict(spec)
    fields["flags"] = [f.upper() for f in spec.get("flags") or []]
    fields["begin_search"] = _key_spec_step(spec["begin_search"], _BEGIN_SEARCH, command)
    fields["find_keys"] = _key_spec_step(spec["find_keys"], _FIND_KEYS, command)
    return _ordered(fields, KEY_SPEC_KEY_ORDER, command)


# For each key-spec step type: the file's name for each field the server reports.
_BEGIN_SEARCH = {
    "index": {"index": "pos"},
    "keyword": {"keyword": "keyword", "startfrom": "startfrom"},
    "unknown": {},
}
_FIND_KEYS = {
    "range": {"lastkey": "lastkey", "keystep": "step", "limit": "limit"},
    "keynum": {"keynumidx": "keynumidx", "firstkey": "firstkey", "keystep": "step"},
    "unknown": {},
}


def _key_spec_step(step: dict, renames: dict[str, dict[str, str]], command: str) -> dict:
    kind, spec = step["type"], step.get("spec") or {}
    if kind not in renames or set(spec) != set(renames[kind]):
        raise SpecError(f"{command}: unsupported key spec step {step!r}")
    if kind == "unknown":
        return {"unknown": None}
    return {kind: {renames[kind][key]: spec[key] for key in renames[kind]}}


def _argument(arg: dict, command: str) -> dict:
    fields = {key: value for key, value in arg.items() if key not in _ARGUMENT_FIELDS_HANDLED}
    display = arg.get("display_text")
    if display is not None and display != arg["name"]:
        fields["display"] = display
    for flag in arg.get("flags") or []:
        fields[flag] = True  # optional, multiple, multiple_token
    if arg.get("arguments"):
        fields["arguments"] = [_argument(a, command) for a in arg["arguments"]]
    return _ordered(fields, ARGUMENT_KEY_ORDER, f"{command} argument {arg['name']}")


def _ordered(fields: dict, order: tuple[str, ...], where: str) -> dict:
    """The fields in the files' key order; fields this tool does not know yet (a newer
    server) are kept, after the known ones, with a warning."""
    unknown = [key for key in fields if key not in order]
    if unknown:
        log.warning("%s: unknown field(s) %s copied as reported", where, ", ".join(unknown))
    return {key: fields[key] for key in (*[k for k in order if k in fields], *unknown)}
