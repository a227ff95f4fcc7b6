"""Where an ASGI request's time goes: each part measured in the same run, never assumed.

``explain`` times, with the same drivers and pyperf as ``run``, the scenario
itself and controlled variants of it, and prices each hop by timing its
kind of round trip:

- the same request under WSGI: Django's own work for that view and stack;
- the handler with the per-request ``ThreadSensitiveContext`` replaced by
  nothing, so thread-sensitive code shares asgiref's one process-wide
  thread: the difference is what the per-request context and its
  executor thread(s) cost;
- the handler alone (its middleware and view replaced by a canned response),
  under ASGI in the shared context minus the same under WSGI and minus its
  signal and close hops: what ASGIHandler's own async work (the request
  body file, the disconnect listener task, sending the response) costs
  beyond WSGIHandler's;
- a ``sync_to_async`` / ``async_to_sync`` round trip of a no-op on the same
  event loop and executor kind, times the hops of that kind ``transitions``
  counts: the middleware and view hops, and apart from them the hops of
  the request signals and ``response.close``;
- the rest: the measured total minus the parts, shown, not hidden.

The modules: ``kinds`` (the round-trip kinds and which kind a hop is),
``variants`` and ``prices`` (what is timed beside the scenario), ``plan``
(every target of one explanation), ``parts`` (the arithmetic).
"""

from __future__ import annotations

from handlerbench.passes.explain.kinds import KIND_LABELS
from handlerbench.passes.explain.parts import Explanation, Part, explanation, load_explanations
from handlerbench.passes.explain.plan import Plan, kinds_used, plan

__all__ = [
    "KIND_LABELS",
    "Explanation",
    "Part",
    "Plan",
    "explanation",
    "kinds_used",
    "load_explanations",
    "plan",
]
