"""python3 -m codegen: what it prints and its exit status (0 fine, 1 missing reply types,
2 bad input or usage)."""

import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

from support import REPO, SPEC_ROOT, TempTree, command


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codegen", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60)


class Cli(unittest.TestCase):
    def test_check_on_the_real_tree(self):
        result = run("--spec", "spec", "--check", "--allow-missing")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"typed: \d+/\d+ \(\d+\.\d%\)")
        self.assertIn("group", result.stdout)
        self.assertRegex(result.stdout, r"loaded, merged and validated in \d+ ms")

    def test_errors_exit_2_naming_file_and_field(self):
        with TempTree() as tree:
            tree.spec("GET", command(arguments=[{"name": "key", "type": "kee"}]))
            tree.spec("SET", command(arity="x"))
            result = run("--spec", str(tree.root), "--check")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 3, result.stderr)
        self.assertRegex(lines[0], r"/valkey/get\.json: GET\.arguments\[0\]\.type: unknown "
                                   r"argument type 'kee'")
        self.assertRegex(lines[1], r"/valkey/set\.json: SET\.arity: expected an integer")
        self.assertEqual(lines[2], "codegen: 2 errors")

    def test_missing_overrides_exit_1_unless_allowed(self):
        with TempTree() as tree:
            tree.spec("GET", command())
            tree.write("overrides/string.json", {})
            missing = run("--spec", str(tree.root), "--check")
            allowed = run("--spec", str(tree.root), "--check", "--allow-missing")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no override and no reply_schema (1):\n  string: GET", missing.stdout)
        self.assertIn("1 callable commands have no reply type", missing.stderr)
        self.assertEqual(allowed.returncode, 0, allowed.stderr)

    def test_modules_are_loaded(self):
        with TempTree() as tree:
            tree.spec("GET", command())
            tree.spec("JSON.GET", command(group="json"), folder="modules/json")
            tree.write("overrides/all.json", {"GET": {"reply": "optional<string>"},
                                              "JSON.GET": {"reply": "optional<string>"}})
            result = run("--spec", str(tree.root), "--check")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("typed: 2/2 (100.0%)", result.stdout)

    def test_overrides_folder_must_exist_when_named(self):
        result = run("--spec", "spec", "--check", "--overrides", "spec/overides")
        self.assertEqual((result.returncode, result.stderr),
                         (2, "spec/overides: no such folder\ncodegen: 1 error\n"))

    def test_out_writes_the_tree_and_reports_it(self):
        with tempfile.TemporaryDirectory() as out:
            result = run("--spec", str(SPEC_ROOT), "--out", out)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertRegex(result.stdout, r"^codegen: \d+ files in ")
            root = pathlib.Path(out)
            for name in ("include/valkey/commands.hpp", "include/valkey/replies.hpp",
                         "src/command_table.cpp", "sources.cmake"):
                self.assertTrue((root / name).is_file(), name)

    def test_out_refuses_missing_reply_types_unless_allowed(self):
        with tempfile.TemporaryDirectory() as tmp:
            spec = pathlib.Path(tmp) / "spec"
            shutil.copytree(SPEC_ROOT, spec)
            bitmap = spec / "overrides" / "bitmap.json"
            bitmap.write_text(bitmap.read_text().replace('"BITOP": {"reply": "int"},', ""))
            result = run("--spec", str(spec), "--out", str(pathlib.Path(tmp) / "out"))
            self.assertEqual(result.returncode, 1)
            self.assertIn("callable commands have no reply type", result.stderr)
            self.assertFalse((pathlib.Path(tmp) / "out").exists())

    def test_usage(self):
        self.assertEqual(run("--check").returncode, 2)  # argparse: --spec is required
        self.assertEqual(run("--spec", "spec").returncode, 2)  # --check or --out


if __name__ == "__main__":
    unittest.main()
