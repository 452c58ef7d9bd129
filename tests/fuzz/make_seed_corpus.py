#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_resp_parser into corpus/resp_parser/.

Each input is one byte choosing the fragmentation (see fuzz_resp_parser.cpp) followed by
a RESP stream. Files are named seed-<label>-<first 10 hex digits of the content's
SHA-1>, so regenerating gives the same names. Running the script replaces every seed-*
file and leaves other files alone: inputs that once crashed the target are committed
there as regression-<what>-<hash> (never crash-*: .gitignore drops those).

    tests/fuzz/make_seed_corpus.py [--out DIR]
"""

import argparse
import hashlib
import pathlib

CRLF = b"\r\n"


def bulk(payload: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(payload), payload)


def array(*elements: bytes) -> bytes:
    return b"*%d\r\n" % len(elements) + b"".join(elements)


def resp3_map(*pairs: bytes) -> bytes:
    return b"%%%d\r\n" % (len(pairs) // 2) + b"".join(pairs)


def line(prefix: bytes, text: bytes) -> bytes:
    return prefix + text + CRLF


def nested(levels: int) -> bytes:
    return b"*1\r\n" * levels + b":1\r\n"


# Each entry: (label, RESP stream). Labels are unique and only used in file names.
SEEDS = [
    # One per RESP3 type, with edge values.
    ("simple-string", line(b"+", b"OK")),
    ("simple-error", line(b"-", b"ERR unknown command 'FOO'")),
    ("integer", line(b":", b"1000")),
    ("integer-min", line(b":", b"-9223372036854775808")),
    ("bulk-string", bulk(b"hello")),
    ("bulk-empty", bulk(b"")),
    ("bulk-binary-crlf", bulk(b"a\r\nb\x00\xff\n\r")),
    ("null", b"_\r\n"),
    ("resp2-null-bulk", b"$-1\r\n"),
    ("resp2-null-array", b"*-1\r\n"),
    ("double", line(b",", b"3.14")),
    ("double-inf", line(b",", b"inf") + line(b",", b"-inf")),
    ("double-nan", line(b",", b"nan")),
    ("double-exponent", line(b",", b"-1.5e-10") + line(b",", b"1E300")),
    ("boolean", b"#t\r\n#f\r\n"),
    ("big-number", line(b"(", b"3492890328409238509324850943850943825024385")),
    ("bulk-error", b"!21\r\nSYNTAX invalid syntax\r\n"),
    ("verbatim", b"=15\r\ntxt:Some string\r\n"),
    ("array", array(b":1\r\n", bulk(b"two"), b",3.5\r\n")),
    ("array-empty", b"*0\r\n"),
    ("map", resp3_map(b"+first\r\n", b":1\r\n", b"+second\r\n", array(b"#t\r\n"))),
    ("map-empty", b"%0\r\n"),
    ("set", b"~3\r\n+a\r\n+b\r\n_\r\n"),
    ("push-pubsub", b">3\r\n$7\r\nmessage\r\n$4\r\nchan\r\n$5\r\nhello\r\n"),
    ("push-invalidate", b">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n"),
    ("attribute-top-level", b"|1\r\n+ttl\r\n:3600\r\n" + bulk(b"value")),
    ("attribute-nested", b"*2\r\n:1\r\n|1\r\n+meta\r\n*1\r\n+x\r\n:2\r\n"),
    ("attribute-in-attribute", b"|1\r\n|1\r\n|1\r\n+x\r\n+y\r\n+a\r\n+b\r\n+k\r\n+v\r\n:1\r\n"),
    ("attribute-empty", b"|0\r\n+after\r\n"),
    ("nested-aggregates",
     b"*3\r\n:1\r\n*2\r\n+a\r\n%1\r\n$1\r\nk\r\n~2\r\n#t\r\n,2.5\r\n>0\r\n"),
    ("depth-at-small-limit", nested(8)),
    ("depth-past-small-limit", nested(9)),
    # RESP2 replies a client sees every day.
    ("resp2-hgetall", array(bulk(b"field"), bulk(b"value"), bulk(b"age"), bulk(b"42"))),
    ("resp2-zrange-withscores", array(bulk(b"a"), bulk(b"1.5"), bulk(b"b"), bulk(b"-inf"))),
    ("resp3-zrange-withscores",
     array(array(bulk(b"a"), b",1.5\r\n"), array(bulk(b"b"), b",-inf\r\n"))),
    ("resp2-hello",
     array(bulk(b"server"), bulk(b"valkey"), bulk(b"version"), bulk(b"8.0.1"), bulk(b"proto"),
           b":2\r\n", bulk(b"id"), b":5\r\n", bulk(b"mode"), bulk(b"standalone"), bulk(b"role"),
           bulk(b"master"), bulk(b"modules"), b"*0\r\n")),
    ("resp3-hello",
     resp3_map(bulk(b"server"), bulk(b"valkey"), bulk(b"version"), bulk(b"8.0.1"),
               bulk(b"proto"), b":3\r\n", bulk(b"modules"), b"*0\r\n")),
    ("resp2-mget-miss", array(bulk(b"x"), b"$-1\r\n", bulk(b"y"))),
    ("resp2-exec-with-error", array(b"+OK\r\n", b"-WRONGTYPE Operation against a key\r\n")),
    ("resp2-scan", array(bulk(b"17"), array(bulk(b"key:1"), bulk(b"key:2")))),
    ("resp2-xrange",
     array(array(bulk(b"1-0"), array(bulk(b"f"), bulk(b"v"))), array(bulk(b"2-0"), b"*0\r\n"))),
    # Shapes of the typed targets, fitting and not.
    ("tuple-string-double", array(bulk(b"member"), bulk(b"2.5"))),
    ("tuple-wrong-size", array(bulk(b"member"), bulk(b"2.5"), bulk(b"x"))),
    ("map-odd-flat-array", array(b"+a\r\n", b"+b\r\n", b"+c\r\n")),
    ("optional-integer-bulk", bulk(b"-42") + b"_\r\n"),
    # Streams of several messages.
    ("pipeline", b"+OK\r\n:1\r\n" + bulk(b"v") + b"$-1\r\n" + array(b":1\r\n") + b"-ERR x\r\n"),
    ("push-between-replies", b"+first\r\n>2\r\n+pubsub\r\n+x\r\n:2\r\n"),
    ("mismatch-then-valid", array(b"+a\r\n", array(b"+b\r\n")) + array(b"+c\r\n")),
    # Beyond the fuzz target's small limits (bulk 64, aggregate 16, line 64).
    ("bulk-past-small-limit", bulk(b"x" * 65)),
    ("aggregate-past-small-limit", array(*[b":1\r\n"] * 17)),
    ("line-past-small-limit", line(b"+", b"y" * 65)),
    ("huge-count-no-elements", b"*1000000000\r\n"),
    # Malformed input.
    ("bad-length-minus-two", b"$-2\r\n"),
    ("bad-length-letters", b"$abc\r\n"),
    ("bad-length-plus", b"$+5\r\nhello\r\n"),
    ("bad-count-minus-five", b"*-5\r\n"),
    ("bad-length-overflow", b"$99999999999999999999999\r\n"),
    ("bad-count-past-default-limit", b"*4294967297\r\n"),
    ("lf-only", b"+OK\n"),
    ("bulk-without-crlf", b"$3\r\nabcd\r\n"),
    ("bad-type-byte", b"?\r\n"),
    ("truncated-aggregate", b"*3\r\n:1\r\n$5\r\nhel"),
    ("bad-integer", b":abc\r\n"),
    ("bad-integer-two-signs", b":+-5\r\n"),
    ("bad-double", b",1.5x\r\n"),
    ("double-out-of-range", b",1e400\r\n,-1e-400\r\n"),
    ("bad-boolean", b"#x\r\n"),
    ("bad-null", b"_x\r\n"),
    ("verbatim-without-prefix", b"=3\r\nabc\r\n"),
    ("streamed-string", b"$?\r\n;4\r\nHell\r\n;0\r\n"),
    ("streamed-aggregate", b"*?\r\n:1\r\n.\r\n"),
]

# Fragmentation plans cycled over the seeds: byte at a time, small and uneven sizes, 16.
PLANS = [0x00, 0x12, 0x37, 0x5A, 0xF0, 0xFF, 0x31, 0x0F]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_out = pathlib.Path(__file__).resolve().parent / "corpus" / "resp_parser"
    parser.add_argument("--out", type=pathlib.Path, default=default_out)
    args = parser.parse_args()

    labels = [label for label, _ in SEEDS]
    assert len(labels) == len(set(labels)), "duplicate labels"
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("seed-*"):
        old.unlink()
    for i, (label, stream) in enumerate(SEEDS):
        content = bytes([PLANS[i % len(PLANS)]]) + stream
        digest = hashlib.sha1(content).hexdigest()[:10]
        (args.out / f"seed-{label}-{digest}").write_bytes(content)
    print(f"wrote {len(SEEDS)} seeds to {args.out}")


if __name__ == "__main__":
    main()
