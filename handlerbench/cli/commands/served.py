"""``handlerbench served SCENARIO ...``: the in-process figures beside a real server's."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from handlerbench.cli import arguments, sessions
from handlerbench.cli.output import emit
from handlerbench.cli.targets import targets_from_args, warn_debug
from handlerbench.errors import UsageError, sigterm_raises
from handlerbench.handlers.scenario import Scenario

DESCRIPTION = (
    "Serve each scenario through a real server on loopback (uvicorn for asgi, gunicorn for "
    "wsgi, one worker each) and time it with a closed-loop keep-alive client, beside the "
    "in-process figure and the null app through the same server (the server's own cost). "
    "In-process, served and null run in --rounds shuffled rounds of --seconds each; the "
    "figures are medians over rounds. Every status is checked; every server is stopped. "
    "With --settings, your project's request (--path ...) per --handler and --stack."
)
DEFAULT = [Scenario("asgi", "none", "sync"), Scenario("wsgi", "none", "sync")]


def parser() -> argparse.ArgumentParser:
    parser = arguments.command_parser("served", DESCRIPTION, "asgi/none/sync wsgi/none/sync")
    arguments.add_deadline_argument(parser)
    arguments.add_loop_argument(parser)
    sessions.add_served_arguments(parser)
    arguments.add_format_argument(
        parser, ("text", "md", "json"), "plain text (default), Markdown, or JSON"
    )
    arguments.add_verbose_argument(parser, "round")
    return parser


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.app import served
    from handlerbench.passes.served import server
    from handlerbench.passes.served.session import SERVED_APP, Plan, choose_server, measure
    from handlerbench.render.served import format_served

    args = parser().parse_args(list(argv))
    options = server.server_options(args.server_option)
    targets = targets_from_args(args, DEFAULT)
    warn_debug(targets)
    plans = []
    for target in targets:
        interface = target.metadata["handler"]
        chosen = choose_server(interface, target.name, args.server)
        if args.app:
            plans.append(Plan(target, chosen, args.app, {}))
            continue
        if args.settings is not None:
            env = {
                served.SETTINGS_ENV: args.settings,
                served.PYTHONPATH_ENV: os.path.abspath(args.pythonpath or os.curdir),
                served.HANDLER_ENV: interface,
                served.STACK_ENV: target.metadata["stack"],
            }
        else:
            env = {
                served.SCENARIO_ENV: target.name,
                served.MIDDLEWARE_ENV: ",".join(args.middleware or ()),
            }
        plans.append(Plan(target, chosen, SERVED_APP, env))
    for name in sorted({plan.server for plan in plans}):
        server.require_server(name)

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    concurrency = args.concurrency or [1]
    if len(concurrency) != 1:
        raise UsageError("served takes one --concurrency: the client's connections")
    with sigterm_raises(in_event_loop=True):  # the in-process figures run a loop here
        rows = measure(
            plans,
            args.seconds,
            args.rounds,
            concurrency[0],
            options,
            progress if args.verbose else None,
        )
    emit(format_served(rows, args.format), None)
    return 0
