"""What the codegen tests share: paths, the codegen package on sys.path, spec builders."""

import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEC_ROOT = REPO / "spec"
REFERENCE_DIR = Path(os.environ.get(
    "VALKEY_REFERENCE_DIR", REPO.parent / "shared" / "reference" / "valkey-8.0.1-commands"))
NO_REFERENCE = f"reference folder {REFERENCE_DIR} not found (set VALKEY_REFERENCE_DIR)"

sys.path.insert(0, str(REPO))  # makes `import codegen` work in the tests


def command(**fields) -> dict:
    """A valid command body; `fields` replace or add keys (None removes one)."""
    body = {"summary": "Gets a value.", "group": "string", "since": "1.0.0", "arity": 2,
            "command_flags": ["READONLY", "FAST"], "acl_categories": ["STRING"],
            "key_specs": [{"flags": ["RO", "ACCESS"], "begin_search": {"index": {"pos": 1}},
                           "find_keys": {"range": {"lastkey": 0, "step": 1, "limit": 0}}}],
            "arguments": [{"name": "key", "type": "key", "key_spec_index": 0}]}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


class TempTree:
    """A temporary folder to write spec or override files into; a context manager."""

    def __enter__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="codegen-test-")
        self.root = Path(self._dir.name)
        return self

    def __exit__(self, *exc):
        self._dir.cleanup()

    def write(self, relative: str, data) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2),
                        encoding="utf-8")
        return path

    def spec(self, name: str, body: dict, folder: str = "valkey") -> Path:
        """One command file named as Valkey names it: "CLIENT KILL" -> client-kill.json."""
        own = name.split(" ")[-1]
        if " " in name:
            body = {**body, "container": name.split(" ")[0]}
        return self.write(f"{folder}/{name.lower().replace(' ', '-')}.json", {own: body})
