"""One HTTP request, server-independent, and what an app answered to it.

``RequestSpec`` is what a client sent; ``build_request`` makes one from the
command line's request options as curl would send it. ``wsgi`` and ``asgi``
turn a spec into what each server hands an app.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from handlerbench.errors import UsageError

SERVER_SOFTWARE = "handlerbench"

DEFAULT_HEADERS: tuple[tuple[str, str], ...] = (
    ("host", "127.0.0.1:8000"),
    ("user-agent", "handlerbench"),
    ("accept", "*/*"),
)


@dataclass(frozen=True)
class RequestSpec:
    """One HTTP request, server-independent: what a client sent and to where."""

    method: str = "GET"
    path: str = "/"
    query_string: str = ""
    headers: tuple[tuple[str, str], ...] = DEFAULT_HEADERS
    body: bytes = b""
    scheme: str = "http"
    server: tuple[str, int] = ("127.0.0.1", 8000)
    client: tuple[str, int] = ("127.0.0.1", 50000)

    def all_headers(self) -> list[tuple[str, str]]:
        """The headers as sent, with Content-Length added for a body, as a client does."""
        headers = [(name.lower(), value) for name, value in self.headers]
        if self.body and not any(name == "content-length" for name, _ in headers):
            headers.append(("content-length", str(len(self.body))))
        return headers


# RFC 9110 tokens: what a method or a header name may be made of.
TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
FORM = "application/x-www-form-urlencoded"
# What a query string keeps as it is: the printable ASCII a client does not encode.
SAFE = "!#$%&'()*+,/:;=?@[]~"


def _field(value: str, option: str, given: str) -> str:
    """A header value as HTTP carries it: Latin-1, no line breaks (both servers agree)."""
    if any(c in value for c in "\r\n\0"):
        raise UsageError(f"{option} {given!r} has a line break or NUL in its value")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise UsageError(
            f"{option} {given!r}: a header value must be Latin-1 (percent-encode the rest)"
        ) from None
    return value


def build_request(
    path: str = "/",
    method: str | None = None,
    query: str | None = None,
    headers: Sequence[str] = (),
    body: bytes | None = None,
    json_body: str | None = None,
    cookies: Sequence[str] = (),
    host: str | None = None,
) -> RequestSpec:
    """The ``RequestSpec`` the request options describe, as curl would send it.

    ``path`` may carry its query (``/items/?page=2``); ``headers`` are
    ``"Name: value"`` lines; a body or JSON without a method is a POST, a
    body is form-encoded unless a Content-Type says otherwise, and cookies
    are ``name=value`` pairs joined into one Cookie header. Anything
    malformed is a ``UsageError`` naming the option.
    """
    parts = urlsplit(path)
    if not path.startswith("/") or parts.scheme or parts.netloc or parts.fragment:
        raise UsageError(f"--path {path!r} must be a path starting with / (no scheme, host or #)")
    if parts.query and query is not None:
        raise UsageError("give the query string in --path or in --query, not both")
    # As a client sends it: anything not printable ASCII percent-encoded as UTF-8.
    query_string = quote(parts.query if query is None else query.removeprefix("?"), safe=SAFE)
    if body is not None and json_body is not None:
        raise UsageError("give either --body or --json, not both")
    content_type = None
    if json_body is not None:
        try:
            json.loads(json_body)
        except ValueError as exc:
            raise UsageError(f"--json is not valid JSON: {exc}") from None
        body, content_type = json_body.encode("utf-8"), "application/json"
    elif body is not None:
        content_type = FORM
    method = (method or ("POST" if body is not None else "GET")).upper()
    if not TOKEN.fullmatch(method):
        raise UsageError(f"--method {method!r} is not an HTTP method")
    parsed: list[tuple[str, str]] = []
    for line in headers:
        name, sep, value = line.partition(":")
        if not sep or not TOKEN.fullmatch(name.strip()):
            raise UsageError(f"--header {line!r} is not of the form 'Name: value'")
        parsed.append((name.strip().lower(), _field(value.strip(), "--header", line)))
    for cookie in cookies:
        name, sep, _value = cookie.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--cookie {cookie!r} is not of the form name=value")
        _field(cookie, "--cookie", cookie)
    if cookies:
        # One Cookie header, as a browser sends: --header 'Cookie: ...' and --cookie merge.
        jar = [v for n, v in parsed if n == "cookie"] + [c.strip() for c in cookies]
        parsed = [(n, v) for n, v in parsed if n != "cookie"] + [("cookie", "; ".join(jar))]
    given = {name for name, _ in parsed}
    defaults = [(n, v) for n, v in DEFAULT_HEADERS if n not in given]
    if host is not None:
        if not host or any(c in host for c in "/ ?#@") or not host.isascii():
            raise UsageError(f"--host {host!r} is not a host name (with an optional :port)")
        defaults = [("host", host) if n == "host" else (n, v) for n, v in defaults]
        parsed = [(n, v) for n, v in parsed if n != "host"]
    extra = []
    if content_type and "content-type" not in given:
        extra.append(("content-type", content_type))
    return RequestSpec(
        method=method,
        path=unquote(parts.path),
        query_string=query_string,
        headers=(*defaults, *parsed, *extra),
        body=body or b"",
    )


def describe(spec: RequestSpec) -> str:
    """``GET /api/items/?page=2``: the request line, as names and messages show it."""
    query = f"?{spec.query_string}" if spec.query_string else ""
    return f"{spec.method} {spec.path}{query}"


@dataclass
class Response:
    """What an app answered to one request."""

    status: int
    reason: str = ""
    headers: list = field(default_factory=list)
    body: bytes = b""
