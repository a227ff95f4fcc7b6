"""The kinds of hop round trip explain prices, and which kind a counted hop is.

A hop's price depends on where it goes: to the per-request sync thread, to
the thread of a caller blocked in ``async_to_sync``, to the loop's pool,
back to the event loop, or to a new event loop. Each kind has a
measurement of its own (``prices``); ``kind_of`` maps a hop the counting
pass recorded (direction and executor) to the kind that prices it.
"""

from __future__ import annotations

from handlerbench.passes.counting import A2S

# Kinds of round trip, each priced by its own measurement, with a label.
THREAD, CALLER, POOL, LOOP, NEW_LOOP = "thread", "caller", "pool", "loop", "new-loop"
KIND_LABELS = {
    THREAD: "sync_to_async to a sync thread",
    CALLER: "sync_to_async to the caller's sync thread",
    POOL: "sync_to_async to the loop's thread pool",
    LOOP: "async_to_sync to the event loop",
    NEW_LOOP: "async_to_sync to a new event loop",
}
# How transitions names the executor of each kind's hops. A sync_to_async on
# an executor not listed (a given executor) is priced as THREAD.
EXECUTOR_KINDS = {
    "caller's sync thread": CALLER,
    "event loop's default executor": POOL,
    "the request's event loop": LOOP,
    "a new event loop": NEW_LOOP,
}
SHARED = "shared context"
HANDLER_ONLY = "handler only"


def kind_of(direction: str, executor: str) -> str:
    """The round-trip kind that prices a hop: its direction and the executor that ran it."""
    kind = EXECUTOR_KINDS.get(executor)
    if direction == A2S:
        return kind if kind in (LOOP, NEW_LOOP) else LOOP
    return kind if kind in (CALLER, POOL) else THREAD


def is_signal_hop(name: str) -> bool:
    """The hops of request_started's receivers and of ``response.close`` (request_finished)."""
    return name.startswith("request_started") or name.endswith(".close")
