"""Drivers: one request through a WSGI or ASGI app, as a server runs it, and the timing loops.

- ``base``: the ``Driver`` protocol every driver meets, the checks drivers
  share, the event loops.
- ``wsgi``, ``asgi``: ``WsgiDriver`` and ``AsgiDriver``. Each has one
  ``exchange()`` (one request, as a server runs it) used by ``request()``
  and by the concurrent clients; the sequential timing loops inline it,
  since they are the harness floor users see.
- ``concurrent``: N requests in flight through one checked driver.
- ``deadline``: the watchdogs that end a process whose request hangs.
- ``threads``: the one hook on ``Thread.start``, and thread counts.

Nothing here knows Django, pyperf or the command line.
"""

from __future__ import annotations

from typing import Any

from handlerbench.drive.asgi import AsgiDriver
from handlerbench.drive.base import AUTO, LOOPS, Driver, new_event_loop, resolve_loop
from handlerbench.drive.concurrent import ConcurrentDriver
from handlerbench.drive.deadline import DEFAULT_DEADLINE
from handlerbench.drive.wsgi import WsgiDriver
from handlerbench.errors import UsageError
from handlerbench.wire.request import RequestSpec

INTERFACES: tuple[str, ...] = ("wsgi", "asgi")


def make_driver(
    interface: str,
    app: Any,
    spec: RequestSpec,
    name: str,
    loop: str = "asyncio",
    deadline: float = DEFAULT_DEADLINE,
) -> WsgiDriver | AsgiDriver:
    """The driver for ``interface`` ("wsgi" or "asgi") around ``app``; ``loop`` is for ASGI."""
    if interface == "asgi":
        return AsgiDriver(app, spec, name, loop, deadline)
    if interface == "wsgi":
        return WsgiDriver(app, spec, name, deadline)
    raise UsageError(f"unknown interface {interface!r} (choose from {', '.join(INTERFACES)})")


__all__ = [
    "AUTO",
    "LOOPS",
    "AsgiDriver",
    "ConcurrentDriver",
    "Driver",
    "WsgiDriver",
    "make_driver",
    "new_event_loop",
    "resolve_loop",
]
