"""valkey-cpp's generator: command specs + overrides -> C++ (see README.md here).

    model = codegen.build(Path("spec"))   # load, normalise, merge overrides; SpecErrors
    report = codegen.validate.validate(model)
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .load import load_commands, spec_dirs
from .model import Model
from .overrides import Overrides, apply, load_overrides


def build(spec_root: Path, command_dirs: Iterable[Path] | None = None,
          overrides_dir: Path | None = None) -> Model:
    """The merged model of spec_root (spec/valkey, spec/modules/*, spec/overrides), or
    of other command folders / another overrides folder when given."""
    spec_root = Path(spec_root)
    commands = load_commands(command_dirs if command_dirs is not None
                             else spec_dirs(spec_root))
    if overrides_dir is None:
        overrides_dir = spec_root / "overrides"
        if not overrides_dir.is_dir():  # a tree without overrides yet: all missing
            return apply(commands, Overrides({}, {}))
    return apply(commands, load_overrides(overrides_dir))
