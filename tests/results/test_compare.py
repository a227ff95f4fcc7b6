"""Before and after: significance, hops added and removed by name, and the CI rules."""

import pytest

from handlerbench.render.comparison import format_comparison
from handlerbench.results.compare import broken_rules, compare, significant, t_critical
from handlerbench.results.saved import load
from tests.saved_runs import benchmark, save

SIXTEEN = ["s2a request_started", *[f"s2a M{i}.process_request" for i in range(14)], "s2a close"]
SIX = ["s2a request_started", "s2a M0.__call__", "a2s get_response", "s2a v", "s2a x", "s2a close"]


def runs(tmp_path, before_values, after_values, before_hops=SIXTEEN, after_hops=SIX):
    before = save(
        tmp_path / "before.json", benchmark("asgi/default/sync", before_values, before_hops)
    )
    after = save(tmp_path / "after.json", benchmark("asgi/default/sync", after_values, after_hops))
    return load(before), load(after)


def test_t_critical_follows_the_table_conservatively():
    assert t_critical(1) == 12.706
    assert t_critical(11) == 2.228
    assert t_critical(10_000) == 1.960


def test_significance():
    assert significant([1.0, 1.01, 0.99, 1.0], [2.0, 2.01, 1.99, 2.0])
    assert not significant([1.0, 1.5, 0.5, 1.0], [1.1, 1.6, 0.6, 1.1])
    assert not significant([1.0], [2.0])


def test_differences_name_the_hops_added_and_removed(tmp_path):
    before, after = runs(
        tmp_path, [1.8e-3, 1.81e-3, 1.79e-3, 1.8e-3], [1e-3, 1.01e-3, 0.99e-3, 1e-3]
    )
    (d,), only_before, only_after = compare(before, after)
    assert (d.hops_before, d.hops_after) == (16, 6)
    assert d.significant and d.change == pytest.approx(1 / 1.8 - 1)
    assert "a2s get_response" in d.added and "s2a M13.process_request" in d.removed
    assert "s2a request_started" not in d.added + d.removed
    text = format_comparison(before, after, [d], only_before, only_after)
    assert "asgi/default/sync: hops added: a2s get_response, s2a M0.__call__, s2a v, s2a x" in text
    assert "16 -> 6" in text


def test_rules_name_the_scenario_and_the_rule(tmp_path):
    before, after = runs(
        tmp_path, [1e-3, 1.01e-3, 0.99e-3, 1e-3], [2e-3, 2.01e-3, 1.99e-3, 2e-3], SIX, SIXTEEN
    )
    differences, _, _ = compare(before, after)
    assert broken_rules(differences) == []
    (slower,) = broken_rules(differences, max_slowdown=50)
    assert slower == "asgi/default/sync is 100.0% slower (--max-slowdown 50)"
    assert broken_rules(differences, max_slowdown=150) == []
    (more,) = broken_rules(differences, no_new_hops=True)
    assert more.startswith(
        "asgi/default/sync makes 16 hops, 6 before (--no-new-hops): s2a M0.process_request"
    )


def test_a_slowdown_that_is_noise_breaks_no_rule(tmp_path):
    before, after = runs(tmp_path, [1e-3, 3e-3, 1e-3, 3e-3], [1.2e-3, 3.2e-3, 1.2e-3, 3.2e-3])
    differences, _, _ = compare(before, after)
    assert not differences[0].significant
    assert broken_rules(differences, max_slowdown=1) == []


def test_a_slowdown_gate_cannot_pass_on_single_values(tmp_path):
    before, after = runs(tmp_path, [1e-3], [1e-3])
    differences, _, _ = compare(before, after)
    assert not differences[0].testable
    assert broken_rules(differences) == []
    (rule,) = broken_rules(differences, max_slowdown=5)
    assert rule == "asgi/default/sync has fewer than 2 values in a file (--max-slowdown)"
    assert "too few values" in format_comparison(before, after, differences)


def counted(directory, before_counters, after_counters):
    """Two saved runs of one scenario whose counting passes found these counters."""
    directory.mkdir(exist_ok=True)
    values = [1e-3, 1.01e-3, 0.99e-3, 1e-3]
    before = save(
        directory / "before.json", benchmark("asgi/default/sync", values, SIX, **before_counters)
    )
    after = save(
        directory / "after.json", benchmark("asgi/default/sync", values, SIX, **after_counters)
    )
    return compare(load(before), load(after))[0]


def test_a_counter_rising_past_its_limit_breaks_the_gate(tmp_path):
    differences = counted(
        tmp_path, {"calls": 3016.5, "allocations": 37169}, {"calls": 3107.0, "allocations": 37500}
    )
    (d,) = differences
    assert d.counter_change("calls") == pytest.approx(3107.0 / 3016.5 - 1)
    assert broken_rules(differences, max_increase={"calls": 5, "allocations": 5}) == []
    (rule,) = broken_rules(differences, max_increase={"calls": 1, "allocations": 5})
    assert rule == (
        "asgi/default/sync has 3.0% more calls per request (3,016 -> 3,107; --max-increase calls=1)"
    )
    assert len(broken_rules(differences, max_increase={"calls": 1, "allocations": 0.5})) == 2
    # Fewer is never a failure.
    assert (
        broken_rules(
            counted(tmp_path / "fewer", {"calls": 3107.0}, {"calls": 3016.5}),
            max_increase={"calls": 0},
        )
        == []
    )


def test_a_row_without_the_counter_is_reported_not_passed(tmp_path):
    differences = counted(tmp_path, {"calls": 3016.5}, {})
    (rule,) = broken_rules(differences, max_increase={"calls": 1})
    assert rule == "asgi/default/sync has no calls count in AFTER (--max-increase calls=1)"
    (rule,) = broken_rules(differences, max_increase={"instructions": 1})
    assert rule.endswith(
        "has no instructions count in BEFORE and AFTER (--max-increase instructions=1)"
    )
    assert broken_rules(differences) == []  # no gate asked for, nothing to report


def test_the_comparison_shows_the_counters_when_either_file_has_them(tmp_path):
    before = load(save(tmp_path / "a.json", benchmark("s", [1e-3, 1e-3], calls=100.0)))
    after = load(save(tmp_path / "b.json", benchmark("s", [1e-3, 1e-3], calls=110.0)))
    text = format_comparison(before, after, compare(before, after)[0])
    assert text.splitlines()[3].split()[-1] == "calls/req"
    assert "100 -> 110 (+10.0%)" in text
    assert "alloc peak bytes" not in text
    old = load(save(tmp_path / "old.json", benchmark("s", [1e-3, 1e-3])))
    assert "calls/req" not in format_comparison(old, old, compare(old, old)[0])


def test_compare_gates_a_synthetic_increase_on_the_command_line(tmp_path):
    from tests.helpers import handlerbench

    before = save(
        tmp_path / "before.json",
        benchmark("asgi/default/sync", [1e-3] * 4, SIX, calls=3016.5, allocations=37169),
    )
    after = save(
        tmp_path / "after.json",
        benchmark("asgi/default/sync", [1e-3] * 4, SIX, calls=3107.0, allocations=37169),
    )
    passed = handlerbench("compare", before, after, "--max-increase", "calls=5,allocations=1")
    assert passed.returncode == 0, passed.stderr
    assert "3,016 -> 3,107 (+3.0%)" in passed.stdout
    failed = handlerbench("compare", before, after, "--max-increase", "calls=1")
    assert failed.returncode == 1
    (line,) = failed.stderr.strip().splitlines()
    assert line.endswith(
        "asgi/default/sync has 3.0% more calls per request (3,016 -> 3,107; --max-increase calls=1)"
    )
