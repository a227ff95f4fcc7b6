"""What the notebook API's calls give back, shown as the command line prints them."""

from __future__ import annotations

import json as jsonlib
import os
import pstats
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from handlerbench.render.transitions import format_report


class ByScenario(list):
    """Reports of several scenarios, looked up by position or by scenario name,
    shown as the command line prints them (``describe`` formats one)."""

    @staticmethod
    def describe(item: Any) -> str:
        raise NotImplementedError

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            for item in self:
                if item.scenario == key:
                    return item
            raise KeyError(f"no scenario {key!r}; there are: {', '.join(self.names)}")
        return super().__getitem__(key)

    @property
    def names(self) -> list[str]:
        return [item.scenario for item in self]

    def __repr__(self) -> str:
        return "\n\n".join(self.describe(item) for item in self)

    def _repr_html_(self) -> str:
        return f"<pre>{escape(repr(self))}</pre>"


class Explanations(ByScenario):
    """``Explanation`` objects, shown as ``handlerbench explain``'s tables."""

    @staticmethod
    def describe(item: Any) -> str:
        from handlerbench.render.explanation import format_explanation

        return format_explanation(item)

    def to_dicts(self) -> list[dict]:
        return [explained.to_dict() for explained in self]

    def save(self, path: str | os.PathLike[str]) -> None:
        """The JSON ``explain --format json`` writes; ``explain --saved`` and ``load`` read it."""
        from handlerbench.results.output import write_atomically

        text = jsonlib.dumps(self.to_dicts(), indent=2)
        write_atomically(path, lambda temporary: Path(temporary).write_text(text + "\n"))

    @classmethod
    def load(cls, *paths: str | os.PathLike[str]) -> Explanations:
        """Saved explanations (from several environments, to compare versions)."""
        from handlerbench.passes.explain import load_explanations

        return cls(load_explanations([os.fspath(path) for path in paths]))

    def plot(self, ax: Any = None) -> Any:
        """Stacked bars of the parts, one per scenario (matplotlib); the Figure."""
        from handlerbench.render.plot import plot_explanations

        return plot_explanations(self, ax=ax)


class Transitions(ByScenario):
    """``TransitionReport`` objects, shown as the command line's report."""

    describe = staticmethod(format_report)

    @property
    def hops(self) -> dict[str, int]:
        """Hops per request (sync_to_async + async_to_sync), by scenario."""
        return {r.scenario: r.sync_to_async + r.async_to_sync for r in self}


@dataclass
class Profile:
    """What ``handlerbench profile`` printed, and its cProfile stats (None for pyinstrument)."""

    text: str
    stats: pstats.Stats | None

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f"<pre>{escape(self.text)}</pre>"
