"""Reading command spec files into the model.

Two sources give the same model: the files tools/spec-dump writes from a live server
(spec/valkey/) and Valkey's upstream src/commands/*.json. Their known differences and
quirks are normalised here (tests/spec/README.md lists the differences):

- `"multiple": "true"` (a string, client-capa.json): booleans may be "true"/"false"
- MIGRATE's empty-string token: upstream `"\\"\\""` (how docs show it), dumped `""`;
  both become "" (an empty argument)
- a pure-token without `token` (SENTINEL SIMULATE-FAILURE): the token is the name,
  upper-cased
- tokens: upper case (the server reports them so; Valkey matches them either way);
  argument names: lower case (override paths must not depend on the source)
- `display` equal to the name is the same as no display
- flags, doc flags, key-spec flags, tips in any case; ACL categories with or without
  `@`; all sets, kept in one canonical order; group "sorted-set" = "sorted_set"
- `key_spec_index` on a non-key argument (SORT's BY/GET patterns) is kept, but the
  argument stays what its type says (Argument.is_key is for type key only)

What the server cannot report (reply_schema, function, get_keys_function, the
PROTECTED / MAY_REPLICATE / TOUCHES_ARBITRARY_KEYS flags) is kept when present, not
invented when absent. Anything malformed raises SpecError naming file and JSON path.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable

from . import names
from .errors import Collector, SpecError
from .jsonfile import Fields, describe, read_json
from .model import (ARGUMENT_TYPES, CONTAINER_TYPES, Argument, BeginSearch, Command,
                    FindKeys, KeySpec, Tips)

# Canonical orders (the server's bit order), also the lists of known values.
COMMAND_FLAGS = (
    "WRITE", "READONLY", "DENYOOM", "MODULE", "ADMIN", "PUBSUB", "NOSCRIPT", "BLOCKING",
    "LOADING", "STALE", "SKIP_MONITOR", "SKIP_SLOWLOG", "ASKING", "FAST", "NO_AUTH",
    "MAY_REPLICATE", "SENTINEL", "ONLY_SENTINEL", "NO_MANDATORY_KEYS", "PROTECTED",
    "MODULE_GETKEYS", "MODULE_NO_CLUSTER", "NO_ASYNC_LOADING", "NO_MULTI", "MOVABLE_KEYS",
    "ALLOW_BUSY", "MODULE_GETCHANNELS", "TOUCHES_ARBITRARY_KEYS")
DOC_FLAGS = ("DEPRECATED", "SYSCMD")
KEY_SPEC_FLAGS = ("RO", "RW", "OW", "RM", "ACCESS", "UPDATE", "INSERT", "DELETE",
                  "NOT_KEY", "INCOMPLETE", "VARIABLE_FLAGS")
REQUEST_POLICIES = ("ALL_NODES", "ALL_SHARDS", "MULTI_SHARD", "SPECIAL")
RESPONSE_POLICIES = ("ONE_SUCCEEDED", "ALL_SUCCEEDED", "AGG_LOGICAL_AND", "AGG_LOGICAL_OR",
                     "AGG_MIN", "AGG_MAX", "AGG_SUM", "SPECIAL")

UPSTREAM_EMPTY_TOKEN = '""'


def spec_dirs(spec_root: Path) -> list[Path]:
    """spec/valkey, then spec/modules/<m>/ for each module folder present."""
    modules = spec_root / "modules"
    found = sorted(p for p in modules.iterdir() if p.is_dir()) if modules.is_dir() else []
    return [spec_root / "valkey", *found]


def load_commands(dirs: Iterable[Path]) -> tuple[Command, ...]:
    """Every command in the folders' *.json files, sorted by name, containers marked.

    Raises SpecErrors with every problem of every file."""
    errors = Collector()
    commands: dict[str, Command] = {}
    for directory in dirs:
        if not Path(directory).is_dir():
            errors.add(directory, (), "no such folder")
            continue
        files = sorted(Path(directory).glob("*.json"))
        if not files:
            errors.add(directory, (), "no *.json spec files")
        for file in files:
            command = errors.run(load_file, file)
            if command is None:
                continue
            if command.name in commands:
                errors.add(file, (), f"{command.name} is also defined by "
                                     f"{commands[command.name].file}")
                continue
            commands[command.name] = command
    errors.raise_if_any()

    containers = {c.container for c in commands.values() if c.container}
    for command in commands.values():
        if command.container and command.container not in commands:
            errors.add(command.file, (command.name.split(" ")[-1], "container"),
                       f"no spec file defines the container command {command.container}")
    errors.raise_if_any()
    return tuple(replace(c, is_container=True) if c.name in containers else c
                 for _, c in sorted(commands.items()))


def load_file(file: Path) -> Command:
    data = read_json(file)
    if not isinstance(data, dict) or len(data) != 1:
        raise SpecError(file, (), "expected one object with one key, the command name; got "
                        + describe(data))
    (key, body), = data.items()
    command = _command(Fields(body, str(file), (key,)), key)
    expected = command.name.lower().replace(" ", "-") + ".json"
    if Path(file).name != expected:
        raise SpecError(file, (), f"defines {command.name}, so it should be named {expected}")
    return command


def _command(f: Fields, key: str) -> Command:
    container = f.get("container", str)
    own_name = key.upper()
    if not own_name or any(c.isspace() for c in own_name):
        raise f.error("a command name is one word")
    name = f"{container.upper()} {own_name}" if container else own_name
    key_specs = tuple(_key_spec(Fields(spec, f.file, (*f.path, "key_specs", index)))
                      for index, spec in enumerate(f.get("key_specs", list, default=[])))
    arguments = _arguments(f, "arguments", "", len(key_specs))
    since = f.get("since", str)
    module_since = f.get("module_since", str)  # the module repositories' spelling
    history = tuple(_history(f))
    command = Command(
        name=name,
        container=container.upper() if container else None,
        file=f.file,
        group=f.get("group", str, required=True).lower().replace("-", "_"),
        summary=f.get("summary", str, required=True),
        arity=_arity(f),
        method=names.lower_snake(name),
        complexity=f.get("complexity", str),
        since=since or module_since,
        history=history,
        deprecated_since=f.get("deprecated_since", str),
        replaced_by=f.get("replaced_by", str),
        doc_flags=_flag_set(f, "doc_flags", DOC_FLAGS),
        flags=_flag_set(f, "command_flags", COMMAND_FLAGS),
        acl_categories=_acl_categories(f),
        tips=_tips(f),
        key_specs=key_specs,
        arguments=arguments,
        reply_schema=f.get("reply_schema", dict),
    )
    f.skip("function", "get_keys_function")  # the C implementation's, not ours
    f.done()
    return command


def _arity(f: Fields) -> int:
    arity = f.get("arity", int, required=True)
    if arity == 0:
        raise f.error("arity 0 means no command; it is n (exactly n) or -n (n or more), "
                      "counting the command name", "arity")
    return arity


def _history(f: Fields):
    for index, entry in enumerate(f.get("history", list, default=[])):
        if not (isinstance(entry, list) and len(entry) == 2
                and all(isinstance(e, str) for e in entry)):
            raise f.error(f"expected [version, text], got {describe(entry)}", "history", index)
        yield tuple(entry)


def _flag_set(f: Fields, key: str, known: tuple[str, ...]) -> tuple[str, ...]:
    values = {v.upper(): i for i, v in enumerate(f.strings(key))}
    for value, index in values.items():
        if value not in known:
            raise f.error(f"unknown {key[:-1].replace('_', ' ')} '{f.data[key][index]}' "
                          f"(known: {', '.join(known)})", key, index)
    return tuple(k for k in known if k in values)


def _acl_categories(f: Fields) -> tuple[str, ...]:
    categories = set()
    for index, value in enumerate(f.strings("acl_categories")):
        category = value.removeprefix("@").upper()
        if not category.replace("_", "").isalnum():
            raise f.error(f"bad ACL category '{value}'", "acl_categories", index)
        categories.add(category)
    return tuple(sorted(categories))


def _tips(f: Fields) -> Tips:
    fields: dict[str, object] = {}
    for index, raw in enumerate(f.strings("command_tips")):
        tip = raw.upper()
        kind, _, value = tip.partition(":")
        policies = {"REQUEST_POLICY": REQUEST_POLICIES,
                    "RESPONSE_POLICY": RESPONSE_POLICIES}.get(kind)
        if policies is not None and value in policies:
            fields[kind.lower()] = value
        elif tip in ("NONDETERMINISTIC_OUTPUT", "NONDETERMINISTIC_OUTPUT_ORDER"):
            fields[tip.lower()] = True
        else:
            raise f.error(f"unknown command tip '{raw}'", "command_tips", index)
    return Tips(**fields)


def _key_spec(f: Fields) -> KeySpec:
    flags = _flag_set(f, "flags", KEY_SPEC_FLAGS)
    begin_kind, begin = _one_of(f, "begin_search", ("index", "keyword", "unknown"))
    find_kind, find = _one_of(f, "find_keys", ("range", "keynum", "unknown"))
    if begin_kind == "index":
        begin_search = BeginSearch("index", index=begin.get("pos", int, required=True))
    elif begin_kind == "keyword":
        begin_search = BeginSearch("keyword", keyword=begin.get("keyword", str, required=True),
                                   startfrom=begin.get("startfrom", int, required=True))
    else:
        begin_search = BeginSearch("unknown")
    if find_kind == "range":
        find_keys = FindKeys("range", lastkey=find.get("lastkey", int, required=True),
                             step=find.get("step", int, required=True),
                             limit=find.get("limit", int, required=True))
    elif find_kind == "keynum":
        find_keys = FindKeys("keynum", keynumidx=find.get("keynumidx", int, required=True),
                             firstkey=find.get("firstkey", int, required=True),
                             step=find.get("step", int, required=True))
    else:
        find_keys = FindKeys("unknown")
    for sub in (begin, find):
        if sub is not None:
            sub.done()
    spec = KeySpec(flags, begin_search, find_keys, notes=f.get("notes", str))
    f.done()
    return spec


def _one_of(f: Fields, key: str, kinds: tuple[str, ...]) -> tuple[str, Fields | None]:
    """A key-spec step: {"<kind>": {...}} with exactly one kind; `unknown` holds null."""
    step = f.fields(key, required=True)
    present = [k for k in step.data]
    if len(present) != 1 or present[0] not in kinds:
        raise step.error(f"expected exactly one of {', '.join(kinds)}; got "
                         f"{', '.join(present) or 'none'}")
    kind = present[0]
    step.skip(kind)
    if kind == "unknown":
        if step.data[kind] not in (None, {}):
            raise step.error(f"expected null, got {describe(step.data[kind])}", kind)
        return kind, None
    return kind, step.fields(kind, required=True)


def _arguments(f: Fields, key: str, parent: str, key_spec_count: int) -> tuple[Argument, ...]:
    out: list[Argument] = []
    for index, data in enumerate(f.get(key, list, default=[])):
        argument = _argument(Fields(data, f.file, (*f.path, key, index)), parent,
                             key_spec_count)
        clash = next((a for a in out if argument.cpp_name == a.cpp_name), None)
        if clash is not None:
            what = "name" if clash.name == argument.name else f"C++ name {clash.cpp_name}"
            raise f.error(f"argument '{argument.name}' has the same {what} as "
                          f"'{clash.name}'", key, index, "name")
        out.append(argument)
    return tuple(out)


def _argument(f: Fields, parent: str, key_spec_count: int) -> Argument:
    name = f.get("name", str, required=True).lower()
    if not name or "." in name:
        raise f.error("an argument name is not empty and has no '.' (paths use dots)", "name")
    kind = f.get("type", str, required=True)
    if kind not in ARGUMENT_TYPES:
        raise f.error(f"unknown argument type '{kind}' (known: {', '.join(ARGUMENT_TYPES)})",
                      "type")
    path = f"{parent}.{name}" if parent else name
    children = _arguments(f, "arguments", path, key_spec_count)
    if (kind in CONTAINER_TYPES) != bool(children):
        raise f.error(f"a {kind} argument needs sub-arguments" if kind in CONTAINER_TYPES
                      else f"a {kind} argument has no sub-arguments", "arguments")
    key_spec_index = f.get("key_spec_index", int)
    if key_spec_index is not None and not 0 <= key_spec_index < key_spec_count:
        has = f"{key_spec_count} key specs" if key_spec_count else "no key_specs"
        raise f.error(f"no key spec {key_spec_index} (the command has {has})",
                      "key_spec_index")
    if kind == "key" and key_spec_index is None:
        raise f.error("a key argument needs key_spec_index (cluster routing uses it)")
    multiple, multiple_token = _bool(f, "multiple"), _bool(f, "multiple_token")
    if multiple_token and not multiple:
        raise f.error("multiple_token without multiple", "multiple_token")
    display = f.get("display", str)
    summary = f.get("summary", str)
    description = f.get("description", str)  # the module repositories' spelling
    argument = Argument(
        name=name, path=path, type=kind, cpp_name=names.lower_snake(name),
        display=display or name, token=_token(f, kind, name),
        optional=_bool(f, "optional"), multiple=multiple, multiple_token=multiple_token,
        since=f.get("since", str), deprecated_since=f.get("deprecated_since", str),
        summary=summary or description, key_spec_index=key_spec_index, children=children)
    f.done()
    return argument


def _token(f: Fields, kind: str, name: str) -> str | None:
    token = f.get("token", str)
    if token == UPSTREAM_EMPTY_TOKEN:
        return ""
    if token is None and kind == "pure-token":
        return name.upper()
    return token.upper() if token is not None else None


def _bool(f: Fields, key: str) -> bool:
    value = f.data.get(key, False)
    f.skip(key)
    if value in ("true", "false"):  # client-capa.json upstream: "multiple": "true"
        return value == "true"
    if not isinstance(value, bool):
        raise f.error(f"expected a boolean, got {describe(value)}", key)
    return value
