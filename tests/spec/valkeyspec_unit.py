"""The tools' shared package without a server: URL parsing, RESP decoding, spec files."""

import io
import tempfile
import unittest
from pathlib import Path

import support  # noqa: F401  (puts tools/ on sys.path)
from valkeyspec.command_spec import explicit_acl_categories, file_name
from valkeyspec.resp_client import Push, ProtocolError, RespReader, ServerError, encode_command
from valkeyspec.spec_dir import SpecDirError, render, write_spec_dir
from valkeyspec.url import Endpoint, UrlError, parse_url


class Urls(unittest.TestCase):
    def test_tcp(self):
        self.assertEqual(parse_url("valkey://localhost"), Endpoint(host="localhost"))
        self.assertEqual(parse_url("redis://10.0.0.1:7000/3"),
                         Endpoint(host="10.0.0.1", port=7000, db=3))
        self.assertEqual(parse_url("valkey://[::1]:6380").host, "::1")

    def test_credentials_are_decoded_and_never_shown(self):
        e = parse_url("valkey://al%40ice:p%3Ass@h:1")
        self.assertEqual((e.username, e.password), ("al@ice", "p:ss"))
        self.assertEqual(parse_url("valkey://:pw@h").username, None)
        self.assertNotIn("p:ss", repr(e) + str(e))
        self.assertEqual(str(e), "valkey://h:1")

    def test_unix(self):
        self.assertEqual(parse_url("unix:///run/v.sock?db=2"),
                         Endpoint(unix_path="/run/v.sock", db=2))
        self.assertEqual(str(parse_url("unix:///run/v.sock")), "unix:///run/v.sock")

    def test_errors(self):
        for url, message in [("valkeys://h", "TLS"), ("http://h", "scheme"),
                             ("valkey://h:70000", "invalid URL"), ("valkey://h/x", "database"),
                             ("valkey://h?x=1", "query"), ("unix://", "socket path"),
                             ("valkey://", "no host")]:
            with self.subTest(url=url), self.assertRaisesRegex(UrlError, message):
                parse_url(url)

    def test_errors_hide_the_password(self):
        with self.assertRaises(UrlError) as caught:
            parse_url("valkey://u:secret@h/notadb")
        self.assertNotIn("secret", str(caught.exception))


def read(data: bytes):
    return RespReader(io.BytesIO(data)).read()


class Resp(unittest.TestCase):
    def test_resp2(self):
        self.assertEqual(read(b"+OK\r\n"), "OK")
        self.assertEqual(read(b":-12\r\n"), -12)
        self.assertEqual(read(b"$3\r\nf\r\n\r\n"), "f\r\n")
        self.assertIsNone(read(b"$-1\r\n"))
        self.assertIsNone(read(b"*-1\r\n"))
        self.assertEqual(read(b"*2\r\n$1\r\na\r\n*1\r\n:1\r\n"), ["a", [1]])
        error = read(b"-WRONGPASS invalid\r\n")
        self.assertIsInstance(error, ServerError)
        self.assertEqual((error.code, error.message), ("WRONGPASS", "WRONGPASS invalid"))

    def test_resp3(self):
        self.assertIsNone(read(b"_\r\n"))
        self.assertEqual(read(b",1.5\r\n"), 1.5)
        self.assertEqual(read(b",-inf\r\n"), float("-inf"))
        self.assertIs(read(b"#t\r\n"), True)
        self.assertEqual(read(b"(123456789012345678901234567890\r\n"),
                         123456789012345678901234567890)
        self.assertEqual(read(b"=8\r\ntxt:abcd\r\n"), "abcd")
        self.assertEqual(read(b"~2\r\n:1\r\n:2\r\n"), [1, 2])
        self.assertEqual(read(b"%2\r\n+a\r\n:1\r\n*1\r\n+k\r\n:2\r\n"), {"a": 1, ("k",): 2})
        self.assertEqual(read(b"|1\r\n+ttl\r\n:3\r\n+value\r\n"), "value")
        self.assertEqual(read(b"!5\r\nERR x\r\n").message, "ERR x")
        push = read(b">2\r\n+message\r\n+x\r\n")
        self.assertIsInstance(push, Push)
        self.assertEqual(push, ["message", "x"])

    def test_malformed(self):
        for data in [b"", b"+OK\n", b"?x\r\n", b"$5\r\nab\r\n", b":x\r\n", b"*-2\r\n",
                     b"$3\r\nabcde", b"#x\r\n", b"*1\r\n" * 100 + b":1\r\n"]:
            with self.subTest(data=data), self.assertRaises(ProtocolError):
                read(data)

    def test_encode(self):
        self.assertEqual(encode_command(("SET", "k", b"\x00", 5)),
                         b"*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n\x00\r\n$1\r\n5\r\n")


class SpecFiles(unittest.TestCase):
    def test_file_name(self):
        self.assertEqual(file_name("client|kill"), "client-kill.json")
        self.assertEqual(file_name("bitfield_ro"), "bitfield_ro.json")

    def test_implied_acl_categories_are_dropped(self):
        self.assertEqual(explicit_acl_categories(
            ["WRITE", "ADMIN"], ["WRITE", "ADMIN", "SLOW", "DANGEROUS", "KEYSPACE"]), ["KEYSPACE"])
        self.assertEqual(explicit_acl_categories(["READONLY", "FAST"], ["READ", "STRING", "FAST"]),
                         ["STRING"])
        # Scripting commands do not get READ from their READONLY flag.
        self.assertEqual(explicit_acl_categories(["READONLY"], ["READ", "SCRIPTING", "SLOW"]),
                         ["READ", "SCRIPTING"])

    def test_render(self):
        self.assertEqual(render({"A": {"b": [1]}}), b'{\n    "A": {\n        "b": [\n'
                                                     b'            1\n        ]\n    }\n}\n')

    def test_write_spec_dir(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "spec"
            write_spec_dir(out, {"a.json": b"1", "old.json": render({"OLD": {"arity": 1}})})
            summary = write_spec_dir(out, {"a.json": b"1", "b.json": b"2"})
            self.assertEqual((summary.written, summary.unchanged, summary.removed), (1, 1, 1))
            self.assertEqual(sorted(p.name for p in out.iterdir()), ["a.json", "b.json"])
            (out / "notes.json").write_text("[]")
            with self.assertRaisesRegex(SpecDirError, "notes.json"):
                write_spec_dir(out, {"a.json": b"1"})
            self.assertTrue((out / "b.json").exists())


if __name__ == "__main__":
    unittest.main()
