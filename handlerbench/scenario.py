"""Scenario: one point on the axes, named ``handler/stack/view``.

The same name is the pyperf benchmark name, the CLI argument and the key
in every report, so parsing and printing must round-trip exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlerbench.errors import UsageError

HANDLERS: tuple[str, ...] = ("wsgi", "asgi")

# Stacks and views of the built-in app. The middleware lists and view URLs
# live in handlerbench.app; these are only the names, so that parsing a
# scenario never imports Django.
STACKS: tuple[str, ...] = ("none", "default")
VIEWS: tuple[str, ...] = ("sync", "async")


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


def all_scenarios() -> list[Scenario]:
    """Every built-in scenario, in the order reports print them."""
    return [Scenario(h, s, v) for s in STACKS for h in HANDLERS for v in VIEWS]


def default_scenarios() -> list[Scenario]:
    """What ``run`` times when given no scenario: the four without middleware."""
    return [Scenario(h, "none", v) for h in HANDLERS for v in VIEWS]
