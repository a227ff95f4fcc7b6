"""The notebook API: ``hb.run(...)``, ``hb.transitions(...)``, ``hb.profile(...)``, ``hb.load()``.

Each call runs ``python -m handlerbench COMMAND`` in a subprocess and reads
back what it wrote, for three reasons:

- pyperf's workers re-run the master's program. In a notebook
  ``sys.argv[0]`` is the Jupyter kernel's launcher, so the master itself has
  to be a ``python -m handlerbench`` process (its workers are too).
- Django holds one configuration per process: the built-in app and a
  project (``settings=``), or two projects, cannot share the notebook's.
- The figures are the command line's figures: the same checks, workers,
  counting pass and pyperf JSON, nothing timed by a second code path.

Keyword arguments are the command line's options with ``-`` as ``_``
(``fast=True``, ``stack="default,default-fixed"``, ``concurrency=[1, 50]``,
``settings="mysite.settings"``, ``path="/api/items/"``); ``headers``,
``cookies`` and ``json`` take dicts and lists too. A failing run raises
``HandlerbenchError`` (``UsageError`` for bad options) with the one line
the command line prints.
"""

from __future__ import annotations

import argparse
import json as jsonlib
import os
import pstats
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.run_result import RunResult
from handlerbench.transitions import TransitionReport, format_report

# pyperf's own options a notebook may pass to run(): name -> takes a value.
PYPERF_OPTIONS: dict[str, bool] = {
    "fast": False,
    "rigorous": False,
    "processes": True,
    "values": True,
    "warmups": True,
    "loops": True,
    "min_time": True,
    "timeout": True,
    "affinity": True,
    "python": True,
    "inherit_environ": True,
    "copy_env": False,
    "track_memory": False,
    "tracemalloc": False,
    "debug_single_value": False,
}
# Friendlier keyword names for options whose flag reads oddly in Python.
ALIASES = {"json": "json_body", "headers": "header", "cookies": "cookie"}
ERROR = "handlerbench: error: "
WARNING = "handlerbench: warning: "


def run(*scenarios: str, progress: bool = False, **options: Any) -> RunResult:
    """Time scenarios (or ``settings=``/``path=``) like ``handlerbench run``; a ``RunResult``.

    ``progress=True`` prints pyperf's progress as it goes.
    """
    from handlerbench.cli import run_options_parser

    with tempfile.TemporaryDirectory(prefix="handlerbench-") as scratch:
        output = os.path.join(scratch, "run.json")
        argv = ["run", *_names(scenarios), *command_line(run_options_parser(), options, scratch)]
        argv += ["-o", output] if progress else ["-o", output, "--quiet"]
        _handlerbench(argv, progress)
        return RunResult.load(output)


def transitions(*scenarios: str, **options: Any) -> Transitions:
    """Count each scenario's hops like ``handlerbench transitions``; the reports, by name."""
    from handlerbench.cli import transitions_parser

    with tempfile.TemporaryDirectory(prefix="handlerbench-") as scratch:
        argv = ["transitions", *_names(scenarios)]
        argv += command_line(transitions_parser(), options, scratch)
        # Read from a file: the project may print to stdout while it loads.
        output = os.path.join(scratch, "transitions.json")
        _handlerbench([*argv, "--format", "json", "-o", output])
        reports = jsonlib.loads(Path(output).read_text())
    return Transitions(TransitionReport.from_dict(item) for item in reports)


def profile(scenario: str | None = None, **options: Any) -> Profile:
    """Profile one scenario like ``handlerbench profile``: its text and the cProfile stats."""
    from handlerbench.cli import profile_parser

    named = _names([scenario] if scenario else [])
    with tempfile.TemporaryDirectory(prefix="handlerbench-") as scratch:
        argv = ["profile", *named, *command_line(profile_parser(), options, scratch)]
        cprofile = options.get("profiler") in (None, "cprofile")
        given = options.get("output")
        stats_path = os.fspath(given) if given else os.path.join(scratch, "profile.pstats")
        if cprofile and not given:
            argv += ["-o", stats_path]
        text = _handlerbench(argv)
        stats = pstats.Stats(stats_path) if cprofile else None
    return Profile(text.rstrip("\n"), stats)


def _names(scenarios: Sequence[Any]) -> list[str]:
    """Scenario names, given one by one or as lists."""
    names: list[str] = []
    for item in scenarios:
        if isinstance(item, (list, tuple)):
            names.extend(_names(item))
        elif isinstance(item, str):
            names.append(item)
        else:
            raise UsageError(f"a scenario is a name such as 'asgi/default/sync', not {item!r}")
    return names


def explain(*scenarios: str, progress: bool = False, **options: Any) -> Explanations:
    """Decompose ASGI scenarios' time like ``handlerbench explain``; the explanations.

    ``progress=True`` prints pyperf's progress as it goes.
    """
    from handlerbench.breakdown import Explanation
    from handlerbench.cli import explain_options_parser

    if "saved" in options:
        raise UsageError("explain(saved=...) measures nothing: use hb.Explanations.load(path)")
    with tempfile.TemporaryDirectory(prefix="handlerbench-") as scratch:
        argv = ["explain", *_names(scenarios)]
        argv += command_line(explain_options_parser(), options, scratch)
        output = os.path.join(scratch, "explain.json")
        argv += ["--format", "json", "--report-file", output]
        _handlerbench(argv if progress else [*argv, "--quiet"], progress)
        explained = jsonlib.loads(Path(output).read_text())
    return Explanations(Explanation.from_dict(item) for item in explained)


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
        from handlerbench.breakdown import format_explanation

        return format_explanation(item)

    def to_dicts(self) -> list[dict]:
        return [explained.to_dict() for explained in self]

    def save(self, path: str | os.PathLike[str]) -> None:
        """The JSON ``explain --format json`` writes; ``explain --saved`` and ``load`` read it."""
        from handlerbench.output import write_atomically

        text = jsonlib.dumps(self.to_dicts(), indent=2)
        write_atomically(path, lambda temporary: Path(temporary).write_text(text + "\n"))

    @classmethod
    def load(cls, *paths: str | os.PathLike[str]) -> Explanations:
        """Saved explanations (from several environments, to compare versions)."""
        from handlerbench.breakdown import load_explanations

        return cls(load_explanations([os.fspath(path) for path in paths]))

    def plot(self, ax: Any = None) -> Any:
        """Stacked bars of the parts, one per scenario (matplotlib); the Figure."""
        from handlerbench.plot import plot_explanations

        return plot_explanations(self, ax=ax)


def load(path: str | os.PathLike[str]) -> RunResult:
    """A saved run (pyperf JSON, from ``-o`` or ``RunResult.save``)."""
    return RunResult.load(path)


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


def command_line(
    parser: argparse.ArgumentParser, options: Mapping[str, Any], scratch: str
) -> list[str]:
    """Keyword options as command-line arguments, checked against ``parser``'s options.

    A bytes body is written to a file in ``scratch`` and passed as ``@FILE``.
    """
    actions = {action.dest: action for action in parser._actions if action.option_strings}
    argv: list[str] = []
    for key, value in options.items():
        dest = ALIASES.get(key, key)
        # JSON false is a body; everywhere else False means "not given".
        if value is None or (value is False and dest != "json_body"):
            continue
        if dest in actions:
            action = actions[dest]
            flag = max(action.option_strings, key=len)
            takes_value = action.nargs != 0
        elif dest in PYPERF_OPTIONS and parser.prog.endswith((" run", " explain")):
            flag, takes_value = "--" + dest.replace("_", "-"), PYPERF_OPTIONS[dest]
        else:
            raise UsageError(f"unknown option {key!r} for {parser.prog}")
        if not takes_value:
            if value is not True:
                raise UsageError(f"{key}= is a switch: give True or leave it out")
            argv.append(flag)
            continue
        # FLAG=VALUE: a value starting with "-" stays a value.
        for text in _values(dest, value, scratch, repeated=action_repeats(actions.get(dest))):
            argv.append(f"{flag}={text}")
    return argv


def action_repeats(action: argparse.Action | None) -> bool:
    return isinstance(action, argparse._AppendAction)


def _values(dest: str, value: Any, scratch: str, repeated: bool) -> list[str]:
    """One option's value(s) as text: lists joined by commas, or one per flag if repeatable."""
    if dest == "json_body" and not isinstance(value, str):
        return [jsonlib.dumps(value)]
    if dest == "body" and isinstance(value, (bytes, bytearray, memoryview)):
        path = Path(scratch, "body")
        path.write_bytes(bytes(value))
        return [f"@{path}"]
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if dest == "body" and isinstance(value, str) and value.startswith("@"):
        return [value]
    if isinstance(value, Mapping):
        separator = ": " if dest == "header" else "="
        value = [f"{k}{separator}{v}" for k, v in value.items()]
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = [str(item) for item in value]
        return items if repeated else [",".join(items)]
    return [str(value)]


def _handlerbench(argv: list[str], progress: bool = False) -> str:
    """Run ``python -m handlerbench *argv``; its stdout, or its one-line error raised."""
    env = dict(os.environ)
    package_root = Path(__file__).resolve().parent.parent
    if (package_root / "pyproject.toml").exists():
        # A source checkout the notebook imported: the child imports the same one.
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(package_root), env.get("PYTHONPATH")])
        )
    command = [sys.executable, "-m", "handlerbench", *argv]
    with tempfile.TemporaryFile("w+") as errors:
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env
        ) as process:
            assert process.stdout is not None
            lines = []
            try:
                for line in process.stdout:
                    lines.append(line)
                    if progress:
                        print(line, end="", flush=True)
                status = process.wait()
            except BaseException:
                # Interrupted (the notebook's stop button): the run goes too.
                process.kill()
                raise
        errors.seek(0)
        stderr = errors.read()
    for line in stderr.splitlines():
        if line.startswith(WARNING):
            warnings.warn(line.removeprefix(WARNING), stacklevel=3)
    if status != 0:
        messages = [line for line in stderr.splitlines() if line.startswith(ERROR)]
        message = messages[-1].removeprefix(ERROR) if messages else stderr.strip()[-2000:]
        raise (UsageError if status == 2 else HandlerbenchError)(
            message or f"python -m handlerbench {argv[0]} exited with status {status}"
        )
    return "".join(lines)
