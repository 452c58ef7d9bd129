"""tools/spec-coverage against a real valkey-server (and sentinel) started here: the
committed tree is complete (exit 0), a command missing from spec/ or a builder missing
from generated/ fails (exit 1) and is named, untyped replies are listed with their
reason, bad URLs and unreachable servers give exit 2 and one clear line."""

import json
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from support import HAVE_SERVER, NO_SERVER_REASON, REPO
from valkeyspec import coverage
from valkeyspec.resp_client import RespClient
from valkeyspec.servers import TemporaryServer, free_port

sys.path.insert(0, str(REPO))  # codegen/
import codegen  # noqa: E402
from codegen.validate import validate  # noqa: E402

SPEC_COVERAGE = REPO / "tools" / "spec-coverage"
PASSWORD = "cover-pw"

# Filled by setUpModule: one server, one sentinel, one password-protected server for all.
servers: dict[str, TemporaryServer] = {}


def setUpModule():
    if not HAVE_SERVER:
        return
    servers.update(server=TemporaryServer(), sentinel=TemporaryServer(sentinel=True),
                   protected=TemporaryServer(password=PASSWORD))
    try:
        for server in servers.values():
            server.start()
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    for server in servers.values():
        server.stop()
    servers.clear()


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SPEC_COVERAGE), *args], capture_output=True,
                          text=True, timeout=60)


def server_callable_names(url: str) -> set[str]:
    """Straight from COMMAND INFO: every subcommand, every command without subcommands,
    and a container only when its arity lets it stand alone (COMMAND, arity -1)."""
    names = set()
    with RespClient(url) as client:
        for info in client.command("COMMAND", "INFO"):
            name, arity, subcommands = info[0].upper(), info[1], info[9]
            if not subcommands or arity in (1, -1):
                names.add(name)
            names.update(sub[0].replace("|", " ").upper() for sub in subcommands)
    return names


class DeclaredBuilders(unittest.TestCase):
    """The header scan alone (no server)."""

    def test_declarations(self):
        text = """
/// GET: valkey::Command<std::string> not_this(); in a comment
/* valkey::Command<int> nor_this(); */
valkey::Command<std::optional<std::string>> get(std::string_view key);
[[deprecated("x")]]
valkey::Command<std::vector<std::pair<std::string, double>>> zrange_withscores(
    std::string_view key);
valkey::Command<valkey::reply::info, valkey::detail::info_lines>   info_all ( );
struct get_options { std::optional<std::int64_t> count{}; };
"""
        self.assertEqual(coverage.declared_builders(text),
                         {"get", "zrange_withscores", "info_all"})

    def test_committed_headers_have_every_method(self):
        model = codegen.build(REPO / "spec")
        tree = coverage.GeneratedTree(REPO / "generated")
        missing = [(c.name, m.name) for c in model.callable_commands for m in c.methods
                   if m.name not in (tree.builders(c.group) or set())]
        self.assertEqual(missing, [])


@unittest.skipUnless(HAVE_SERVER, NO_SERVER_REASON)
class RealTree(unittest.TestCase):
    """The committed spec/ and generated/ against Valkey 8.0.1: nothing missing."""

    @classmethod
    def setUpClass(cls):
        cls.model = codegen.build(REPO / "spec")
        cls.report = validate(cls.model)

    def run_ok(self, *args) -> subprocess.CompletedProcess:
        result = run(*args)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stderr, "")
        return result

    def check_json(self, document: dict, expected_names: set[str]):
        self.assertTrue(document["ok"])
        self.assertEqual(document["total"]["commands"], len(expected_names))
        self.assertEqual(document["total"]["in_spec"], len(expected_names))
        self.assertEqual(document["total"]["generated"], len(expected_names))
        groups = {self.model.command(name).group for name in expected_names}
        self.assertEqual(set(document["groups"]), groups)
        self.assertEqual(list(document["groups"]), sorted(groups))
        self.assertEqual(sum(g["commands"] for g in document["groups"].values()),
                         len(expected_names))
        for name, group in document["groups"].items():
            with self.subTest(group=name):
                self.assertEqual(group["missing_from_spec"], [])
                self.assertEqual(group["missing_builders"], [])
                self.assertEqual(group["typed"] + group["untyped"], group["commands"])
                self.assertEqual(group["typed_percent"],
                                 round(100 * group["typed"] / group["commands"], 1))

    def test_text(self):
        out = self.run_ok("--url", servers["server"].url).stdout
        self.assertRegex(out, r"(?m)^group +commands +spec +builders +typed +Reply +typed%$")
        for group in {c.group for c in self.model.callable_commands} - {"sentinel"}:
            self.assertRegex(out, rf"(?m)^{group} +\d+ +\d+ +\d+ +\d+ +\d+ +\d+\.\d%$")
        self.assertRegex(out, r"(?m)^total +\d+ +\d+ +\d+ +\d+ +\d+ +\d+\.\d%$")
        self.assertIn("sentinel: not checked", out)
        self.assertNotIn("missing", out)
        self.assertTrue(out.rstrip().splitlines()[-1].startswith("spec-coverage: ok: "))

    def test_json(self):
        url = servers["server"].url
        document = json.loads(self.run_ok("--url", url, "--json").stdout)
        expected = server_callable_names(url)
        self.check_json(document, expected)
        self.assertFalse(document["sentinel_checked"])
        self.assertEqual([s["role"] for s in document["servers"]], ["server"])
        self.assertEqual(document["servers"][0]["commands"], len(expected))
        # The Sentinel-only commands are not counted against a server without them.
        not_on_server = [n for g in document["groups"].values() for n in g["not_on_server"]]
        self.assertEqual(not_on_server, [])
        # The same answer twice gives the same bytes.
        self.assertEqual(self.run_ok("--url", url, "--json").stdout,
                         json.dumps(document, indent=2, ensure_ascii=False) + "\n")

    def test_with_sentinel(self):
        url, sentinel_url = servers["server"].url, servers["sentinel"].url
        result = self.run_ok("--url", url, "--sentinel-url", sentinel_url, "--json")
        document = json.loads(result.stdout)
        expected = server_callable_names(url) | server_callable_names(sentinel_url)
        self.check_json(document, expected)
        self.assertIn("SENTINEL MASTERS", expected)
        self.assertTrue(document["sentinel_checked"])
        self.assertEqual([(s["role"], s["mode"]) for s in document["servers"]],
                         [("server", "standalone"), ("sentinel", "sentinel")])
        self.assertGreater(document["groups"]["sentinel"]["commands"], 20)
        # Valkey 8.0.1 is what spec/ was dumped from: every callable command is there.
        self.assertEqual(document["total"]["commands"], len(self.model.callable_commands))

        text = self.run_ok("--url", url, "--sentinel-url", sentinel_url).stdout
        self.assertRegex(text, r"(?m)^sentinel +\d+ ")
        self.assertIn(f"sentinel: valkey 8.0.1 (sentinel) at {sentinel_url}", text)

    def test_untyped_listed_with_reason(self):
        self.assertTrue(self.report.untyped, "the real overrides have Reply commands")
        url = servers["server"].url
        text = self.run_ok("--url", url).stdout
        document = json.loads(self.run_ok("--url", url, "--json").stdout)
        listed = {u["command"]: u for g in document["groups"].values()
                  for u in g["untyped_commands"]}
        for command in self.report.untyped:
            with self.subTest(command=command.name):
                self.assertIn(f"  {command.group}: {command.name}: Reply: {command.reason}\n",
                              text)
                self.assertEqual(listed[command.name],
                                 {"command": command.name, "reply": "Reply", "kind": "Reply",
                                  "reason": command.reason})

    def test_url_with_password_and_db(self):
        url = servers["protected"].url.replace("valkey://", f"redis://default:{PASSWORD}@")
        result = self.run_ok("--url", url + "/3")
        self.assertNotIn(PASSWORD, result.stdout)
        failed = run("--url", servers["protected"].url)
        self.assertEqual(failed.returncode, 2)
        self.assertIn("requires authentication", failed.stderr)


@unittest.skipUnless(HAVE_SERVER, NO_SERVER_REASON)
class BrokenTrees(unittest.TestCase):
    """Temporary copies of spec/ and generated/ with one thing taken out."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="spec-coverage-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.spec = self.tmp / "spec"
        self.generated = self.tmp / "generated"
        shutil.copytree(REPO / "spec", self.spec)
        shutil.copytree(REPO / "generated" / "include", self.generated / "include")

    def run_tree(self, *extra) -> tuple[subprocess.CompletedProcess, dict]:
        args = ("--url", servers["server"].url, "--spec", str(self.spec),
                "--generated", str(self.generated), *extra)
        text, as_json = run(*args), run(*args, "--json")
        self.assertEqual(text.stderr + as_json.stderr, "")
        self.assertEqual(as_json.returncode, text.returncode)
        return text, json.loads(as_json.stdout)

    def remove_override(self, name: str) -> None:
        for path in (self.spec / "overrides").glob("*.json"):
            content = json.loads(path.read_text())
            if content.pop(name, None) is not None:
                path.write_text(json.dumps(content, indent=2))
                return
        self.fail(f"no override for {name}")

    def set_override(self, name: str, value: dict) -> None:
        for path in (self.spec / "overrides").glob("*.json"):
            content = json.loads(path.read_text())
            if name in content:
                content[name] = value
                path.write_text(json.dumps(content, indent=2))
                return
        self.fail(f"no override for {name}")

    def remove_declaration(self, group: str, method: str) -> None:
        header = self.generated / "include" / "valkey" / "commands" / f"{group}.hpp"
        text, n = re.subn(rf"(?m)^valkey::Command<.*> {method}\(.*\n", "", header.read_text())
        self.assertEqual(n, 1, f"{method} in {header}")
        header.write_text(text)

    def test_command_missing_from_spec(self):
        # What a newer server looks like: a command spec/ has never heard of.
        (self.spec / "valkey" / "client-no-touch.json").unlink()
        self.remove_override("CLIENT NO-TOUCH")
        text, document = self.run_tree()
        self.assertEqual(text.returncode, 1, text.stdout)
        self.assertIn("missing from spec/ (1):\n  connection: CLIENT NO-TOUCH\n", text.stdout)
        self.assertIn("hint: the server has commands spec/ lacks: run tools/spec-dump",
                      text.stdout)
        self.assertTrue(text.stdout.rstrip().splitlines()[-1].startswith(
            "spec-coverage: FAILED: "))
        self.assertFalse(document["ok"])
        connection = document["groups"]["connection"]
        self.assertEqual(connection["missing_from_spec"], ["CLIENT NO-TOUCH"])
        self.assertEqual(connection["in_spec"], connection["commands"] - 1)
        self.assertEqual(document["total"]["in_spec"], document["total"]["commands"] - 1)

    def test_builder_missing_from_generated(self):
        self.remove_declaration("string", "getdel")
        self.remove_declaration("string", "set_get")  # a variant is a builder too
        text, document = self.run_tree()
        self.assertEqual(text.returncode, 1, text.stdout)
        self.assertIn("missing from generated/ (2 builders):\n"
                      "  string: GETDEL (getdel), SET (set_get)\n", text.stdout)
        self.assertIn("hint: builders are missing from generated/: regenerate", text.stdout)
        self.assertNotIn("missing from spec/", text.stdout)
        self.assertFalse(document["ok"])
        string = document["groups"]["string"]
        self.assertEqual(string["missing_builders"], [
            {"command": "GETDEL", "method": "getdel",
             "header": "include/valkey/commands/string.hpp"},
            {"command": "SET", "method": "set_get",
             "header": "include/valkey/commands/string.hpp"}])
        self.assertEqual(string["generated"], string["commands"] - 2)
        self.assertEqual(string["typed"], string["commands"] - 2)

    def test_group_header_missing(self):
        (self.generated / "include" / "valkey" / "commands" / "geo.hpp").unlink()
        text, document = self.run_tree()
        self.assertEqual(text.returncode, 1)
        self.assertIn("  geo: GEOADD (geoadd), ", text.stdout)
        self.assertEqual(document["groups"]["geo"]["generated"], 0)

    def test_untyped_reason(self):
        reason = "a reason only this test writes"
        self.set_override("GETDEL", {"reply": "Reply", "reason": reason})
        text, document = self.run_tree()
        self.assertEqual(text.returncode, 0, text.stdout)  # untyped is listed, not failed
        self.assertIn(f"  string: GETDEL: Reply: {reason}\n", text.stdout)
        self.assertIn({"command": "GETDEL", "reply": "Reply", "kind": "Reply",
                       "reason": reason}, document["groups"]["string"]["untyped_commands"])

    def test_broken_spec_is_a_usage_error(self):
        (self.spec / "overrides" / "string.json").write_text("{ not json")
        result = run("--url", servers["server"].url, "--spec", str(self.spec))
        self.assertEqual(result.returncode, 2)
        self.assertIn("does not load", result.stderr)
        self.assertNotIn("Traceback", result.stderr)


class Errors(unittest.TestCase):
    """Exit status 2 and one line naming the problem; never a traceback."""

    def assert_error(self, args, message):
        result = run(*args)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
        self.assertIn(message, result.stderr)

    def test_connection_refused(self):
        port = free_port()  # nothing listens there
        self.assert_error(["--url", f"valkey://127.0.0.1:{port}"],
                          f"spec-coverage: error: cannot connect to valkey://127.0.0.1:{port}: "
                          "Connection refused")

    def test_sentinel_connection_refused(self):
        if not HAVE_SERVER:
            self.skipTest(NO_SERVER_REASON)
        port = free_port()
        self.assert_error(["--url", servers["server"].url,
                           "--sentinel-url", f"redis://127.0.0.1:{port}"],
                          f"cannot connect to valkey://127.0.0.1:{port}: Connection refused")

    def test_bad_urls(self):
        for url, message in (("http://127.0.0.1", "must be valkey:// or unix://"),
                             ("valkey://127.0.0.1:99999", "invalid URL"),
                             ("valkey://127.0.0.1:6379/x", "database 'x' is not a number"),
                             ("valkeys://127.0.0.1", "(TLS) is not supported")):
            with self.subTest(url=url):
                self.assert_error(["--url", url], message)

    def test_bad_folders(self):
        self.assert_error(["--spec", "/nonexistent/spec"], "--spec /nonexistent/spec: no such")

    @unittest.skipUnless(HAVE_SERVER, NO_SERVER_REASON)
    def test_wrong_modes(self):
        self.assert_error(["--url", servers["sentinel"].url],
                          "is a sentinel server; expected standalone or cluster")
        self.assert_error(["--url", servers["server"].url,
                           "--sentinel-url", servers["server"].url],
                          "is a standalone server; expected sentinel")

    def test_usage(self):
        result = run("--no-such-option")
        self.assertEqual(result.returncode, 2)
        self.assertIn("usage: tools/spec-coverage", result.stderr)


if __name__ == "__main__":
    unittest.main()
