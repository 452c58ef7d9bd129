#!/usr/bin/env python3
"""Records one real reply per reply shape of the generated API, in RESP2 and RESP3.

    python3 tests/replies/record.py            # re-record everything (about 20 s)
    python3 tests/replies/record.py --list     # the cases and the shapes they cover

Starts throwaway servers (valkey-server on PATH, 8.0.1 when the fixtures were recorded):
a standalone "data" server for most cases; a primary with a replica and two sentinels
monitoring it (ROLE, SENTINEL ...); a three-node cluster, two primaries and a replica,
with a slot being migrated (CLUSTER ...). For each case it runs the case's setup, then
the case's command once on a HELLO 2 and once on a HELLO 3 connection, and writes the
raw bytes of the two replies to recorded/<case>.resp2 and recorded/<case>.resp3:

    # valkey-cpp recorded reply: written by tests/replies/record.py, do not edit
    case: hgetall
    method: hgetall
    shape: map<string,string>
    protocol: 3
    server: valkey 8.0.1 (standalone)
    argv: ["HGETALL", "user:1"]
    volatile: -
    bytes: 123
    ---
    <exactly `bytes` raw bytes: the reply as the server sent it>

Both protocols see the same server state: the command runs on the RESP2 connection and
right after on the RESP3 one, with no write in between. A command that writes (ZINCRBY,
LPOP, ...) is marked `reset`: its data is flushed and set up again before the RESP3 run,
so it meets the same state twice. Replies with volatile fields (times, ids, counters) are
snapshots; the header names those fields, and the C++ test compares the others.

recorded/index.json lists every case (method, shape, argv) and the shapes that cannot be
recorded here, with the reason; check_coverage.py compares it with the current model.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(HERE))

from valkeyspec.resp_client import RespReader, ServerError, encode_command  # noqa: E402
from valkeyspec.servers import TemporaryServer, free_port  # noqa: E402

import shapes  # noqa: E402

OUT = HERE / "recorded"
HEADER = "# valkey-cpp recorded reply: written by tests/replies/record.py, do not edit"
PRIMARY_NAME = "mymaster"

# Shapes no throwaway server here can produce, with the reason (index.json "skipped").
SKIPPED: dict[str, str] = {}

# A module that only registers itself, so that MODULE LIST and HELLO list one module (no
# module ships with valkey-server). It finds the module API the way the module header does:
# through the lookup function at the start of the context.
MODULE_SOURCE = r"""
typedef int (*get_api_fn)(const char *name, void *out);
typedef void (*set_attribs_fn)(void *ctx, const char *name, int ver, int apiver);

int ValkeyModule_OnLoad(void *ctx, void **argv, int argc) {
  (void)argv;
  (void)argc;
  get_api_fn get_api = (get_api_fn)((void **)ctx)[0];
  set_attribs_fn set_attribs = 0;
  if (get_api("ValkeyModule_SetModuleAttribs", (void *)&set_attribs) != 0) return 1;
  set_attribs(ctx, "recorder", 10203, 1);
  return 0;
}
"""
MODULE_ARGS = ("alpha", "two words")


# ---------------------------------------------------------------------------------------
# Raw connections

class Conn:
    """One connection that returns each reply as the raw bytes the server sent."""

    def __init__(self, port: int, protocol: int, name: str | None = None):
        """HELLO `protocol`, then CLIENT SETNAME `name` when given."""
        self.protocol = protocol
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=15)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.stream = self.sock.makefile("rb")
        self.cmd("HELLO", protocol)
        if name:
            self.cmd("CLIENT", "SETNAME", name)
        self.id = self.cmd("CLIENT", "ID")

    def close(self) -> None:
        self.stream.close()
        self.sock.close()

    def send(self, *args) -> None:
        self.sock.sendall(encode_command(args))

    def read_raw(self) -> bytes:
        """The next reply's bytes; RESP3 push messages before it are dropped."""
        while True:
            frame = read_frame(self.stream)
            if not frame.startswith(b">"):
                return frame

    def raw(self, *args) -> bytes:
        self.send(*args)
        return self.read_raw()

    def cmd(self, *args):
        """Decoded reply; a server error raises."""
        value = decode(self.raw(*args))
        if isinstance(value, ServerError):
            raise RuntimeError(f"{' '.join(map(str, args))}: {value.message}")
        return value

    def try_cmd(self, *args):
        """Decoded reply; a server error is returned (setups that fail on purpose)."""
        return decode(self.raw(*args))


def read_frame(stream) -> bytes:
    line = stream.readline()
    if not line.endswith(b"\r\n"):
        raise RuntimeError(f"connection closed or malformed reply {line[:80]!r}")
    kind, parts = line[:1], [line]
    if kind in (b"$", b"=", b"!"):
        n = int(line[1:-2])
        if n >= 0:
            parts.append(stream.read(n + 2))
    elif kind in (b"*", b"~", b">", b"%", b"|"):
        n = int(line[1:-2]) * (2 if kind in (b"%", b"|") else 1)
        parts.extend(read_frame(stream) for _ in range(max(n, 0)))
        if kind == b"|":  # attributes annotate the value that follows
            parts.append(read_frame(stream))
    return b"".join(parts)


def decode(raw: bytes):
    return RespReader(io.BytesIO(raw)).read()


def wait_until(what: str, ready: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


# ---------------------------------------------------------------------------------------
# Servers

class Env:
    """The servers and connections; the recording connections of a target are named
    "recorder" so CLIENT INFO / CLIENT LIST show the same name in both protocols."""

    def __init__(self, stack: contextlib.ExitStack):
        self.stack = stack
        self.servers: dict[str, TemporaryServer] = {}
        self.setup_conns: dict[str, Conn] = {}
        self.pairs: dict[str, tuple[Conn, Conn]] = {}
        self.cluster_ids: dict[str, str] = {}
        self.version = ""  # the data server's valkey_version

    def start(self, target: str, *extra: str, sentinel: bool = False) -> TemporaryServer:
        server = TemporaryServer(sentinel=sentinel, extra_args=extra)
        self.stack.enter_context(server)
        self.servers[target] = server
        return server

    def port(self, target: str) -> int:
        return self.servers[target].port

    def conn(self, target: str, protocol: int = 2, name: str | None = "setup") -> Conn:
        c = Conn(self.port(target), protocol, name)
        self.stack.callback(c.close)
        return c

    def setup(self, target: str) -> Conn:
        if target not in self.setup_conns:
            self.setup_conns[target] = self.conn(target)
        return self.setup_conns[target]

    def pair(self, target: str) -> tuple[Conn, Conn]:
        if target not in self.pairs:
            self.pairs[target] = (self.conn(target, 2, "recorder"), self.conn(target, 3, "recorder"))
        return self.pairs[target]


def build_module(env: Env) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not compiler:
        raise SystemExit("record.py: a C compiler (cc) is needed to build the test module")
    folder = Path(tempfile.mkdtemp(prefix="valkey-replies-module-"))
    env.stack.callback(shutil.rmtree, folder, ignore_errors=True)
    (folder / "recorder.c").write_text(MODULE_SOURCE)
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(folder / "recorder.so"),
                    str(folder / "recorder.c")], check=True)
    return folder / "recorder.so"


def start_servers(env: Env) -> None:
    env.start("data", "--enable-debug-command", "local",
              "--loadmodule", str(build_module(env)), *MODULE_ARGS)
    env.start("primary")
    env.start("replica", "--replicaof", "127.0.0.1", str(env.port("primary")))
    wait_until("the replica to sync", lambda: "master_link_status:up"
               in env.setup("replica").cmd("INFO", "replication"))
    for name in ("sentinel", "sentinel2"):
        env.start(name, sentinel=True)
        s = env.setup(name)
        s.cmd("SENTINEL", "MONITOR", PRIMARY_NAME, "127.0.0.1", env.port("primary"), 2)
        s.cmd("SENTINEL", "SET", PRIMARY_NAME, "down-after-milliseconds", 60000)
    sentinel = env.setup("sentinel")
    wait_until("the sentinels to find the replica and each other", lambda: (
        len(sentinel.cmd("SENTINEL", "REPLICAS", PRIMARY_NAME)) == 1
        and len(sentinel.cmd("SENTINEL", "SENTINELS", PRIMARY_NAME)) == 1
        and len(env.setup("sentinel2").cmd("SENTINEL", "SENTINELS", PRIMARY_NAME)) == 1))
    start_cluster(env)


def start_cluster(env: Env) -> None:
    """Nodes a and b are primaries (slots 0-8191 and 8192-16383), c replicates a; slot 100
    is being migrated from a to b. Announced hostnames fill CLUSTER SHARDS/SLOTS metadata."""
    names = ("cluster", "cluster_b", "cluster_c")
    bus_ports = {}
    for name, host in zip(names, ("node-a.test", "node-b.test", "node-c.test")):
        # An explicit bus port: the default (port + 10000) is out of range for high ports.
        bus_ports[name] = free_port()
        env.start(name, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                  "--cluster-port", str(bus_ports[name]),
                  "--cluster-announce-hostname", host, "--cluster-slot-stats-enabled", "yes",
                  "--cluster-node-timeout", "60000")
    a, b, c = (env.setup(n) for n in names)
    for conn, name in zip((a, b, c), names):
        env.cluster_ids[name] = conn.cmd("CLUSTER", "MYID")
    a.cmd("CLUSTER", "ADDSLOTSRANGE", 0, 8191)
    b.cmd("CLUSTER", "ADDSLOTSRANGE", 8192, 16383)
    for other in ("cluster_b", "cluster_c"):
        a.cmd("CLUSTER", "MEET", "127.0.0.1", env.port(other), bus_ports[other])

    def everyone_knows_everyone() -> bool:
        for conn in (a, b, c):
            lines = conn.cmd("CLUSTER", "NODES").splitlines()
            if len(lines) != 3 or any("handshake" in line or "noaddr" in line for line in lines):
                return False
        return True

    wait_until("the cluster nodes to meet", everyone_knows_everyone)
    c.cmd("CLUSTER", "REPLICATE", env.cluster_ids["cluster"])
    wait_until("the cluster replica to sync", lambda: "master_link_status:up"
               in c.cmd("INFO", "replication"))
    a.cmd("CLUSTER", "SETSLOT", 100, "MIGRATING", env.cluster_ids["cluster_b"])
    b.cmd("CLUSTER", "SETSLOT", 100, "IMPORTING", env.cluster_ids["cluster"])
    wait_until("the cluster to be ok", lambda: all(
        "cluster_state:ok" in conn.cmd("CLUSTER", "INFO") for conn in (a, b, c)))
    wait_until("every node to see the replica", lambda: all(
        sum("slave" in line for line in conn.cmd("CLUSTER", "NODES").splitlines()) == 1
        for conn in (a, b, c)))
    # Keys in two of a's slots for CLUSTER SLOT-STATS: two in one slot, one in another.
    for key in ("{user1}:name", "{user1}:mail", "{user4}:name"):
        a.cmd("SET", key, "x")
        a.cmd("GET", key)


# ---------------------------------------------------------------------------------------
# Cases

Argv = list
Setup = list[Argv] | Callable[[Env], None]


@dataclasses.dataclass
class Case:
    name: str                      # the fixture name: the method, or method.variation
    argv: Argv | Callable[[Env], Argv]
    setup: Setup = dataclasses.field(default_factory=list)
    target: str = "data"           # which server answers
    reset: bool = False            # the command writes: set the data up again before RESP3
    before: list[Argv] = dataclasses.field(default_factory=list)  # on each recording conn
    after: list[Argv] = dataclasses.field(default_factory=list)   # on each recording conn
    during: Callable[[Env], contextlib.AbstractContextManager] | None = None
    teardown: list[Argv] = dataclasses.field(default_factory=list)
    volatile: str = "-"            # fields that may differ between the two recordings
    recorded_argv: Argv = dataclasses.field(default_factory=list)  # as sent, once recorded

    @property
    def method(self) -> str:
        return self.name.split(".")[0]


STREAM = [["XADD", "s", "1-1", "name", "Ada", "lang", "C++"],
          ["XADD", "s", "1-2", "name", "Grace"],
          ["XADD", "s", "1-3", "name", "Edsger", "note", ""],
          ["XGROUP", "CREATE", "s", "g", "0"],
          ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "10", "STREAMS", "s", ">"],
          ["XDEL", "s", "1-2"],
          ["XADD", "s", "2-1", "name", "Barbara"],
          ["XGROUP", "CREATE", "s", "g2", "$"]]
GEO = [["GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669",
        "Catania", "12.496366", "41.902782", "Rome"]]
GEOSEARCH = ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"]
ZSET = [["ZADD", "z", "-1.5", "a", "0", "b", "2.25", "c", "+inf", "top"]]
FUNCTIONS = """#!lua name=mylib
local function slow(keys, args)
  local started = server.call('TIME')[1]
  while tonumber(server.call('TIME')[1]) - tonumber(started) < 5 do end
  return 'done'
end
server.register_function{function_name='slow', callback=slow, flags={'no-writes'}}
server.register_function{function_name='hello', description='Says hello',
  callback=function(keys, args) return 'hello ' .. (args[1] or 'world') end,
  flags={'no-writes', 'allow-stale'}}
"""
LOAD_FUNCTIONS = [["FUNCTION", "FLUSH"], ["FUNCTION", "LOAD", FUNCTIONS]]


def big_hash(env: Env) -> None:
    """A hash table, not a listpack, so a scan page ends before the last field."""
    s = env.setup("data")
    s.cmd("CONFIG", "SET", "hash-max-listpack-entries", 16)
    s.cmd("HSET", "big", *[x for i in range(40) for x in (f"f{i:03}", f"v{i:03}")])


def big_zset(env: Env) -> None:
    s = env.setup("data")
    s.cmd("ZADD", "bigz", *[x for i in range(200) for x in (str(i - 100.5), f"m{i:03}")])
    # 200 members > zset-max-listpack-entries (128): a skip list, scanned in pages


def many_keys(env: Env) -> None:
    s = env.setup("data")
    s.cmd("MSET", *[x for i in range(100) for x in (f"key:{i:03}", str(i))])
    s.cmd("MSET", *[x for i in range(20) for x in (f"other:{i:03}", str(i))])


@contextlib.contextmanager
def busy_function(env: Env):
    """FUNCTION STATS while another client runs a function: running_script is filled."""
    s = env.setup("data")
    s.cmd("CONFIG", "SET", "busy-reply-threshold", 50)
    busy = Conn(env.port("data"), 2, "busy")
    try:
        busy.send("FCALL", "slow", 0)
        wait_until("the function to run", lambda: _running(s))
        yield
    finally:
        s.cmd("FUNCTION", "KILL")
        busy.read_raw()  # its error reply
        busy.close()
        s.cmd("CONFIG", "SET", "busy-reply-threshold", 5000)


def _running(s: Conn) -> bool:
    stats = s.try_cmd("FUNCTION", "STATS")
    return isinstance(stats, list) and stats[1] is not None


@contextlib.contextmanager
def subscribers(env: Env):
    """Two clients subscribed to "news", one to "sports", for PUBSUB NUMSUB."""
    conns = [Conn(env.port("data"), 2) for _ in range(2)]
    try:
        conns[0].send("SUBSCRIBE", "news", "sports")
        conns[1].send("SUBSCRIBE", "news")
        for c, count in zip(conns, (2, 1)):
            for _ in range(count):
                c.read_raw()
        yield
    finally:
        for c in conns:
            c.close()


def tracking_setup(env: Env) -> None:
    """Both recording connections track keys by prefix, redirected to the setup client."""
    target = env.setup("data").id
    for c in env.pair("data"):
        c.cmd("CLIENT", "TRACKING", "on", "REDIRECT", target, "BCAST", "PREFIX", "user:",
              "PREFIX", "session:", "NOLOOP")


def acl_log_setup(env: Env) -> None:
    s = env.setup("data")
    s.cmd("ACL", "SETUSER", "bob", "reset", "on", ">secret", "~*", "+get")
    s.cmd("ACL", "LOG", "RESET")
    c = Conn(env.port("data"), 2)
    try:
        for _ in range(2):  # the same event twice: count 2
            c.try_cmd("AUTH", "bob", "wrong-password")
        c.cmd("AUTH", "bob", "secret")
        c.try_cmd("SET", "k", "v")
    finally:
        c.close()


def slowlog_setup(env: Env) -> None:
    s = env.setup("data")
    s.cmd("SLOWLOG", "RESET")
    c = Conn(env.port("data"), 2, "slow-client")
    try:
        c.cmd("CONFIG", "SET", "slowlog-log-slower-than", 0)
        c.cmd("SET", "slowkey", "1")
        c.cmd("ZADD", "slowz", "1.5", "m")
        c.cmd("CONFIG", "SET", "slowlog-log-slower-than", -1)  # not logged itself
    finally:
        c.close()


def latency_setup(env: Env) -> None:
    s = env.setup("data")
    s.cmd("LATENCY", "RESET")
    s.cmd("CONFIG", "SET", "latency-monitor-threshold", 1)
    s.cmd("DEBUG", "SLEEP", "0.02")
    time.sleep(1.1)  # samples are per second: a second one
    s.cmd("DEBUG", "SLEEP", "0.03")
    s.cmd("CONFIG", "SET", "latency-monitor-threshold", 0)


def waitaof_setup(env: Env) -> None:
    s = env.setup("data")
    s.cmd("CONFIG", "SET", "appendonly", "yes")
    wait_until("the AOF rewrite", lambda: "aof_rewrite_in_progress:0\r\n" in s.cmd(
        "INFO", "persistence") and "aof_rewrite_scheduled:0" in s.cmd("INFO", "persistence"))
    for c in env.pair("data"):
        c.cmd("SET", "aof-key", "1")  # WAITAOF waits for the caller's own writes


def client_list_argv(env: Env) -> Argv:
    c2, c3 = env.pair("data")
    return ["CLIENT", "LIST", "ID", str(c2.id), str(c3.id)]


def cluster_slot_stats_argv(env: Env) -> Argv:
    del env
    return ["CLUSTER", "SLOT-STATS", "ORDERBY", "key-count", "LIMIT", "2", "DESC"]


def sentinel_down_argv(env: Env) -> Argv:
    return ["SENTINEL", "IS-PRIMARY-DOWN-BY-ADDR", "127.0.0.1", str(env.port("primary")), "0",
            "*"]


CLIENT_VOLATILE = ("id, addr, laddr, fd, age, idle, resp, qbuf, qbuf-free, argv-mem, rbs, rbp, "
                   "obl, oll, omem, tot-mem, tot-net-in, tot-net-out, tot-cmds, cmd")
SENTINEL_VOLATILE = ("last-ping-sent, last-ok-ping-reply, last-ping-reply, info-refresh, "
                     "role-reported-time, last-hello-message, link-pending-commands, "
                     "slave-repl-offset, master-link-down-time")

CASES: list[Case] = [
    # --- scalars
    Case("eval", ["EVAL", "return {1, 'two', false, {-3, 'four'}}", "0"]),
    Case("hexists", ["HEXISTS", "h", "lang"], [["HSET", "h", "lang", "C++"]]),
    Case("zincrby", ["ZINCRBY", "z", "-3.75", "a"], [["ZADD", "z", "1.5", "a"]], reset=True),
    Case("incrby", ["INCRBY", "n", "-7"], [["SET", "n", "-35"]], reset=True),
    Case("mset", ["MSET", "a", "1", "b", "2"]),
    Case("ping", ["PING"]),
    Case("memory_doctor", ["MEMORY", "DOCTOR"]),
    Case("get", ["GET", "k"], [["SET", "k", "multi\r\nline \u2713"]]),
    Case("dump", ["DUMP", "k"], [["SET", "k", "payload\x00\r\n"]]),  # binary bytes
    Case("zscore", ["ZSCORE", "z", "c"], ZSET),
    Case("zscore.missing", ["ZSCORE", "z", "nosuch"], ZSET),
    Case("zrank", ["ZRANK", "z", "c"], ZSET),
    Case("zrank_withscore", ["ZRANK", "z", "a", "WITHSCORE"], ZSET),
    Case("zrank_withscore.missing", ["ZRANK", "z", "nosuch", "WITHSCORE"], ZSET),
    # --- plain aggregates
    Case("hgetall", ["HGETALL", "user:1"],
         [["HSET", "user:1", "name", "Ada", "lang", "C++", "empty", ""]]),
    Case("config_get", ["CONFIG", "GET", "maxmemory*", "port"]),
    Case("hrandfield_withvalues", ["HRANDFIELD", "h", "3", "WITHVALUES"],
         [["HSET", "h", "a", "1", "b", "2", "c", "3"]]),
    Case("smembers", ["SMEMBERS", "s"], [["SADD", "s", "a", "b", "c"]]),
    Case("smismember", ["SMISMEMBER", "s", "a", "x", "b"], [["SADD", "s", "a", "b"]]),
    Case("lrange", ["LRANGE", "l", "0", "-1"], [["RPUSH", "l", "a", "b", "", "c"]]),
    Case("lpop_count", ["LPOP", "l", "2"], [["RPUSH", "l", "a", "b", "c"]], reset=True),
    Case("mget", ["MGET", "a", "nosuch", "b"], [["MSET", "a", "1", "b", ""]]),
    Case("zmscore", ["ZMSCORE", "z", "a", "nosuch", "top"], ZSET),
    Case("zrange_withscores", ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ZSET),
    Case("zpopmin", ["ZPOPMIN", "z"], ZSET, reset=True),
    Case("zpopmin.count", ["ZPOPMIN", "z", "2"], ZSET, reset=True),
    Case("bzpopmin", ["BZPOPMIN", "z", "1"], ZSET, reset=True),
    Case("zmpop", ["ZMPOP", "1", "z", "MIN", "COUNT", "2"], ZSET, reset=True),
    Case("blpop", ["BLPOP", "empty", "q", "1"], [["RPUSH", "q", "first", "second"]], reset=True),
    Case("blpop.timeout", ["BLPOP", "empty", "0.01"]),
    Case("lmpop", ["LMPOP", "2", "l1", "l2", "LEFT", "COUNT", "2"],
         [["RPUSH", "l2", "x", "y", "z"]], reset=True),
    Case("bitfield_ro", ["BITFIELD_RO", "bf", "GET", "i8", "0", "GET", "u4", "0"],
         [["BITFIELD", "bf", "SET", "i8", "0", "-100"]]),
    Case("bitfield", ["BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5", "INCRBY",
                      "i8", "8", "-3"], reset=True),
    Case("lcs_idx", ["LCS", "k1", "k2", "IDX", "MINMATCHLEN", "0", "WITHMATCHLEN"],
         [["MSET", "k1", "ohmytext", "k2", "mynewtext"]]),
    Case("hscan", ["HSCAN", "big", "0", "COUNT", "5"], big_hash,
         teardown=[["CONFIG", "SET", "hash-max-listpack-entries", "512"]]),
    Case("zscan", ["ZSCAN", "bigz", "0", "COUNT", "10"], big_zset),
    Case("scan", ["SCAN", "0", "MATCH", "key:*", "COUNT", "10"], many_keys),
    # --- geo
    Case("geosearch_withdist", [*GEOSEARCH, "WITHDIST"], GEO),
    Case("geosearch_withcoord", [*GEOSEARCH, "WITHCOORD"], GEO),
    Case("geosearch_withall", [*GEOSEARCH, "WITHCOORD", "WITHDIST", "WITHHASH"], GEO),
    Case("geopos", ["GEOPOS", "g", "Palermo", "nosuch", "Rome"], GEO),
    # --- streams
    Case("xrange", ["XRANGE", "s", "-", "+"], STREAM),
    Case("xread", ["XREAD", "COUNT", "10", "STREAMS", "s", "t", "0", "0"],
         [*STREAM, ["XADD", "t", "5-1", "x", "-1.5"]]),
    Case("xread.none", ["XREAD", "STREAMS", "s", "9-9"], STREAM),
    Case("xreadgroup", ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"], STREAM),
    Case("xinfo_stream", ["XINFO", "STREAM", "s"], STREAM),
    Case("xinfo_stream.empty", ["XINFO", "STREAM", "e"],
         [["XADD", "e", "1-1", "a", "1"], ["XDEL", "e", "1-1"]]),
    Case("xinfo_stream_full", ["XINFO", "STREAM", "s", "FULL"], STREAM),
    Case("xinfo_groups", ["XINFO", "GROUPS", "s"], STREAM),
    Case("xinfo_consumers", ["XINFO", "CONSUMERS", "s", "g"], STREAM, volatile="idle, inactive"),
    Case("xpending", ["XPENDING", "s", "g"], STREAM),
    Case("xpending_range", ["XPENDING", "s", "g", "-", "+", "10"], STREAM,
         volatile="idle time (element 2)"),
    Case("xautoclaim", ["XAUTOCLAIM", "s", "g", "bob", "0", "0-0", "COUNT", "10"], STREAM,
         reset=True),
    Case("xautoclaim_justid", ["XAUTOCLAIM", "s", "g", "bob", "0", "0-0", "COUNT", "10",
                               "JUSTID"], STREAM, reset=True),
    # --- server introspection
    Case("hello", ["HELLO"], volatile="proto, id"),
    Case("client_info", ["CLIENT", "INFO"], volatile=CLIENT_VOLATILE),
    Case("client_list", client_list_argv, volatile=CLIENT_VOLATILE),
    Case("client_trackinginfo", ["CLIENT", "TRACKINGINFO"], tracking_setup,
         after=[["CLIENT", "TRACKING", "off"]]),
    Case("info", ["INFO", "server", "keyspace"], [["MSET", "a", "1", "b", "2", "c", "3"]],
         volatile="uptime_in_seconds, uptime_in_days, lru_clock, server_time_usec, "
                  "io_threads_active"),
    Case("memory_stats", ["MEMORY", "STATS"], [["MSET", "a", "1", "b", "2", "c", "3"]],
         volatile="every field but startup.allocated, keys.count, replication.backlog, "
                  "clients.slaves, aof.buffer, functions.caches, cluster.links"),
    Case("time", ["TIME"], volatile="seconds, microseconds"),
    Case("command_docs", ["COMMAND", "DOCS", "set", "object", "georadius"]),
    Case("command_info", ["COMMAND", "INFO", "get", "nosuchcommand", "object"]),
    Case("command_all", ["COMMAND"]),
    Case("command_getkeysandflags", ["COMMAND", "GETKEYSANDFLAGS", "LMOVE", "src", "dst", "LEFT",
                                     "RIGHT"]),
    Case("latency_histogram", ["LATENCY", "HISTOGRAM", "set", "get"],
         [["CONFIG", "RESETSTAT"], ["SET", "a", "1"], ["SET", "b", "2"], ["SET", "a", "3"],
          ["GET", "a"], ["GET", "b"]]),
    Case("latency_latest", ["LATENCY", "LATEST"], latency_setup),
    Case("latency_history", ["LATENCY", "HISTORY", "command"], latency_setup),
    Case("slowlog_get", ["SLOWLOG", "GET", "10"], slowlog_setup,
         teardown=[["CONFIG", "SET", "slowlog-log-slower-than", "10000"]]),
    Case("acl_getuser", ["ACL", "GETUSER", "alice"],
         [["ACL", "SETUSER", "alice", "reset", "on", ">pw1", ">pw2", "~obj:*", "&news.*", "+get",
           "+hget", "(~cache:* %R~ro:* +set)"]]),
    Case("acl_getuser.missing", ["ACL", "GETUSER", "nobody"]),
    Case("acl_log", ["ACL", "LOG", "10"], acl_log_setup,
         volatile="age-seconds, client-info"),
    Case("module_list", ["MODULE", "LIST"]),
    Case("function_list", ["FUNCTION", "LIST", "WITHCODE"], LOAD_FUNCTIONS),
    Case("function_stats", ["FUNCTION", "STATS"], LOAD_FUNCTIONS, during=busy_function,
         volatile="running_script.duration_ms"),
    Case("function_stats.idle", ["FUNCTION", "STATS"], LOAD_FUNCTIONS),
    Case("pubsub_numsub", ["PUBSUB", "NUMSUB", "news", "sports", "nobody"], during=subscribers),
    Case("waitaof", ["WAITAOF", "1", "0", "1000"], waitaof_setup,
         teardown=[["CONFIG", "SET", "appendonly", "no"]]),
    # --- replication and sentinel
    Case("role", ["ROLE"], target="primary", volatile="replication offsets"),
    Case("role.replica", ["ROLE"], target="replica", volatile="replication offset"),
    Case("role.sentinel", ["ROLE"], target="sentinel"),
    Case("sentinel_primary", ["SENTINEL", "PRIMARY", PRIMARY_NAME], target="sentinel",
         volatile=SENTINEL_VOLATILE),
    Case("sentinel_primaries", ["SENTINEL", "PRIMARIES"], target="sentinel",
         volatile=SENTINEL_VOLATILE),
    Case("sentinel_replicas", ["SENTINEL", "REPLICAS", PRIMARY_NAME], target="sentinel",
         volatile=SENTINEL_VOLATILE),
    Case("sentinel_sentinels", ["SENTINEL", "SENTINELS", PRIMARY_NAME], target="sentinel",
         volatile=SENTINEL_VOLATILE),
    Case("sentinel_get_primary_addr_by_name",
         ["SENTINEL", "GET-PRIMARY-ADDR-BY-NAME", PRIMARY_NAME], target="sentinel"),
    Case("sentinel_is_primary_down_by_addr", sentinel_down_argv, target="sentinel"),
    Case("sentinel_info_cache", ["SENTINEL", "INFO-CACHE", PRIMARY_NAME], target="sentinel",
         volatile="age (ms), the INFO texts"),
    Case("sentinel_pending_scripts", ["SENTINEL", "PENDING-SCRIPTS"], target="sentinel"),
    # --- cluster
    Case("cluster_info", ["CLUSTER", "INFO"], target="cluster",
         volatile="cluster_stats_messages_*"),
    Case("cluster_nodes", ["CLUSTER", "NODES"], target="cluster", volatile="ping-sent, pong-recv"),
    # The same shape and decoder, but an array of lines rather than one text.
    Case("cluster_replicas", lambda env: ["CLUSTER", "REPLICAS", env.cluster_ids["cluster"]],
         target="cluster", volatile="ping-sent, pong-recv"),
    Case("cluster_shards", ["CLUSTER", "SHARDS"], target="cluster",
         volatile="replication-offset"),
    Case("cluster_slots", ["CLUSTER", "SLOTS"], target="cluster"),
    Case("cluster_links", ["CLUSTER", "LINKS"], target="cluster",
         volatile="events, send-buffer-allocated, send-buffer-used"),
    Case("cluster_slot_stats", cluster_slot_stats_argv, target="cluster"),
]


# ---------------------------------------------------------------------------------------
# Recording

def run_setup(env: Env, case: Case) -> None:
    if case.target == "data":
        s = env.setup("data")
        s.cmd("FLUSHALL", "SYNC")
    if callable(case.setup):
        case.setup(env)
    else:
        for argv in case.setup:
            env.setup(case.target).cmd(*argv)


def record_case(env: Env, case: Case) -> dict[int, bytes]:
    c2, c3 = env.pair(case.target)
    run_setup(env, case)
    argv = [str(a) for a in (case.argv(env) if callable(case.argv) else case.argv)]
    replies: dict[int, bytes] = {}
    with case.during(env) if case.during else contextlib.nullcontext():
        for conn in (c2, c3):
            if conn is c3 and case.reset:
                run_setup(env, case)
            for before in case.before:
                conn.cmd(*before)
            replies[conn.protocol] = conn.raw(*argv)
            for after in case.after:
                conn.cmd(*after)
    for argv_ in case.teardown:
        env.setup(case.target).cmd(*argv_)
    for protocol, raw in replies.items():
        if raw[:1] in (b"-", b"!"):
            raise RuntimeError(f"{case.name}: RESP{protocol} error reply {raw[:200]!r}")
    case.recorded_argv = argv
    return replies


def server_label(env: Env, target: str) -> str:
    mode = {"data": "standalone", "primary": "standalone primary", "replica": "replica",
            "sentinel": "sentinel", "cluster": "cluster"}[target]
    return f"valkey {env.version} ({mode})"


def write_case(path: Path, case: Case, shape: str, protocol: int, server: str,
               raw: bytes) -> None:
    header = "\n".join([
        HEADER,
        f"case: {case.name}",
        f"method: {case.method}",
        f"shape: {shape}",
        f"protocol: {protocol}",
        f"server: {server}",
        f"argv: {json.dumps(case.recorded_argv, ensure_ascii=False)}",
        f"volatile: {case.volatile}",
        f"bytes: {len(raw)}",
        "---",
        "",
    ])
    path.write_bytes(header.encode() + raw)


def check_cases(method_shapes: dict[str, str]) -> None:
    names = [c.name for c in CASES]
    if len(names) != len(set(names)):
        raise SystemExit("record.py: duplicate case names")
    for case in CASES:
        if case.method not in method_shapes:
            raise SystemExit(f"record.py: case {case.name}: no generated method {case.method}")
    covered = {method_shapes[c.method] for c in CASES}
    missing = sorted(set(method_shapes.values()) - covered - set(SKIPPED))
    if missing:
        raise SystemExit("record.py: no case for the reply shapes " + ", ".join(missing))


def check_words(case: Case, words: tuple[str, ...]) -> None:
    sent = tuple(a.upper() for a in case.recorded_argv[:len(words)])
    if sent != words:
        raise SystemExit(f"record.py: case {case.name} sends {sent}, but {case.method} "
                         f"sends {words}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print the cases and exit")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (recorded/)")
    args = parser.parse_args()

    method_shapes = shapes.method_shapes()
    words = shapes.method_words()
    check_cases(method_shapes)
    if args.list:
        for case in CASES:
            print(f"{case.name:40} {method_shapes[case.method]}")
        print(f"{len(CASES)} cases, {len({method_shapes[c.method] for c in CASES})} shapes")
        return 0
    if not shutil.which("valkey-server"):
        raise SystemExit("record.py: valkey-server is not on PATH")

    started = time.monotonic()
    recorded: dict[str, tuple[Case, dict[int, bytes]]] = {}
    with contextlib.ExitStack() as stack:
        env = Env(stack)
        start_servers(env)
        env.version = env.setup("data").cmd("INFO", "server").split("valkey_version:")[1].split()[0]
        for case in CASES:
            recorded[case.name] = (case, record_case(env, case))
            check_words(case, words[case.method])
        labels = {c.target: server_label(env, c.target) for c in CASES}

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for old in list(out.glob("*.resp2")) + list(out.glob("*.resp3")):
        old.unlink()
    index_cases = {}
    for name, (case, replies) in recorded.items():
        shape = method_shapes[case.method]
        for protocol, raw in replies.items():
            write_case(out / f"{name}.resp{protocol}", case, shape, protocol, labels[case.target],
                       raw)
        index_cases[name] = {"method": case.method, "shape": shape, "argv": case.recorded_argv,
                             "server": labels[case.target]}
    index = {
        "comment": "Written by tests/replies/record.py; check_coverage.py compares it with "
                   "the generated API. Do not edit: re-record.",
        "server_version": env.version,
        "cases": index_cases,
        "skipped_shapes": SKIPPED,
    }
    (out / "index.json").write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n")
    shapes_covered = len({c["shape"] for c in index_cases.values()})
    print(f"record.py: {len(index_cases)} cases ({shapes_covered} shapes) written to {out} "
          f"in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
