"""What every driver is: the ``Driver`` protocol, the checks drivers share, the event loops.

A driver runs one request through an app as a server would (``request()``,
for checking) and times ``loops`` requests back to back (``time()``, the
loop pyperf times). Timing refuses to run before a checked request has set
``expected_status`` (``check_ready``), and a timed response that answers
otherwise voids the timing (``check_answers``). Every request runs under a
deadline (``handlerbench.drive.deadline``).
"""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any, Protocol, runtime_checkable

from handlerbench.drive.deadline import DEFAULT_DEADLINE
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.wire.request import RequestSpec, Response

LOOPS: tuple[str, ...] = ("asyncio", "uvloop")
# The command line's default: uvloop where it is installed, as uvicorn picks, else asyncio.
AUTO = "auto"


@runtime_checkable
class Driver(Protocol):
    """One app behind one request: check it with ``request()``, time it with ``time()``.

    ``interface`` is ``"wsgi"`` or ``"asgi"``. ``expected_status`` is set by
    the check before any timing; ``stuck`` is set when a request outlived
    its ``deadline`` (its thread may never end, so ``close`` must not wait).
    """

    name: str
    interface: str
    spec: RequestSpec
    expected_status: int | None
    deadline: float
    stuck: bool

    def request(self) -> Response: ...

    def time(self, loops: int) -> float: ...

    def close(self) -> None: ...


class BaseDriver:
    """The state and checks the WSGI and ASGI drivers share."""

    interface = ""

    def __init__(
        self, app: Any, spec: RequestSpec, name: str, deadline: float = DEFAULT_DEADLINE
    ) -> None:
        self.app = app
        self.spec = spec
        self.name = name
        self.deadline = deadline
        self.expected_status: int | None = None
        self.stuck = False

    def close(self) -> None:
        """Release what the driver holds (the ASGI event loop)."""

    def check_ready(self) -> None:
        """Refuse to time before a checked request has set ``expected_status``."""
        if self.expected_status is None:
            raise RuntimeError(f"{self.name}: timing before a checked request")

    def check_answers(self, bad: int, loops: int) -> None:
        """Void the timing if any of ``loops`` timed requests answered otherwise."""
        if bad:
            raise HandlerbenchError(
                f"{self.name}: {bad} of {loops} timed requests did not answer "
                f"{self.expected_status} as the checked request did; the timing is void"
            )


def resolve_loop(kind: str | None) -> str:
    """The loop ``kind`` names: ``auto`` (or None) is uvloop where installed, else asyncio."""
    if kind not in (None, AUTO):
        return kind
    return "uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio"


def new_event_loop(kind: str = "asyncio") -> asyncio.AbstractEventLoop:
    """A new event loop of ``kind``: asyncio's, or uvloop's (uvicorn's default) if installed."""
    if kind == "asyncio":
        return asyncio.new_event_loop()
    if kind == "uvloop":
        from handlerbench.extras import require

        uvloop = require(
            "uvloop", "--loop uvloop", "uvloop", "--loop uvloop: uvloop is not installed ({hint})"
        )
        return uvloop.new_event_loop()
    raise UsageError(f"unknown loop {kind!r} (choose from {', '.join(LOOPS)})")
