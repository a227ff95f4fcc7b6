"""Two times for every request: to the response complete, and to the handler's return.

An ASGI request outlives its response: after the last body message is
sent, the close hop, ``request_finished``, the per-request context's exit
and its threads still run before ``ASGIHandler.__call__`` returns, while a
served client already has its answer. Under WSGI the response is complete
when its iterable is exhausted, and ``close()`` (``request_finished``) runs
after. ``phases`` times both in a pass of its own, a request at a time, so
the sequential timing loops (the harness floor) gain no call; a timed
loop's ``us/req`` is the time to return.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from time import perf_counter

from handlerbench.compat import create_task_in_fresh_context
from handlerbench.drive.asgi import AsgiDriver
from handlerbench.drive.base import Driver
from handlerbench.drive.deadline import watched
from handlerbench.drive.wsgi import WsgiDriver
from handlerbench.wire import wsgi
from handlerbench.wire.asgi import AsgiExchange, Message


class _StampedExchange(AsgiExchange):
    """An exchange that notes when the response became complete."""

    __slots__ = ("completed_at",)

    def __init__(self, request_message: Message) -> None:
        super().__init__(request_message)
        self.completed_at = 0.0

    async def send(self, message: Message) -> None:
        await super().send(message)
        if self.complete and not self.completed_at:
            self.completed_at = perf_counter()


@dataclass(frozen=True)
class Phases:
    """Mean seconds per request to the response complete, and to the handler's return."""

    response: float
    returned: float
    requests: int

    @property
    def tail(self) -> float:
        """What runs after the client has its answer."""
        return self.returned - self.response

    def metadata(self) -> dict[str, float]:
        return {
            "response_us": round(self.response * 1e6, 3),
            "return_us": round(self.returned * 1e6, 3),
        }


def phases(driver: Driver, requests: int = 100) -> Phases:
    """Time ``requests`` requests of a checked driver, each to its response and its return."""
    if isinstance(driver, AsgiDriver):
        stamps = driver.loop.run_until_complete(_asgi(driver, requests))
    elif isinstance(driver, WsgiDriver):
        stamps = _wsgi(driver, requests)
    else:
        raise TypeError(f"{driver.name}: no response phases for {type(driver).__name__}")
    return Phases(
        statistics.fmean(r for r, _ in stamps), statistics.fmean(t for _, t in stamps), requests
    )


async def _asgi(driver: AsgiDriver, requests: int) -> list[tuple[float, float]]:
    stamps = []
    with watched(driver.name, driver.deadline) as watch:
        for n in range(requests):
            watch.mark = n
            exchange = _StampedExchange(driver.request_message)
            t0 = perf_counter()
            await create_task_in_fresh_context(
                driver.loop, driver.app(driver.new_scope(), exchange.receive, exchange.send)
            )
            returned = perf_counter()
            stamps.append(((exchange.completed_at or returned) - t0, returned - t0))
    return stamps


def _wsgi(driver: WsgiDriver, requests: int) -> list[tuple[float, float]]:
    stamps = []
    start_response = wsgi.StartResponse()
    with watched(driver.name, driver.deadline) as watch:
        for n in range(requests):
            watch.mark = n
            environ = driver.new_environ()
            t0 = perf_counter()
            result = driver.app(environ, start_response)
            try:
                for _chunk in result:
                    pass
                complete = perf_counter()
            finally:
                if hasattr(result, "close"):
                    result.close()
            stamps.append((complete - t0, perf_counter() - t0))
    return stamps
