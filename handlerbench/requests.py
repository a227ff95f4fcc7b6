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
import sys
from dataclasses import dataclass, field
from urllib.parse import quote
from wsgiref.util import FileWrapper

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
