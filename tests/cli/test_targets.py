"""The rules that turn a command line into targets, in-process: what each combination names,
and which contradictions are usage errors (the subprocess tests check the one line)."""

import pytest

from handlerbench.cli.commands.run import options_parser
from handlerbench.cli.targets import refuse_duplicates, request_deadline, targets_from_args
from handlerbench.drive.deadline import DEFAULT_DEADLINE
from handlerbench.errors import UsageError
from handlerbench.handlers.scenario import Scenario

DEFAULT = [Scenario.parse("wsgi/none/sync")]


def targets(*argv):
    return targets_from_args(options_parser().parse_args(list(argv)), DEFAULT)


def names(*argv):
    return [target.name for target in targets(*argv)]


def test_no_scenario_is_the_default():
    assert names() == ["wsgi/none/sync"]


def test_names_are_taken_in_order():
    assert names("asgi/default/sync", "wsgi/none/async") == ["asgi/default/sync", "wsgi/none/async"]


def test_axes_make_the_matrix_handler_first():
    assert names("--handler", "asgi", "--stack", "none,default", "--view", "sync") == [
        "asgi/none/sync",
        "asgi/default/sync",
    ]
    # --view alone: both handlers, stack none.
    assert names("--view", "cpu") == ["wsgi/none/cpu", "asgi/none/cpu"]


def test_middleware_alone_is_the_custom_stack():
    chosen = targets("--middleware", "django.middleware.common.CommonMiddleware", "--view", "sync")
    assert [t.name for t in chosen] == ["wsgi/custom/sync", "asgi/custom/sync"]
    assert chosen[0].metadata["middleware"] == "django.middleware.common.CommonMiddleware"


def test_every_target_carries_the_deadline_and_the_loop():
    chosen = targets("asgi/none/sync-io", "--delay", "2000", "--loop", "asyncio")
    assert chosen[0].metadata["loop"] == "asyncio"
    driver = chosen[0].build()
    try:
        assert driver.deadline == DEFAULT_DEADLINE + 4
    finally:
        driver.close()
    driver = targets("wsgi/none/sync", "--deadline", "7").pop().build()
    try:
        assert driver.deadline == 7
    finally:
        driver.close()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["asgi/none/sync", "--view", "sync"], "give either scenario names or --view, not both"),
        (["--app", "m:a"], "--app needs --interface wsgi or --interface asgi"),
        (["--app", "m:a", "--interface", "wsgi", "asgi/none/sync"], "either --app or scenario"),
        (["--app", "m:a", "--interface", "wsgi", "--stack", "none"], "--stack apply to the"),
        (["--interface", "wsgi"], "--interface applies only with --app"),
        (["--header", "A: b"], "--header: request options are for --settings"),
        (["asgi/none/sync", "--middleware", "a.B"], "--middleware applies only to the stacks"),
        (["--pythonpath", "."], "--pythonpath applies only with --settings"),
        (["--settings", " "], "--settings needs a module name"),
        (["--settings", "m.s", "--app", "m:a"], "give either --settings or --app, not both"),
        (["--settings", "m.s", "asgi/none/sync"], "name the request with --path"),
        (["--settings", "m.s", "--work", "5"], "--work is an option of the built-in app's"),
        (["--settings", "m.s", "--handler", "http"], "unknown handler 'http'"),
        (["--settings", "m.s", "--stack", "each"], "--stack is default, default-fixed, none"),
    ],
)
def test_contradictions_are_usage_errors(argv, message):
    with pytest.raises(UsageError, match=None) as raised:
        targets(*argv)
    assert message in str(raised.value)


def test_the_deadline_must_outlast_the_delay():
    args = options_parser().parse_args(["--delay", "2000", "--deadline", "1"])
    with pytest.raises(UsageError, match="is not longer than the view's --delay 2000 ms"):
        request_deadline(args)


def test_a_scenario_given_twice_is_refused():
    with pytest.raises(UsageError, match="scenario given twice: wsgi/none/sync"):
        refuse_duplicates(targets("wsgi/none/sync", "wsgi/none/sync"))
