"""Spec coverage: a live server's commands against spec/ and generated/.

For every callable command a server (and optionally a sentinel) reports, in the
command's group:

- in spec:      the codegen model (spec/ + spec/overrides/) has it, callable
- generated:    each of its methods (base + variants) has a builder declared in
                generated/include/valkey/commands/<group>.hpp
                (`valkey::Command<...> name(...);`, found in the text: no compiler)
- typed:        both of the above, and a reply type without `Reply` in it

Commands whose reply is (or holds) `Reply` are listed with the reason written in
spec/overrides/. Callable commands of spec/ that no server reported are counted apart
(an older server, a module not loaded); Sentinel-only ones only when a sentinel was
asked. tools/spec-coverage is the command line around this module.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from .command_spec import RawCommand, SpecError, read_commands
from .resp_client import RespClient

HEADER_DIR = Path("include") / "valkey" / "commands"

UPDATE_HINT = ("the server has commands spec/ lacks: run tools/spec-dump against it "
               "(rewrites spec/valkey/), write their reply types in spec/overrides/, then "
               "regenerate (python3 -m codegen --spec spec --out generated, or build)")
BUILDER_HINT = ("builders are missing from generated/: regenerate it (python3 -m codegen "
                "--spec spec --out generated, or build) and commit the result")


@dataclasses.dataclass
class ServerInfo:
    """One server asked: what its HELLO said and how many callable commands it has."""

    role: str                  # "server" or "sentinel"
    endpoint: str              # without credentials
    name: str                  # HELLO "server": "valkey"
    version: str
    mode: str
    commands: dict[str, str]   # callable commands: full upper-case name -> group


def read_server(url, role: str, expected_modes: tuple[str, ...],
                timeout: float) -> ServerInfo:
    """Connects (RESP3), checks the mode, reads COMMAND DOCS + COMMAND INFO."""
    with RespClient(url, protocol=3, timeout=timeout) as client:
        mode = client.hello.get("mode")
        if mode not in expected_modes:
            raise SpecError(f"{client.endpoint} is a {mode} server; expected "
                            f"{' or '.join(expected_modes)} (check --url / --sentinel-url)")
        raw = read_commands(client)
        return ServerInfo(role, str(client.endpoint), str(client.hello.get("server", "?")),
                          str(client.hello.get("version", "?")), mode, callable_commands(raw))


def callable_commands(raw: dict[str, RawCommand]) -> dict[str, str]:
    """{full upper-case name: group} of what can be sent as it is: every subcommand, and
    every command without subcommands. A container is callable only when its arity lets
    the name stand alone (COMMAND, arity -1), the rule codegen's model uses too."""
    containers = {name.split("|", 1)[0] for name in raw if "|" in name}
    out = {}
    for name, command in raw.items():
        arity = command.info[1]
        if name in containers and arity not in (1, -1):
            continue
        group = str(command.docs.get("group", "unknown")).replace("-", "_")
        out[name.replace("|", " ").upper()] = group
    return out


# -- generated/ ----------------------------------------------------------------------

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_RESULT = "valkey::Command<"
_NAME_AFTER = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def declared_builders(header_text: str) -> set[str]:
    """The names of the functions declared as returning valkey::Command<...>."""
    text = _COMMENT.sub("", header_text)
    names = set()
    start = text.find(_RESULT)
    while start != -1:
        i, depth = start + len(_RESULT), 1
        while i < len(text) and depth:
            depth += {"<": 1, ">": -1}.get(text[i], 0)
            i += 1
        match = _NAME_AFTER.match(text, i)
        if match:
            names.add(match.group(1))
        start = text.find(_RESULT, i)
    return names


class GeneratedTree:
    """generated/'s group headers, read once each."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._cache: dict[str, set[str] | None] = {}

    def header(self, group: str) -> Path:
        return self.root / HEADER_DIR / f"{group}.hpp"

    def header_name(self, group: str) -> str:
        """The header's path inside generated/, for messages."""
        return (HEADER_DIR / f"{group}.hpp").as_posix()

    def builders(self, group: str) -> set[str] | None:
        """Builder names declared in the group's header; None when there is no header."""
        if group not in self._cache:
            path = self.header(group)
            self._cache[group] = (declared_builders(path.read_text(encoding="utf-8"))
                                  if path.is_file() else None)
        return self._cache[group]


# -- the analysis ----------------------------------------------------------------------

@dataclasses.dataclass
class GroupCoverage:
    name: str
    commands: int = 0          # callable commands the servers reported
    in_spec: int = 0
    generated: int = 0         # in spec and every method has a builder
    typed: int = 0             # generated and the reply holds no Reply
    untyped: int = 0           # in spec, reply is or holds Reply (or has no type at all)
    missing_from_spec: list[str] = dataclasses.field(default_factory=list)
    missing_builders: list[dict] = dataclasses.field(default_factory=list)
    untyped_commands: list[dict] = dataclasses.field(default_factory=list)
    not_on_server: list[str] = dataclasses.field(default_factory=list)

    @property
    def typed_percent(self) -> float | None:
        return percent(self.typed, self.commands)


@dataclasses.dataclass
class Coverage:
    servers: list[ServerInfo]
    spec: Path
    generated: Path
    groups: dict[str, GroupCoverage]
    sentinel_checked: bool

    @property
    def total(self) -> GroupCoverage:
        total = GroupCoverage("total")
        for group in self.groups.values():
            for field in ("commands", "in_spec", "generated", "typed", "untyped"):
                setattr(total, field, getattr(total, field) + getattr(group, field))
        return total

    def problems(self, kind: str) -> list[tuple[str, object]]:
        """(group, item) of one list ("missing_from_spec", ...), groups in order."""
        return [(g.name, item) for g in self.groups.values() for item in getattr(g, kind)]

    @property
    def ok(self) -> bool:
        return not self.problems("missing_from_spec") and not self.problems("missing_builders")


def analyse(servers: list[ServerInfo], model, report, spec: Path,
            generated: Path) -> Coverage:
    """`model`: codegen.build(spec); `report`: codegen.validate.validate(model)."""
    tree = GeneratedTree(generated)
    untyped = {c.name: "Reply" for c in report.untyped}
    untyped.update({c.name: "partly Reply" for c in report.partial})
    untyped.update({c.name: "no reply type" for c in report.missing})
    groups: dict[str, GroupCoverage] = {}

    def group(name: str) -> GroupCoverage:
        return groups.setdefault(name, GroupCoverage(name))

    on_server: dict[str, str] = {}
    for server in servers:
        for name, server_group in server.commands.items():
            on_server.setdefault(name, server_group)

    for name in sorted(on_server):
        command = model.command(name)
        if command is None or not command.is_callable:
            g = group(on_server[name])
            g.commands += 1
            g.missing_from_spec.append(name)
            continue
        g = group(command.group)
        g.commands += 1
        g.in_spec += 1
        declared = tree.builders(command.group)
        missing = [m.name for m in command.methods if declared is None or m.name not in declared]
        for method in missing:
            g.missing_builders.append({"command": name, "method": method,
                                       "header": tree.header_name(command.group)})
        if name in untyped:
            g.untyped += 1
            g.untyped_commands.append({
                "command": name, "reply": str(command.reply) if command.reply else None,
                "kind": untyped[name],
                "reason": command.reason or ("no override in spec/overrides/ and no "
                                             "reply_schema" if command.reply is None
                                             else "(no reason given)")})
        if not missing:
            g.generated += 1
            if name not in untyped:
                g.typed += 1

    sentinel_checked = any(s.role == "sentinel" for s in servers)
    for command in model.callable_commands:
        if command.name in on_server:
            continue
        if "ONLY_SENTINEL" in command.flags and not sentinel_checked:
            continue  # not asked: no sentinel given
        group(command.group).not_on_server.append(command.name)

    return Coverage(servers, Path(spec), Path(generated),
                    {name: groups[name] for name in sorted(groups)}, sentinel_checked)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# -- output ------------------------------------------------------------------------------

def render_text(coverage: Coverage) -> str:
    lines = []
    for server in coverage.servers:
        lines.append(f"{server.role}: {server.name} {server.version} ({server.mode}) at "
                     f"{server.endpoint}: {len(server.commands)} callable commands")
    if not coverage.sentinel_checked:
        lines.append("sentinel: not checked (give --sentinel-url for the SENTINEL commands)")
    columns = ("commands", "spec", "builders", "typed", "Reply", "typed%")
    header = f"{'group':<14}" + "".join(f"{c:>9}" for c in columns)
    lines += ["", header]
    for g in (*coverage.groups.values(), coverage.total):
        if g.name == "total":
            lines.append("-" * len(header))
        lines.append(f"{g.name:<14}{g.commands:>9}{g.in_spec:>9}{g.generated:>9}{g.typed:>9}"
                     f"{g.untyped:>9}{_percent_text(g.typed_percent):>9}")

    missing_spec = coverage.problems("missing_from_spec")
    if missing_spec:
        lines += ["", f"missing from spec/ ({len(missing_spec)}):"]
        lines += _by_group(missing_spec, str)
    missing_builders = coverage.problems("missing_builders")
    if missing_builders:
        lines += ["", f"missing from generated/ ({len(missing_builders)} builders):"]
        lines += _by_group(missing_builders, lambda b: f"{b['command']} ({b['method']})")
    untyped = coverage.problems("untyped_commands")
    if untyped:
        lines += ["", f"untyped replies ({len(untyped)}; reason from spec/overrides/):"]
        lines += [f"  {group}: {u['command']}: {u['reply'] or '-'}: {u['reason']}"
                  for group, u in untyped]
    not_on_server = coverage.problems("not_on_server")
    if not_on_server:
        lines += ["", f"in spec/ but not on the server ({len(not_on_server)}; not an error):"]
        lines += _by_group(not_on_server, str)

    lines.append("")
    if missing_spec:
        lines.append(f"hint: {UPDATE_HINT}")
    if missing_builders:
        lines.append(f"hint: {BUILDER_HINT}")
    total = coverage.total
    verdict = "ok" if coverage.ok else "FAILED"
    lines.append(f"spec-coverage: {verdict}: {total.commands} commands, {total.in_spec} in "
                 f"spec/, {total.generated} with builders, {total.typed} typed "
                 f"({_percent_text(total.typed_percent)}), {total.untyped} untyped")
    return "\n".join(lines)


def _by_group(items: list[tuple[str, object]], show) -> list[str]:
    out: dict[str, list[str]] = {}
    for group, item in items:
        out.setdefault(group, []).append(show(item))
    return [f"  {group}: {', '.join(names)}" for group, names in out.items()]


def _percent_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def to_json(coverage: Coverage) -> str:
    """Keys in a fixed order, lists sorted by command name: the same input gives the
    same bytes."""
    def counts(g: GroupCoverage) -> dict:
        return {"commands": g.commands, "in_spec": g.in_spec, "generated": g.generated,
                "typed": g.typed, "untyped": g.untyped, "typed_percent": g.typed_percent}

    document = {
        "ok": coverage.ok,
        "servers": [{"role": s.role, "endpoint": s.endpoint, "server": s.name,
                     "version": s.version, "mode": s.mode, "commands": len(s.commands)}
                    for s in coverage.servers],
        "sentinel_checked": coverage.sentinel_checked,
        "spec": str(coverage.spec),
        "generated": str(coverage.generated),
        "total": counts(coverage.total),
        "groups": {g.name: {**counts(g),
                            "missing_from_spec": g.missing_from_spec,
                            "missing_builders": [{"command": b["command"],
                                                  "method": b["method"],
                                                  "header": b["header"]}
                                                 for b in g.missing_builders],
                            "untyped_commands": [{"command": u["command"],
                                                  "reply": u["reply"], "kind": u["kind"],
                                                  "reason": u["reason"]}
                                                 for u in g.untyped_commands],
                            "not_on_server": g.not_on_server}
                   for g in coverage.groups.values()},
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
