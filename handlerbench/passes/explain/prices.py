"""Hop prices: the time of one round trip of each kind, measured with a no-op.

Each price is a pyperf benchmark of its own, timed in the same run as the
scenario it prices, on the same kind of event loop.
"""

from __future__ import annotations

from time import perf_counter

from handlerbench.drive import new_event_loop
from handlerbench.drive.deadline import DEFAULT_DEADLINE
from handlerbench.errors import UsageError
from handlerbench.handlers.target import Target, versions
from handlerbench.passes.explain.kinds import KIND_LABELS, LOOP, NEW_LOOP, POOL, THREAD
from handlerbench.wire.request import RequestSpec, Response


def _noop() -> None:
    return None


async def _async_noop() -> None:
    return None


class HopPriceDriver:
    """A ``Driver`` timing ``loops`` round trips of one kind, in a ThreadSensitiveContext.

    ``thread``: ``await sync_to_async(noop)()`` from the loop, to the
    context's thread. ``caller``: the same from a coroutine that a sync thread
    entered through ``async_to_sync``, so it runs on that blocked thread.
    ``loop``: ``async_to_sync(noop)()`` from a sync thread, back on the loop.
    ``pool``: ``sync_to_async(noop, thread_sensitive=False)``, to the loop's
    default executor. ``new-loop``: ``async_to_sync(noop)()`` from a thread
    with no event loop, which starts one (and a thread) per call, as WSGI's
    async views do. The first round trip (which starts the thread) is not timed.
    """

    interface = "asgi"

    def __init__(self, kind: str, name: str, loop: str = "asyncio") -> None:
        if kind not in KIND_LABELS:
            raise UsageError(f"unknown hop kind {kind!r}")
        self.kind = kind
        self.name = name
        # No HTTP request is sent: the spec is the default one, the status 200.
        self.spec = RequestSpec()
        self.expected_status: int | None = 200
        self.deadline = DEFAULT_DEADLINE
        self.stuck = False
        self.loop = new_event_loop(loop)

    def request(self) -> Response:
        self.time(1)
        return Response(200)

    def time(self, loops: int) -> float:
        if self.kind == NEW_LOOP:
            return self._from_no_loop(loops)
        return self.loop.run_until_complete(self._time(loops))

    @staticmethod
    def _from_no_loop(loops: int) -> float:
        from asgiref.sync import async_to_sync

        async_to_sync(_async_noop)()
        t0 = perf_counter()
        for _ in range(loops):
            async_to_sync(_async_noop)()
        return perf_counter() - t0

    async def _time(self, loops: int) -> float:
        from asgiref.sync import ThreadSensitiveContext, async_to_sync, sync_to_async

        sensitive = self.kind != POOL

        async def from_the_loop() -> float:
            await sync_to_async(_noop, thread_sensitive=sensitive)()
            t0 = perf_counter()
            for _ in range(loops):
                await sync_to_async(_noop, thread_sensitive=sensitive)()
            return perf_counter() - t0

        def from_a_thread() -> float:
            async_to_sync(_async_noop)()
            t0 = perf_counter()
            for _ in range(loops):
                async_to_sync(_async_noop)()
            return perf_counter() - t0

        async with ThreadSensitiveContext():
            if self.kind in (THREAD, POOL):
                return await from_the_loop()
            if self.kind == LOOP:
                return await sync_to_async(from_a_thread)()
            return await sync_to_async(async_to_sync(from_the_loop))()

    def close(self) -> None:
        if not self.loop.is_closed():
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()


def hop_price_target(kind: str, loop: str = "asyncio") -> Target:
    name = f"hop price: {KIND_LABELS[kind]} [{loop}]"
    metadata = {**versions(), "handler": "asgi", "stack": "hop-price", "view": kind, "loop": loop}
    return Target(name, metadata, lambda: HopPriceDriver(kind, name, loop))
