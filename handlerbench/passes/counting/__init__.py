"""The counting pass: every sync/async transition a request makes, by name.

``count_transitions(target)`` builds the target's checked driver under the
counting patches (``patches``: so load-time adaptations are seen too), warms
it up, and records requests one at a time (``recorder``), naming each hop's
callable (``naming``). The report (``model``) is what ``transitions`` prints
and what the timing pass puts in each benchmark's metadata.
"""

from __future__ import annotations

from handlerbench.errors import UsageError
from handlerbench.handlers.target import Target
from handlerbench.passes.counting.model import A2S, S2A, Hop, TransitionReport
from handlerbench.passes.counting.patches import instrumented, is_instrumented
from handlerbench.passes.counting.recorder import Recorder


def count_transitions(target: Target, requests: int = 3, warmups: int = 1) -> TransitionReport:
    """Count what one request of ``target`` does: ``requests`` recorded, compared, reported.

    The driver is built and checked under the patches (so load-time
    adaptations are seen), then warmed up: first-request work such as URL
    resolver set-up is not a per-request cost.
    """
    if requests < 1:
        raise UsageError("--requests must be at least 1")
    recorder = Recorder()
    with instrumented(recorder):
        driver = target.build()
        try:
            for _ in range(warmups):
                driver.request()
            records = [recorder.record(driver) for _ in range(requests)]
        finally:
            driver.close()
    first = records[0]
    consistent = all(r.signature() == first.signature() for r in records[1:])
    return TransitionReport(target.name, requests, consistent, first, recorder.adaptations)


__all__ = [
    "A2S",
    "S2A",
    "Hop",
    "TransitionReport",
    "count_transitions",
    "is_instrumented",
]
