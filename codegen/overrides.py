"""spec/overrides/*.json: reading them strictly and merging them onto the commands.

Reading checks each file on its own (keys, value types, type grammar, structs); merging
checks each entry against its command (argument paths exist and fit). Every problem is
reported with the file and the JSON path, all of them in one run. Commands without an
override get a type derived from their reply_schema when the spec has one.
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

from . import names, schema, types
from .errors import Collector, JsonPath, SpecError
from .jsonfile import Fields, describe, read_json
from .model import ARG_TYPES, Argument, Command, Model, Struct, StructField, Variant
from .types import Type

STRUCT_SHAPES = ("array", "map")
STRUCTS_KEY = "$types"


@dataclasses.dataclass(frozen=True)
class CommandOverride:
    file: str
    command: str                     # the key: "CLIENT KILL"
    reply: Type
    reason: str | None = None
    exclude: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    args: tuple[tuple[str, str], ...] = ()  # (path, ARG_TYPES key)
    name: str | None = None
    cacheable: bool = False
    idempotent: bool = False
    decoder: str | None = None


@dataclasses.dataclass(frozen=True)
class Overrides:
    commands: dict[str, CommandOverride]
    structs: dict[str, Struct]
    files: tuple[str, ...] = ()


def load_overrides(directory: Path) -> Overrides:
    """Every override file in the folder; SpecErrors listing every problem."""
    errors = Collector()
    commands: dict[str, CommandOverride] = {}
    structs: dict[str, Struct] = {}
    type_uses: list[tuple[str, JsonPath, Type]] = []  # checked once all structs are known
    if not Path(directory).is_dir():
        raise SpecError(directory, (), "no such folder")
    files = sorted(Path(directory).glob("*.json"))
    for file in files:
        data = errors.run(read_json, file)
        if data is None:
            continue
        if not isinstance(data, dict):
            errors.add(file, (), "expected an object of command names, got " + describe(data))
            continue
        for key, body in data.items():
            if key == STRUCTS_KEY:
                for struct in errors.run(_structs, Fields(body, str(file), (key,)),
                                         type_uses) or ():
                    if struct.name in structs:
                        errors.add(file, (key, struct.name),
                                   f"struct already defined in {structs[struct.name].file}")
                    structs[struct.name] = struct
                continue
            override = errors.run(_command_override, str(file), key, body, type_uses)
            if override is None:
                continue
            if key in commands:
                errors.add(file, (key,), f"{key} is also overridden in {commands[key].file}")
            commands[key] = override
    for file, path, t in type_uses:
        errors.run(_check_structs_exist, file, path, t, structs)
    errors.run(_check_struct_cycles, structs)
    errors.raise_if_any()
    return Overrides(commands, structs, tuple(str(f) for f in files))


def _parse_type(f: Fields, key: str, type_uses: list) -> Type | None:
    text = f.get(key, str, required=(key == "reply"))
    if text is None:
        return None
    try:
        t = types.parse(text)
    except types.GrammarError as e:
        raise f.error(f"bad reply type: {e}", key) from None
    type_uses.append((f.file, (*f.path, key), t))
    return t


def _check_structs_exist(file: str, path: JsonPath, t: Type, structs: dict) -> None:
    for name in sorted(t.structs()):
        if name not in structs:
            known = [*types.SCALARS, *types.GENERICS, *structs]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise SpecError(file, path, f"unknown type '{name}' (neither a builtin nor a "
                                        f"{STRUCTS_KEY} struct){hint}")


def _check_struct_cycles(structs: dict[str, Struct]) -> None:
    """A struct may hold itself (or a struct that holds it) only as vector<itself>:
    std::vector is the one standard container that accepts an incomplete type, which a
    struct is inside its own definition."""
    def needs_complete(t: Type):
        if t.is_struct:
            yield t.name
        elif not (t.name == "vector" and t.args[0].is_struct):
            for arg in t.args:
                yield from needs_complete(arg)

    def visit(name: str, trail: tuple[str, ...]):
        if name in trail:
            cycle = " -> ".join((*trail[trail.index(name):], name))
            struct = structs[name]
            raise SpecError(struct.file, (STRUCTS_KEY, name),
                            f"contains itself ({cycle}) other than as vector<{name}>")
        for field in structs[name].fields if name in structs else ():
            for inner in needs_complete(field.type):
                visit(inner, (*trail, name))

    for name in structs:
        visit(name, ())


def _structs(f: Fields, type_uses: list) -> list[Struct]:
    out = []
    for name in f.data:
        s = f.fields(name, required=True)
        if not names.is_lower_snake(name) or name in types.SCALARS or name in types.GENERICS:
            raise s.error("a struct name is lower_snake_case and not a builtin type name")
        shape = s.get("shape", str, required=True)
        if shape not in STRUCT_SHAPES:
            raise s.error(f"unknown shape '{shape}' (known: {', '.join(STRUCT_SHAPES)})",
                          "shape")
        doc = s.get("doc", str)
        fields = s.get("fields", list, required=True)
        if not fields:
            raise s.error("a struct has fields", "fields")
        struct_fields: list[StructField] = []
        for index, field in enumerate(fields):
            if not (isinstance(field, list) and len(field) == 2
                    and all(isinstance(x, str) for x in field)):
                raise s.error(f"expected [name, type], got {describe(field)}", "fields", index)
            wire, text = field
            cpp = names.lower_snake(wire)
            clash = next((x for x in struct_fields if x.cpp_name == cpp), None)
            if clash:
                raise s.error(f"field '{wire}' has the same C++ name {cpp} as "
                              f"'{clash.wire_name}'", "fields", index, 0)
            try:
                t = types.parse(text)
            except types.GrammarError as e:
                raise s.error(f"bad field type: {e}", "fields", index, 1) from None
            type_uses.append((f.file, (*s.path, "fields", index, 1), t))
            struct_fields.append(StructField(wire, cpp, t))
        s.done()
        out.append(Struct(name, shape, tuple(struct_fields), doc, f.file))
    return out


def _command_override(file: str, key: str, body, type_uses: list) -> CommandOverride:
    f = Fields(body, file, (key,))
    if key != key.upper() or key != " ".join(key.split()):
        raise f.error(f"command names are upper case, words separated by one space: "
                      f"'{' '.join(key.upper().split())}'")
    reply = _parse_type(f, "reply", type_uses)
    reason = _reason(f, reply)
    variants = f.fields("variants")
    variants = tuple(_variant(variants, name, type_uses) for name in variants.data) \
        if variants else ()
    arg_types = tuple(f.get("args", dict, default={}).items())
    for path, value in arg_types:
        if value not in ARG_TYPES:
            raise f.error(f"unknown argument type {_quoted(value)} (known: "
                          f"{', '.join(ARG_TYPES)})", "args", path)
    name = f.get("name", str)
    if name is not None and not names.is_lower_snake(name):
        raise f.error(f"'{name}' is not a lower_snake_case name (nor a C++ keyword)", "name")
    decoder = f.get("decoder", str)
    if decoder is not None and not names.is_lower_snake(decoder):
        raise f.error(f"'{decoder}' is not a lower_snake_case decoder name", "decoder")
    override = CommandOverride(
        file=file, command=key, reply=reply, reason=reason, exclude=_paths(f, "exclude"),
        variants=variants, args=arg_types, name=name,
        cacheable=f.get("cacheable", bool, default=False),
        idempotent=f.get("idempotent", bool, default=False), decoder=decoder)
    f.done()
    return override


def _variant(variants: Fields, name: str, type_uses: list) -> Variant:
    v = variants.fields(name, required=True)
    if not names.is_lower_snake(name):
        raise v.error("a variant's key is its method name: lower_snake_case, no C++ keyword")
    reply = _parse_type(v, "reply", type_uses)
    fixed = tuple(v.get("fix", dict, default={}).items())
    for path, value in fixed:
        if value is not True and not isinstance(value, str):
            raise v.error(f"expected true (a pure token) or a oneof branch name, got "
                          f"{describe(value)}", "fix", path)
    variant = Variant(name, reply, _reason(v, reply), fixed, _paths(v, "require"),
                      _paths(v, "exclude"))
    v.done()
    if not (variant.fix or variant.require or variant.exclude):
        raise v.error("a variant fixes, requires or excludes some argument")
    return variant


def _reason(f: Fields, reply: Type) -> str | None:
    reason = f.get("reason", str)
    if reply.is_reply and not reason:
        raise f.error("a Reply type needs a reason: why no specific type fits", "reply")
    if reason is not None and not reply.contains_reply():
        raise f.error(f"a reason is only for a reply that is or holds Reply; this one is "
                      f"'{reply}'", "reason")
    return reason


def _paths(f: Fields, key: str) -> tuple[str, ...]:
    paths = f.strings(key)
    for index, path in enumerate(paths):
        if path in paths[:index]:
            raise f.error(f"'{path}' is listed twice", key, index)
    return tuple(paths)


def _quoted(value) -> str:
    return f"'{value}'" if isinstance(value, str) else describe(value)


# --- merging -------------------------------------------------------------------------

def apply(commands: tuple[Command, ...], overrides: Overrides) -> Model:
    """The model with every override merged and, where none, reply_schema derived."""
    errors = Collector()
    by_name = {c.name: c for c in commands}
    for key, override in overrides.commands.items():
        command = by_name.get(key)
        if command is None or not command.is_callable:
            close = difflib.get_close_matches(key, [c.name for c in commands if c.is_callable],
                                              n=1)
            what = "a container of subcommands, not callable" if command else "no such command"
            hint = f"; did you mean '{close[0]}'?" if close and not command else ""
            errors.add(override.file, (key,), f"{what}{hint}")
    errors.raise_if_any()

    merged = []
    for command in commands:
        override = overrides.commands.get(command.name)
        if override is not None:
            command = errors.run(_merge, command, override) or command
        elif command.reply_schema is not None and command.is_callable:
            derived = schema.derive(command.reply_schema,
                                    command.tips.nondeterministic_output_order)
            command = dataclasses.replace(command, reply=derived.type, reason=derived.reason,
                                          reply_source="reply_schema")
        merged.append(command)
    errors.raise_if_any()
    return Model(tuple(merged), tuple(overrides.structs[n] for n in sorted(overrides.structs)))


def _merge(command: Command, o: CommandOverride) -> Command:
    where = (o.command,)
    _check_exclude(command, o, where + ("exclude",), o.exclude)
    for v in o.variants:
        _check_variant(command, o, where + ("variants", v.name), v)
    arg_types = {}
    for path, arg_type in o.args:
        argument = _argument(command, o, where + ("args", path), path)
        if argument.type not in ARG_TYPES[arg_type]:
            raise SpecError(o.file, where + ("args", path),
                            f"'{arg_type}' is for {' or '.join(ARG_TYPES[arg_type])} "
                            f"arguments; '{path}' is {argument.type}")
        arg_types[path] = arg_type
    merged = dataclasses.replace(
        command, reply=o.reply, reason=o.reason, reply_source="override",
        method=o.name or command.method, exclude=o.exclude, variants=o.variants,
        cacheable=o.cacheable, idempotent=o.idempotent, decoder=o.decoder,
        override_file=o.file, arguments=_with_arg_types(command.arguments, arg_types))
    _check_nothing_required_dropped(merged, o)
    if o.cacheable:
        _check_cacheable(command, o)
    if o.idempotent and "READONLY" in command.flags:
        raise SpecError(o.file, where + ("idempotent",),
                        "idempotent marks writes; a READONLY command is retry-safe anyway")
    return merged


def _with_arg_types(arguments: tuple[Argument, ...], arg_types: dict) -> tuple[Argument, ...]:
    return tuple(dataclasses.replace(a, arg_type=arg_types.get(a.path),
                                     children=_with_arg_types(a.children, arg_types))
                 for a in arguments) if arg_types else arguments


def _check_nothing_required_dropped(command: Command, o: CommandOverride) -> None:
    """The base method drops what any variant fixes or requires; that must still leave
    a valid command (not so when variants decide on every branch of a required oneof)."""
    base = command.methods[0]
    for path in sorted(base.dropped):
        outermost = not any(path.startswith(d + ".") for d in base.dropped)
        if outermost and not _is_choice(command, command.argument(path)):
            raise SpecError(o.file, (o.command, "variants"), f"the base method would leave "
                            f"out the required '{path}', which variants fix or require")


def _check_cacheable(command: Command, o: CommandOverride) -> None:
    problem = ("it is not READONLY" if "READONLY" not in command.flags else
               "its output is nondeterministic" if command.tips.nondeterministic_output else
               "it has no keys to invalidate it by" if not command.key_specs else None)
    if problem:
        raise SpecError(o.file, (o.command, "cacheable"), f"cannot be cached: {problem}")


def _argument(command: Command, o: CommandOverride, where: JsonPath, path: str) -> Argument:
    argument = command.argument(path)
    if argument is None:
        top = ", ".join(a.name for a in command.arguments) or "none"
        raise SpecError(o.file, where, f"{command.name} has no argument '{path}' "
                                       f"(paths join names with dots; top level: {top})")
    return argument


def _ancestors(command: Command, path: str) -> list[Argument]:
    parts = path.split(".")
    return [command.argument(".".join(parts[:i])) for i in range(1, len(parts))]


def _is_choice(command: Command, argument: Argument) -> bool:
    """Whether a valid command may leave the argument out: it is optional or one branch
    of a oneof. (A required part of an optional block is no choice: the block needs it.)"""
    parent = _ancestors(command, argument.path)[-1:]
    return argument.optional or bool(parent and parent[0].type == "oneof")


def _check_exclude(command: Command, o: CommandOverride, where: JsonPath, paths) -> None:
    for index, path in enumerate(paths):
        argument = _argument(command, o, (*where, index), path)
        if not _is_choice(command, argument):
            raise SpecError(o.file, (*where, index),
                            f"'{path}' is required by the command; it cannot be left out")


def _check_variant(command: Command, o: CommandOverride, where: JsonPath, v: Variant) -> None:
    if v.name == (o.name or command.method):
        raise SpecError(o.file, where, "a variant needs a name other than the base method's")
    _check_exclude(command, o, (*where, "exclude"), v.exclude)
    decided = {}  # path -> what the variant does to it, to find contradictions
    for path, value in v.fix:
        argument = _argument(command, o, (*where, "fix", path), path)
        _check_fix(command, o, (*where, "fix", path), argument, value)
        decided[path] = "fixes"
    for index, path in enumerate(v.require):
        argument = _argument(command, o, (*where, "require", index), path)
        if not _is_choice(command, argument):
            raise SpecError(o.file, (*where, "require", index),
                            f"'{path}' is required already")
        _check_not_repeated(command, o, (*where, "require", index), argument, itself=False)
        if path in decided:
            raise SpecError(o.file, (*where, "require", index),
                            f"'{path}' is both fixed and required")
        decided[path] = "requires"
    for index, path in enumerate(v.exclude):
        for other, verb in decided.items():
            if other == path or other.startswith(path + "."):
                raise SpecError(o.file, (*where, "exclude", index),
                                f"the variant {verb} '{other}' and excludes '{path}'")


def _check_fix(command: Command, o: CommandOverride, where: JsonPath, argument: Argument,
               value) -> None:
    _check_not_repeated(command, o, where, argument)
    if argument.is_pure_token:
        if value is not True:
            raise SpecError(o.file, where, "a pure token is fixed to true")
    elif argument.type == "oneof":
        branch = next((c for c in argument.children if c.name == value), None)
        if branch is None:
            raise SpecError(o.file, where, f"'{argument.path}' has no branch '{value}' "
                            f"(branches: {', '.join(c.name for c in argument.children)})")
        if not branch.is_pure_token:
            raise SpecError(o.file, where, f"branch '{value}' takes a value; fix only picks "
                            f"pure-token branches (use require: ['{branch.path}'])")
    else:
        raise SpecError(o.file, where, f"only pure tokens and oneofs can be fixed; "
                        f"'{argument.path}' is {argument.type}")


def _check_not_repeated(command: Command, o: CommandOverride, where: JsonPath,
                        argument: Argument, itself: bool = True) -> None:
    """A variant decides an argument once; inside a repeated one it would be per element.
    (A repeated argument itself may be required, not fixed.)"""
    inside = [a for a in _ancestors(command, argument.path) if a.multiple]
    if inside:
        raise SpecError(o.file, where, f"'{argument.path}' is inside the repeated argument "
                        f"'{inside[0].path}'; a variant cannot decide it for all elements")
    if itself and argument.multiple:
        raise SpecError(o.file, where, f"'{argument.path}' is a repeated argument; only a "
                        f"single one can be fixed")
