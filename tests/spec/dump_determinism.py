"""tools/spec-dump against real servers: its output is byte-for-byte stable, equals the
committed spec/valkey/, and it maintains its output folder (stale files removed,
unchanged files untouched, unrelated files refused).

Starts a throwaway valkey-server and sentinel on free loopback ports.
"""

import json
import tempfile
import unittest
from pathlib import Path

from support import HAVE_SERVER, NO_SERVER_REASON, SPEC_DIR, run_spec_dump
from valkeyspec.servers import TemporaryServer


def read_dir(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@unittest.skipUnless(HAVE_SERVER, NO_SERVER_REASON)
class DumpDeterminism(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = TemporaryServer()
        cls.sentinel = TemporaryServer(sentinel=True)
        try:
            cls.server.start()
            cls.sentinel.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.sentinel.stop()
        cls.server.stop()

    def setUp(self):
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def dump(self, out: Path, *extra: str) -> str:
        result = run_spec_dump("--url", self.server.url, "--out", str(out), *extra)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def dump_with_sentinel(self, out: Path) -> str:
        return self.dump(out, "--sentinel-url", self.sentinel.url)

    def test_two_dumps_are_identical_and_equal_the_committed_files(self):
        first, second = self.tmp / "first", self.tmp / "second"
        self.dump_with_sentinel(first)
        self.dump(second)  # --sentinel-url auto: the tool starts its own sentinel
        first_files = read_dir(first)
        self.assertEqual(first_files, read_dir(second))

        committed = read_dir(SPEC_DIR)
        differing = sorted(name for name in first_files.keys() | committed.keys()
                           if first_files.get(name) != committed.get(name))
        self.assertFalse(differing, "spec/valkey/ is not the output of tools/spec-dump "
                         f"(regenerate it): {differing[:20]}")

    def test_files_end_with_one_newline_and_use_four_space_indent(self):
        out = self.tmp / "out"
        self.dump_with_sentinel(out)
        data = (out / "get.json").read_text()
        self.assertTrue(data.endswith("}\n") and not data.endswith("\n\n"))
        self.assertTrue(data.startswith('{\n    "GET": {\n        "summary": '), data[:60])

    def test_stale_files_are_removed_and_unchanged_files_untouched(self):
        out = self.tmp / "out"
        self.dump_with_sentinel(out)
        (out / "gone.json").write_text(json.dumps({"GONE": {"arity": 1}}))
        (out / "get.json").write_text("{}\n")
        unchanged = out / "set.json"
        mtime = unchanged.stat().st_mtime_ns

        summary = self.dump_with_sentinel(out)
        self.assertIn("(1 written,", summary)
        self.assertIn("1 removed)", summary)
        self.assertFalse((out / "gone.json").exists())
        self.assertEqual(read_dir(out), read_dir(SPEC_DIR))
        self.assertEqual(unchanged.stat().st_mtime_ns, mtime)

    def test_refuses_a_folder_with_unrelated_json_files(self):
        out = self.tmp / "out"
        out.mkdir()
        (out / "package.json").write_text('{"name": "x"}\n')
        result = run_spec_dump("--url", self.server.url, "--sentinel-url", self.sentinel.url,
                               "--out", str(out))
        self.assertEqual(result.returncode, 1)
        self.assertIn("not command specs (package.json)", result.stderr)
        self.assertEqual(sorted(p.name for p in out.iterdir()), ["package.json"])


if __name__ == "__main__":
    unittest.main()
