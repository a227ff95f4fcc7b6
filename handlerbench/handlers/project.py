"""The user's own Django project: their settings, MIDDLEWARE, URLconf and database.

``Project.setup()`` does what ``manage.py`` does (the project directory on
the path, ``DJANGO_SETTINGS_MODULE``, ``django.setup()``) and then imports
the URLconf, so that a settings module or URLconf that fails is one line
naming it, before anything is timed. ``project_target`` is one request to
the project through one handler, checked like the built-in scenarios: any
2xx (or exactly ``--expect-status``), each request signal fired once.

Stacks here are ``default`` (the project's own MIDDLEWARE), ``default-fixed``
(the same with the #37177 fix applied, to show what it would save) and
``none``. A process holds one Django configuration, so a project needs a
process of its own: the CLI and the notebook API each run one.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass

from handlerbench.drive import Driver, make_driver
from handlerbench.drive.deadline import DEFAULT_DEADLINE
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.handlers.build import make_handler
from handlerbench.handlers.check import check_django
from handlerbench.handlers.target import Target, built, checked, versions
from handlerbench.wire.request import RequestSpec, describe

PROJECT_STACKS: tuple[str, ...] = ("default", "default-fixed", "none")


@dataclass(frozen=True)
class Project:
    """A settings module and the directories its project imports from."""

    settings: str
    pythonpath: tuple[str, ...] = ()

    def setup(self) -> None:
        """Configure Django with the project, once per process; every failure is one line."""
        from django.conf import settings

        if settings.configured:
            current = getattr(settings, "SETTINGS_MODULE", None)
            if current == self.settings:
                return
            raise HandlerbenchError(
                f"--settings {self.settings}: Django is already configured with "
                f"{current or 'other settings'} in this process; a project needs its own process"
            )
        # As manage.py: the project's directory first, so its packages import.
        for directory in reversed((*self.pythonpath, os.getcwd())):
            if directory not in sys.path:
                sys.path.insert(0, directory)
        self._import_settings()
        os.environ["DJANGO_SETTINGS_MODULE"] = self.settings
        import django

        try:
            django.setup()
        except Exception as exc:
            raise HandlerbenchError(
                f"--settings {self.settings}: django.setup() raised {type(exc).__name__}: {exc}"
            ) from exc
        self._import_urlconf()

    def _import_settings(self) -> None:
        try:
            importlib.import_module(self.settings)
        except ModuleNotFoundError as exc:
            if exc.name and (self.settings + ".").startswith(exc.name + "."):
                raise HandlerbenchError(
                    f"--settings {self.settings}: no module named {exc.name!r} "
                    "(is the project's directory the current one, or given as --pythonpath?)"
                ) from None
            self._raised(exc)
        except Exception as exc:
            self._raised(exc)

    def _raised(self, exc: Exception) -> None:
        raise HandlerbenchError(
            f"--settings {self.settings}: importing it raised {type(exc).__name__}: {exc}"
        ) from exc

    def _import_urlconf(self) -> None:
        from django.conf import settings
        from django.urls import get_resolver

        urlconf = getattr(settings, "ROOT_URLCONF", None)
        if not urlconf:
            raise HandlerbenchError(f"--settings {self.settings} has no ROOT_URLCONF")
        try:
            get_resolver().url_patterns  # noqa: B018 (imports the URLconf)
        except Exception as exc:
            raise HandlerbenchError(
                f"--settings {self.settings}: ROOT_URLCONF {urlconf!r} "
                f"raised {type(exc).__name__} on import: {exc}"
            ) from exc

    def middleware(self) -> tuple[str, ...]:
        """The project's MIDDLEWARE, as its settings list it."""
        from django.conf import settings

        return tuple(settings.MIDDLEWARE)


def project_target(
    project: Project,
    handler: str,
    stack: str,
    request: RequestSpec,
    expect_status: int | None = None,
    loop: str = "asyncio",
    deadline: float = DEFAULT_DEADLINE,
) -> Target:
    """One request to the project, through ``handler`` with ``stack``, checked before timing.

    ``expect_status`` None accepts any 2xx; a redirect or an error is refused
    unless it is the status expected.
    """
    from handlerbench.handlers.fix import fixable

    if stack not in PROJECT_STACKS:
        raise UsageError(
            f"with --settings the stack is one of {', '.join(PROJECT_STACKS)} "
            f"(default: the project's MIDDLEWARE), not {stack!r}"
        )
    project.setup()
    middleware = () if stack == "none" else project.middleware()
    fixed = stack.endswith("-fixed")
    name = f"{handler}/{stack}/{describe(request)}"

    def build() -> Driver:
        project.setup()
        app = built(name, lambda: make_handler(handler, middleware, fixed))
        driver = make_driver(handler, app, request, name, loop, deadline)
        return checked(driver, check_django, expect_status)

    from django.conf import settings

    metadata = {
        **versions(),
        "handler": handler,
        "stack": stack,
        "view": describe(request),
        "settings": project.settings,
        "debug": str(bool(settings.DEBUG)),
        "middleware": ",".join(middleware) or "none",
    }
    if expect_status is not None:
        metadata["expect_status"] = expect_status
    if handler == "asgi":
        metadata["loop"] = loop
    if fixed:
        metadata["fixed_middleware"] = ",".join(fixable(middleware)) or "none"
    return Target(name, metadata, build)
