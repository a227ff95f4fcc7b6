"""Rounds of an explanation: what one round times, and when the session stops."""

import math

import pytest

from handlerbench.handlers.scenario import Scenario
from handlerbench.handlers.target import scenario_target
from handlerbench.passes.counting import count_transitions
from handlerbench.passes.explain import explanation, kinds_used, plan
from handlerbench.passes.explain import rounds as rounds_module
from handlerbench.passes.explain.rounds import (
    BUDGET,
    MIN_ROUNDS,
    PRECISION,
    measure_round,
    precise_enough,
    run_rounds,
)
from handlerbench.passes.paired.process import Pace


def target(name):
    return scenario_target(Scenario.parse(name))


@pytest.fixture(scope="module")
def made():
    scenario, twin = target("asgi/none/sync"), target("wsgi/none/sync")
    report, twin_report = count_transitions(scenario), count_transitions(twin)
    return plan(scenario, twin, kinds=kinds_used(report, twin_report)), report, twin_report


def test_a_round_times_every_target_with_the_loops_given(made):
    plan_, _, _ = made
    loops = {t.name: 4 for t in plan_.targets()}
    measured = measure_round(plan_.groups(), loops, values=2, min_time=0.001)
    assert set(measured) == {t.name for t in plan_.targets()}
    assert all(got["loops"] == 4 and len(got["values"]) == 2 for got in measured.values())
    assert all(value > 0 for got in measured.values() for value in got["values"])


def rounds_of(plan_, totals):
    """Made-up rounds whose totals are ``totals`` and whose other targets never vary."""
    base = {t.name: 100e-6 for t in plan_.targets()}
    base[plan_.shared.name] = 200e-6
    return [{**base, plan_.scenario.name: total} for total in totals]


def test_precise_enough_needs_rounds_and_narrow_intervals(made):
    plan_, report, twin_report = made
    steady = rounds_of(plan_, [1000e-6] * MIN_ROUNDS)
    assert precise_enough(explanation(plan_, report, steady, twin_report), 0.03)
    assert not precise_enough(explanation(plan_, report, steady[:-1], twin_report), 0.03)
    swinging = rounds_of(plan_, [800e-6, 1200e-6] * 2)
    assert not precise_enough(explanation(plan_, report, swinging, twin_report), 0.03)


def test_rounds_go_on_until_precise_enough(made, monkeypatch):
    plan_, report, twin_report = made
    calls = []

    def fake_worker(command, argv, who, **options):
        calls.append(argv)
        return {
            "targets": {t.name: {"loops": 8, "values": [150e-6]} for t in plan_.targets()},
            "metadata": {"django_version": "9.9"},
        }

    monkeypatch.setattr(rounds_module, "run_worker", fake_worker)
    done = run_rounds(
        ["asgi/none/sync"], "x", lambda means: explanation(plan_, report, means, twin_report)
    )
    assert done.stopped_by == PRECISION and len(done.means) == MIN_ROUNDS
    # The first round calibrates; later ones are given its loops.
    assert "--loops={}" in calls[0] and '"asgi/none/sync": 8' in calls[1][2]
    assert done.metadata == {"django_version": "9.9"}


def test_rounds_stop_when_the_budget_would_be_passed(made, monkeypatch):
    plan_, report, twin_report = made
    clock = iter(range(0, 10_000, 10))
    monkeypatch.setattr(rounds_module.time, "monotonic", lambda: next(clock))
    totals = iter([800e-6, 1200e-6] * 50)

    def fake_worker(command, argv, who, **options):
        means = rounds_of(plan_, [next(totals)])[0]
        return {
            "targets": {n: {"loops": 8, "values": [v]} for n, v in means.items()},
            "metadata": {},
        }

    monkeypatch.setattr(rounds_module, "run_worker", fake_worker)
    done = run_rounds(
        [], "x", lambda means: explanation(plan_, report, means, twin_report), Pace(budget=55)
    )
    assert done.stopped_by == BUDGET
    assert 1 <= len(done.means) < 10
    assert not math.isnan(explanation(plan_, report, done.means, twin_report).total)
