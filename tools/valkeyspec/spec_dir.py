"""Writing a folder of per-command JSON files.

All content is known before the first write. Each file is replaced atomically (temp
file + rename) and only when its bytes change, so unchanged files keep their mtime and
a build that regenerates from them does no needless work. Files of commands that no
longer exist are removed. A folder holding JSON files that are not command specs is
refused rather than cleaned, so a mistaken --out cannot delete unrelated files.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path


class SpecDirError(Exception):
    pass


@dataclasses.dataclass
class WriteSummary:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


def render(spec: dict) -> bytes:
    """The bytes of one spec file: 4-space indent like Valkey's files, trailing newline."""
    return (json.dumps(spec, indent=4, ensure_ascii=False) + "\n").encode()


def write_spec_dir(out: Path, files: dict[str, bytes]) -> WriteSummary:
    out.mkdir(parents=True, exist_ok=True)
    stale = sorted(p for p in out.glob("*.json") if p.name not in files)
    foreign = [p.name for p in stale if not is_command_spec_file(p)]
    if foreign:
        raise SpecDirError(f"refusing to write into {out}: it holds JSON files that are not "
                           f"command specs ({', '.join(foreign[:5])})")
    summary = WriteSummary()
    for name, data in sorted(files.items()):
        path = out / name
        if path.is_file() and path.read_bytes() == data:
            summary.unchanged += 1
            continue
        tmp = out / f".{name}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, path)
        summary.written += 1
    for path in stale:
        path.unlink()
        summary.removed += 1
    return summary


def is_command_spec_file(path: Path) -> bool:
    """True for a file shaped like {"NAME": {..., "arity": N, ...}}."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(content, dict) and len(content) == 1
            and isinstance(next(iter(content.values())), dict)
            and "arity" in next(iter(content.values())))
