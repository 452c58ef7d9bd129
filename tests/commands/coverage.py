#!/usr/bin/env python3
"""Which callable standalone commands no command test calls (issue 4: >= 90% called).

Reads the names the command tests recorded (--called, one per line) and the command
model (codegen, from --spec). Commands a standalone server cannot run, or that a test
must not run on a shared server, are left out of the count, each with its reason in
NOT_STANDALONE / NOT_ON_A_SHARED_SERVER below. Prints the uncalled ones per group and
the percentage; exits 1 below --min-percent.
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import codegen  # noqa: E402

# Groups a standalone server refuses or that need another kind of server (tested with
# the cluster and Sentinel launchers by their own issues).
NOT_STANDALONE_GROUPS = {
    "cluster": "needs cluster mode (cluster-enabled yes)",
    "sentinel": "needs a sentinel-mode server",
}

# Commands that would stop, block or reconfigure the shared test server, or that are
# replication internals; each is a deliberate omission.
NOT_ON_A_SHARED_SERVER = {
    "SHUTDOWN": "stops the server",
    "MONITOR": "turns the connection into a stream (issue 6 tests it)",
    "SYNC": "replication internals",
    "PSYNC": "replication internals",
    "REPLCONF": "replication internals",
    "DEBUG": "crashes, sleeps or corrupts on purpose",
    "FAILOVER": "needs a replica",
    "REPLICAOF": "turns the shared server into a replica",
    "SLAVEOF": "turns the shared server into a replica",
    "SUBSCRIBE": "pub/sub mode (issue 6)",
    "PSUBSCRIBE": "pub/sub mode (issue 6)",
    "SSUBSCRIBE": "pub/sub mode (issue 6)",
    "UNSUBSCRIBE": "pub/sub mode (issue 6)",
    "PUNSUBSCRIBE": "pub/sub mode (issue 6)",
    "SUNSUBSCRIBE": "pub/sub mode (issue 6)",
    "RESET": "resets the connection's state (issue 6 tests it with pub/sub)",
    "QUIT": "closes the connection; deprecated",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=pathlib.Path, default=REPO / "spec")
    parser.add_argument("--called", type=pathlib.Path, required=True)
    parser.add_argument("--min-percent", type=float, default=90.0)
    args = parser.parse_args()

    if not args.called.is_file():
        print(f"coverage: {args.called} does not exist: run the whole `commands` label "
              "(ctest -L commands), not this test alone", file=sys.stderr)
        return 2
    called = {line.strip().upper() for line in args.called.read_text().splitlines()
              if line.strip()}
    model = codegen.build(args.spec)

    counted, left_out = [], []
    for command in model.callable_commands:
        reason = NOT_STANDALONE_GROUPS.get(command.group) or \
            NOT_ON_A_SHARED_SERVER.get(command.name)
        (left_out if reason else counted).append((command, reason))

    missing = collections.defaultdict(list)
    for command, _ in counted:
        if command.name not in called:
            missing[command.group].append(command.name)
    total = len(counted)
    hit = total - sum(len(v) for v in missing.values())
    percent = 100.0 * hit / total if total else 100.0

    print(f"commands called by the command tests: {hit}/{total} ({percent:.1f}%), "
          f"target {args.min_percent:.0f}%; {len(left_out)} left out")
    for group in sorted(missing):
        print(f"  not called, {group}: {', '.join(sorted(missing[group]))}")
    reasons = collections.Counter(reason for _, reason in left_out)
    for reason, n in sorted(reasons.items()):
        print(f"  left out ({n}): {reason}")
    return 0 if percent >= args.min_percent else 1


if __name__ == "__main__":
    sys.exit(main())
