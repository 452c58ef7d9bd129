"""Throwaway valkey-server and sentinel processes for tools and tests.

Each runs on a free loopback port in its own temporary folder, persists nothing, and is
stopped by its PID (SIGTERM, then SIGKILL after a grace period) when the context exits:

    with TemporaryServer() as server, TemporaryServer(sentinel=True) as sentinel:
        ... server.url, sentinel.url ...
"""

from __future__ import annotations

import dataclasses
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .resp_client import ClientError, RespClient
from .url import parse_url

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
PORT_ATTEMPTS = 5  # another process may take the free port before the server binds it


class ServerStartError(Exception):
    pass


class TemporaryServer:
    def __init__(self, *, sentinel: bool = False, password: str | None = None,
                 server_binary: str | None = None, extra_args: tuple[str, ...] = ()):
        self.sentinel = sentinel
        self.password = password
        self.server_binary = server_binary
        self.extra_args = tuple(extra_args)
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._dir: Path | None = None

    @property
    def url(self) -> str:
        """Without the password."""
        return f"valkey://127.0.0.1:{self.port}"

    def __enter__(self) -> TemporaryServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="valkey-spec-"))
        try:
            for _ in range(PORT_ATTEMPTS):
                if self._try_start(free_port()):
                    return
            raise ServerStartError(f"{self._what()}: no free port after {PORT_ATTEMPTS} tries")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process is not None:
            self._end_process()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _what(self) -> str:
        return "sentinel" if self.sentinel else "valkey-server"

    def _command(self, port: int) -> list[str]:
        if self.sentinel:
            # Sentinel needs a writable config file; it monitors nothing here.
            config = self._dir / "sentinel.conf"
            config.write_text(f"port {port}\nbind 127.0.0.1\ndir {self._dir}\n")
            sentinel_binary = None if self.server_binary else shutil.which("valkey-sentinel")
            if sentinel_binary:
                return [sentinel_binary, str(config), *self.extra_args]
            return [self._server_binary(), str(config), "--sentinel", *self.extra_args]
        password = ("--requirepass", self.password) if self.password is not None else ()
        return [self._server_binary(), "--port", str(port), "--bind", "127.0.0.1",
                "--dir", str(self._dir), "--save", "", "--appendonly", "no",
                *password, *self.extra_args]

    def _server_binary(self) -> str:
        binary = self.server_binary or shutil.which("valkey-server")
        if not binary:
            raise ServerStartError("valkey-server not found on PATH")
        return binary

    def _try_start(self, port: int) -> bool:
        """Starts on `port`; False when the port turned out to be taken."""
        log_path = self._dir / f"{port}.log"
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(self._command(port), stdout=log,
                                            stderr=subprocess.STDOUT, cwd=self._dir,
                                            stdin=subprocess.DEVNULL)
        self.port = port
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = log_path.read_text(errors="replace")
                self.process = None
                if "Address already in use" in output:
                    return False
                raise ServerStartError(f"{self._what()} exited on start:\n{_tail(output)}")
            try:
                # The PID check makes sure the answer is not from another process that
                # took the port first (ours then exits with "Address already in use").
                if self._answering_pid() == self.process.pid:
                    return True
            except ClientError:
                pass
            time.sleep(0.02)
        output = log_path.read_text(errors="replace")
        raise ServerStartError(f"{self._what()} did not answer within {START_TIMEOUT:.0f} s:\n"
                               f"{_tail(output)}")

    def _answering_pid(self) -> int | None:
        endpoint = dataclasses.replace(parse_url(self.url), password=self.password)
        with RespClient(endpoint, protocol=2, timeout=1.0) as client:
            info = client.command("INFO", "server")
        for line in info.splitlines():
            if line.startswith("process_id:"):
                return int(line.split(":", 1)[1])
        return None

    def _end_process(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])
