"""What gets timed: a built-in scenario or a user's ``--app``, as a checked driver.

A ``Target`` carries the benchmark name and metadata, and builds its driver
only when asked, so a pyperf worker builds just the one it times.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from handlerbench import app as builtin_app
from handlerbench.app import database, endpoints, stacks
from handlerbench.app.endpoints import ViewOptions
from handlerbench.compat import asgiref_version, distribution_version, django_version
from handlerbench.drive import INTERFACES, Driver, make_driver
from handlerbench.drive.deadline import DEFAULT_DEADLINE
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.handlers.check import check_app, check_django
from handlerbench.handlers.fix import fixable
from handlerbench.handlers.scenario import Scenario
from handlerbench.wire.request import RequestSpec, describe


@dataclass(frozen=True)
class Target:
    """A named benchmark: its pyperf metadata and how to build its checked driver."""

    name: str
    metadata: dict[str, str]
    build: Callable[[], Driver]


def versions() -> dict[str, str]:
    """Versions every benchmark records, so results from different environments stay apart."""
    return {
        "django_version": django_version(),
        "asgiref_version": asgiref_version(),
        "handlerbench_version": distribution_version("handlerbench"),
    }


def checked(driver: Driver, check: Callable, *expected) -> Driver:
    """Run the checked request; a driver that fails it is closed, never returned."""
    try:
        check(driver, *expected)
    except BaseException:
        driver.close()
        raise
    return driver


def built(name: str, build_handler: Callable[[], Any]) -> Any:
    """The handler ``build_handler()`` makes; anything it raises is one line naming ``name``."""
    try:
        return build_handler()
    except HandlerbenchError:
        raise
    except Exception as exc:
        raise HandlerbenchError(
            f"{name}: building the handler raised {type(exc).__name__}: {exc}"
        ) from exc


def scenario_target(
    scenario: Scenario,
    options: ViewOptions | None = None,
    middleware: Sequence[str] = (),
    loop: str = "asyncio",
    deadline: float = DEFAULT_DEADLINE,
) -> Target:
    """A built-in scenario: the built-in app, its handler, stack and view.

    ``options`` tune the parameterised views; ``middleware`` is the list the
    ``custom`` stacks run (``--middleware``); ``loop`` is the ASGI event loop;
    ``deadline`` the seconds one request may take.
    """
    stack = stacks.resolve(scenario.stack, tuple(middleware))
    endpoint = endpoints.endpoint(scenario.view, options)

    def build() -> Driver:
        if endpoint.uses_db:
            database.prepare()
        handler = built(scenario.name, lambda: builtin_app.build_handler(scenario.handler, stack))
        driver = make_driver(
            scenario.handler, handler, endpoint.request, scenario.name, loop, deadline
        )
        return checked(driver, check_django, endpoint.status, endpoint.body)

    metadata = {**versions(), **scenario.metadata(), **endpoint.parameters}
    if scenario.handler == "asgi":
        metadata["loop"] = loop
    if stack.middleware:
        metadata["middleware"] = ",".join(stack.middleware)
    if stack.fixed:
        builtin_app.configure()
        fixed = [stacks.class_name(path) for path in fixable(stack.middleware)]
        # Which classes the fix declared sync-only: a -fixed row may change nothing.
        metadata["fixed_middleware"] = ",".join(fixed) or "none"
    return Target(scenario.name, metadata, build)


def load_callable(spec: str) -> Callable:
    """Import ``MODULE:CALLABLE``; a bad spec or a failing import is one clear line."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise UsageError(f"--app {spec!r} is not of the form MODULE:CALLABLE")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise HandlerbenchError(f"--app {spec}: cannot import {module_name}: {exc}") from exc
    except Exception as exc:
        raise HandlerbenchError(
            f"--app {spec}: importing {module_name} raised {type(exc).__name__}: {exc}"
        ) from exc
    obj = module
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise HandlerbenchError(f"--app {spec}: {module_name} has no {attribute}") from None
    if not callable(obj):
        raise HandlerbenchError(f"--app {spec}: {attribute} is not callable")
    return obj


def app_target(
    spec: str,
    interface: str,
    request: RequestSpec | None = None,
    loop: str = "asyncio",
    expect_status: int | None = None,
    deadline: float = DEFAULT_DEADLINE,
) -> Target:
    """Any WSGI or ASGI callable, driven like Django's handlers; only the status is checked.

    ``expect_status`` None accepts any 2xx.
    """
    if interface not in INTERFACES:
        raise UsageError(f"unknown interface {interface!r} (choose from {', '.join(INTERFACES)})")
    request = request or RequestSpec()
    name = f"{interface}/app/{spec}"
    if request != RequestSpec():
        name += f" {describe(request)}"

    def build() -> Driver:
        driver = make_driver(interface, load_callable(spec), request, name, loop, deadline)
        return checked(driver, check_app, expect_status)

    metadata = {**versions(), "handler": interface, "stack": "app", "view": "app", "app": spec}
    if interface == "asgi":
        metadata["loop"] = loop
    return Target(name, metadata, build)
