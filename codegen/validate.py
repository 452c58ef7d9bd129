"""Checks across the merged model, and the summary `python3 -m codegen --check` prints.

Per-file and per-command problems are found while loading and merging; what is left
needs the whole model: method names unique over all commands and variants, and every
callable command with a reply type (a missing one is an error unless allowed).
"""

from __future__ import annotations

import dataclasses

from . import names
from .errors import Collector
from .model import Command, Method, Model, Struct, by_group
from .types import Type

# Methods every front end has besides the generated ones (DESIGN.md: c.command(...) is
# the generic escape hatch, c.pipeline(...) / c.transaction(...) batch commands).
RESERVED_METHODS = {"command": "the generic command(...) escape hatch",
                    "pipeline": "the front ends' pipeline(...)",
                    "transaction": "the front ends' transaction(...)"}


@dataclasses.dataclass(frozen=True)
class Report:
    model: Model
    callable: tuple[Command, ...]
    missing: tuple[Command, ...]      # no override and no reply_schema
    untyped: tuple[Command, ...]      # reply is Reply
    partial: tuple[Command, ...]      # reply holds Reply somewhere inside
    unused_structs: tuple[str, ...]

    @property
    def typed(self) -> tuple[Command, ...]:
        untyped = {c.name for c in (*self.missing, *self.untyped, *self.partial)}
        return tuple(c for c in self.callable if c.name not in untyped)


def validate(model: Model) -> Report:
    """The report; SpecErrors when method names clash."""
    _check_method_names(model)
    callable_ = model.callable_commands
    structs = {s.name: s for s in model.structs}
    used = {name for c in callable_ for m in c.methods if m.reply for name in m.reply.structs()}
    used |= {name for s in model.structs for f in s.fields for name in f.type.structs()}
    return Report(
        model=model,
        callable=callable_,
        missing=tuple(c for c in callable_ if c.reply is None),
        untyped=tuple(c for c in callable_ if c.reply is not None and c.reply.is_reply),
        partial=tuple(c for c in callable_ if c.reply is not None and not c.reply.is_reply
                      and _holds_reply(c.reply, structs)),
        unused_structs=tuple(s.name for s in model.structs if s.name not in used))


def _holds_reply(t: Type, structs: dict[str, Struct], seen: frozenset = frozenset()) -> bool:
    """Whether an untyped Reply is somewhere inside, structs' fields included."""
    for inner in t.walk():
        if inner.is_reply:
            return True
        if inner.name in structs and inner.name not in seen:
            if any(_holds_reply(f.type, structs, seen | {inner.name})
                   for f in structs[inner.name].fields):
                return True
    return False


def _check_method_names(model: Model) -> None:
    errors = Collector()
    # Names from the spec first, so a clash blames the override that chose a name.
    methods = sorted(((c, m) for c in model.callable_commands for m in c.methods),
                     key=lambda cm: _named_by_override(*cm))
    owner: dict[str, Command] = {}
    for command, method in methods:
        file = command.override_file or command.file
        where = ((command.name, "variants", method.name) if method.is_variant
                 else (command.name, "name") if _named_by_override(command, method) else ())
        if method.name in RESERVED_METHODS:
            errors.add(file, where, f"method name '{method.name}' clashes with "
                       f"{RESERVED_METHODS[method.name]}; give the command a \"name\"")
        elif method.name in owner:
            errors.add(file, where, f"method name '{method.name}' is also used by "
                       f"{owner[method.name].name}")
        else:
            owner[method.name] = command
    errors.raise_if_any()


def _named_by_override(command: Command, method: Method) -> bool:
    return method.is_variant or method.name != names.lower_snake(command.name)


def render(report: Report) -> str:
    """The --check summary: totals, per group, then the untyped and missing commands."""
    model, n, typed = report.model, len(report.callable), report.typed
    variants = sum(len(c.variants) for c in report.callable)
    derived = sum(c.reply_source == "reply_schema" for c in report.callable)
    lines = [
        f"commands: {len(model.commands)} ({sum(c.is_container for c in model.commands)} "
        f"containers), callable: {n}, methods: {n + variants} ({variants} variants), "
        f"structs: {len(model.structs)}",
        f"typed: {len(typed)}/{n} ({_percent(len(typed), n)}), Reply: "
        f"{len(report.untyped)}, partly Reply: {len(report.partial)}, "
        f"derived from reply_schema: {derived}, missing: {len(report.missing)}",
        "",
        f"{'group':<14}{'callable':>9}{'typed':>7}{'Reply':>7}{'missing':>9}",
    ]
    typed = {c.name for c in typed}
    untyped = {c.name for c in (*report.untyped, *report.partial)}
    missing = {c.name for c in report.missing}
    for group, commands in model.groups().items():
        counts = [sum(c.name in kind for c in commands) for kind in (typed, untyped, missing)]
        lines.append(f"{group:<14}{len(commands):>9}{counts[0]:>7}{counts[1]:>7}{counts[2]:>9}")
    for title, commands in (("Reply", report.untyped), ("partly Reply", report.partial)):
        if commands:
            lines += ["", f"{title} ({len(commands)}):"]
            lines += [f"  {c.name}: {c.reply}: {c.reason}" for c in commands]
    if report.unused_structs:
        lines += ["", f"structs no reply uses: {', '.join(report.unused_structs)}"]
    if report.missing:
        lines += ["", f"no override and no reply_schema ({len(report.missing)}):"]
        lines += [f"  {group}: {', '.join(c.name for c in commands)}"
                  for group, commands in by_group(report.missing).items()]
    return "\n".join(lines)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"
