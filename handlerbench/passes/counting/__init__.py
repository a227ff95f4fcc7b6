"""The counting pass: every sync/async transition a request makes, by name.

``count_transitions(target)`` builds the target's checked driver under the
counting patches (``patches``: so load-time adaptations are seen too), warms
it up, and records requests one at a time (``recorder``), naming each hop's
callable (``naming``). Then, with the patches removed, it counts the calls
and allocations of a request (``counters``); ``valgrind`` counts instructions
in a child process. The report (``model``) is what ``transitions`` prints
and what the timing pass puts in each benchmark's metadata.
"""

from __future__ import annotations

from handlerbench.errors import UsageError
from handlerbench.handlers.target import Target
from handlerbench.passes.counting.counters import (
    CallCounter,
    count_calls,
    installed,
    measure_allocations,
)
from handlerbench.passes.counting.model import A2S, S2A, Counters, Hop, TransitionReport
from handlerbench.passes.counting.patches import instrumented, is_instrumented
from handlerbench.passes.counting.recorder import Recorder


def count_transitions(
    target: Target, requests: int = 3, warmups: int = 1, counters: bool = True
) -> TransitionReport:
    """Count what one request of ``target`` does: ``requests`` recorded, compared, reported.

    The driver is built and checked under the patches (so load-time
    adaptations are seen), then warmed up: first-request work such as URL
    resolver set-up is not a per-request cost. With ``counters``, the same
    driver is then counted with the patches removed: Python calls, then
    allocations, per request (``counters``).
    """
    if requests < 1:
        raise UsageError("--requests must be at least 1")
    recorder = Recorder()
    counter = CallCounter() if counters else None
    with installed(counter):
        with instrumented(recorder):
            driver = target.build()
            try:
                for _ in range(warmups):
                    driver.request()
                records = [recorder.record(driver) for _ in range(requests)]
            except BaseException:
                driver.close()
                raise
        try:
            calls = count_calls(driver, counter) if counter is not None else None
        except BaseException:
            driver.close()
            raise
    # After the call hooks are gone: a profile hook makes frame objects, which allocate.
    try:
        measured = Counters() if calls is None else measure_allocations(driver, calls)
    finally:
        driver.close()
    first = records[0]
    consistent = all(r.signature() == first.signature() for r in records[1:])
    return TransitionReport(
        target.name, requests, consistent, first, recorder.adaptations, measured
    )


__all__ = [
    "A2S",
    "S2A",
    "Counters",
    "Hop",
    "TransitionReport",
    "count_transitions",
    "is_instrumented",
]
