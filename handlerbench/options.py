"""The command line's options: defined once, turned into targets, handed to pyperf's workers.

Every command that sends requests (``run``, ``transitions``, ``explain``,
``profile``, ``soak``) names what to measure the same way: scenario names
or their axes, ``--app``, or the user's project (``--settings``) with the
request options. ``targets_from_args`` turns them into targets, refusing
contradictions as usage errors, and ``forward_arguments`` gives a pyperf
worker exactly the options its master checked.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from handlerbench import scenario
from handlerbench.app.endpoints import ViewOptions
from handlerbench.drivers import LOOPS
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.runner import add_observed_argument, forward_observations
from handlerbench.watchdog import DEFAULT_DEADLINE

PROG = "handlerbench"

# --debug: errors are raised with their traceback instead of one line (set by main).
DEBUG = False


def one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make argparse's errors (usage plus message) one ``UsageError`` line, like ours."""

    def error(message: str):
        raise UsageError(f"{message} (`{parser.prog} --help` lists the options)")

    parser.error = error  # type: ignore[method-assign]
    return parser


def _names(text: str) -> list[str]:
    """A comma-separated option value as a list: ``a,b`` -> ``["a", "b"]``."""
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"{text!r} has an empty name")
    return names


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


def view_options(args: argparse.Namespace) -> ViewOptions:
    """The ``ViewOptions`` the command line asked for; bad values are usage errors."""
    given = {
        "delay_ms": args.delay,
        "work": args.work,
        "body_size": args.body_size,
    }
    return ViewOptions(**{key: value for key, value in given.items() if value is not None})


def add_target_arguments(group: Any, default: str) -> None:
    """What to measure: scenario names, or the axes, or ``--app`` with its ``--interface``."""
    group.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help=f"scenario names, handler/stack/view (default: {default})",
    )
    group.add_argument(
        "--handler",
        type=_names,
        metavar="H[,H]",
        help="instead of names: handlers to run, wsgi and/or asgi (default: both)",
    )
    group.add_argument(
        "--stack",
        type=_names,
        metavar="S[,S]",
        help="instead of names: middleware stacks ('each': one per default middleware; "
        "`list` shows them) (default: none)",
    )
    group.add_argument(
        "--view",
        type=_names,
        metavar="V[,V]",
        help="instead of names: views ('all': every view) (default: sync,async)",
    )
    group.add_argument(
        "--middleware",
        type=_names,
        metavar="A.B[,C.D]",
        help="dotted paths of the stack 'custom' (and 'custom-fixed'); "
        "with no --stack, --stack custom",
    )
    add_view_arguments(group)
    group.add_argument(
        "--app",
        metavar="MODULE:CALLABLE",
        help="time any WSGI or ASGI callable instead of a scenario (no Django checks)",
    )
    group.add_argument(
        "--interface",
        choices=("wsgi", "asgi"),
        help="the interface --app speaks",
    )


class Body(bytes):
    """A request body from ``--body``: its bytes, and how to hand it to a worker."""

    source: str

    def __str__(self) -> str:
        return self.source


def read_body(text: str) -> Body:
    """``--body TEXT`` or ``--body @FILE`` (read now, so an unreadable file fails at once)."""
    if not text.startswith("@"):
        body = Body(text.encode("utf-8"))
        body.source = text
        return body
    path = os.path.abspath(text[1:])
    try:
        with open(path, "rb") as file:
            body = Body(file.read())
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {text[1:]}: {exc.strerror}") from None
    body.source = "@" + path
    return body


def _directory(text: str) -> str:
    path = os.path.abspath(text)
    if not os.path.isdir(path):
        raise argparse.ArgumentTypeError(f"{text}: no such directory")
    return path


def _status(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an HTTP status") from None
    if not 100 <= value <= 599:
        raise argparse.ArgumentTypeError(f"{text!r}: an HTTP status is 100 to 599")
    return value


def add_request_arguments(parser: argparse.ArgumentParser) -> None:
    """Your own project (``--settings``) and the request to send it (or ``--app``)."""
    group = parser.add_argument_group(
        "your project",
        "time a request to your own Django project: its MIDDLEWARE, URLconf and database. "
        "--stack default is its MIDDLEWARE, default-fixed the same with the #37177 fix, none "
        "without. The request options also apply to --app.",
    )
    group.add_argument(
        "--settings",
        metavar="MODULE",
        help="the project's settings module, as DJANGO_SETTINGS_MODULE (mysite.settings)",
    )
    group.add_argument(
        "--pythonpath",
        type=_directory,
        metavar="DIR",
        help="the directory the project imports from, as manage.py's (default: the current one)",
    )
    group.add_argument(
        "--path", metavar="PATH", help="the URL path, with an optional ?query (default: /)"
    )
    group.add_argument(
        "--method", metavar="METHOD", help="the HTTP method (default: GET, POST with a body)"
    )
    group.add_argument(
        "--header",
        action="append",
        metavar="'NAME: VALUE'",
        help="a request header (repeatable)",
    )
    group.add_argument("--query", metavar="QUERY", help="the query string, a=1&b=2")
    group.add_argument(
        "--body",
        type=read_body,
        metavar="TEXT|@FILE",
        help="the request body, or a file's contents (form-encoded unless a Content-Type "
        "header says otherwise)",
    )
    group.add_argument(
        "--json",
        dest="json_body",
        metavar="JSON",
        help="a JSON request body, sent with Content-Type: application/json",
    )
    group.add_argument(
        "--cookie", action="append", metavar="NAME=VALUE", help="a cookie to send (repeatable)"
    )
    group.add_argument(
        "--host",
        metavar="HOST[:PORT]",
        help="the Host header, which must be in ALLOWED_HOSTS (default: 127.0.0.1:8000)",
    )
    group.add_argument(
        "--expect-status",
        type=_status,
        metavar="CODE",
        help="the status the request must answer (default: any 2xx; a redirect or an "
        "error is refused unless expected)",
    )


# dest of each request option, and which of them a built-in scenario refuses.
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


def request_from_args(args: argparse.Namespace):
    """The ``RequestSpec`` the request options describe."""
    from handlerbench.requests import build_request

    return build_request(
        path=args.path or "/",
        method=args.method,
        query=args.query,
        headers=args.header or (),
        body=args.body,
        json_body=args.json_body,
        cookies=args.cookie or (),
        host=args.host,
    )


# Each WSGI client is a thread, each ASGI request starts one or two.
MAX_CONCURRENCY = 10_000


def _concurrencies(text: str) -> list[int]:
    try:
        values = [int(value) for value in _names(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of whole numbers") from None
    if any(not 1 <= value <= MAX_CONCURRENCY for value in values):
        raise argparse.ArgumentTypeError(f"{text!r}: a concurrency is 1 to {MAX_CONCURRENCY}")
    if len(set(values)) != len(values):
        raise argparse.ArgumentTypeError(f"{text!r} repeats a concurrency")
    return values


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: must be more than 0 seconds")
    return value


def add_deadline_argument(group: Any) -> None:
    group.add_argument(
        "--deadline",
        type=_seconds,
        metavar="SECONDS",
        help="fail the run, naming the scenario, when one request takes longer than this "
        f"(default: {DEFAULT_DEADLINE:g}, plus twice --delay)",
    )


def request_deadline(args: argparse.Namespace) -> float:
    """The deadline of one request: ``--deadline``, or the default plus twice ``--delay``."""
    delay = (getattr(args, "delay", None) or 0) / 1000
    if args.deadline is not None:
        if delay and args.deadline <= delay:
            raise UsageError(
                f"--deadline {args.deadline:g} s is not longer than the view's "
                f"--delay {delay * 1000:g} ms"
            )
        return args.deadline
    return DEFAULT_DEADLINE + 2 * delay


def add_load_arguments(group: Any) -> None:
    """How requests are sent: how many in flight, their deadline, the ASGI event loop."""
    group.add_argument(
        "--concurrency",
        type=_concurrencies,
        metavar="N[,N]",
        help="requests in flight: ASGI tasks on one loop, WSGI a pool of N threads; "
        "each N is its own benchmark, NAME@c=N (default: 1, sequential)",
    )
    add_deadline_argument(group)
    group.add_argument(
        "--loop",
        choices=LOOPS,
        help="the ASGI event loop (uvloop, uvicorn's default, if installed) (default: asyncio)",
    )
    add_observed_argument(group)


# Options a pyperf worker needs to time the same thing as its master.
FORWARDED = {
    "--handler": "handler",
    "--stack": "stack",
    "--view": "view",
    "--middleware": "middleware",
    "--delay": "delay",
    "--work": "work",
    "--body-size": "body_size",
    "--concurrency": "concurrency",
    "--deadline": "deadline",
    "--loop": "loop",
    "--settings": "settings",
    "--pythonpath": "pythonpath",
    **REQUEST_OPTIONS,
}
# Options given once per value.
REPEATED = ("--header", "--cookie")


def forward_arguments(cmd: list[str], args: argparse.Namespace) -> None:
    """pyperf's ``add_cmdline_args``: what a worker needs to time the same thing."""
    # FLAG=VALUE, so a value starting with "-" (a multipart body) stays a value.
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
    if DEBUG:
        cmd.append("--debug")
    forward_observations(cmd)
    cmd.extend(getattr(args, "scenarios", None) or ())


def _given(args: argparse.Namespace, flags) -> list[str]:
    return [flag for flag in flags if getattr(args, FORWARDED[flag], None) is not None]


BUILT_IN_ONLY = ("--view", "--middleware", "--delay", "--work", "--body-size")


def targets_from_args(args: argparse.Namespace, default: Sequence[scenario.Scenario]) -> list:
    """The targets the command line names, in report order; contradictions are usage errors."""
    from handlerbench.compat import django_asgiref_mismatch
    from handlerbench.targets import app_target, scenario_target

    mismatch = django_asgiref_mismatch()
    if mismatch:
        raise HandlerbenchError(mismatch)
    loop = getattr(args, "loop", None) or "asyncio"
    request_options = _given(args, REQUEST_OPTIONS)
    if args.settings is not None or args.pythonpath:
        return project_targets(args, loop)
    if args.app:
        scenario_options = _given(args, ("--handler", "--stack", *BUILT_IN_ONLY))
        if args.scenarios:
            raise UsageError("give either --app or scenario names, not both")
        if scenario_options:
            raise UsageError(
                f"{', '.join(scenario_options)} apply to the built-in app's scenarios, not --app"
            )
        if not args.interface:
            raise UsageError("--app needs --interface wsgi or --interface asgi")
        request = request_from_args(args)
        return [app_target(args.app, args.interface, request, loop, args.expect_status)]
    if args.interface:
        raise UsageError("--interface applies only with --app")
    if request_options:
        raise UsageError(
            f"{', '.join(request_options)}: request options are for --settings (your "
            "project) or --app; the built-in views send their own requests"
        )
    axes = [f"--{name}" for name in ("handler", "stack", "view") if getattr(args, name)]
    options = view_options(args)
    middleware = tuple(args.middleware or ())
    if args.scenarios and axes:
        raise UsageError(f"give either scenario names or {'/'.join(axes)}, not both")
    if args.scenarios:
        chosen = [scenario.Scenario.parse(name) for name in args.scenarios]
    elif axes or middleware:
        stacks = args.stack or (["custom"] if middleware else ["none"])
        chosen = scenario.matrix(
            args.handler or scenario.HANDLERS, stacks, args.view or ["sync", "async"]
        )
    else:
        chosen = list(default)
    if middleware and not any(s.stack.startswith("custom") for s in chosen):
        raise UsageError("--middleware applies only to the stacks custom and custom-fixed")
    return [scenario_target(s, options, middleware, loop) for s in chosen]


def project_targets(args: argparse.Namespace, loop: str) -> list:
    """``--settings``: the request to the user's project, per handler and stack."""
    from handlerbench.project import PROJECT_STACKS, Project, project_target

    if args.settings is None:
        raise UsageError("--pythonpath applies only with --settings")
    if not args.settings.strip():
        raise UsageError("--settings needs a module name, such as mysite.settings")
    if args.app:
        raise UsageError("give either --settings or --app, not both")
    if args.scenarios:
        raise UsageError(
            "with --settings, name the request with --path (and --handler, --stack), "
            "not scenario names"
        )
    built_in = _given(args, BUILT_IN_ONLY)
    if built_in:
        raise UsageError(
            f"{', '.join(built_in)} {'is an option' if len(built_in) == 1 else 'are options'} "
            "of the built-in app's scenarios, not of --settings"
        )
    if args.interface:
        raise UsageError("--interface applies only with --app")
    handlers = args.handler or list(scenario.HANDLERS)
    unknown = [h for h in handlers if h not in scenario.HANDLERS]
    if unknown:
        raise UsageError(
            f"unknown handler {unknown[0]!r} (choose from {', '.join(scenario.HANDLERS)})"
        )
    stacks = args.stack or ["default"]
    for stack in stacks:
        if stack not in PROJECT_STACKS:
            raise UsageError(
                f"with --settings, --stack is {', '.join(PROJECT_STACKS)} "
                f"(default: the project's MIDDLEWARE), not {stack!r}"
            )
    request = request_from_args(args)
    project = Project(args.settings, (args.pythonpath,) if args.pythonpath else ())
    return [
        project_target(project, handler, stack, request, args.expect_status, loop)
        for stack in stacks
        for handler in handlers
    ]


def warn_debug(targets: Sequence) -> None:
    """Say so when a project runs with DEBUG on: it is not what production pays."""
    settings = {t.metadata["settings"] for t in targets if t.metadata.get("debug") == "True"}
    for module in sorted(settings):
        print(
            f"{PROG}: warning: {module} has DEBUG = True: Django records every SQL query and "
            "serves debug pages; figures will not be what production pays",
            file=sys.stderr,
        )


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be at least 1")
    return value
