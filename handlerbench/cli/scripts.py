"""The main of the ``bench_*.py`` scripts: a plain pyperf program over a fixed scenario list."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from handlerbench.cli.arguments import add_load_arguments, add_view_arguments, one_line_errors
from handlerbench.cli.forwarding import forwarder
from handlerbench.cli.main import exit_with_error
from handlerbench.cli.program import pyperf_defaults, quiet_unless_verbose
from handlerbench.cli.targets import view_options
from handlerbench.drive import resolve_loop
from handlerbench.errors import HandlerbenchError
from handlerbench.handlers.scenario import Scenario
from handlerbench.results.output import pyperf_outputs, safe_pyperf_output


def bench_script(
    scenarios: Sequence[Scenario],
    description: str,
    default_concurrency: Sequence[int] = (1,),
) -> None:
    """The main of a ``bench_*.py`` script: time ``scenarios`` as a plain pyperf program.

    pyperf's options work and its workers re-run the script; the view and
    load options (``--delay``, ``--concurrency`` ...) are forwarded to them.
    The master prints the summary table at the end. A HandlerbenchError is
    one line and an exit status.
    """
    import pyperf

    from handlerbench.handlers.target import scenario_target
    from handlerbench.passes.timing import TimingPlan, bench_targets
    from handlerbench.render.runs import summary

    try:
        pyperf_outputs(sys.argv[1:])
        plan = TimingPlan()
        runner = pyperf.Runner(add_cmdline_args=forwarder(plan, debug=False))
        runner.metadata["description"] = description
        add_view_arguments(runner.argparser.add_argument_group("scenario"))
        add_load_arguments(runner.argparser)
        args = one_line_errors(runner.argparser).parse_args()
        deadline = pyperf_defaults(args)
        options, loop = view_options(args), resolve_loop(args.loop)
        targets = [scenario_target(s, options, loop=loop, deadline=deadline) for s in scenarios]
        concurrencies = args.concurrency or default_concurrency
        with safe_pyperf_output(args), quiet_unless_verbose(args):
            benchmarks = bench_targets(runner, targets, concurrencies, deadline, plan=plan)
    except HandlerbenchError as exc:
        exit_with_error(sys.argv[0], exc)
    if not args.worker and benchmarks:
        if args.verbose:
            print()
        print(summary(benchmarks))
