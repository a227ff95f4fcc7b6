"""handlerbench: what Django's request handlers cost, in-process.

Drives Django's real ``WSGIHandler`` and ``ASGIHandler`` with synthetic
requests (no network, no server) and times them with pyperf.
"""

from handlerbench.drivers import AsgiDriver, WsgiDriver
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.requests import RequestSpec
from handlerbench.scenario import Scenario

__all__ = [
    "AsgiDriver",
    "HandlerbenchError",
    "RequestSpec",
    "Scenario",
    "UsageError",
    "WsgiDriver",
]
