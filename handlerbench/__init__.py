"""handlerbench: what Django's request handlers cost, in-process.

Drives Django's real ``WSGIHandler`` and ``ASGIHandler`` with synthetic
requests (no network, no server) and times them with pyperf. In a notebook:
``import handlerbench as hb; hb.run("asgi/default/sync", fast=True)``.
"""

from handlerbench.api import (
    Explanations,
    Profile,
    Transitions,
    explain,
    load,
    profile,
    run,
    transitions,
)
from handlerbench.app.endpoints import ViewOptions
from handlerbench.drivers import AsgiDriver, WsgiDriver
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.requests import RequestSpec
from handlerbench.run_result import RunResult
from handlerbench.scenario import Scenario, matrix
from handlerbench.targets import app_target, scenario_target
from handlerbench.transitions import count_transitions

__all__ = [
    "AsgiDriver",
    "Explanations",
    "HandlerbenchError",
    "Profile",
    "RequestSpec",
    "RunResult",
    "Scenario",
    "Transitions",
    "UsageError",
    "ViewOptions",
    "WsgiDriver",
    "app_target",
    "count_transitions",
    "explain",
    "load",
    "matrix",
    "profile",
    "run",
    "scenario_target",
    "transitions",
]
