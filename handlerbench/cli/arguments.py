"""Every command-line option, defined once, in the group a person looks for it in.

Each ``add_*`` adds one option or one group of them; every command that
takes an option calls the same function, so an option reads the same in
every ``--help`` and reaches pyperf's workers the same way
(``handlerbench.cli.forwarding``). The groups: what to measure (scenario),
the request to a project (request), how it is measured (measurement), and
what is written (output).
"""

from __future__ import annotations

import argparse
from typing import Any

from handlerbench.app.endpoints import ViewOptions
from handlerbench.cli import types
from handlerbench.drive import AUTO, LOOPS
from handlerbench.drive.deadline import DEFAULT_DEADLINE
from handlerbench.errors import PROG, UsageError

# The groups of options, in the order --help shows them.
SCENARIO, REQUEST, MEASUREMENT, OUTPUT = "scenario", "request", "measurement", "output"
REQUEST_DESCRIPTION = (
    "time a request to your own Django project: its MIDDLEWARE, URLconf and database. "
    "--stack default is its MIDDLEWARE, default-fixed the same with the #37177 fix, none "
    "without. The request options also apply to --app."
)


def one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make argparse's errors (usage plus message) one ``UsageError`` line, like ours."""

    def error(message: str):
        raise UsageError(f"{message} (`{parser.prog} --help` lists the options)")

    parser.error = error  # type: ignore[method-assign]
    return parser


def command_parser(
    command: str, description: str, scenarios: str | None = None
) -> argparse.ArgumentParser:
    """``handlerbench COMMAND``'s parser, errors one line; with ``scenarios`` (what is
    measured when none is named), the options that name what to measure and the request."""
    parser = argparse.ArgumentParser(prog=f"{PROG} {command}", description=description)
    one_line_errors(parser)
    if scenarios is not None:
        add_target_arguments(parser, scenarios)
        add_request_arguments(parser)
    return parser


def group(parser: argparse.ArgumentParser, title: str, description: str | None = None) -> Any:
    """``parser``'s option group ``title``, made on first use."""
    for existing in parser._action_groups:
        if existing.title == title:
            return existing
    return parser.add_argument_group(title, description)


def add_view_arguments(group: Any) -> None:
    """The knobs of the parameterised views (also used by the ``bench_*.py`` scripts)."""
    defaults = ViewOptions()
    group.add_argument(
        "--delay",
        type=float,
        metavar="MS",
        help=f"milliseconds the sync-io/async-io views sleep (default: {defaults.delay_ms:g})",
    )
    group.add_argument(
        "--work",
        type=int,
        metavar="N",
        help=f"iterations of the cpu view's loop (default: {defaults.work})",
    )
    group.add_argument(
        "--body-size",
        type=int,
        metavar="BYTES",
        help=f"size of the form the post view reads (default: {defaults.body_size})",
    )


BOTH_HANDLERS = "wsgi and/or asgi (default: both)"


def add_target_arguments(
    parser: argparse.ArgumentParser,
    default: str,
    handlers: str = BOTH_HANDLERS,
    takes_app: bool = True,
) -> None:
    """What to measure: scenario names, or the axes, or ``--app`` with its ``--interface``
    (parsed but not shown unless the command ``takes_app``, so it can say why not)."""
    scenario = group(parser, SCENARIO)
    scenario.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help=f"scenario names, handler/stack/view (default: {default})",
    )
    scenario.add_argument(
        "--handler",
        type=types.names,
        metavar="H[,H]",
        help=f"instead of names: handlers to run, {handlers}",
    )
    scenario.add_argument(
        "--stack",
        type=types.names,
        metavar="S[,S]",
        help="instead of names: middleware stacks ('each': one per default middleware; "
        "`list` shows them) (default: none)",
    )
    scenario.add_argument(
        "--view",
        type=types.names,
        metavar="V[,V]",
        help="instead of names: views ('all': every view) (default: sync,async)",
    )
    scenario.add_argument(
        "--middleware",
        type=types.names,
        metavar="A.B[,C.D]",
        help="dotted paths of the stack 'custom' (and 'custom-fixed'); "
        "with no --stack, --stack custom",
    )
    add_view_arguments(scenario)
    scenario.add_argument(
        "--app",
        metavar="MODULE:CALLABLE",
        help="time any WSGI or ASGI callable instead of a scenario (no Django checks)"
        if takes_app
        else argparse.SUPPRESS,
    )
    scenario.add_argument(
        "--interface",
        choices=("wsgi", "asgi"),
        help="the interface --app speaks" if takes_app else argparse.SUPPRESS,
    )


def add_request_arguments(parser: argparse.ArgumentParser) -> None:
    """Your own project (``--settings``) and the request to send it (or ``--app``)."""
    request = group(parser, REQUEST, REQUEST_DESCRIPTION)
    request.add_argument(
        "--settings",
        metavar="MODULE",
        help="the project's settings module, as DJANGO_SETTINGS_MODULE (mysite.settings)",
    )
    request.add_argument(
        "--pythonpath",
        type=types.directory,
        metavar="DIR",
        help="the directory the project imports from, as manage.py's (default: the current one)",
    )
    request.add_argument(
        "--path", metavar="PATH", help="the URL path, with an optional ?query (default: /)"
    )
    request.add_argument(
        "--method", metavar="METHOD", help="the HTTP method (default: GET, POST with a body)"
    )
    request.add_argument(
        "--header",
        action="append",
        metavar="'NAME: VALUE'",
        help="a request header (repeatable)",
    )
    request.add_argument("--query", metavar="QUERY", help="the query string, a=1&b=2")
    request.add_argument(
        "--body",
        type=types.read_body,
        metavar="TEXT|@FILE",
        help="the request body, or a file's contents (form-encoded unless a Content-Type "
        "header says otherwise)",
    )
    request.add_argument(
        "--json",
        dest="json_body",
        metavar="JSON",
        help="a JSON request body, sent with Content-Type: application/json",
    )
    request.add_argument(
        "--cookie", action="append", metavar="NAME=VALUE", help="a cookie to send (repeatable)"
    )
    request.add_argument(
        "--host",
        metavar="HOST[:PORT]",
        help="the Host header, which must be in ALLOWED_HOSTS (default: 127.0.0.1:8000)",
    )
    request.add_argument(
        "--expect-status",
        type=types.status,
        metavar="CODE",
        help="the status the request must answer (default: any 2xx; a redirect or an "
        "error is refused unless expected)",
    )


# dest of each option that shapes what is timed: the scenario's (and the view's), and
# the request's (which a built-in scenario refuses).
SCENARIO_OPTIONS = {
    "--handler": "handler",
    "--stack": "stack",
    "--view": "view",
    "--middleware": "middleware",
    "--delay": "delay",
    "--work": "work",
    "--body-size": "body_size",
}
REQUEST_OPTIONS = {
    "--path": "path",
    "--method": "method",
    "--header": "header",
    "--query": "query",
    "--body": "body",
    "--json": "json_body",
    "--cookie": "cookie",
    "--host": "host",
    "--expect-status": "expect_status",
}


def add_deadline_argument(parser: argparse.ArgumentParser) -> None:
    group(parser, MEASUREMENT).add_argument(
        "--deadline",
        type=types.seconds,
        metavar="SECONDS",
        help="fail the run, naming the scenario, when one request takes longer than this "
        f"(default: {DEFAULT_DEADLINE:g}, plus twice --delay)",
    )


def add_loop_argument(parser: argparse.ArgumentParser) -> None:
    group(parser, MEASUREMENT).add_argument(
        "--loop",
        choices=(AUTO, *LOOPS),
        help="the ASGI event loop (default: auto: uvloop where it is installed, as uvicorn "
        "picks it, else asyncio)",
    )


def add_concurrency_argument(parser: argparse.ArgumentParser, help: str) -> None:
    """``--concurrency N[,N]``: requests in flight (what they are is the command's ``help``)."""
    group(parser, MEASUREMENT).add_argument(
        "--concurrency", type=types.concurrencies, metavar="N[,N]", help=help
    )


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """How requests are sent: how many in flight, their deadline, the ASGI event loop."""
    from handlerbench.passes.timing import add_observed_argument

    measurement = group(parser, MEASUREMENT)
    add_concurrency_argument(
        parser,
        "requests in flight: ASGI tasks on one loop, WSGI a pool of N threads; "
        "each N is its own benchmark, NAME@c=N (default: 1, sequential)",
    )
    add_deadline_argument(parser)
    add_loop_argument(parser)
    add_observed_argument(measurement)


def add_requests_argument(
    parser: argparse.ArgumentParser, default: int, help: str, kind: Any = types.positive
) -> None:
    """``--requests N``: how many requests a pass runs (its default and meaning per command)."""
    group(parser, MEASUREMENT).add_argument(
        "--requests", type=kind, default=default, metavar="N", help=help
    )


def add_instructions_arguments(parser: argparse.ArgumentParser) -> None:
    """``--instructions``: CPU instructions per request under valgrind (and the hidden
    option its child processes are run with)."""
    from handlerbench.passes.counting.valgrind import HIGH, LOW

    group(parser, MEASUREMENT).add_argument(
        "--instructions",
        action="store_true",
        help="also count CPU instructions per request under valgrind: two runs of each "
        f"scenario ({LOW} and {HIGH} requests), the difference divided (slow: valgrind "
        "runs Python about 50x slower)",
    )
    parser.add_argument(
        "--instructions-child", nargs=2, metavar=("N", "NAME"), help=argparse.SUPPRESS
    )


def add_format_argument(
    parser: argparse.ArgumentParser, choices: tuple[str, ...], help: str
) -> None:
    """``--format``: ``text`` (the default) or the other formats a command writes."""
    group(parser, OUTPUT).add_argument("--format", choices=choices, default="text", help=help)


def add_output_argument(parser: argparse.ArgumentParser, metavar: str, help: str) -> None:
    """``-o FILE``: a report written whole or not at all, never over an existing file."""
    group(parser, OUTPUT).add_argument("-o", "--output", metavar=metavar, help=help)


def add_plot_argument(parser: argparse.ArgumentParser, help: str) -> None:
    group(parser, OUTPUT).add_argument("--plot", metavar="PNG", help=help)


def add_report_file_argument(parser: argparse.ArgumentParser) -> None:
    group(parser, OUTPUT).add_argument(
        "--report-file", metavar="FILE", help="write the tables to FILE instead of stdout"
    )


def add_verbose_argument(parser: argparse.ArgumentParser, each: str) -> None:
    """``-v``: a progress line after ``each`` step of a session (pair, round)."""
    group(parser, OUTPUT).add_argument(
        "-v", "--verbose", action="store_true", help=f"a line after each {each}"
    )


def add_saved_argument(parser: Any, help: str, required: bool = False) -> None:
    """``--saved FILE ...``: show saved reports instead of measuring."""
    parser.add_argument("--saved", nargs="+", required=required, metavar="FILE", help=help)
