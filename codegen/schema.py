"""Reply types derived from an upstream file's `reply_schema`, when no override gives one.

Only the common JSON-schema forms map to the grammar; anything else becomes `Reply`
with a reason starting "derived: schema too complex", which an override should fix:

    {"const": "OK"}                          ok
    {"const": "PONG"}                        status
    string / integer / number                string / int / double
    oneOf/anyOf with {"type": "null"}        optional<T>
    oneOf/anyOf of 0 and 1 / of OK and null  bool
    oneOf/anyOf of OK, statuses, strings     string
    array with items                         vector<T>; set<T> when the items are unique
                                             and the command's output order is
                                             nondeterministic (SMEMBERS)
    array of 2-item arrays                   pairs<A,B> (RESP2 sends those flat)
    array with fixed-size items [A, B, ...]  pair<A,B> / tuple<A,B,...>
    object with additionalProperties: T      map<string,T>
"""

from __future__ import annotations

import dataclasses
import json

from . import types
from .types import Type

TOO_COMPLEX = "derived: schema too complex"


@dataclasses.dataclass(frozen=True)
class Derived:
    type: Type
    reason: str | None = None  # set when type is Reply


class _TooComplex(Exception):
    pass


def derive(schema, unordered: bool = False) -> Derived:
    """The reply type for a reply_schema. `unordered`: the command has the
    NONDETERMINISTIC_OUTPUT_ORDER tip, so a top-level array of unique items is a set."""
    try:
        return Derived(_derive(schema, unordered))
    except _TooComplex as e:
        return Derived(Type("Reply"), f"{TOO_COMPLEX}: {e}")


def _derive(s, unordered: bool = False) -> Type:
    if not isinstance(s, dict):
        raise _TooComplex(f"not a schema object: {_short(s)}")
    for key in ("oneOf", "anyOf"):
        if key in s:
            return _alternatives(s[key])
    if "const" in s:
        const = s["const"]
        if const == "OK":
            return Type("ok")
        if isinstance(const, str):
            return Type("status")
        if isinstance(const, int) and not isinstance(const, bool):
            return Type("int")
        raise _TooComplex(f"const {_short(const)}")
    kind = s.get("type")
    scalar = {"string": "string", "integer": "int", "number": "double", "boolean": "bool"}
    if kind in scalar:
        return Type(scalar[kind])
    if kind == "array":
        return _array(s, unordered)
    if kind == "object":
        return _object(s)
    raise _TooComplex(f"type {_short(kind)}" if kind else "any reply")


def _array(s: dict, unordered: bool) -> Type:
    items = s.get("items")
    low, high = s.get("minItems"), s.get("maxItems")
    if isinstance(items, list):  # positional: [A, B, ...]
        n = len(items)
        if n < 2 or low not in (None, n) or high not in (None, n) \
                or s.get("additionalItems") not in (None, False):
            raise _TooComplex(f"array of {low}..{high} items, {n} of them positional")
        return _fixed([_derive(i) for i in items])
    if not isinstance(items, dict):
        raise _TooComplex("array without items")
    item = _derive(items)
    if low is not None and low == high and low >= 2:  # TIME: exactly 2 strings
        return _fixed([item] * low)
    if item.name == "pair":
        return Type("pairs", item.args)
    if s.get("uniqueItems") and unordered and item.name in types.HASHABLE:
        return Type("set", (item,))
    return Type("vector", (item,))


def _fixed(items: list[Type]) -> Type:
    return Type("pair" if len(items) == 2 else "tuple", tuple(items))


def _object(s: dict) -> Type:
    value = s.get("additionalProperties")
    if isinstance(value, dict) and "properties" not in s and "patternProperties" not in s:
        return Type("map", (Type("string"), _derive(value)))
    raise _TooComplex("object with named properties (a $types struct of shape map fits)"
                      if "properties" in s else "object without a value schema")


def _alternatives(alternatives) -> Type:
    if not isinstance(alternatives, list) or not alternatives:
        raise _TooComplex("oneOf/anyOf without alternatives")
    nullable = any(isinstance(a, dict) and a.get("type") == "null" for a in alternatives)
    rest = [a for a in alternatives if not (isinstance(a, dict) and a.get("type") == "null")]
    if not rest:
        raise _TooComplex("only null")
    consts = [a.get("const") for a in rest if isinstance(a, dict) and "const" in a]
    if len(consts) == len(rest):
        if sorted(set(consts), key=str) == [0, 1]:  # EXPIRE, SISMEMBER: 0 or 1
            return _optional(Type("bool"), nullable)
        if set(consts) == {"OK"} and nullable:  # SET NX: OK or null
            return Type("bool")
    derived = [_derive(a) for a in rest]
    unique = sorted(set(derived), key=str)
    if len(unique) > 1 and all(t.name in ("ok", "status", "string") for t in unique):
        unique = [Type("string")] if Type("string") in unique else [Type("status")]
    if len(unique) > 1:
        raise _TooComplex("alternatives " + " | ".join(str(t) for t in unique))
    return _optional(unique[0], nullable)


def _optional(t: Type, nullable: bool) -> Type:
    return Type("optional", (t,)) if nullable and t.name != "optional" else t


def _short(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 30 else text[:27] + "..."
