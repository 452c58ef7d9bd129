"""The normalised command model the templates read.

Everything is a frozen dataclass: load.py builds the spec side, overrides.py returns
copies with the override side filled in (dataclasses.replace), nothing mutates later.
Spellings are normalised on the way in (see load.py), so two sources that say the same
thing give equal objects: flags in canonical order, tokens upper case, names lower case.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Iterator

from .types import Type

# Spec argument types, and what the templates group them into.
ARGUMENT_TYPES = ("key", "string", "pattern", "integer", "double", "unix-time",
                  "pure-token", "oneof", "block")
CONTAINER_TYPES = ("oneof", "block")

# `args` override values -> the spec types they may be put on.
ARG_TYPES = {
    "seconds": ("integer", "double"),
    "milliseconds": ("integer", "double"),
    "seconds_double": ("double",),
    "unix_seconds": ("unix-time", "integer"),
    "unix_milliseconds": ("unix-time", "integer"),
    "double": ("integer",),  # the spec says integer, the server parses a float
    "string": ("double", "integer"),  # bounds like "(1.5" or "+inf" (ZCOUNT's min/max)
}


@dataclasses.dataclass(frozen=True)
class Argument:
    name: str                     # the spec's, lower case: "unix-time-seconds"
    path: str                     # names joined by dots: "expiration.unix-time-seconds"
    type: str                     # one of ARGUMENT_TYPES
    cpp_name: str                 # "unix_time_seconds"; keywords fixed: "and_"
    display: str                  # how docs show it; the name unless the spec says
    token: str | None = None      # upper case; "" is the empty argument (MIGRATE)
    optional: bool = False
    multiple: bool = False
    multiple_token: bool = False  # the token repeats before every element
    since: str | None = None
    deprecated_since: str | None = None
    summary: str | None = None
    key_spec_index: int | None = None  # also on SORT's BY/GET patterns (not keys)
    children: tuple[Argument, ...] = ()
    arg_type: str | None = None   # from overrides `args`: a key of ARG_TYPES

    @property
    def is_key(self) -> bool:
        return self.type == "key"

    @property
    def is_pure_token(self) -> bool:
        return self.type == "pure-token"

    @property
    def is_container(self) -> bool:
        return self.type in CONTAINER_TYPES

    @property
    def is_enum(self) -> bool:
        """A oneof whose branches are all pure tokens: an enum class in C++."""
        return self.type == "oneof" and all(c.is_pure_token for c in self.children)

    def walk(self) -> Iterator[Argument]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclasses.dataclass(frozen=True)
class BeginSearch:
    kind: str                       # "index", "keyword" or "unknown"
    index: int | None = None        # kind index: the argv position ("pos")
    keyword: str | None = None      # kind keyword
    startfrom: int | None = None    # kind keyword: where the search starts; < 0 from the end


@dataclasses.dataclass(frozen=True)
class FindKeys:
    kind: str                       # "range", "keynum" or "unknown"
    lastkey: int | None = None      # range: relative to begin; -1 = the last argument
    limit: int | None = None        # range: with lastkey -1, only 1/limit of the rest
    keynumidx: int | None = None    # keynum: where the key count is, relative to begin
    firstkey: int | None = None     # keynum: first key, relative to begin
    step: int | None = None         # range and keynum


@dataclasses.dataclass(frozen=True)
class KeySpec:
    flags: tuple[str, ...]          # canonical order, see load.KEY_SPEC_FLAGS
    begin_search: BeginSearch
    find_keys: FindKeys
    notes: str | None = None


@dataclasses.dataclass(frozen=True)
class Tips:
    request_policy: str | None = None     # "ALL_SHARDS", "ALL_NODES", "MULTI_SHARD", "SPECIAL"
    response_policy: str | None = None    # "ALL_SUCCEEDED", "AGG_SUM", ...
    nondeterministic_output: bool = False
    nondeterministic_output_order: bool = False


@dataclasses.dataclass(frozen=True)
class Variant:
    """An extra method whose reply type depends on arguments (overrides `variants`)."""

    name: str                              # the method name: "set_get"
    reply: Type
    reason: str | None = None
    fix: tuple[tuple[str, object], ...] = ()  # (path, True | oneof branch name)
    require: tuple[str, ...] = ()          # optional arguments made parameters
    exclude: tuple[str, ...] = ()

    def touched(self) -> set[str]:
        """What the variant decides on, so the base method must drop it."""
        return {path for path, _ in self.fix} | set(self.require)


@dataclasses.dataclass(frozen=True)
class Method:
    """One generated method: the base one of a command or a variant.

    `fixed` arguments are written with their constant and are no parameter; `required`
    ones are optional in the spec but parameters here (a oneof branch: the oneof is set
    to that branch); `dropped` ones are not written at all, nor anything below them. The
    base method drops what any variant fixes or requires, so its reply type holds."""

    name: str
    reply: Type | None
    reason: str | None
    fixed: tuple[tuple[str, object], ...] = ()
    required: tuple[str, ...] = ()
    dropped: frozenset[str] = frozenset()
    is_variant: bool = False

    def fixed_value(self, path: str):
        """True (a pure token), a oneof branch name, or None when not fixed."""
        return dict(self.fixed).get(path)

    def is_dropped(self, path: str) -> bool:
        return any(path == d or path.startswith(d + ".") for d in self.dropped)

    def is_required(self, path: str) -> bool:
        return path in self.required


@dataclasses.dataclass(frozen=True)
class Command:
    # From the spec file.
    name: str                        # full, upper case: "CLIENT KILL"
    container: str | None            # "CLIENT"
    file: str                        # where it was read, for messages
    group: str                       # "sorted_set", "json"
    summary: str
    arity: int
    method: str                      # lower_snake of the name, or overrides `name`
    complexity: str | None = None
    since: str | None = None
    history: tuple[tuple[str, str], ...] = ()
    deprecated_since: str | None = None
    replaced_by: str | None = None
    doc_flags: tuple[str, ...] = ()      # "DEPRECATED", "SYSCMD"
    flags: tuple[str, ...] = ()          # command flags, canonical (bit) order
    acl_categories: tuple[str, ...] = ()  # as the file lists them (explicit ones), sorted
    tips: Tips = Tips()
    key_specs: tuple[KeySpec, ...] = ()
    arguments: tuple[Argument, ...] = ()
    reply_schema: dict | None = dataclasses.field(default=None, compare=False)
    is_container: bool = False       # has subcommands: kept for docs (see is_callable)

    # From spec/overrides/ (or derived from reply_schema).
    reply: Type | None = None
    reason: str | None = None
    reply_source: str | None = None  # "override", "reply_schema" or None (missing)
    exclude: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    cacheable: bool = False
    idempotent: bool = False
    decoder: str | None = None
    override_file: str | None = None

    @property
    def is_callable(self) -> bool:
        """Containers need a subcommand, except those whose arity lets the name stand
        alone (COMMAND, arity -1: every command's info)."""
        return not self.is_container or self.arity in (1, -1)

    @property
    def deprecated(self) -> bool:
        return self.deprecated_since is not None or "DEPRECATED" in self.doc_flags

    @property
    def words(self) -> tuple[str, ...]:
        """What is sent before the arguments: ("CLIENT", "KILL")."""
        return tuple(self.name.split(" "))

    def walk(self) -> Iterator[Argument]:
        for argument in self.arguments:
            yield from argument.walk()

    def argument(self, path: str) -> Argument | None:
        return next((a for a in self.walk() if a.path == path), None)

    @property
    def methods(self) -> tuple[Method, ...]:
        """The base method, then the variants; empty when not callable."""
        if not self.is_callable:
            return ()
        touched = set().union(*(v.touched() for v in self.variants))
        base = Method(self.method, self.reply, self.reason,
                      dropped=self._dropped(set(self.exclude) | touched))
        return (base, *(Method(v.name, v.reply, v.reason, v.fix, v.require,
                               self._dropped(set(v.exclude)), True) for v in self.variants))

    def _dropped(self, paths: set[str]) -> frozenset[str]:
        """`paths` plus every oneof all of whose branches are in it (nothing left to send)."""
        for argument in reversed(list(self.walk())):  # children before parents
            if argument.type == "oneof" and all(c.path in paths for c in argument.children):
                paths.add(argument.path)
        return frozenset(paths)


@dataclasses.dataclass(frozen=True)
class StructField:
    wire_name: str                   # map shape: the key in the reply; array: the name
    cpp_name: str
    type: Type


@dataclasses.dataclass(frozen=True)
class Struct:
    """A reply struct from a "$types" object: valkey::reply::<name>."""

    name: str
    shape: str                       # "array" (positional) or "map" (by wire name)
    fields: tuple[StructField, ...]
    doc: str | None = None
    file: str | None = None


@dataclasses.dataclass(frozen=True)
class Model:
    commands: tuple[Command, ...]    # sorted by name, containers included
    structs: tuple[Struct, ...] = ()  # sorted by name

    @functools.cached_property
    def by_name(self) -> dict[str, Command]:
        return {c.name: c for c in self.commands}

    def command(self, name: str) -> Command | None:
        return self.by_name.get(name)

    @property
    def callable_commands(self) -> tuple[Command, ...]:
        return tuple(c for c in self.commands if c.is_callable)

    def groups(self) -> dict[str, tuple[Command, ...]]:
        """Callable commands by group, groups sorted by name."""
        return by_group(self.callable_commands)


def by_group(commands) -> dict[str, tuple[Command, ...]]:
    out: dict[str, list[Command]] = {}
    for command in commands:
        out.setdefault(command.group, []).append(command)
    return {g: tuple(out[g]) for g in sorted(out)}
