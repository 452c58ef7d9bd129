"""A small blocking RESP2/RESP3 client for the project's tools.

It is meant for talking to a server from scripts (dumping command specs, checking
coverage), not for speed: one connection, one command at a time. Replies decode to
plain Python values:

    simple/bulk/verbatim string -> str (invalid UTF-8 kept via surrogateescape)
    integer, big number -> int      double -> float      boolean -> bool
    null, null bulk/array -> None   array, set -> list   map -> dict
    error -> ServerError (raised for a top-level reply, returned inside aggregates)

Attributes are skipped; push messages arriving before a reply are dropped.
"""

from __future__ import annotations

import socket
from typing import BinaryIO

from .url import Endpoint, parse_url

# Bounds on what a reply may claim, so a broken peer gives an error, not a huge allocation.
MAX_BULK_LENGTH = 512 * 1024 * 1024
MAX_AGGREGATE_LENGTH = 1 << 24
MAX_DEPTH = 64


class ClientError(Exception):
    """Everything this module raises."""


class ConnectError(ClientError):
    pass


class AuthError(ClientError):
    pass


class ProtocolError(ClientError):
    pass


class ServerError(ClientError):
    """An error reply. `code` is its first word (ERR, WRONGPASS, NOAUTH, ...)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
        self.code = message.split(" ", 1)[0]


class Push(list):
    """An out-of-band RESP3 push message (distinct from an array reply)."""


class RespReader:
    """Reads RESP2/RESP3 values from a buffered binary stream."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream

    def read(self):
        return self._value(0)

    def _line(self) -> bytes:
        line = self._stream.readline(64 * 1024)
        if not line:
            raise ProtocolError("connection closed by the server")
        if not line.endswith(b"\r\n"):
            raise ProtocolError(f"malformed reply line {line[:80]!r}")
        return line[:-2]

    def _exact(self, n: int) -> bytes:
        data = self._stream.read(n)
        if data is None or len(data) != n:
            raise ProtocolError("connection closed by the server")
        return data

    def _length(self, text: bytes, limit: int) -> int:
        try:
            n = int(text)
        except ValueError:
            raise ProtocolError(f"malformed length {text[:80]!r}") from None
        if n < -1 or n > limit:
            raise ProtocolError(f"length {n} out of range")
        return n

    def _blob(self, header: bytes) -> str | None:
        n = self._length(header, MAX_BULK_LENGTH)
        if n == -1:
            return None
        data = self._exact(n + 2)
        if data[-2:] != b"\r\n":
            raise ProtocolError("bulk string not terminated by CRLF")
        return _text(data[:-2])

    def _items(self, header: bytes, depth: int, per_item: int = 1) -> list | None:
        n = self._length(header, MAX_AGGREGATE_LENGTH)
        if n == -1:
            return None
        return [self._value(depth + 1) for _ in range(n * per_item)]

    def _value(self, depth: int):
        if depth > MAX_DEPTH:
            raise ProtocolError(f"reply nested deeper than {MAX_DEPTH}")
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return _text(rest)
        if kind == b"-":
            return ServerError(_text(rest))
        if kind in (b":", b"("):
            try:
                return int(rest)
            except ValueError:
                raise ProtocolError(f"malformed integer {rest[:80]!r}") from None
        if kind == b"$":
            return self._blob(rest)
        if kind == b"*":
            return self._items(rest, depth)
        if kind == b"_":
            return None
        if kind == b",":
            try:
                return float(rest)  # accepts inf, -inf and nan as RESP3 spells them
            except ValueError:
                raise ProtocolError(f"malformed double {rest[:80]!r}") from None
        if kind == b"#":
            if rest not in (b"t", b"f"):
                raise ProtocolError(f"malformed boolean {rest!r}")
            return rest == b"t"
        if kind == b"!":
            return ServerError(self._blob(rest) or "")
        if kind == b"=":
            text = self._blob(rest) or ""
            return text[4:]  # drop the "txt:" / "mkd:" format prefix
        if kind == b"~":
            return self._items(rest, depth)
        if kind in (b"%", b"|"):
            flat = self._items(rest, depth, per_item=2)
            pairs = {_hashable(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}
            if kind == b"|":
                return self._value(depth)  # an attribute annotates the value after it
            return pairs
        if kind == b">":
            return Push(self._items(rest, depth) or [])
        raise ProtocolError(f"unknown reply type {line[:80]!r}")


class RespClient:
    """One connection. `command()` sends a command and returns its decoded reply."""

    def __init__(self, endpoint: Endpoint | str, *, protocol: int = 3, timeout: float = 10.0):
        self.endpoint = parse_url(endpoint) if isinstance(endpoint, str) else endpoint
        self.protocol = protocol
        self.hello: dict = {}  # the HELLO reply (RESP3 only): server, version, mode, ...
        self._sock = _connect(self.endpoint, timeout)
        self._stream = self._sock.makefile("rb")
        self._reader = RespReader(self._stream)
        try:
            self._handshake()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> RespClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stream.close()
        self._sock.close()

    def command(self, *args):
        reply = self.raw_command(*args)
        if isinstance(reply, ServerError):
            raise reply
        return reply

    def raw_command(self, *args):
        """Like command(), but returns an error reply instead of raising it."""
        try:
            self._sock.sendall(encode_command(args))
            reply = self._reader.read()
            while isinstance(reply, Push):
                reply = self._reader.read()
            return reply
        except socket.timeout:
            raise ClientError(f"{self.endpoint}: timed out waiting for a reply") from None
        except OSError as e:
            raise ClientError(f"{self.endpoint}: {e.strerror or e}") from None

    def _handshake(self) -> None:
        e = self.endpoint
        if self.protocol == 3:
            auth = ["AUTH", e.username or "default", e.password] if e.password is not None else []
            reply = self.raw_command("HELLO", 3, *auth)
            if isinstance(reply, ServerError):
                raise self._handshake_error(reply)
            self.hello = reply if isinstance(reply, dict) else {}
        elif self.protocol == 2:
            if e.password is not None:
                auth = [e.username, e.password] if e.username else [e.password]
                reply = self.raw_command("AUTH", *auth)
                if isinstance(reply, ServerError):
                    raise self._handshake_error(reply)
        else:
            raise ValueError(f"protocol must be 2 or 3, not {self.protocol}")
        if e.db:
            self.command("SELECT", e.db)

    def _handshake_error(self, error: ServerError) -> ClientError:
        where = str(self.endpoint)
        if error.code == "NOAUTH":
            return AuthError(f"{where}: the server requires authentication; "
                             f"give user:password in the URL ({error.message})")
        if error.code == "WRONGPASS" or "password" in error.message.lower():
            return AuthError(f"{where}: authentication failed: {error.message}")
        if error.code == "NOPROTO" or "unknown command" in error.message.lower():
            return ClientError(f"{where}: the server does not speak RESP3 "
                               f"(HELLO 3 failed: {error.message})")
        return ClientError(f"{where}: handshake failed: {error.message}")


def encode_command(args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        elif isinstance(arg, (int, float)):
            arg = str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


def _connect(endpoint: Endpoint, timeout: float) -> socket.socket:
    try:
        if endpoint.unix_path is not None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(timeout)
                sock.connect(endpoint.unix_path)
            except BaseException:
                sock.close()
                raise
            return sock
        sock = socket.create_connection((endpoint.host, endpoint.port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    except socket.timeout:
        raise ConnectError(f"cannot connect to {endpoint}: timed out") from None
    except OSError as e:
        raise ConnectError(f"cannot connect to {endpoint}: {e.strerror or e}") from None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _hashable(key):
    """Map keys that are aggregates become tuples so they can key a dict."""
    if isinstance(key, list):
        return tuple(_hashable(k) for k in key)
    if isinstance(key, dict):
        return tuple((k, _hashable(v)) for k, v in key.items())
    return key
