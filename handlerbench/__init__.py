"""handlerbench: what Django's request handlers cost, in-process.

Drives Django's real ``WSGIHandler`` and ``ASGIHandler`` with synthetic
requests (no network, no server) and times them with pyperf. In a notebook:
``import handlerbench as hb; hb.run("asgi/default/sync", fast=True)``.

This is the public API; the README's "Lower down" section names the small
extension API (a target, a driver, the counting pass) kept stable beside it.
Every other module is internal and may move.
"""

from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.notebook import (
    Explanations,
    Profile,
    RunResult,
    Transitions,
    explain,
    load,
    profile,
    run,
    transitions,
)

__all__ = [
    "Explanations",
    "HandlerbenchError",
    "Profile",
    "RunResult",
    "Transitions",
    "UsageError",
    "explain",
    "load",
    "profile",
    "run",
    "transitions",
]
