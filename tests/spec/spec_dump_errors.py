"""tools/spec-dump's error messages: each failure gives exit status 1 and one clear line,
never a traceback and never the password."""

import tempfile
import unittest
from pathlib import Path

from support import HAVE_SERVER, NO_SERVER_REASON, run_spec_dump
from valkeyspec.servers import TemporaryServer, free_port

PASSWORD = "s3cret-pw"


class ErrorCase(unittest.TestCase):
    def assert_error(self, args, message):
        result = run_spec_dump(*args)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
        self.assertIn(message, result.stderr)


class BadArguments(ErrorCase):
    def test_tls_url(self):
        self.assert_error(["--url", "valkeys://127.0.0.1:6379"], "(TLS) is not supported")

    def test_unknown_scheme(self):
        self.assert_error(["--url", "http://127.0.0.1"], "must be valkey:// or unix://")

    def test_bad_port(self):
        self.assert_error(["--url", "valkey://127.0.0.1:99999"], "invalid URL")

    def test_connection_refused(self):
        port = free_port()  # nothing listens there
        self.assert_error(["--url", f"valkey://127.0.0.1:{port}"],
                          f"spec-dump: error: cannot connect to valkey://127.0.0.1:{port}: "
                          "Connection refused")


@unittest.skipUnless(HAVE_SERVER, NO_SERVER_REASON)
class ServerErrors(ErrorCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = {
            "protected": TemporaryServer(password=PASSWORD),
            # A server whose COMMAND is disabled answers like one that predates COMMAND DOCS.
            "no-command": TemporaryServer(extra_args=("--rename-command", "COMMAND", "")),
            "sentinel": TemporaryServer(sentinel=True),
        }
        try:
            for server in cls.servers.values():
                server.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for server in cls.servers.values():
            server.stop()

    def url(self, name: str, credentials: str = "") -> str:
        return self.servers[name].url.replace("//", f"//{credentials}", 1)

    def test_authentication_required(self):
        self.assert_error(["--url", self.url("protected")],
                          "the server requires authentication; give user:password in the URL")

    def test_wrong_password(self):
        result = run_spec_dump("--url", self.url("protected", ":not-it@"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("authentication failed: WRONGPASS", result.stderr)
        self.assertNotIn("not-it", result.stderr)

    def test_right_password(self):
        for credentials in (f":{PASSWORD}@", f"default:{PASSWORD}@"):
            with self.subTest(credentials=credentials), tempfile.TemporaryDirectory() as out:
                result = run_spec_dump("--url", self.url("protected", credentials),
                                       "--sentinel-url", self.url("sentinel"), "--out", out)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertNotIn(PASSWORD, result.stdout + result.stderr)
                self.assertTrue((Path(out) / "get.json").is_file())

    def test_server_without_command_docs(self):
        self.assert_error(["--url", self.url("no-command")], "the server has no COMMAND DOCS")

    def test_url_of_a_sentinel(self):
        self.assert_error(["--url", self.url("sentinel")],
                          "is a sentinel server; expected standalone or cluster")

    def test_sentinel_url_of_a_plain_server(self):
        self.assert_error(["--url", self.url("protected", f"default:{PASSWORD}@"),
                           "--sentinel-url", self.url("protected", f":{PASSWORD}@")],
                          "is a standalone server; expected sentinel")


if __name__ == "__main__":
    unittest.main()
