"""The recorded replies cover every reply shape of the generated API (ctest: replies_coverage).

recorded/index.json (written by record.py) lists each recorded case with its method and
the method's reply shape at recording time. This test fails, saying to re-record, when:

- a reply shape of the current model has no recorded case and is not listed as skipped
  (a new command or override brought a new shape);
- a recorded method's shape changed since it was recorded (an override changed its type),
  or the method is gone;
- a case lacks one of its two recordings.

    python3 -m unittest -v check_coverage      (from tests/replies)
"""

from __future__ import annotations

import json
import unittest

import shapes

RERECORD = "run `python3 tests/replies/record.py` (see tests/replies/README.md)"


class Coverage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.index = json.loads(shapes.INDEX.read_text())
        cls.model = shapes.method_shapes()

    def test_every_shape_has_a_recording(self):
        recorded = {case["shape"] for case in self.index["cases"].values()}
        skipped = set(self.index.get("skipped_shapes", {}))
        missing = sorted(set(self.model.values()) - recorded - skipped)
        detail = [f"{shape} (e.g. {min(m for m, s in self.model.items() if s == shape)})"
                  for shape in missing]
        self.assertEqual(detail, [], f"reply shapes without a recorded reply: add a case to "
                                     f"record.py's CASES and a check to "
                                     f"recorded_replies_test.cpp, then {RERECORD}")

    def test_recorded_shapes_are_current(self):
        stale = []
        for name, case in sorted(self.index["cases"].items()):
            now = self.model.get(case["method"])
            if now != case["shape"]:
                stale.append(f"{name}: recorded as {case['shape']!r}, now {now!r}")
        self.assertEqual(stale, [], f"recordings whose method changed its reply shape: "
                                    f"{RERECORD}")

    def test_skipped_shapes_exist_and_give_a_reason(self):
        for shape, reason in self.index.get("skipped_shapes", {}).items():
            self.assertIn(shape, set(self.model.values()), "skipped shape no longer exists")
            self.assertTrue(reason.strip(), f"{shape}: skipped without a reason")

    def test_every_case_has_both_recordings(self):
        folder = shapes.INDEX.parent
        missing = [f"{name}.resp{p}" for name in self.index["cases"] for p in (2, 3)
                   if not (folder / f"{name}.resp{p}").is_file()]
        self.assertEqual(missing, [], RERECORD)
        on_disk = {p.name.rsplit(".", 1)[0] for p in folder.iterdir()
                   if p.suffix in (".resp2", ".resp3")}
        self.assertEqual(sorted(on_disk - set(self.index["cases"])), [],
                         f"recordings the index does not list: {RERECORD}")


if __name__ == "__main__":
    unittest.main()
