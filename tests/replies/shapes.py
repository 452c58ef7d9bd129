"""Reply shapes of the generated API, shared by record.py and check_coverage.py.

A reply shape is a distinct reply type among all generated methods (the base method of
each callable command and its variants), as the generator's model spells it
(codegen/types.py); a reply read by a hand-written decoder (INFO, CLIENT LIST, ...) is a
shape of its own, since the decoder, not the generic adapter, reads it:

    "map<string,string>"                       HGETALL, CONFIG GET, ...
    "map<string,string> | decoder=info_fields" CLUSTER INFO
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INDEX = Path(__file__).resolve().parent / "recorded" / "index.json"


def _codegen():
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import codegen  # noqa: E402  (the repository's generator)
    return codegen


def shape_of(command, method) -> str:
    shape = str(method.reply)
    return f"{shape} | decoder={command.decoder}" if command.decoder else shape


def method_shapes(spec_root: Path | None = None) -> dict[str, str]:
    """Every generated method -> its reply shape."""
    model = _codegen().build(spec_root or REPO / "spec")
    return {method.name: shape_of(command, method)
            for command in model.commands for method in command.methods}


def method_words(spec_root: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Every generated method -> the command words it sends first ("CLIENT", "LIST")."""
    model = _codegen().build(spec_root or REPO / "spec")
    return {method.name: command.words
            for command in model.commands for method in command.methods}
