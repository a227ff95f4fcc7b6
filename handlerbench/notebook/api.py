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

import json as jsonlib
import os
import pstats
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from handlerbench.errors import UsageError
from handlerbench.notebook._child import command_line, run_child
from handlerbench.notebook.results import Explanations, Profile, Transitions
from handlerbench.notebook.run_result import RunResult
from handlerbench.passes.counting import TransitionReport


def run(*scenarios: str, progress: bool = False, **options: Any) -> RunResult:
    """Time scenarios (or ``settings=``/``path=``) like ``handlerbench run``; a ``RunResult``.

    ``progress=True`` prints pyperf's progress as it goes.
    """
    from handlerbench.cli.commands.run import options_parser

    with tempfile.TemporaryDirectory(prefix="handlerbench-") as scratch:
        output = os.path.join(scratch, "run.json")
        argv = ["run", *_names(scenarios), *command_line(options_parser(), options, scratch)]
        argv += ["-o", output, "--verbose"] if progress else ["-o", output, "--quiet"]
        run_child(argv, progress)
        return RunResult.load(output)


def transitions(*scenarios: str, **options: Any) -> Transitions:
    """Count each scenario's hops like ``handlerbench transitions``; the reports, by name."""
    from handlerbench.cli.commands.transitions import parser

    with tempfile.TemporaryDirectory(prefix="handlerbench-") as scratch:
        argv = ["transitions", *_names(scenarios)]
        argv += command_line(parser(), options, scratch)
        # Read from a file: the project may print to stdout while it loads.
        output = os.path.join(scratch, "transitions.json")
        run_child([*argv, "--format", "json", "-o", output])
        reports = jsonlib.loads(Path(output).read_text())
    return Transitions(TransitionReport.from_dict(item) for item in reports)


def profile(scenario: str | None = None, **options: Any) -> Profile:
    """Profile one scenario like ``handlerbench profile``: its text and the cProfile stats."""
    from handlerbench.cli.commands.profile import parser

    named = _names([scenario] if scenario else [])
    with tempfile.TemporaryDirectory(prefix="handlerbench-") as scratch:
        argv = ["profile", *named, *command_line(parser(), options, scratch)]
        cprofile = options.get("profiler") in (None, "cprofile")
        given = options.get("output")
        stats_path = os.fspath(given) if given else os.path.join(scratch, "profile.pstats")
        if cprofile and not given:
            argv += ["-o", stats_path]
        text = run_child(argv)
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
    from handlerbench.cli.commands.explain import options_parser
    from handlerbench.passes.explain import Explanation

    if "saved" in options:
        raise UsageError("explain(saved=...) measures nothing: use hb.Explanations.load(path)")
    with tempfile.TemporaryDirectory(prefix="handlerbench-") as scratch:
        argv = ["explain", *_names(scenarios)]
        argv += command_line(options_parser(), options, scratch)
        output = os.path.join(scratch, "explain.json")
        argv += ["--format", "json", "--report-file", output]
        run_child(argv, progress)
        explained = jsonlib.loads(Path(output).read_text())
    return Explanations(Explanation.from_dict(item) for item in explained)


def load(path: str | os.PathLike[str]) -> RunResult:
    """A saved run (pyperf JSON, from ``-o`` or ``RunResult.save``)."""
    return RunResult.load(path)
