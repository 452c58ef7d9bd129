"""spec/valkey/ (dumped from a live server) against Valkey 8.0.1's upstream command files.

Every field of every file is compared recursively. The only differences tolerated are
the ALLOWED ones below: things a server does not expose through COMMAND DOCS / COMMAND
INFO, or spells differently. Each is explained in tests/spec/README.md too. Any other
difference fails, naming the file, the JSON path and both values.

The reference folder is ../shared/reference/valkey-8.0.1-commands next to the repository,
or $VALKEY_REFERENCE_DIR; the tests are skipped when it is absent.
"""

import dataclasses
import json
import os
import unittest
from pathlib import Path
from typing import Callable

from support import REPO, SPEC_DIR

REFERENCE_DIR = Path(os.environ.get(
    "VALKEY_REFERENCE_DIR", REPO.parent / "shared" / "reference" / "valkey-8.0.1-commands"))


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()  # stands for an absent key in a Difference

# Lists whose order carries no meaning (the server reports flags in its bit order, the
# upstream files in whatever order their authors wrote).
SET_VALUED = {"command_flags", "acl_categories", "doc_flags", "flags"}


@dataclasses.dataclass(frozen=True)
class Difference:
    file: str
    path: tuple      # JSON path inside the file: ("KILL", "arguments", 0, "token")
    reference: object
    dump: object

    @property
    def key(self):
        return self.path[-1]

    def __str__(self) -> str:
        where = "/".join(str(p) for p in self.path)
        return (f"{self.file}: /{where}: reference {_show(self.reference)}, "
                f"dump {_show(self.dump)}")


@dataclasses.dataclass(frozen=True)
class Allowance:
    name: str
    reason: str
    applies: Callable[[Difference], bool]


# The command flags COMMAND INFO leaves out (it reports only a fixed list of flags).
HIDDEN_COMMAND_FLAGS = {"PROTECTED", "MAY_REPLICATE", "TOUCHES_ARBITRARY_KEYS"}

ALLOWED = (
    Allowance(
        "implementation fields",
        "function, get_keys_function and reply_schema describe the C implementation and "
        "the reply; no server command reports them",
        lambda d: len(d.path) == 2 and d.key in ("function", "get_keys_function", "reply_schema")
        and d.dump is MISSING),
    Allowance(
        "hidden command flags",
        "COMMAND INFO does not report PROTECTED, MAY_REPLICATE or TOUCHES_ARBITRARY_KEYS",
        lambda d: d.key == "command_flags" and d.dump is MISSING
        and d.reference in HIDDEN_COMMAND_FLAGS),
    Allowance(
        "order of flag lists",
        "command_flags, acl_categories, doc_flags and key-spec flags are sets; the server "
        "reports them in its own bit order",
        lambda d: d.key in SET_VALUED and isinstance(d.reference, list)
        and isinstance(d.dump, list) and sorted(d.reference) == sorted(d.dump)),
    Allowance(
        "case of tokens and argument names",
        "the server reports every token in uppercase and argument names in lowercase",
        lambda d: d.key in ("token", "name") and "arguments" in d.path
        and isinstance(d.reference, str) and isinstance(d.dump, str)
        and d.reference.lower() == d.dump.lower()),
    Allowance(
        "display equal to the name",
        "the server reports display_text = name when a file has no display, so a display "
        "that repeats the name cannot be told apart from none",
        lambda d: d.key == "display" and d.dump is MISSING and "arguments" in d.path
        and d.reference == _sibling_name(d)),
    Allowance(
        "client-capa.json multiple",
        "the upstream file writes \"multiple\": \"true\" (a string, a typo); the server "
        "reports the flag, which the dump writes as the boolean true",
        lambda d: d.file == "client-capa.json" and d.key == "multiple"
        and d.reference == "true" and d.dump is True),
    Allowance(
        "migrate.json empty-string token",
        "the upstream file writes the token as two quote characters, how the docs show an "
        "empty argument; the server reports the empty string it really expects (the C "
        "literal generated from it concatenates to \"\")",
        lambda d: d.file == "migrate.json" and d.key == "token"
        and d.reference == '""' and d.dump == ""),
)

# Files allowed to exist on one side only. None: the server has exactly the reference's
# commands (module commands are not dumped and not in the reference).
FILES_ONLY_IN_REFERENCE: set[str] = set()
FILES_ONLY_IN_DUMP: set[str] = set()


def _show(value) -> str:
    return repr(value) if value is MISSING else json.dumps(value)


def _sibling_name(d: Difference) -> str | None:
    """The "name" next to the differing key, looked up in the reference file."""
    node = _load(REFERENCE_DIR / d.file)
    for step in d.path[:-1]:
        node = node[step]
    return node.get("name")


def _load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def differences(file: str, reference, dump, path: tuple = ()):
    """Yields every difference between two JSON values, as deep as they share shape."""
    if isinstance(reference, dict) and isinstance(dump, dict):
        for key in [*reference, *(k for k in dump if k not in reference)]:
            if key not in dump or key not in reference:
                yield Difference(file, (*path, key), reference.get(key, MISSING),
                                 dump.get(key, MISSING))
            else:
                yield from differences(file, reference[key], dump[key], (*path, key))
    elif (path and path[-1] in SET_VALUED and isinstance(reference, list)
          and isinstance(dump, list)):
        # Per element, so that one missing flag is one difference.
        for item in reference:
            if item not in dump:
                yield Difference(file, path, item, MISSING)
        for item in dump:
            if item not in reference:
                yield Difference(file, path, MISSING, item)
        if sorted(reference) == sorted(dump) and reference != dump:
            yield Difference(file, path, reference, dump)
    elif (isinstance(reference, list) and isinstance(dump, list)
          and len(reference) == len(dump)):
        for index, (r, d) in enumerate(zip(reference, dump)):
            yield from differences(file, r, d, (*path, index))
    elif reference != dump or type(reference) is not type(dump):
        yield Difference(file, path, reference, dump)


def allowance_for(d: Difference) -> Allowance | None:
    return next((a for a in ALLOWED if a.applies(d)), None)


@unittest.skipUnless(REFERENCE_DIR.is_dir(), f"reference folder {REFERENCE_DIR} not found "
                     "(set VALKEY_REFERENCE_DIR)")
class CompareWithReference(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reference_files = {p.name for p in REFERENCE_DIR.glob("*.json")}
        cls.dump_files = {p.name for p in SPEC_DIR.glob("*.json")}
        cls.differences = [
            d for name in sorted(cls.reference_files & cls.dump_files)
            for d in differences(name, _load(REFERENCE_DIR / name), _load(SPEC_DIR / name))]

    def test_same_files(self):
        self.assertTrue(self.dump_files, f"{SPEC_DIR} holds no spec files")
        self.assertEqual(sorted(self.reference_files - self.dump_files),
                         sorted(FILES_ONLY_IN_REFERENCE), "files only in the reference")
        self.assertEqual(sorted(self.dump_files - self.reference_files),
                         sorted(FILES_ONLY_IN_DUMP), "files only in spec/valkey")

    def test_only_allowed_differences(self):
        unexplained = [str(d) for d in self.differences if allowance_for(d) is None]
        if unexplained:
            self.fail(f"{len(unexplained)} difference(s) not in the allowed list:\n"
                      + "\n".join(unexplained))

    def test_every_allowance_is_needed(self):
        # Keeps the list honest: an allowance nothing needs any more is deleted.
        used = {allowance_for(d).name for d in self.differences if allowance_for(d)}
        unused = [a.name for a in ALLOWED if a.name not in used]
        if unused:
            self.fail(f"allowances no difference needs any more: {unused}")


if __name__ == "__main__":
    unittest.main()
