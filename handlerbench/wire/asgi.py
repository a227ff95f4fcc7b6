"""The ASGI side of the wire: the scope uvicorn builds, and the server's ``receive``/``send``.

The scope template is built once per driver from a ``RequestSpec``, with the
keys and value types uvicorn passes; per request a driver copies it with a
fresh ``state``. ``AsgiExchange`` plays the server for one request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from handlerbench.wire.request import RequestSpec

# The ASGI callable's types, as httpx's ASGI transport names them.
Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


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
