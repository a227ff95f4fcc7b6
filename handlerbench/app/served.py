"""The app a real server loads for ``handlerbench served``: one scenario's handler.

``python -m uvicorn handlerbench.app.served:application`` (or gunicorn) with
``$HANDLERBENCH_SCENARIO`` naming a built-in scenario (``asgi/default/sync``)
and, for the custom stacks, ``$HANDLERBENCH_MIDDLEWARE`` (dotted paths, comma
separated). The handler is built on first access, as the in-process driver
builds it: the scenario's stack, and the database prepared for the db views.
The view options travel in the request's path, so the server needs none.

With ``$HANDLERBENCH_SETTINGS`` it is the user's project instead, set up as
``--settings`` sets it up in-process (``$HANDLERBENCH_PYTHONPATH``, the
current directory), through ``$HANDLERBENCH_HANDLER`` with
``$HANDLERBENCH_STACK`` (``default``, ``default-fixed`` or ``none``).
"""

from __future__ import annotations

import os
from typing import Any

SCENARIO_ENV = "HANDLERBENCH_SCENARIO"
MIDDLEWARE_ENV = "HANDLERBENCH_MIDDLEWARE"
SETTINGS_ENV = "HANDLERBENCH_SETTINGS"
PYTHONPATH_ENV = "HANDLERBENCH_PYTHONPATH"
HANDLER_ENV = "HANDLERBENCH_HANDLER"
STACK_ENV = "HANDLERBENCH_STACK"
_built: dict[str, Any] = {}


def build_from_environment() -> Any:
    """The handler ``$HANDLERBENCH_SCENARIO`` names, with its stack and database."""
    if os.environ.get(SETTINGS_ENV):
        return build_project()
    from handlerbench.app import build_handler, database, endpoints, stacks
    from handlerbench.handlers.scenario import Scenario

    scenario = Scenario.parse(os.environ[SCENARIO_ENV])
    middleware = tuple(filter(None, os.environ.get(MIDDLEWARE_ENV, "").split(",")))
    stack = stacks.resolve(scenario.stack, middleware)
    if endpoints.endpoint(scenario.view).uses_db:
        database.prepare()
    return build_handler(scenario.handler, stack)


def build_project() -> Any:
    """The user's project through ``$HANDLERBENCH_HANDLER`` with ``$HANDLERBENCH_STACK``."""
    from handlerbench.handlers.build import make_handler
    from handlerbench.handlers.project import Project

    pythonpath = tuple(filter(None, os.environ.get(PYTHONPATH_ENV, "").split(os.pathsep)))
    project = Project(os.environ[SETTINGS_ENV], pythonpath)
    project.setup()
    stack = os.environ[STACK_ENV]
    middleware = () if stack == "none" else project.middleware()
    return make_handler(os.environ[HANDLER_ENV], middleware, stack.endswith("-fixed"))


def __getattr__(name: str) -> Any:
    """``application``: built once, when the server first looks it up."""
    if name != "application":
        raise AttributeError(name)
    if "application" not in _built:
        _built["application"] = build_from_environment()
    return _built["application"]
