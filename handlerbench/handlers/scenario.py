"""Scenario: one point on the axes, named ``handler/stack/view``.

The same name is the pyperf benchmark name, the CLI argument and the key
in every report, so parsing and printing must round-trip exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlerbench.app import endpoints, stacks
from handlerbench.errors import UsageError

HANDLERS: tuple[str, ...] = ("wsgi", "asgi")

# Stacks and views of the built-in app, by name: their middleware lists and
# requests live in handlerbench.app.stacks and .endpoints, which import no
# Django, so parsing a scenario stays cheap.
STACKS: tuple[str, ...] = stacks.STACK_NAMES
VIEWS: tuple[str, ...] = tuple(endpoints.VIEWS)
ALL = "all"


@dataclass(frozen=True)
class Scenario:
    """A handler kind, a middleware stack and a view of the built-in app."""

    handler: str
    stack: str
    view: str

    @property
    def name(self) -> str:
        return f"{self.handler}/{self.stack}/{self.view}"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def parse(cls, name: str) -> Scenario:
        """Parse ``handler/stack/view``; unknown parts are a usage error naming the choices."""
        parts = name.split("/")
        if len(parts) != 3 or not all(parts):
            raise UsageError(
                f"scenario {name!r} is not of the form handler/stack/view "
                f"(for example asgi/default/sync; `handlerbench list` shows them all)"
            )
        handler, stack, view = parts
        for axis, value, choices in (
            ("handler", handler, HANDLERS),
            ("stack", stack, STACKS),
            ("view", view, VIEWS),
        ):
            if value not in choices:
                raise UsageError(
                    f"scenario {name!r}: unknown {axis} {value!r} "
                    f"(choose from {', '.join(choices)})"
                )
        return cls(handler, stack, view)

    def metadata(self) -> dict[str, str]:
        """The scenario's axes, as pyperf metadata."""
        return {"handler": self.handler, "stack": self.stack, "view": self.view}


def _axis(axis: str, values: Sequence[str], choices: Sequence[str], extra: Sequence[str] = ()):
    for value in values:
        if value not in choices and value not in extra:
            raise UsageError(
                f"unknown {axis} {value!r} (choose from {', '.join([*choices, *extra])})"
            )


def matrix(
    handlers: Sequence[str] = HANDLERS,
    stack_names: Sequence[str] = ("none",),
    views: Sequence[str] = ("sync", "async"),
) -> list[Scenario]:
    """Every combination of the axes, ordered by stack, then handler, then view.

    ``each`` as a stack means one stack per default middleware, and ``all``
    as a view every view.
    """
    _axis("handler", handlers, HANDLERS)
    _axis("stack", stack_names, STACKS, (stacks.EACH,))
    _axis("view", views, VIEWS, (ALL,))
    if ALL in views:
        views = VIEWS
    return [
        Scenario(h, s, v) for s in stacks.expand(list(stack_names)) for h in handlers for v in views
    ]


def all_scenarios() -> list[Scenario]:
    """Every built-in scenario but the custom stacks, in the order reports print them."""
    named = [s for s in STACKS if not s.startswith(stacks.CUSTOM)]
    return matrix(HANDLERS, named, VIEWS)


def default_scenarios() -> list[Scenario]:
    """What ``run`` times when given no scenario: hello world without middleware."""
    return matrix()


def transition_scenarios() -> list[Scenario]:
    """What ``transitions`` counts when given no scenario: hello world, with and without the fix."""
    return matrix(HANDLERS, ("none", "default", "default" + stacks.FIXED))
