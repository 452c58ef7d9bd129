"""Reading JSON input strictly: duplicate keys, wrong types and unknown keys are errors.

JSON itself lets a key repeat (Python keeps the last value), which silently hides a
typo'd or pasted-twice entry; here it fails like any other bad field.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import JsonPath, SpecError


class _Object(dict):
    """A JSON object that remembers the keys it saw more than once."""

    duplicates: tuple = ()


def _object(pairs):
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen = set()
        obj.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return obj


def read_json(file: Path, shown_as: str | None = None):
    """The parsed file; SpecError on unreadable or invalid JSON or a repeated key."""
    shown = shown_as or str(file)
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SpecError(shown, (), f"cannot read: {e}") from None
    try:
        data = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as e:
        raise SpecError(shown, (), f"invalid JSON: {e.msg} at line {e.lineno} "
                                   f"column {e.colno}") from None
    _check_duplicates(shown, data, ())
    return data


def _check_duplicates(file: str, value, path: JsonPath) -> None:
    if isinstance(value, dict):
        if getattr(value, "duplicates", ()):
            raise SpecError(file, path, f"duplicate key '{value.duplicates[0]}'")
        for key, item in value.items():
            _check_duplicates(file, item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_duplicates(file, item, (*path, index))


_KIND_NAMES = {str: "a string", bool: "a boolean", int: "an integer", list: "a list",
               dict: "an object"}


class Fields:
    """Typed access to one JSON object's keys, naming the file and path on errors.

    `done()` fails on any key nobody asked for, so every typo'd key is reported.
    """

    def __init__(self, data, file: str, path: JsonPath):
        self.file, self.path = file, tuple(path)
        if not isinstance(data, dict):
            raise self.error("expected an object, got " + describe(data))
        self.data = data
        self._used: set[str] = set()

    def error(self, message: str, *subpath) -> SpecError:
        return SpecError(self.file, (*self.path, *subpath), message)

    def get(self, key: str, kind: type, required: bool = False, default=None):
        self._used.add(key)
        if key not in self.data:
            if required:
                raise self.error(f"missing required field '{key}'")
            return default
        value = self.data[key]
        # bool is an int in Python; a JSON true is not an integer here.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(f"expected {_KIND_NAMES[kind]}, got {describe(value)}", key)
        return value

    def fields(self, key: str, required: bool = False) -> Fields | None:
        value = self.get(key, dict, required)
        return None if value is None else Fields(value, self.file, (*self.path, key))

    def strings(self, key: str) -> list[str]:
        values = self.get(key, list, default=[])
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise self.error(f"expected a string, got {describe(value)}", key, index)
        return values

    def skip(self, *keys: str) -> None:
        """Keys that are allowed but not used."""
        self._used.update(keys)

    def done(self) -> None:
        unknown = [k for k in self.data if k not in self._used]
        if unknown:
            known = ", ".join(sorted(self._used))
            raise self.error(f"unknown key (known: {known})", unknown[0])


def describe(value) -> str:
    """How a JSON value is shown in a message: its kind and a short form of it."""
    text = json.dumps(value)
    if len(text) > 40:
        text = text[:37] + "..."
    if isinstance(value, bool) or value is None:
        return text
    return f"{_KIND_NAMES.get(type(value), type(value).__name__)} {text}"
