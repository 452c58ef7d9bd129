"""generated/ is exactly what the generator writes from spec/: CI fails on any drift.

Regenerates into a temporary folder and compares file names and bytes with the
committed tree. When it fails, run `python3 -m codegen --spec spec --out generated`
(or build the `valkey_codegen` target) and commit the result.
"""

import filecmp
import pathlib
import tempfile
import time
import unittest

from support import REPO, SPEC_ROOT

import codegen
from codegen.emit import emit


def tree(root: pathlib.Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


class GeneratedInSync(unittest.TestCase):
    def test_committed_output_matches_the_generator(self):
        committed = REPO / "generated"
        with tempfile.TemporaryDirectory(prefix="codegen-out-") as out:
            out = pathlib.Path(out)
            started = time.perf_counter()
            emit(codegen.build(SPEC_ROOT), out)
            print(f"full regeneration: {(time.perf_counter() - started) * 1000:.0f} ms")
            fresh, old = tree(out), tree(committed)
            self.assertEqual(sorted(fresh - old), [], "files the generator writes but "
                             "generated/ lacks: regenerate and commit")
            self.assertEqual(sorted(old - fresh), [], "files in generated/ the generator "
                             "no longer writes: regenerate and commit")
            differing = [f for f in sorted(fresh)
                         if not filecmp.cmp(out / f, committed / f, shallow=False)]
            self.assertEqual(differing, [], "generated/ is stale: run "
                             "`python3 -m codegen --spec spec --out generated`")

    def test_regenerating_twice_gives_the_same_bytes(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            model = codegen.build(SPEC_ROOT)
            emit(model, pathlib.Path(a))
            emit(codegen.build(SPEC_ROOT), pathlib.Path(b))
            match, mismatch, errors = filecmp.cmpfiles(a, b, sorted(tree(pathlib.Path(a))),
                                                       shallow=False)
            self.assertEqual((mismatch, errors), ([], []))


if __name__ == "__main__":
    unittest.main()
