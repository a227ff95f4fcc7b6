"""``AsgiDriver``: ``await ASGIHandler()(scope, receive, send)``, as uvicorn runs it.

Each request runs in its own task with a fresh context on one persistent
event loop (the driver's, so loop creation is never part of a request's
cost), with a copy of the scope template and a fresh ``state``.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

from handlerbench.compat import create_task_in_fresh_context
from handlerbench.drive.base import BaseDriver, new_event_loop
from handlerbench.drive.deadline import DEFAULT_DEADLINE, Watch, watched
from handlerbench.errors import HandlerbenchError
from handlerbench.wire.asgi import AsgiExchange, asgi_request_message, asgi_scope
from handlerbench.wire.request import RequestSpec, Response


class AsgiDriver(BaseDriver):
    """Drive ``await ASGIHandler()(scope, receive, send)`` or any ASGI callable.

    The driver owns one event loop for its life, so loop creation is never
    part of a request's cost.
    """

    interface = "asgi"

    def __init__(
        self,
        app: Any,
        spec: RequestSpec,
        name: str,
        loop: str = "asyncio",
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        super().__init__(app, spec, name, deadline)
        self.scope = asgi_scope(spec)
        self.request_message = asgi_request_message(spec)
        self.loop = new_event_loop(loop)

    def new_scope(self) -> dict:
        """What one request gets: a copy of the template with a fresh ``state``."""
        scope = self.scope.copy()
        scope["state"] = {}
        return scope

    async def exchange(self) -> AsgiExchange:
        """One request in a task of its own with a fresh context; what the app sent."""
        exchange = AsgiExchange(self.request_message)
        await create_task_in_fresh_context(
            self.loop, self.app(self.new_scope(), exchange.receive, exchange.send)
        )
        return exchange

    def request(self) -> Response:
        with watched(self.name, self.deadline):
            exchange = self.loop.run_until_complete(self.exchange())
        if not exchange.status:
            raise HandlerbenchError(f"{self.name}: the app returned without sending a response")
        if not exchange.complete:
            raise HandlerbenchError(
                f"{self.name}: the app returned before its response was complete"
            )
        return Response(exchange.status, "", exchange.headers, b"".join(exchange.body))

    def time(self, loops: int) -> float:
        self.check_ready()
        with watched(self.name, self.deadline) as watch:
            elapsed, bad = self.loop.run_until_complete(self._time(loops, watch))
        self.check_answers(bad, loops)
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
            # exchange(), inlined: this loop is the harness floor users see.
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
