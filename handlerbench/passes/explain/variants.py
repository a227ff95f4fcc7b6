"""Controlled variants of a scenario: without the per-request context, without middleware.

- ``shared_context_target``: the handler with ``ThreadSensitiveContext``
  replaced by nothing, so thread-sensitive code shares asgiref's one
  process-wide thread; against the scenario, what the per-request context
  and its threads cost.
- ``handler_only_target``: the handler answering a canned response instead
  of its middleware and view; what the handler itself costs per request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from handlerbench.drive import Driver
from handlerbench.handlers.target import Target
from handlerbench.passes.explain.kinds import HANDLER_ONLY, SHARED
from handlerbench.wire.request import RequestSpec, Response


class _NoContext:
    """What replaces ``ThreadSensitiveContext`` in the shared-context variant."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


@contextmanager
def shared_context() -> Iterator[None]:
    """While inside, ASGIHandler runs requests without a per-request ThreadSensitiveContext.

    Thread-sensitive sync code then runs on asgiref's process-wide single
    thread, started once: no executor or thread per request. Every
    supported Django looks the name up in ``django.core.handlers.asgi`` on
    each request; it is put back on exit.
    """
    import django.core.handlers.asgi as asgi_module

    original = asgi_module.ThreadSensitiveContext
    asgi_module.ThreadSensitiveContext = _NoContext
    try:
        yield
    finally:
        asgi_module.ThreadSensitiveContext = original


class SharedContextDriver:
    """A checked ASGI driver whose requests run under ``shared_context()``."""

    interface = "asgi"

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.name = driver.name
        self.spec: RequestSpec = driver.spec
        self.deadline = driver.deadline

    @property
    def expected_status(self) -> int | None:
        return self.driver.expected_status

    @property
    def stuck(self) -> bool:
        return self.driver.stuck

    def request(self) -> Response:
        with shared_context():
            return self.driver.request()

    def time(self, loops: int) -> float:
        with shared_context():
            return self.driver.time(loops)

    def close(self) -> None:
        self.driver.close()


def shared_context_target(target: Target) -> Target:
    """``target`` with the shared-context variant of its handler."""
    return Target(
        f"{target.name} ({SHARED})",
        {**target.metadata, "variant": SHARED},
        lambda: SharedContextDriver(target.build()),
    )


def answer_without_middleware(driver: Driver) -> Driver:
    """``driver`` with its handler answering a canned response: no middleware, no view.

    ``get_response`` (WSGI) or ``get_response_async`` (ASGI) is replaced, on
    this handler instance only, by one returning a new response of the
    checked status: what is left is the handler's own work per request.
    """
    from django.http import HttpResponse

    status = driver.expected_status or 200
    handler = driver.app
    if driver.interface == "asgi":

        async def canned_async(request: Any) -> HttpResponse:
            return HttpResponse(b"Hello, World!", status=status)

        handler.get_response_async = canned_async
    else:

        def canned(request: Any) -> HttpResponse:
            return HttpResponse(b"Hello, World!", status=status)

        handler.get_response = canned
    return driver


def handler_only_target(target: Target, shared: bool) -> Target:
    """``target``'s handler with a canned response instead of its middleware and view.

    ``shared`` also runs its requests under ``shared_context()``.
    """

    def build() -> Any:
        driver = answer_without_middleware(target.build())
        return SharedContextDriver(driver) if shared else driver

    return Target(
        f"{target.name} ({HANDLER_ONLY})", {**target.metadata, "variant": HANDLER_ONLY}, build
    )
