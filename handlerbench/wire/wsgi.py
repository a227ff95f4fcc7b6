"""The WSGI side of the wire: the environ gunicorn builds, and the server's ``start_response``.

The environ template is built once per driver from a ``RequestSpec``, with the
keys and value types gunicorn passes (``tests/data/server_interfaces.json``
is a recording). Per request a driver copies it and gives it a fresh
``wsgi.input``: Django's ``request.META`` *is* the environ.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote
from wsgiref.util import FileWrapper

from handlerbench.wire.request import SERVER_SOFTWARE, RequestSpec

# A WSGI application: ``app(environ, start_response)`` -> an iterable of bytes.
WsgiApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


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


def exchange(app: WsgiApp, environ: dict, start_response: StartResponse, body: list | None) -> None:
    """One request as a server runs it: call, iterate the response (into ``body`` if
    given), close it (closing fires Django's ``request_finished``)."""
    result = app(environ, start_response)
    try:
        if body is None:
            for _chunk in result:
                pass
        else:
            body.extend(start_response.written)
            body.extend(result)
    finally:
        if hasattr(result, "close"):
            result.close()
