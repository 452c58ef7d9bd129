"""What the spec tests share: repository paths, the tools' package, running spec-dump."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO / "spec" / "valkey"
SPEC_DUMP = REPO / "tools" / "spec-dump"

sys.path.insert(0, str(REPO / "tools"))  # makes `import valkeyspec` work in the tests

HAVE_SERVER = shutil.which("valkey-server") is not None
NO_SERVER_REASON = "valkey-server is not on PATH"


def run_spec_dump(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SPEC_DUMP), *args], capture_output=True,
                          text=True, timeout=120)
