"""What a pyperf worker is told: exactly the options its master checked.

pyperf re-runs the program in each worker with the arguments
``add_cmdline_args`` gives it. ``forwarder`` makes that function for one
command: every option that shapes what is timed, as ``FLAG=VALUE`` (so a
value starting with ``-``, a multipart body, stays a value), ``--debug``
if the master had it, and the master's observation of the worker's task
(``TimingPlan.forward``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from handlerbench.cli.arguments import REQUEST_OPTIONS, SCENARIO_OPTIONS

if TYPE_CHECKING:
    from handlerbench.passes.timing import TimingPlan

# Options a pyperf worker needs to time the same thing as its master.
FORWARDED = {
    **SCENARIO_OPTIONS,
    "--concurrency": "concurrency",
    "--deadline": "deadline",
    "--loop": "loop",
    "--settings": "settings",
    "--pythonpath": "pythonpath",
    **REQUEST_OPTIONS,
}
# Options given once per value.
REPEATED = ("--header", "--cookie")


def forwarder(
    plan: TimingPlan | None, debug: bool
) -> Callable[[list[str], argparse.Namespace], None]:
    """pyperf's ``add_cmdline_args`` for a command timed with ``plan``."""

    def forward_arguments(cmd: list[str], args: argparse.Namespace) -> None:
        if getattr(args, "app", None):
            cmd.extend((f"--app={args.app}", f"--interface={args.interface}"))
        for flag, attribute in FORWARDED.items():
            value = getattr(args, attribute, None)
            if value is None:
                continue
            if flag in REPEATED:
                cmd.extend(f"{flag}={item}" for item in value)
            else:
                text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
                cmd.append(f"{flag}={text}")
        if debug:
            cmd.append("--debug")
        if plan is not None:
            plan.forward(cmd)
        cmd.extend(getattr(args, "scenarios", None) or ())

    return forward_arguments
