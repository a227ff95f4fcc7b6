import re

import pytest

from handlerbench.errors import UsageError
from handlerbench.scenario import (
    HANDLERS,
    STACKS,
    VIEWS,
    Scenario,
    all_scenarios,
    default_scenarios,
)


@pytest.mark.parametrize("scenario", all_scenarios(), ids=str)
def test_names_round_trip(scenario):
    assert Scenario.parse(scenario.name) == scenario
    assert str(Scenario.parse(scenario.name)) == scenario.name


def test_parse_gives_the_axes():
    scenario = Scenario.parse("asgi/default/sync")
    assert (scenario.handler, scenario.stack, scenario.view) == ("asgi", "default", "sync")
    assert scenario.metadata() == {"handler": "asgi", "stack": "default", "view": "sync"}


def test_all_scenarios_cover_every_axis_once():
    names = [s.name for s in all_scenarios()]
    assert len(names) == len(set(names)) == len(HANDLERS) * len(STACKS) * len(VIEWS)


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
