"""One request through a WSGI or ASGI app, as a server runs it, and the timing loops.

``WsgiDriver`` calls ``app(environ, start_response)``, iterates the returned
iterable and closes it (closing is what fires Django's ``request_finished``).
``AsgiDriver`` runs ``await app(scope, receive, send)`` in its own task with
a fresh context on one persistent event loop, as uvicorn does per request.

``request()`` runs one request and returns what the app answered, for
checking; ``time(loops)`` runs ``loops`` requests back to back and returns
the seconds they took. Timing refuses to run before a check has set
``expected_status``, and fails if any timed response differs from it.
Every request runs under the process's deadline (``handlerbench.watchdog``).
"""

from __future__ import annotations

import asyncio
from io import BytesIO
from time import perf_counter
from typing import Any

from handlerbench.compat import create_task_in_fresh_context
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.requests import (
    AsgiExchange,
    RequestSpec,
    Response,
    StartResponse,
    asgi_request_message,
    asgi_scope,
    wsgi_environ,
)
from handlerbench.watchdog import Watch, watched

LOOPS: tuple[str, ...] = ("asyncio", "uvloop")


def new_event_loop(kind: str = "asyncio") -> asyncio.AbstractEventLoop:
    """A new event loop of ``kind``: asyncio's, or uvloop's (uvicorn's default) if installed."""
    if kind == "asyncio":
        return asyncio.new_event_loop()
    if kind == "uvloop":
        try:
            import uvloop
        except ImportError:
            raise HandlerbenchError(
                "--loop uvloop: uvloop is not installed (pip install 'handlerbench[uvloop]')"
            ) from None
        return uvloop.new_event_loop()
    raise UsageError(f"unknown loop {kind!r} (choose from {', '.join(LOOPS)})")


class Driver:
    """What both drivers share: a name for messages and the status to expect."""

    interface = ""

    def __init__(self, app: Any, spec: RequestSpec, name: str) -> None:
        self.app = app
        self.spec = spec
        self.name = name
        self.expected_status: int | None = None
        # Set when a request outlived its deadline: its thread may never end,
        # so closing must not wait for threads.
        self.stuck = False

    def request(self) -> Response:
        raise NotImplementedError

    def time(self, loops: int) -> float:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the driver holds (the ASGI event loop)."""

    def _refuse_unchecked(self) -> None:
        if self.expected_status is None:
            raise RuntimeError(f"{self.name}: timing before a checked request")

    def _refuse_bad(self, bad: int, loops: int) -> None:
        if bad:
            raise HandlerbenchError(
                f"{self.name}: {bad} of {loops} timed requests did not answer "
                f"{self.expected_status} as the checked request did; the timing is void"
            )


class WsgiDriver(Driver):
    """Drive ``WSGIHandler.__call__(environ, start_response)`` or any WSGI callable."""

    interface = "wsgi"

    def __init__(self, app: Any, spec: RequestSpec, name: str) -> None:
        super().__init__(app, spec, name)
        self.environ = wsgi_environ(spec)

    def new_environ(self) -> dict:
        """What one request gets: a copy of the template with a fresh ``wsgi.input``."""
        environ = self.environ.copy()
        environ["wsgi.input"] = BytesIO(self.spec.body)
        return environ

    def request(self) -> Response:
        with watched(self.name):
            environ = self.new_environ()
            start_response = StartResponse()
            result = self.app(environ, start_response)
            try:
                body = b"".join([*start_response.written, *result])
            finally:
                if hasattr(result, "close"):
                    result.close()
        code, _, reason = start_response.status.partition(" ")
        return Response(int(code), reason, start_response.headers, body)

    def time(self, loops: int) -> float:
        self._refuse_unchecked()
        with watched(self.name) as watch:
            elapsed, bad = self._time(loops, watch)
        self._refuse_bad(bad, loops)
        return elapsed

    def _time(self, loops: int, watch: Watch) -> tuple[float, int]:
        app = self.app
        template = self.environ
        body = self.spec.body
        expected = self.expected_status
        bad = 0
        start_response = StartResponse()
        t0 = perf_counter()
        for n in range(loops):
            watch.mark = n
            # new_environ(), inlined: this loop is the harness floor users see.
            environ = template.copy()
            environ["wsgi.input"] = BytesIO(body)
            result = app(environ, start_response)
            try:
                for _chunk in result:
                    pass
            finally:
                if hasattr(result, "close"):
                    result.close()
            if int(start_response.status[:3]) != expected:
                bad += 1
        return perf_counter() - t0, bad


class AsgiDriver(Driver):
    """Drive ``await ASGIHandler()(scope, receive, send)`` or any ASGI callable.

    The driver owns one event loop for its life, so loop creation is never
    part of a request's cost.
    """

    interface = "asgi"

    def __init__(self, app: Any, spec: RequestSpec, name: str, loop: str = "asyncio") -> None:
        super().__init__(app, spec, name)
        self.scope = asgi_scope(spec)
        self.request_message = asgi_request_message(spec)
        self.loop = new_event_loop(loop)

    def new_scope(self) -> dict:
        """What one request gets: a copy of the template with a fresh ``state``."""
        scope = self.scope.copy()
        scope["state"] = {}
        return scope

    def request(self) -> Response:
        with watched(self.name):
            return self.loop.run_until_complete(self._request())

    async def _request(self) -> Response:
        exchange = AsgiExchange(self.request_message)
        task = create_task_in_fresh_context(
            self.loop, self.app(self.new_scope(), exchange.receive, exchange.send)
        )
        await task
        if not exchange.status:
            raise HandlerbenchError(f"{self.name}: the app returned without sending a response")
        if not exchange.complete:
            raise HandlerbenchError(
                f"{self.name}: the app returned before its response was complete"
            )
        return Response(exchange.status, "", exchange.headers, b"".join(exchange.body))

    def time(self, loops: int) -> float:
        self._refuse_unchecked()
        with watched(self.name) as watch:
            elapsed, bad = self.loop.run_until_complete(self._time(loops, watch))
        self._refuse_bad(bad, loops)
        return elapsed

    async def _time(self, loops: int, watch: Watch) -> tuple[float, int]:
        app = self.app
        loop = self.loop
        template = self.scope
        request_message = self.request_message
        expected = self.expected_status
        bad = 0
        t0 = perf_counter()
        for n in range(loops):
            watch.mark = n
            exchange = AsgiExchange(request_message)
            # new_scope(), inlined: this loop is the harness floor users see.
            scope = template.copy()
            scope["state"] = {}
            await create_task_in_fresh_context(loop, app(scope, exchange.receive, exchange.send))
            if exchange.status != expected or not exchange.complete:
                bad += 1
        return perf_counter() - t0, bad

    def close(self) -> None:
        if not self.loop.is_closed():
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            if not self.stuck:
                self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()


DRIVERS: dict[str, type[Driver]] = {"wsgi": WsgiDriver, "asgi": AsgiDriver}


def make_driver(
    interface: str, app: Any, spec: RequestSpec, name: str, loop: str = "asyncio"
) -> Driver:
    """The driver for ``interface`` ("wsgi" or "asgi") around ``app``; ``loop`` is for ASGI."""
    if interface == "asgi":
        return AsgiDriver(app, spec, name, loop)
    return DRIVERS[interface](app, spec, name)
