"""handlerbench: what Django's request handlers cost, in-process.

Drives Django's real ``WSGIHandler`` and ``ASGIHandler`` with synthetic
requests (no network, no server) and times them with pyperf. In a notebook:
``import handlerbench as hb; hb.run("asgi/default/sync", fast=True)``.

This is the public API; the README's "Lower down" section names the small
extension API (a target, a driver, the counting pass) kept stable beside it.
Every other module is internal and may move. The names load on first use,
so ``python -m handlerbench`` (and its worker processes, which may run on
another environment's Python) import only what their command needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from handlerbench.errors import HandlerbenchError, UsageError
    from handlerbench.notebook.api import explain, load, profile, run, transitions
    from handlerbench.notebook.results import Explanations, Profile, Transitions
    from handlerbench.notebook.run_result import RunResult

# Where each public name lives.
_WHERE = {
    "HandlerbenchError": "errors",
    "UsageError": "errors",
    "explain": "notebook.api",
    "load": "notebook.api",
    "profile": "notebook.api",
    "run": "notebook.api",
    "transitions": "notebook.api",
    "Explanations": "notebook.results",
    "Profile": "notebook.results",
    "Transitions": "notebook.results",
    "RunResult": "notebook.run_result",
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'handlerbench' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"handlerbench.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
