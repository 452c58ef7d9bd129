#!/usr/bin/env python3
"""Builder test cases from an independent walk of the command specs.

Reads spec/valkey/*.json (and spec/modules/*/*.json when present) and
spec/overrides/*.json with the json module only -- deliberately without importing
codegen/, so that a mistake in the generator is not repeated here -- and derives, for
every callable command and every one of its methods (the base method and the override
`variants`), test cases:

  (a) only the required arguments;
  (b) each optional argument alone, each oneof branch once, each optional member of a
      block once (required arguments at their minimum);
  (c) every repeated argument with 1 and with 3 elements.

Each case is a C++ call of the builder, written in the API's shape (required arguments
as parameters in spec order, then `{.member = ...}` options in declaration order; oneof
values as the global token type `valkey::nx`, `valkey::ex{...}` or the per-method
wrapper `valkey::cmd::<method>_<path>`), and the argv the spec says the call must send:
the command's words, then tokens and values in spec order.

The C++ names of the wrappers and global tokens mirror the rules of
codegen/emit/builders.py (that is the API contract); if they differ, the generated test
does not compile and the error names the mismatch. Everything about *what is sent* is
derived here from the spec alone.

Usage:
  spec_walk.py --spec SPEC_ROOT --out-dir DIR [--shards N]   writes the C++ test files
  spec_walk.py --spec SPEC_ROOT --report                      prints counts and skips
"""

from __future__ import annotations

import argparse
import collections
import copy
import dataclasses
import json
import pathlib
import re
import sys

# --- what the API cannot express ------------------------------------------------------
# Cases left out on purpose, by method name and case label prefix, with the reason.
# Every other case of every callable command's methods is generated and checked.
SKIP: dict[tuple[str, str], str] = {
    # (method, label prefix): reason
}

# Generator bugs this test found and pins until they are fixed: (method, case label) ->
# (the argv the builder sends today, what is wrong). The generated test expects the
# builder's current argv for these cases, so the suite stays green while the bug is
# known, and fails as soon as the builder changes -- then delete the entry, and the
# case is checked against the spec's argv like every other.
KNOWN_BUGS: dict[tuple[str, str], tuple[list[str], str]] = {
}

# Extra cases that give several arguments at once (by the labels of the single-argument
# cases they merge, later ones winning), where only the combination is a command the
# server accepts; the COMMAND GETKEYS test needs them.
COMBOS: dict[str, list[tuple[tuple[str, ...], str]]] = {
    "migrate": [
        (("key-selector=empty-string", "keys[1]"), "KEYS needs \"\" in place of the key"),
        (("key-selector=empty-string", "keys[3]"), "KEYS needs \"\" in place of the key"),
    ],
}

# --- C++ naming rules mirrored from codegen (names.py, emit/builders.py) -------------

CPP_KEYWORDS = frozenset("""
    alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t
    char16_t char32_t class compl concept const consteval constexpr constinit const_cast
    continue co_await co_return co_yield decltype default delete do double dynamic_cast
    else enum explicit export extern false float for friend goto if inline int long
    mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected
    public register reinterpret_cast requires return short signed sizeof static
    static_assert static_cast struct switch template this thread_local throw true try
    typedef typeid typename union unsigned using virtual void volatile wchar_t while xor
    xor_eq
""".split())
MACRO_NAMES = frozenset("assert errno major minor unix linux stdin stdout stderr".split())

# Names in namespace valkey a global token type must not take.
RESERVED = frozenset("""
    Reply Command cmd reply resp detail decoders errc error_category make_error_code
    command_info key_spec command_flag key_flag request_policy response_policy arg_list
    make_command command_table find_command key_positions ok_t ignore test tokens
    is_protocol_error
""".split())

SCALAR_CPP = {"key": "std::string_view", "string": "std::string_view",
              "pattern": "std::string_view", "integer": "std::int64_t", "double": "double",
              "unix-time": "std::int64_t"}
TIME_CPP = {"seconds": "std::chrono::seconds", "milliseconds": "std::chrono::milliseconds",
            "seconds_double": "std::chrono::duration<double>",
            "unix_seconds": "std::chrono::system_clock::time_point",
            "unix_milliseconds": "std::chrono::system_clock::time_point",
            "double": "double", "string": "std::string_view"}


def lower_snake(name: str) -> str:
    snake = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "_"
    if snake[0].isdigit():
        snake = "_" + snake
    return snake + "_" if snake in CPP_KEYWORDS or snake in MACRO_NAMES else snake


# --- the spec, read directly ----------------------------------------------------------

@dataclasses.dataclass
class Arg:
    name: str
    path: str
    type: str
    token: str | None
    optional: bool
    multiple: bool
    multiple_token: bool
    children: list["Arg"]
    arg_type: str | None = None

    @property
    def cpp_name(self) -> str:
        return lower_snake(self.name)

    @property
    def scalar(self) -> bool:
        return self.type in SCALAR_CPP

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclasses.dataclass
class Variant:
    name: str
    fix: dict
    require: list
    exclude: list


@dataclasses.dataclass
class Spec:
    name: str          # "CLIENT KILL"
    group: str
    arity: int
    key_specs: list
    args: list[Arg]
    is_container: bool = False
    method: str = ""
    exclude: list = dataclasses.field(default_factory=list)
    variants: list = dataclasses.field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return self.name.split(" ")

    @property
    def callable(self) -> bool:
        return not self.is_container or self.arity in (1, -1)

    def walk(self):
        for a in self.args:
            yield from a.walk()

    def find(self, path: str) -> Arg | None:
        return next((a for a in self.walk() if a.path == path), None)


def _bool(v) -> bool:
    return v in (True, "true")


def read_arg(data: dict, parent: str) -> Arg:
    name = data["name"].lower()
    path = f"{parent}.{name}" if parent else name
    token = data.get("token")
    if token == '""':            # upstream spelling of MIGRATE's empty argument
        token = ""
    if token is None and data["type"] == "pure-token":
        token = name.upper()
    elif token is not None:
        token = token.upper()
    return Arg(name, path, data["type"], token, _bool(data.get("optional", False)),
               _bool(data.get("multiple", False)), _bool(data.get("multiple_token", False)),
               [read_arg(c, path) for c in data.get("arguments", [])])


def read_specs(root: pathlib.Path) -> dict[str, Spec]:
    dirs = [root / "valkey"]
    if (root / "modules").is_dir():
        dirs += sorted(p for p in (root / "modules").iterdir() if p.is_dir())
    specs: dict[str, Spec] = {}
    for d in dirs:
        for f in sorted(d.glob("*.json")):
            (key, body), = json.loads(f.read_text()).items()
            container = body.get("container")
            name = f"{container.upper()} {key.upper()}" if container else key.upper()
            specs[name] = Spec(name, body["group"].lower().replace("-", "_"), body["arity"],
                               body.get("key_specs", []),
                               [read_arg(a, "") for a in body.get("arguments", [])])
    containers = {n.split(" ")[0] for n in specs if " " in n}
    for s in specs.values():
        s.is_container = s.name in containers
        s.method = lower_snake(s.name)
    for f in sorted((root / "overrides").glob("*.json")):
        for key, body in json.loads(f.read_text()).items():
            if key == "$types" or key not in specs:
                continue
            s = specs[key]
            s.method = body.get("name", s.method)
            s.exclude = list(body.get("exclude", []))
            s.variants = [Variant(n, dict(v.get("fix", {})), list(v.get("require", [])),
                                  list(v.get("exclude", [])))
                          for n, v in body.get("variants", {}).items()]
            for path, arg_type in body.get("args", {}).items():
                s.find(path).arg_type = arg_type
    return dict(sorted(specs.items()))


# --- methods: what each one sends, takes and leaves out -------------------------------

@dataclasses.dataclass
class Method:
    spec: Spec
    name: str
    fixed: dict        # path -> True | branch name
    required: set
    dropped: set

    def is_dropped(self, path: str) -> bool:
        return any(path == d or path.startswith(d + ".") for d in self.dropped)

    def active(self, a: Arg) -> bool:
        return not self.is_dropped(a.path)

    def required_branch(self, a: Arg) -> Arg | None:
        return next((c for c in a.children if c.path in self.required), None)

    def fixed_branch(self, a: Arg) -> Arg | None:
        value = self.fixed.get(a.path)
        if a.type == "oneof" and isinstance(value, str):
            return next(c for c in a.children if c.name == value)
        sole = self.sole_branch(a)
        if sole is not None and sole.type == "pure-token" and not self.optional(a):
            return sole  # one token left in a required choice: always sent
        return None

    def sole_branch(self, a: Arg) -> Arg | None:
        """A oneof reduced to one branch (required, or the only one left active) takes
        that branch's own type: no one-alternative variant."""
        if a.type != "oneof":
            return None
        b = self.required_branch(a)
        if b is not None:
            return b
        live = [c for c in a.children if self.active(c)]
        return live[0] if len(live) == 1 else None

    def optional(self, a: Arg) -> bool:
        if a.path in self.required or (a.type == "oneof" and self.required_branch(a)):
            return False
        return a.optional

    def takes(self, a: Arg) -> bool:
        """The caller gives a value: not fixed, not a pure token that is always sent."""
        if a.path in self.fixed or self.fixed_branch(a) is not None:
            return False
        return not (a.type == "pure-token" and not self.optional(a))

    def spliced(self, a: Arg) -> bool:
        """A block always sent once lends its members to the method's own level
        (hrandfield_count(key, 5)), unless one of their names is taken there."""
        if a.type != "block" or a.multiple or self.optional(a) or not self.active(a):
            return False
        outer = {b.cpp_name for b in self.spec.args if b is not a} | {"options"}
        return not any(c.cpp_name in outer for c in a.children)

    def level(self) -> list:
        """(argument, type scope, spliced parent or None) of the method's own level."""
        out = []
        for a in self.spec.args:
            if self.spliced(a):
                out += [(c, (a.cpp_name,), a) for c in a.children]
            else:
                out.append((a, (), None))
        return out

    def pristine(self, a: Arg) -> bool:
        touched = list(self.fixed) + list(self.required) + list(self.dropped)
        return not any(p == a.path or p.startswith(a.path + ".") for p in touched)


def close_dropped(spec: Spec, paths: set) -> set:
    """Adds every oneof all of whose branches are left out."""
    paths = set(paths)
    for a in reversed(list(spec.walk())):
        if a.type == "oneof" and all(c.path in paths for c in a.children):
            paths.add(a.path)
    return paths


def methods_of(spec: Spec) -> list[Method]:
    """The base method and the variants, as the overrides README defines them."""
    if not spec.callable:
        return []
    touched = set()
    for v in spec.variants:
        touched |= set(v.fix) | set(v.require)
    out = [Method(spec, spec.method, {}, set(), close_dropped(spec, set(spec.exclude) | touched))]
    for v in spec.variants:
        out.append(Method(spec, v.name, dict(v.fix), set(v.require),
                          close_dropped(spec, set(v.exclude))))
    return out


def sent_as_fixed(spec: Spec, m: Method) -> Method:
    """What a method sends: a pure token fixed to true is always sent, so when that token
    is a branch of a oneof, the oneof is decided too (ACL LOG's `operation.reset`): the
    same as fixing the oneof to that branch. (The generator's naming follows the fix list
    as written, so Namer keeps using the method as methods_of() returns it.)"""
    fixed = dict(m.fixed)
    for path, value in m.fixed.items():
        parent = spec.find(path.rpartition(".")[0]) if "." in path else None
        if value is True and parent is not None and parent.type == "oneof":
            fixed.setdefault(parent.path, path.rpartition(".")[2])
    return dataclasses.replace(m, fixed=fixed)


# --- global token types (mirrors emit/builders.py collect_tokens) ---------------------

def scalar_cpp(a: Arg) -> str:
    return TIME_CPP[a.arg_type] if a.arg_type else SCALAR_CPP[a.type]


def token_name(branch: Arg) -> str:
    word = lower_snake(branch.token)
    ok = word.strip("_") and branch.token.replace("-", "_").isidentifier()
    return word if ok else branch.cpp_name


def token_signature(branch: Arg):
    if branch.token is None or branch.multiple:
        return None
    if branch.type == "pure-token":
        return (branch.token, (), token_name(branch))
    if branch.scalar:
        return (branch.token, (("value", scalar_cpp(branch)),), token_name(branch))
    if branch.type == "block" and all(c.scalar and not c.optional and not c.multiple
                                      for c in branch.children):
        return (branch.token, tuple((c.cpp_name, scalar_cpp(c)) for c in branch.children),
                token_name(branch))
    return None


def collect_tokens(specs) -> dict:
    uses = collections.Counter()
    for s in specs:
        for a in s.walk():
            if a.type == "oneof":
                for b in a.children:
                    sig = token_signature(b)
                    if sig is not None:
                        uses[sig] += 1
    by_name = collections.defaultdict(list)
    for sig in uses:
        by_name[sig[2]].append(sig)
    out = {}
    for name, sigs in sorted(by_name.items()):
        if name in RESERVED:
            continue
        best = min(sigs, key=lambda s: (-uses[s], repr(s)))
        out[best] = name
    return out


# --- per-method type names (mirrors the order in which emit/builders.py names them) ---

class Namer:
    """Names of the valkey::cmd types a method's arguments need: blocks and oneof
    branch wrappers, `<owner>_<scope...>_<name>`, owner = the command's method when the
    argument is untouched by variants (shared by all methods), else the method's."""

    def __init__(self, method: Method, tokens: dict, taken: set, shared: dict):
        self.m, self.tokens, self.taken, self.shared = method, tokens, taken, shared
        self.own: dict = {}
        self.names: dict = {}   # (kind, path, scope) -> name

    def _cache(self, a: Arg) -> dict:
        return self.shared if self.m.pristine(a) else self.own

    def _new(self, a: Arg, *parts) -> str:
        owner = self.m.spec.method if self.m.pristine(a) else self.m.name
        name = "_".join((owner,) + parts)
        while name in self.taken:
            name += "_"
        self.taken.add(name)
        return name

    def run(self) -> None:
        own = [(a, scope) for a, scope, _ in self.m.level()
               if self.m.active(a) and self.m.takes(a)]
        for a, scope in own:
            self.full(a, scope)
        if any(self.m.optional(a) for a, _ in own):
            name = self.m.name + "_options"
            while name in self.taken:
                name += "_"
            self.taken.add(name)

    def full(self, a: Arg, scope: tuple) -> None:
        key = (a.path, scope)
        cache = self._cache(a)
        if key not in cache:
            cache[key] = True
            self._element(a, scope)

    def _element(self, a: Arg, scope: tuple) -> None:
        if a.type == "block":
            self.block(a, scope)
        elif a.type == "oneof":
            b = self.m.sole_branch(a)
            if b is not None:
                self.full(b, scope + (a.cpp_name,))
                return
            for c in a.children:
                if self.m.active(c):
                    self.branch(c, scope + (a.cpp_name,))

    def block(self, a: Arg, scope: tuple) -> str:
        key = ("block", a.path, scope)
        cache = self._cache(a)
        if key not in cache:
            cache[key] = self._new(a, *scope, a.cpp_name)
            for c in a.children:
                if self.m.active(c) and self.m.takes(c):
                    self.full(c, scope + (a.cpp_name,))
        return cache[key]

    def branch(self, b: Arg, scope: tuple) -> str | None:
        """The wrapper/block name of a branch, None when it has a global token type."""
        if token_signature(b) in self.tokens:
            return None
        if b.type == "block" and not b.multiple:
            return self.block(b, scope)
        key = ("branch", b.path, scope)
        cache = self._cache(b)
        if key not in cache:
            cache[key] = self._new(b, *scope, b.cpp_name)
            if b.type != "pure-token":
                self.full(b, scope + (b.cpp_name,))
        return cache[key]


# --- selections: which arguments a case gives, and how ------------------------------

@dataclasses.dataclass
class Sel:
    """A chosen value of one argument (one element when the argument repeats)."""
    kind: str                     # scalar, token, block, oneof, list
    members: dict = dataclasses.field(default_factory=dict)   # block: path -> Sel
    branch: Arg | None = None     # oneof
    sub: "Sel | None" = None      # oneof: the branch's value
    items: list = dataclasses.field(default_factory=list)     # list: element Sels
    wire: str | None = None       # scalar, once assigned
    cpp: str | None = None
    label: str = ""


class Cases:
    def __init__(self, m: Method):
        self.m = m

    # minimal and interesting values, without repetition
    def element_variations(self, a: Arg) -> list[Sel]:
        m = self.m
        if a.scalar:
            return [Sel("scalar", label=a.name)]
        if a.type == "pure-token":
            return [Sel("token", label=a.name)]
        if a.type == "block":
            members = [c for c in a.children if m.active(c) and m.takes(c)]
            base = {c.path: self.variations(c)[0] for c in members if not m.optional(c)}
            out = [Sel("block", members=dict(base), label=a.name)]
            for c in members:
                vs = self.variations(c)
                for v in (vs if m.optional(c) else vs[1:]):
                    out.append(Sel("block", members={**base, c.path: v},
                                   label=f"{a.name}.{v.label}"))
            return out
        if a.type == "oneof":
            b = m.required_branch(a)
            branches = [b] if b is not None else [c for c in a.children if m.active(c)]
            return [Sel("oneof", branch=c, sub=v, label=v.label)
                    for c in branches for v in self.variations(c)]
        raise ValueError(a.type)

    def variations(self, a: Arg) -> list[Sel]:
        elems = self.element_variations(a)
        if not a.multiple:
            return elems
        out = [Sel("list", items=[e], label=f"{e.label}[1]") for e in elems]
        three = [copy.deepcopy(elems[i % len(elems)]) for i in range(3)]
        out.append(Sel("list", items=three, label=f"{a.name}[3]"))
        return out

    def all(self) -> list[dict]:
        """Each case: {"label": str, "sel": {path: Sel}} for the top-level arguments."""
        m = self.m
        top = [a for a in m.spec.args if m.active(a) and m.takes(a)]
        params = [a for a in top if not m.optional(a)]
        base = {a.path: self.variations(a)[0] for a in params}
        cases = [{"label": "required", "sel": base}]
        for a in top:
            vs = self.variations(a)
            for v in (vs if m.optional(a) else vs[1:]):
                label = v.label if v.label.startswith(a.name) else f"{a.name}={v.label}"
                cases.append({"label": label, "sel": {**base, a.path: v}, "path": a.path})
        by_label = {c["label"]: c for c in cases}
        for labels, _reason in COMBOS.get(m.name, ()):
            sel = dict(base)
            for label in labels:
                if label not in by_label or "path" not in by_label[label]:
                    raise SystemExit(f"spec_walk.py: COMBOS: {m.name} has no case '{label}' "
                                     f"(cases: {', '.join(by_label)})")
                path = by_label[label]["path"]
                sel[path] = by_label[label]["sel"][path]
            cases.append({"label": "+".join(labels), "sel": sel})
        return [copy.deepcopy(c) for c in cases]


# --- values: argv and C++ literals -----------------------------------------------------

EPOCH = 1700000000


class Values:
    def __init__(self):
        self.n = collections.Counter()

    def next(self, kind: str) -> int:
        self.n[kind] += 1
        return self.n[kind]

    def assign(self, a: Arg, sel: Sel, count: int | None = None) -> None:
        t, at = a.type, a.arg_type
        if t == "key":
            v = f"k{self.next('key')}"
            sel.wire, sel.cpp = v, f'"{v}"'
        elif t in ("string", "pattern"):
            v = f"s{self.next('string')}"
            sel.wire, sel.cpp = v, f'"{v}"'
        elif t in ("integer", "unix-time"):
            n = count if count is not None else self.next("integer")
            if at == "double":
                d = n + 0.5
                sel.wire, sel.cpp = repr(d), repr(d)
            elif at in ("seconds", "milliseconds"):
                sel.wire, sel.cpp = str(n), f"std::chrono::{at}{{{n}}}"
            elif at == "unix_seconds":
                sel.wire = str(EPOCH + n)
                sel.cpp = f"std::chrono::system_clock::time_point{{std::chrono::seconds{{{EPOCH + n}}}}}"
            elif at == "unix_milliseconds":
                ms = EPOCH * 1000 + n
                sel.wire = str(ms)
                sel.cpp = f"std::chrono::system_clock::time_point{{std::chrono::milliseconds{{{ms}}}}}"
            else:
                sel.wire, sel.cpp = str(n), str(n)
        elif t == "double":
            n = self.next("double")
            if at in ("seconds", "milliseconds"):
                sel.wire, sel.cpp = str(n), f"std::chrono::{at}{{{n}}}"
            else:
                d = n + 0.5
                sel.wire = repr(d)
                sel.cpp = f"std::chrono::duration<double>{{{d!r}}}" if at == "seconds_double" \
                    else f'"{d!r}"' if at == "string" else repr(d)
        else:
            raise ValueError(t)


class Argv:
    """The argv the spec prescribes for a case; assigns the sample values on the way."""

    def __init__(self, m: Method):
        self.m = m
        self.values = Values()

    def command(self, sel: dict) -> list[str]:
        out = list(self.m.spec.words)
        self.level(self.m.spec.args, sel, out)
        return out

    def level(self, args: list[Arg], sel: dict, out: list) -> None:
        m = self.m
        for i, a in enumerate(args):
            if not m.active(a):
                continue
            if not m.takes(a):        # fixed, or a pure token that is always sent
                self.emit(a, None, out)
            elif a.path in sel:
                count = None
                if a.type == "integer" and a.name == "numkeys" and i + 1 < len(args) \
                        and args[i + 1].multiple:  # numkeys counts the keys that follow
                    after = sel.get(args[i + 1].path)
                    count = len(after.items) if after is not None else 0
                self.emit(a, sel[a.path], out, count)
            elif not m.optional(a):
                raise AssertionError(f"{m.name}: required {a.path} not selected")

    def emit(self, a: Arg, sel: Sel | None, out: list, count: int | None = None) -> None:
        if a.multiple and sel is not None:
            if a.token is not None and not a.multiple_token:
                out.append(a.token)
            for item in sel.items:
                if a.token is not None and a.multiple_token:
                    out.append(a.token)
                self.value(a, item, out)
            return
        if a.token is not None:
            out.append(a.token)
        self.value(a, sel, out, count)

    def value(self, a: Arg, sel: Sel | None, out: list, count: int | None = None) -> None:
        if a.type == "pure-token":
            return
        if a.scalar:
            self.values.assign(a, sel, count)
            out.append(sel.wire)
        elif a.type == "block":
            self.level(a.children, sel.members if sel else {}, out)
        elif a.type == "oneof":
            fixed = self.m.fixed_branch(a)
            if fixed is not None:
                self.emit(fixed, None, out)
            else:
                self.emit(sel.branch, sel.sub, out)


class Expr:
    """The C++ call for a case (after Argv assigned the values)."""

    def __init__(self, m: Method, namer: Namer, tokens: dict):
        self.m, self.namer, self.tokens = m, namer, tokens

    def call(self, sel: dict) -> str:
        m = self.m
        given = {}  # the selections of the method's own level
        for a, scope, parent in m.level():
            chosen = sel.get(a.path) if parent is None else \
                (sel[parent.path].members.get(a.path) if parent.path in sel else None)
            if m.active(a) and m.takes(a) and chosen is not None:
                given[a.path] = (a, scope, chosen)
        params = [self.full(a, chosen, scope) for a, scope, chosen in given.values()
                  if not m.optional(a)]
        members = [f".{a.cpp_name} = {self.full(a, chosen, scope)}"
                   for a, scope, chosen in given.values() if m.optional(a)]
        if members:
            params.append("{" + ", ".join(members) + "}")
        return f"valkey::cmd::{m.name}({', '.join(params)})"

    def full(self, a: Arg, sel: Sel, scope: tuple) -> str:
        if a.multiple:
            return "{" + ", ".join(self.element(a, s, scope) for s in sel.items) + "}"
        return self.element(a, sel, scope)

    def element(self, a: Arg, sel: Sel, scope: tuple) -> str:
        if a.scalar:
            return sel.cpp
        if a.type == "pure-token":
            return "true"
        if a.type == "block":
            return f"valkey::cmd::{self.namer.block(a, scope)}" + self.members(a, sel, scope)
        b = self.m.sole_branch(a)
        if b is not None:
            return self.full(b, sel.sub, scope + (a.cpp_name,))
        return self.branch(sel.branch, sel.sub, scope + (a.cpp_name,))

    def members(self, a: Arg, sel: Sel, scope: tuple) -> str:
        inner = scope + (a.cpp_name,)
        parts = [f".{c.cpp_name} = {self.full(c, sel.members[c.path], inner)}"
                 for c in a.children
                 if self.m.active(c) and self.m.takes(c) and c.path in sel.members]
        return "{" + ", ".join(parts) + "}"

    def branch(self, b: Arg, sub: Sel, scope: tuple) -> str:
        token = self.tokens.get(token_signature(b))
        if token is not None:
            if b.type == "pure-token":
                return f"valkey::{token}"
            if b.scalar:
                return f"valkey::{token}{{.value = {sub.cpp}}}"
            return f"valkey::{token}" + self.members(b, sub, scope)
        name = self.namer.branch(b, scope)
        if b.type == "block" and not b.multiple:
            return f"valkey::cmd::{name}" + self.members(b, sub, scope)
        if b.type == "pure-token":
            return f"valkey::cmd::{name}{{}}"
        return f"valkey::cmd::{name}{{.value = {self.full(b, sub, scope + (b.cpp_name,))}}}"


# --- putting it together ---------------------------------------------------------------

@dataclasses.dataclass
class Case:
    label: str
    expr: str
    argv: list[str]              # what the spec says
    sent: list[str] | None = None  # what the builder sends today, for KNOWN_BUGS
    bug: str | None = None


@dataclasses.dataclass
class MethodCases:
    command: str
    group: str
    method: str
    keyed: bool
    cases: list[Case]
    skipped: list[tuple[str, str]]
    bugs: list[tuple[str, list[str], str]] = dataclasses.field(default_factory=list)


# Spec arguments that no method of their command sends (overrides `exclude` them from
# every method), filled in by build(): the API cannot express them, so no case has them.
UNSENDABLE: list[tuple[str, str]] = []


def build(root: pathlib.Path) -> list[MethodCases]:
    specs = read_specs(root)
    callable_specs = [s for s in specs.values() if s.callable]
    tokens = collect_tokens(callable_specs)
    groups: dict[str, list[Spec]] = {}
    for s in callable_specs:
        groups.setdefault(s.group, []).append(s)
    taken = {m.name for s in callable_specs for m in methods_of(s)}
    out = []
    for group in sorted(groups):
        for s in groups[group]:
            shared: dict = {}
            for as_written in methods_of(s):
                namer = Namer(as_written, tokens, taken, shared)
                namer.run()
                m = sent_as_fixed(s, as_written)
                cases, skipped, seen = [], [], set()
                for c in Cases(m).all():
                    reason = next((r for (meth, prefix), r in SKIP.items()
                                   if meth == m.name and c["label"].startswith(prefix)), None)
                    if reason:
                        skipped.append((c["label"], reason))
                        continue
                    argv = Argv(m).command(c["sel"])
                    expr = Expr(m, namer, tokens).call(c["sel"])
                    if (expr, tuple(argv)) in seen:
                        continue
                    seen.add((expr, tuple(argv)))
                    case = Case(c["label"], expr, argv)
                    if (m.name, c["label"]) in KNOWN_BUGS:
                        case.sent, case.bug = KNOWN_BUGS[(m.name, c["label"])]
                    cases.append(case)
                out.append(MethodCases(s.name, group, m.name, bool(s.key_specs), cases,
                                       skipped))
    for s in callable_specs:
        methods = methods_of(s)
        def unsendable(path: str) -> bool:
            return all(m.is_dropped(path) for m in methods)
        UNSENDABLE.extend((s.name, a.path) for a in s.walk() if unsendable(a.path) and not
                          ("." in a.path and unsendable(a.path.rpartition(".")[0])))
    known = {(m.method, c.label) for m in out for c in m.cases}
    for key in KNOWN_BUGS:
        if key not in known:
            raise SystemExit(f"spec_walk.py: KNOWN_BUGS names no case: {key}")
    return out


def c_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)


def shard(methods: list[MethodCases], count: int) -> list[list[MethodCases]]:
    """Consecutive runs of methods of about equal case counts (group order kept)."""
    total = sum(len(m.cases) for m in methods)
    shards: list[list[MethodCases]] = [[] for _ in range(count)]
    done, index = 0, 0
    for m in methods:
        while index < count - 1 and done >= total * (index + 1) / count:
            index += 1
        shards[index].append(m)
        done += len(m.cases)
    return shards


HEADER = ("// Generated by tests/builders/spec_walk.py from spec/ at build time. Do not edit.\n")


def render_shard(index: int, methods: list[MethodCases]) -> str:
    groups = sorted({m.group for m in methods})
    out = [HEADER, '#include <gtest/gtest.h>\n\n#include "builder_cases.hpp"\n']
    out += [f'#include "valkey/commands/{g}.hpp"\n' for g in groups]
    out.append("\n// Deprecated commands are tested like any other.\n"
               "#if defined(__GNUC__)\n"
               "#pragma GCC diagnostic ignored \"-Wdeprecated-declarations\"\n"
               "#elif defined(_MSC_VER)\n"
               "#pragma warning(disable : 4996)\n"
               "#endif\n\n"
               "namespace builder_cases {\nnamespace {\n\n")
    for mi, m in enumerate(methods):
        for ci, c in enumerate(m.cases):
            out.append(f"built m{mi}_{ci}() {{ return built_from({c.expr}); }}\n")
        out.append(f"\nconstexpr argv_case m{mi}[] = {{\n")
        for ci, c in enumerate(m.cases):
            argv = c.sent if c.bug else c.argv
            bug = "nullptr" if not c.bug else \
                c_string(f"{c.bug}. The spec's argv: {' '.join(c.argv)}")
            out.append(f"    {{{c_string(c.label)}, {c_string(c.expr)}, &m{mi}_{ci},\n"
                       f"     {c_string(chr(10).join(argv))}, {len(argv)}, {bug}}},\n")
        out.append("};\n\n")
    out.append("}  // namespace\n\n")
    out.append(f"extern const method_cases shard_{index}[];\n"
               f"const method_cases shard_{index}[] = {{\n")
    for mi, m in enumerate(methods):
        out.append(f"    {{{c_string(m.command)}, {c_string(m.group)}, {c_string(m.method)}, "
                   f"{'true' if m.keyed else 'false'}, m{mi}}},\n")
    out.append("    {},\n};\n\n")
    for mi, m in enumerate(methods):
        out.append(f"TEST(BuilderArgv, {m.method}) {{ check_argv(shard_{index}[{mi}]); }}\n")
    out.append("\n}  // namespace builder_cases\n")
    return "".join(out)


def render_index(count: int) -> str:
    out = [HEADER, '#include "builder_cases.hpp"\n\nnamespace builder_cases {\n\n']
    out += [f"extern const method_cases shard_{i}[];\n" for i in range(count)]
    out.append("\nstd::vector<const method_cases*> all_methods() {\n"
               "  std::vector<const method_cases*> out;\n"
               "  for (const method_cases* shard : {")
    out.append(", ".join(f"shard_{i}" for i in range(count)))
    out.append("}) {\n    for (const method_cases* m = shard; m->method != nullptr; ++m) "
               "out.push_back(m);\n  }\n  return out;\n}\n\n}  // namespace builder_cases\n")
    return "".join(out)


def write_if_changed(path: pathlib.Path, text: str) -> None:
    if path.exists() and path.read_text() == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main() -> int:
    here = pathlib.Path(__file__).resolve().parent
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--spec", type=pathlib.Path, default=here.parents[1] / "spec")
    p.add_argument("--out-dir", type=pathlib.Path)
    p.add_argument("--shards", type=int, default=8)
    p.add_argument("--report", action="store_true")
    args = p.parse_args()
    methods = build(args.spec)
    if args.out_dir:
        for i, part in enumerate(shard(methods, args.shards)):
            write_if_changed(args.out_dir / f"builder_cases_{i}.cpp", render_shard(i, part))
        write_if_changed(args.out_dir / "builder_cases_index.cpp", render_index(args.shards))
    if args.report or not args.out_dir:
        commands = {m.command for m in methods}
        print(f"{len(commands)} callable commands, {len(methods)} methods, "
              f"{sum(len(m.cases) for m in methods)} cases "
              f"({sum(len(m.cases) for m in methods if m.keyed)} of key-bearing commands)")
        for command, path in UNSENDABLE:
            print(f"not in the API (excluded by spec/overrides from every method): "
                  f"{command} {path}")
        for m in methods:
            for label, reason in m.skipped:
                print(f"skipped {m.method} [{label}]: {reason}")
            for c in m.cases:
                if c.bug:
                    print(f"known generator bug {m.method} [{c.label}]: sends "
                          f"{' '.join(c.sent)!r}, spec says {' '.join(c.argv)!r}: {c.bug}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
