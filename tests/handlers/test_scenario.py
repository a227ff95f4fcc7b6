import re

import pytest

from handlerbench.app.stacks import EACH_STACKS
from handlerbench.errors import UsageError
from handlerbench.handlers.scenario import (
    HANDLERS,
    STACKS,
    VIEWS,
    Scenario,
    all_scenarios,
    default_scenarios,
    matrix,
    transition_scenarios,
)


@pytest.mark.parametrize("scenario", all_scenarios(), ids=str)
def test_names_round_trip(scenario):
    assert Scenario.parse(scenario.name) == scenario
    assert str(Scenario.parse(scenario.name)) == scenario.name


def test_parse_gives_the_axes():
    scenario = Scenario.parse("asgi/default/sync")
    assert (scenario.handler, scenario.stack, scenario.view) == ("asgi", "default", "sync")
    assert scenario.metadata() == {"handler": "asgi", "stack": "default", "view": "sync"}


def test_all_scenarios_cover_every_axis_once_but_custom():
    names = [s.name for s in all_scenarios()]
    named = [s for s in STACKS if not s.startswith("custom")]
    assert len(names) == len(set(names)) == len(HANDLERS) * len(named) * len(VIEWS)


def test_matrix_orders_by_stack_then_handler_then_view():
    assert [s.name for s in matrix(HANDLERS, ["default-fixed"], ["sync", "async-io"])] == [
        "wsgi/default-fixed/sync",
        "wsgi/default-fixed/async-io",
        "asgi/default-fixed/sync",
        "asgi/default-fixed/async-io",
    ]


def test_matrix_expands_each_and_all():
    each = matrix(["asgi"], ["each"], ["sync"])
    assert [s.stack for s in each] == list(EACH_STACKS)
    assert [s.view for s in matrix(["wsgi"], ["none"], ["all"])] == list(VIEWS)


@pytest.mark.parametrize(
    ("axes", "message"),
    [
        ((["http"], ["none"], ["sync"]), "unknown handler 'http'"),
        ((HANDLERS, ["huge"], ["sync"]), "unknown stack 'huge'"),
        ((HANDLERS, ["none"], ["slow"]), "unknown view 'slow' (choose from sync, async"),
    ],
)
def test_matrix_refuses_unknown_axes(axes, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        matrix(*axes)


def test_transitions_default_is_hello_world_with_and_without_the_fix():
    stacks = {s.stack for s in transition_scenarios()}
    assert stacks == {"none", "default", "default-fixed"}


def test_default_set_is_the_four_without_middleware():
    assert [s.name for s in default_scenarios()] == [
        "wsgi/none/sync",
        "wsgi/none/async",
        "asgi/none/sync",
        "asgi/none/async",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("asgi/default", "not of the form handler/stack/view"),
        ("asgi//sync", "not of the form handler/stack/view"),
        ("a/b/c/d", "not of the form handler/stack/view"),
        ("http/none/sync", "unknown handler 'http' (choose from wsgi, asgi)"),
        ("asgi/huge/sync", "unknown stack 'huge'"),
        ("asgi/none/slow", "unknown view 'slow'"),
    ],
)
def test_bad_names_are_usage_errors(name, message):
    with pytest.raises(UsageError, match=re.escape(message)) as info:
        Scenario.parse(name)
    assert "\n" not in str(info.value)
    assert info.value.exit_status == 2
