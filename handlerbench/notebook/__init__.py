"""The notebook API: ``hb.run()``, ``hb.transitions()``, ``hb.explain()``, ``hb.profile()``.

Each call runs the command line in a child process (``_child``) and gives
back an object that shows as the command line prints it (``results``,
``run_result``); see ``api`` for why a child process.
"""

from __future__ import annotations

from handlerbench.notebook.api import explain, load, profile, run, transitions
from handlerbench.notebook.results import Explanations, Profile, Transitions
from handlerbench.notebook.run_result import RunResult

__all__ = [
    "Explanations",
    "Profile",
    "RunResult",
    "Transitions",
    "explain",
    "load",
    "profile",
    "run",
    "transitions",
]
