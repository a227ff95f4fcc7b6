"""Paired sessions: the order of the workers, the stopping rules, what a worker measures,
and both sides as pyperf JSON. Workers are faked where the rule, not a process, is tested."""

import json

import pyperf
import pytest

from handlerbench.handlers.scenario import Scenario
from handlerbench.handlers.target import scenario_target
from handlerbench.passes.paired import session as session_module
from handlerbench.passes.paired.process import Pace
from handlerbench.passes.paired.session import (
    BUDGET,
    MIN_PAIRS,
    PRECISION,
    Measurement,
    PairedSession,
    Side,
    schedule,
    should_stop,
)
from handlerbench.passes.paired.suite import benchmark_names, suite
from handlerbench.passes.paired.worker import calibrate, measure
from handlerbench.results.stats import ratio_estimate


def test_pairs_alternate_which_side_runs_first():
    assert [schedule(i) for i in range(4)] == [("A", "B"), ("B", "A"), ("A", "B"), ("B", "A")]


def test_the_precision_rule_needs_enough_pairs():
    tight = [1.0, 1.001, 0.999]
    assert not should_stop(ratio_estimate(tight), 0.05)
    assert should_stop(ratio_estimate([*tight, 1.0]), 0.05)
    assert not should_stop(ratio_estimate([1.0, 1.5, 0.7, 1.2]), 0.05)


class FakeWorkers:
    """Stands in for worker processes: A takes 1.0 s per request, B ``ratio`` times that."""

    def __init__(self, ratio, jitter=0.0):
        self.ratio, self.jitter, self.order = ratio, jitter, []

    def __call__(self, order):
        done = {}
        for label in order:
            self.order.append(label)
            wobble = 1 + self.jitter * (1 if len(self.order) % 3 else -1)
            mean = (self.ratio if label == "B" else 1.0) * wobble
            done[label] = Measurement(label, 8, (mean, mean))
        return done


def fake_session(monkeypatch, ratio, jitter=0.0, **options):
    session = PairedSession(Side("A", "a", []), Side("B", "b", []), Pace(**options))
    workers = FakeWorkers(ratio, jitter)
    monkeypatch.setattr(session, "_pair", workers)
    return session, workers


def test_a_session_stops_when_the_interval_is_narrow_enough(monkeypatch):
    session, workers = fake_session(monkeypatch, 0.5, precision=0.02)
    result = session.run()
    assert result.stopped_by == PRECISION and result.precision_reached
    assert result.estimate.pairs == MIN_PAIRS
    assert result.estimate.ratio == pytest.approx(0.5)
    assert workers.order == ["A", "B", "B", "A", "A", "B", "B", "A"]
    assert result.mean("B") / result.mean("A") == pytest.approx(0.5)


def test_a_session_stops_when_the_budget_would_be_passed(monkeypatch):
    clock = iter(range(0, 10_000, 10))
    monkeypatch.setattr(session_module.time, "monotonic", lambda: next(clock))
    session, _ = fake_session(monkeypatch, 2.0, jitter=0.3, precision=0.001, budget=45)
    result = session.run()
    assert result.stopped_by == BUDGET and not result.precision_reached
    assert result.estimate.pairs >= 1


def test_the_result_as_json_has_the_documented_keys(monkeypatch):
    session, _ = fake_session(monkeypatch, 0.5)
    data = session.run().to_dict()
    for key in ("ratio", "ci_low", "ci_high", "pairs", "precision_reached", "seconds"):
        assert key in data
    assert data["a"]["mean"] == pytest.approx(1.0) and data["b"]["mean"] == pytest.approx(0.5)


def test_both_sides_become_pyperf_benchmarks_with_the_ratio(monkeypatch, tmp_path):
    session, _ = fake_session(monkeypatch, 0.5)
    result = session.run()
    result.a.name = result.b.name = "wsgi/none/sync"
    assert benchmark_names(result) == {"A": "wsgi/none/sync (A)", "B": "wsgi/none/sync (B)"}
    path = tmp_path / "ab.json"
    suite(result).dump(str(path))
    loaded = pyperf.BenchmarkSuite.load(str(path))
    a, b = loaded.get_benchmarks()
    assert a.get_nrun() == b.get_nrun() == MIN_PAIRS
    assert b.mean() / a.mean() == pytest.approx(0.5)
    assert b.get_metadata()["ab_ratio"] == pytest.approx(0.5)


def test_calibration_doubles_the_loops_until_a_value_lasts_long_enough():
    class Driver:
        def time(self, loops):
            return loops * 0.001

    assert calibrate(Driver(), 0.1) == 128


def test_a_worker_times_both_sides_with_fixed_loops_after_their_counting_pass():
    targets = {
        "B": scenario_target(Scenario.parse("asgi/none/sync")),
        "A": scenario_target(Scenario.parse("wsgi/none/sync")),
    }
    measured = measure(targets, {"A": 16, "B": 8}, values=2, min_time=0.1, count=True)
    assert list(measured) == ["B", "A"]  # the order given: B starts
    assert (measured["A"]["loops"], measured["B"]["loops"]) == (16, 8)
    assert all(len(side["values"]) == 2 for side in measured.values())
    assert all(value > 0 for side in measured.values() for value in side["values"])
    assert measured["A"]["metadata"]["sync_to_async"] == 0
    assert measured["B"]["metadata"]["sync_to_async"] == 3
    assert measured["A"]["name"] == "wsgi/none/sync" and measured["A"]["metadata"]["python_version"]


def test_the_sides_share_a_worker_unless_b_has_another_python(monkeypatch):
    calls = []
    session = PairedSession(Side("A", "a", []), Side("B", "b", []))
    monkeypatch.setattr(
        session,
        "_worker",
        lambda labels: (
            calls.append(tuple(labels))
            or {label: Measurement(label, 1, (1.0,)) for label in labels}
        ),
    )
    session._pair(("B", "A"))
    session.sides["B"].python = "/other/python"
    session._pair(("B", "A"))
    assert calls == [("B", "A"), ("B",), ("A",)]


def test_one_pair_gives_no_interval_and_json_says_null(monkeypatch):
    clock = iter(range(0, 10_000, 10))
    monkeypatch.setattr(session_module.time, "monotonic", lambda: next(clock))
    session, _ = fake_session(monkeypatch, 0.5, budget=15)
    data = session.run().to_dict()
    assert data["pairs"] == 1 and data["stopped_by"] == BUDGET
    assert data["ci_high"] is None and data["half_width"] is None
    json.dumps(data, allow_nan=False)  # standard JSON: no Infinity
