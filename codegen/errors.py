"""Errors that name the file and the JSON path of the bad field.

Every stage reports problems in its input as `SpecError`; a stage that checks many
files collects them and raises `SpecErrors`, so one run shows every typo at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

JsonPath = tuple  # of str (object keys) and int (list indices)

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_ $-]+")  # keys shown without quoting


def format_path(path: JsonPath) -> str:
    """("SET", "arguments", 2, "type") -> 'SET.arguments[2].type'.

    Keys that could be misread (dots in "JSON.GET" or "expiration.seconds") are
    quoted: 'SET.args["expiration.seconds"]'.
    """
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _PLAIN_KEY.fullmatch(step):
            out += f".{step}" if out else step
        else:
            out += '["' + step.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return out


class SpecError(Exception):
    """One bad field: `file: json.path: message`."""

    def __init__(self, file: str | Path | None, path: JsonPath, message: str):
        self.file = str(file) if file is not None else None
        self.path = tuple(path)
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [w for w in (self.file, format_path(self.path)) if w]
        return ": ".join([*where, self.message])


class SpecErrors(Exception):
    """Several SpecErrors, in the order they were found."""

    def __init__(self, errors: Iterable[SpecError]):
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class Collector:
    """Gathers SpecErrors from independent pieces of work (files, commands)."""

    def __init__(self):
        self.errors: list[SpecError] = []

    def run(self, fn, *args, **kwargs):
        """fn's result, or None when it raised SpecError(s), which are kept."""
        try:
            return fn(*args, **kwargs)
        except SpecError as e:
            self.errors.append(e)
        except SpecErrors as e:
            self.errors.extend(e.errors)
        return None

    def add(self, file, path: JsonPath, message: str) -> None:
        self.errors.append(SpecError(file, path, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise SpecErrors(self.errors)
