"""The real data: spec/valkey/ against Valkey 8.0.1's upstream files, and the whole
spec/ tree (specs + spec/overrides/) through load, merge and validate, fast."""

import dataclasses
import time
import unittest

from support import NO_REFERENCE, REFERENCE_DIR, SPEC_ROOT, TempTree

import codegen
from codegen.load import load_commands
from codegen.validate import validate

# COMMAND INFO does not report these flags, so spec/valkey/ cannot have them
# (tests/spec/README.md, "hidden command flags"); every other difference is normalised.
HIDDEN_FLAGS = {"PROTECTED", "MAY_REPLICATE", "TOUCHES_ARBITRARY_KEYS"}


def comparable(command):
    return dataclasses.replace(command, file="", reply_schema=None,
                               flags=tuple(f for f in command.flags if f not in HIDDEN_FLAGS))


@unittest.skipUnless(REFERENCE_DIR.is_dir(), NO_REFERENCE)
class DumpAgainstUpstream(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dump = {c.name: c for c in load_commands([SPEC_ROOT / "valkey"])}
        cls.upstream = {c.name: c for c in load_commands([REFERENCE_DIR])}

    def test_same_commands(self):
        self.assertEqual(sorted(self.dump), sorted(self.upstream))
        self.assertEqual(len(self.dump), 399)

    def test_same_argument_trees(self):
        for name, command in self.dump.items():
            with self.subTest(command=name):
                self.assertEqual(command.arguments, self.upstream[name].arguments)

    def test_same_model_but_for_hidden_flags(self):
        for name, command in self.dump.items():
            with self.subTest(command=name):
                self.assertEqual(comparable(command), comparable(self.upstream[name]))
        hidden = sorted(n for n, c in self.upstream.items() if HIDDEN_FLAGS & set(c.flags))
        self.assertEqual(len(hidden), 13)  # tests/spec/README.md: 13 files

    def test_only_upstream_has_reply_schemas(self):
        self.assertFalse(any(c.reply_schema for c in self.dump.values()))
        self.assertEqual(sum(c.reply_schema is not None for c in self.upstream.values()), 372)

    def test_upstream_alone_derives_reply_types(self):
        with TempTree() as empty:
            model = codegen.build(SPEC_ROOT, [REFERENCE_DIR], overrides_dir=empty.root)
        sources = {c.reply_source for c in model.callable_commands}
        self.assertEqual(sources, {"reply_schema", None})
        self.assertEqual(str(model.command("HGETALL").reply), "map<string,string>")


@unittest.skipUnless(any((SPEC_ROOT / "overrides").glob("*.json")),
                     "spec/overrides/ has no files yet")
class WholeTree(unittest.TestCase):
    def test_check_allow_missing_passes(self):
        report = validate(codegen.build(SPEC_ROOT))  # raises SpecErrors on any problem
        self.assertEqual(len(report.callable), len(report.model.callable_commands))
        self.assertTrue(report.typed)
        for command in report.untyped:
            self.assertTrue(command.reason, command.name)

    def test_deterministic(self):
        self.assertEqual(codegen.build(SPEC_ROOT), codegen.build(SPEC_ROOT))

    def test_fast(self):
        best = min(self._timed() for _ in range(3))
        self.assertLess(best, 1.0, f"load+merge+validate took {best:.3f} s")

    @staticmethod
    def _timed() -> float:
        started = time.perf_counter()
        validate(codegen.build(SPEC_ROOT))
        return time.perf_counter() - started


if __name__ == "__main__":
    unittest.main()
