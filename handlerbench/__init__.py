"""handlerbench: what Django's request handlers cost, in-process.

Drives Django's real ``WSGIHandler`` and ``ASGIHandler`` with synthetic
requests (no network, no server) and times them with pyperf.
"""

from handlerbench.app.endpoints import ViewOptions
from handlerbench.drivers import AsgiDriver, WsgiDriver
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.requests import RequestSpec
from handlerbench.scenario import Scenario, matrix
from handlerbench.targets import app_target, scenario_target
from handlerbench.transitions import count_transitions

__all__ = [
    "AsgiDriver",
    "HandlerbenchError",
    "RequestSpec",
    "Scenario",
    "UsageError",
    "ViewOptions",
    "WsgiDriver",
    "app_target",
    "count_transitions",
    "matrix",
    "scenario_target",
]
