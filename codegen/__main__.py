"""python3 -m codegen --spec spec --check [--allow-missing]

Exit status: 0 fine; 1 commands without a reply type (and no --allow-missing);
2 bad input (every problem printed as `file: json.path: message`) or bad usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import build
from .errors import SpecError, SpecErrors
from .validate import render, validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m codegen", description=__doc__.split(
        "\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, required=True,
                        help="the spec folder: valkey/, modules/<m>/, overrides/")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true",
                        help="load, merge and validate; print a summary")
    action.add_argument("--out", type=Path, help="write the generated C++ here")
    parser.add_argument("--allow-missing", action="store_true",
                        help="commands without an override are no error")
    parser.add_argument("--commands", type=Path, action="append", metavar="DIR",
                        help="read command specs from DIR instead of SPEC/valkey and "
                             "SPEC/modules/* (repeatable; e.g. Valkey's src/commands)")
    parser.add_argument("--overrides", type=Path, metavar="DIR",
                        help="read overrides from DIR instead of SPEC/overrides")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        model = build(args.spec, args.commands, args.overrides)
        report = validate(model)
    except (SpecError, SpecErrors) as e:
        errors = e.errors if isinstance(e, SpecErrors) else [e]
        for error in errors:
            print(error, file=sys.stderr)
        print(f"codegen: {len(errors)} error{'s' * (len(errors) != 1)}", file=sys.stderr)
        return 2
    elapsed_ms = (time.perf_counter() - started) * 1000

    if args.out is not None:
        if report.missing and not args.allow_missing:
            print(f"codegen: {len(report.missing)} callable commands have no reply type",
                  file=sys.stderr)
            return 1
        from .emit import emit  # Jinja2 is only needed to write files
        files = emit(model, args.out)
        total_ms = (time.perf_counter() - started) * 1000
        print(f"codegen: {len(files)} files in {args.out} ({total_ms:.0f} ms)")
        return 0
    print(render(report))
    print(f"\nloaded, merged and validated in {elapsed_ms:.0f} ms")
    if report.missing and not args.allow_missing:
        print(f"codegen: {len(report.missing)} callable commands have no reply type "
              f"(write overrides, or pass --allow-missing)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
