"""Server URLs, as the library itself accepts them.

    valkey://[[user]:password@]host[:port][/db]     (redis:// is accepted too)
    unix://[[user]:password@]/path/to/socket[?db=N]

User and password are percent-decoded. TLS (valkeys://) is not supported by these
tools; the error says so rather than connecting in clear text.
"""

from __future__ import annotations

import dataclasses
import urllib.parse

DEFAULT_PORT = 6379


class UrlError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Endpoint:
    host: str | None = None
    port: int = DEFAULT_PORT
    unix_path: str | None = None
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)
    db: int = 0

    def __str__(self) -> str:
        # Used in messages, so it never shows the credentials.
        if self.unix_path is not None:
            return f"unix://{self.unix_path}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"valkey://{host}:{self.port}"


def parse_url(url: str) -> Endpoint:
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError as e:
        raise UrlError(f"invalid URL {_redacted(url)!r}: {e}") from None
    username = _unquote_or_none(parts.username) or None  # "valkey://:pw@host": no user
    password = _unquote_or_none(parts.password)
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)

    if parts.scheme in ("valkey", "redis"):
        if not parts.hostname:
            raise UrlError(f"invalid URL {_redacted(url)!r}: no host")
        if set(query):
            raise UrlError(f"invalid URL {_redacted(url)!r}: unexpected query {parts.query!r}")
        return Endpoint(host=parts.hostname, port=port or DEFAULT_PORT, username=username,
                        password=password, db=_db(parts.path.strip("/"), url))
    if parts.scheme == "unix":
        if not parts.path:
            raise UrlError(f"invalid URL {_redacted(url)!r}: no socket path")
        if set(query) - {"db"}:
            raise UrlError(f"invalid URL {_redacted(url)!r}: unexpected query {parts.query!r}")
        return Endpoint(unix_path=urllib.parse.unquote(parts.path), username=username,
                        password=password, db=_db(query.get("db", [""])[-1], url))
    if parts.scheme in ("valkeys", "rediss"):
        raise UrlError(f"{parts.scheme}:// (TLS) is not supported by this tool")
    raise UrlError(f"invalid URL {_redacted(url)!r}: the scheme must be valkey:// or unix://")


def _unquote_or_none(text: str | None) -> str | None:
    return None if text is None else urllib.parse.unquote(text)


def _db(text: str, url: str) -> int:
    if text == "":
        return 0
    if not text.isdigit():
        raise UrlError(f"invalid URL {_redacted(url)!r}: database {text!r} is not a number")
    return int(text)


def _redacted(url: str) -> str:
    """The URL with any password replaced, for error messages."""
    try:
        parts = urllib.parse.urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "<unparsable URL>"
