"""Synthetic requests: WSGI environ and ASGI scope templates, and the far end of the wire.

Templates are built once from a ``RequestSpec``, with the keys and value
types gunicorn and uvicorn pass (``tests/data/server_interfaces.json`` is a
recording of both). Per request, drivers copy only what an app may mutate:
the environ dict (Django's ``request.META`` *is* the environ) with a fresh
``wsgi.input``, and the scope dict with a fresh ``state``.

``StartResponse`` and ``AsgiExchange`` play the server's side of one
request and keep what the app answered, for checking.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit
from wsgiref.util import FileWrapper

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


def wsgi_environ(spec: RequestSpec) -> dict:
    """The environ gunicorn would build for ``spec``, without ``wsgi.input``."""
    raw_uri = quote(spec.path) + (f"?{spec.query_string}" if spec.query_string else "")
    environ = {
        "REQUEST_METHOD": spec.method,
        "SCRIPT_NAME": "",
        # PEP 3333: the decoded path, its UTF-8 bytes carried as latin-1.
        "PATH_INFO": spec.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": spec.query_string,
        "RAW_URI": raw_uri,
        "SERVER_NAME": spec.server[0],
        "SERVER_PORT": str(spec.server[1]),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_SOFTWARE": SERVER_SOFTWARE,
        "REMOTE_ADDR": spec.client[0],
        "REMOTE_PORT": str(spec.client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": spec.scheme,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": FileWrapper,
        "wsgi.input_terminated": True,
    }
    for name, value in spec.all_headers():
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        # Repeated headers are joined with a comma, as gunicorn does.
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def asgi_scope(spec: RequestSpec) -> dict:
    """The HTTP scope uvicorn would build for ``spec``."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": spec.server,
        "client": spec.client,
        "scheme": spec.scheme,
        "method": spec.method,
        "root_path": "",
        "path": spec.path,
        "raw_path": quote(spec.path).encode("ascii"),
        "query_string": spec.query_string.encode("latin-1"),
        "headers": [(n.encode("latin-1"), v.encode("latin-1")) for n, v in spec.all_headers()],
        "state": {},
    }


def asgi_request_message(spec: RequestSpec) -> dict:
    """The one ``http.request`` message carrying the whole body (Django does not mutate it)."""
    return {"type": "http.request", "body": spec.body, "more_body": False}


@dataclass
class Response:
    """What an app answered to one request."""

    status: int
    reason: str = ""
    headers: list = field(default_factory=list)
    body: bytes = b""


class StartResponse:
    """A WSGI ``start_response`` that keeps the status line and headers."""

    __slots__ = ("headers", "status", "written")

    def __init__(self) -> None:
        self.status = ""
        self.headers: list = []
        self.written: list[bytes] = []

    def __call__(self, status, headers, exc_info=None):
        if exc_info is not None and self.status:
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = status
        self.headers = headers
        return self.written.append


class AsgiExchange:
    """The server's side of one ASGI request: ``receive`` and ``send``.

    ``receive`` hands over the request, then waits until the response is
    complete and reports ``http.disconnect``, as uvicorn and httpx do; a
    cancelled wait raises ``CancelledError`` into the app, never swallowed.
    """

    __slots__ = ("_request", "_waiter", "body", "complete", "headers", "status")

    def __init__(self, request_message: dict) -> None:
        self._request: dict | None = request_message
        self._waiter: asyncio.Future | None = None
        self.status = 0
        self.headers: list = []
        self.body: list[bytes] = []
        self.complete = False

    async def receive(self) -> dict:
        message = self._request
        if message is not None:
            self._request = None
            return message
        if not self.complete:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            self.headers = message.get("headers", [])
        elif kind == "http.response.body":
            body = message.get("body", b"")
            if body:
                self.body.append(body)
            if not message.get("more_body", False):
                self.complete = True
                waiter = self._waiter
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)
