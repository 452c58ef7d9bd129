"""The reply type grammar of codegen/README.md: parsing, canonical text, C++ rendering.

    optional<vector<pair<string,double>>>  ->  Type("optional", (Type("vector", ...),))

A name that is neither a builtin nor a generic is a reply struct from a "$types" object;
whether it exists is checked by the caller, which knows every file's structs.
"""

from __future__ import annotations

import dataclasses
import re

# Scalars: grammar name -> C++.
SCALARS = {
    "ok": "valkey::ok_t",
    "status": "std::string",
    "string": "std::string",
    "int": "std::int64_t",
    "double": "double",
    "bool": "bool",
    "Reply": "valkey::Reply",
}

# Generics: grammar name -> (number of parameters, None = one or more; C++ template).
GENERICS = {
    "optional": (1, "std::optional"),
    "vector": (1, "std::vector"),
    "set": (1, "std::unordered_set"),
    "map": (2, "std::unordered_map"),
    "pairs": (2, None),  # std::vector<std::pair<K, V>>
    "pair": (2, "std::pair"),
    "tuple": (None, "std::tuple"),
}

# What may be a set element or a map key: std::hash exists for it.
HASHABLE = {"status", "string", "int", "double", "bool"}

STRUCT_NAMESPACE = "valkey::reply"

_TOKEN = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(\S))")


class GrammarError(ValueError):
    """Bad reply type text; the caller adds the file and the field."""


@dataclasses.dataclass(frozen=True)
class Type:
    name: str                       # "vector", "string", or a struct name
    args: tuple[Type, ...] = ()

    @property
    def is_struct(self) -> bool:
        return self.name not in SCALARS and self.name not in GENERICS

    @property
    def is_reply(self) -> bool:
        return self.name == "Reply"

    def walk(self):
        """This type and every type inside it, outermost first."""
        yield self
        for arg in self.args:
            yield from arg.walk()

    def structs(self) -> set[str]:
        return {t.name for t in self.walk() if t.is_struct}

    def contains_reply(self) -> bool:
        return any(t.is_reply for t in self.walk())

    def __str__(self) -> str:
        """The canonical grammar text: no spaces, e.g. 'map<string,int>'."""
        if not self.args:
            return self.name
        return f"{self.name}<{','.join(str(a) for a in self.args)}>"

    def cpp(self) -> str:
        if self.name in SCALARS:
            return SCALARS[self.name]
        if self.is_struct:
            return f"{STRUCT_NAMESPACE}::{self.name}"
        args = ", ".join(a.cpp() for a in self.args)
        if self.name == "pairs":
            return f"std::vector<std::pair<{args}>>"
        return f"{GENERICS[self.name][1]}<{args}>"


def parse(text: str) -> Type:
    """The Type for `text`; GrammarError saying what is wrong where."""
    if not isinstance(text, str):
        raise GrammarError(f"expected a type string, got {text!r}")
    tokens = _tokenize(text)
    parser = _Parser(text, tokens)
    result = parser.type()
    if parser.peek() is not None:
        raise parser.error("unexpected text after the type")
    return result


def _tokenize(text: str) -> list[tuple[str, int]]:
    tokens = []
    for match in _TOKEN.finditer(text):
        group = 1 if match.group(1) else 2
        tokens.append((match.group(group), match.start(group)))
    return tokens


class _Parser:
    def __init__(self, text: str, tokens: list[tuple[str, int]]):
        self.text, self.tokens, self.index = text, tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.index][0] if self.index < len(self.tokens) else None

    def error(self, message: str) -> GrammarError:
        column = self.tokens[self.index][1] + 1 if self.peek() is not None else len(self.text) + 1
        return GrammarError(f"{message} at column {column} of '{self.text}'")

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None:
            raise self.error(f"expected {repr(expected) if expected else 'a type'}, got the end")
        if expected is not None and token != expected:
            raise self.error(f"expected '{expected}', got '{token}'")
        self.index += 1
        return token

    def type(self) -> Type:
        start = self.index
        name = self.take()
        if not (name[0].isalpha() or name[0] == "_"):
            self.index = start
            raise self.error(f"expected a type name, got '{name}'")
        if name not in GENERICS:
            if self.peek() == "<":
                raise self.error(f"'{name}' takes no parameters")
            return Type(name)
        self.take("<")
        args = [self.type()]
        while self.peek() == ",":
            self.take(",")
            args.append(self.type())
        self.take(">")
        result = Type(name, tuple(args))
        self._check(result, start)
        return result

    def _check(self, t: Type, start: int) -> None:
        want = GENERICS[t.name][0]
        where = self.index
        self.index = start  # errors point at the generic's name
        if want is not None and len(t.args) != want:
            raise self.error(f"{t.name}<...> takes {want} parameter{'s' * (want > 1)}, "
                             f"got {len(t.args)}")
        if t.name == "optional" and t.args[0].name == "optional":
            raise self.error("optional<optional<...>> has no meaning")
        if t.name in ("set", "map") and t.args[0].name not in HASHABLE:
            raise self.error(f"{t.name}<...> needs a scalar key (one of "
                             f"{', '.join(sorted(HASHABLE))}), got '{t.args[0]}'")
        self.index = where
