"""From parsed options to targets: the rules that turn a command line into what to time.

Every command that sends requests (``run``, ``transitions``, ``explain``,
``profile``, ``soak``) names what to measure the same way: scenario names
or their axes, ``--app``, or the user's project (``--settings``) with the
request options. ``targets_from_args`` turns them into targets, each with
its deadline and loop, refusing contradictions as usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from handlerbench.app.endpoints import ViewOptions
from handlerbench.cli.arguments import REQUEST_OPTIONS, SCENARIO_OPTIONS
from handlerbench.drive import resolve_loop
from handlerbench.drive.deadline import DEFAULT_DEADLINE
from handlerbench.errors import HandlerbenchError, UsageError, warning_line
from handlerbench.handlers import scenario
from handlerbench.handlers.target import Target


def view_options(args: argparse.Namespace) -> ViewOptions:
    """The ``ViewOptions`` the command line asked for; bad values are usage errors."""
    given = {
        "delay_ms": args.delay,
        "work": args.work,
        "body_size": args.body_size,
    }
    return ViewOptions(**{key: value for key, value in given.items() if value is not None})


def request_from_args(args: argparse.Namespace):
    """The ``RequestSpec`` the request options describe."""
    from handlerbench.wire.request import build_request

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


def request_deadline(args: argparse.Namespace) -> float:
    """The deadline of one request: ``--deadline``, or the default plus twice ``--delay``."""
    delay = (getattr(args, "delay", None) or 0) / 1000
    if getattr(args, "deadline", None) is not None:
        if delay and args.deadline <= delay:
            raise UsageError(
                f"--deadline {args.deadline:g} s is not longer than the view's "
                f"--delay {delay * 1000:g} ms"
            )
        return args.deadline
    return DEFAULT_DEADLINE + 2 * delay


# dest of each option the rules below ask about.
_DESTS = {**REQUEST_OPTIONS, **SCENARIO_OPTIONS}


def _given(args: argparse.Namespace, flags) -> list[str]:
    return [flag for flag in flags if getattr(args, _DESTS[flag], None) is not None]


BUILT_IN_ONLY = ("--view", "--middleware", "--delay", "--work", "--body-size")


def targets_from_args(
    args: argparse.Namespace, default: Sequence[scenario.Scenario]
) -> list[Target]:
    """The targets the command line names, in report order; contradictions are usage errors."""
    from handlerbench.compat import django_asgiref_mismatch
    from handlerbench.handlers.target import app_target, scenario_target

    mismatch = django_asgiref_mismatch()
    if mismatch:
        raise HandlerbenchError(mismatch)
    loop = resolve_loop(getattr(args, "loop", None))
    deadline = request_deadline(args)
    request_options = _given(args, REQUEST_OPTIONS)
    if args.settings is not None or args.pythonpath:
        return project_targets(args, loop, deadline)
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
        return [app_target(args.app, args.interface, request, loop, args.expect_status, deadline)]
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
    return [scenario_target(s, options, middleware, loop, deadline) for s in chosen]


def project_targets(args: argparse.Namespace, loop: str, deadline: float) -> list[Target]:
    """``--settings``: the request to the user's project, per handler and stack."""
    from handlerbench.handlers.project import PROJECT_STACKS, Project, project_target

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
        project_target(project, handler, stack, request, args.expect_status, loop, deadline)
        for stack in stacks
        for handler in handlers
    ]


def warn_debug(targets: Sequence) -> None:
    """Say so when a project runs with DEBUG on: it is not what production pays."""
    settings = {t.metadata["settings"] for t in targets if t.metadata.get("debug") == "True"}
    for module in sorted(settings):
        print(
            warning_line(
                f"{module} has DEBUG = True: Django records every SQL query and "
                "serves debug pages; figures will not be what production pays"
            ),
            file=sys.stderr,
        )


def refuse_duplicates(targets: Sequence[Target]) -> None:
    """A usage error naming each scenario given twice."""
    names = [target.name for target in targets]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise UsageError(f"scenario given twice: {', '.join(duplicated)}")
