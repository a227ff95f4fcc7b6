import pyperf
import pytest

from handlerbench.errors import HandlerbenchError
from handlerbench.runner import LazyTimer, bench_targets, check_targets
from handlerbench.scenario import Scenario
from handlerbench.targets import Target, scenario_target


class FakeDriver:
    def __init__(self, error=None):
        self.error = error
        self.closed = False
        self.timed = []

    def time(self, loops):
        if self.error:
            raise self.error
        self.timed.append(loops)
        return 0.001 * loops

    def close(self):
        self.closed = True


def target(name, driver):
    built = []

    def build():
        built.append(driver)
        return driver

    return Target(name, {"handler": "wsgi"}, build), built


def test_lazy_timer_builds_once_then_times():
    driver = FakeDriver()
    tgt, built = target("t", driver)
    timer = LazyTimer(tgt)
    assert built == []
    assert timer(3) == pytest.approx(0.003)
    assert timer(4) == pytest.approx(0.004)
    assert built == [driver] and driver.timed == [3, 4]


def test_lazy_timer_names_the_target_when_a_request_raises():
    tgt, _ = target("asgi/none/sync", FakeDriver(KeyError("boom")))
    with pytest.raises(HandlerbenchError, match="asgi/none/sync: a timed request raised KeyError"):
        LazyTimer(tgt)(1)


def test_check_targets_builds_and_closes_each():
    drivers = [FakeDriver(), FakeDriver()]
    check_targets([target(f"t{i}", d)[0] for i, d in enumerate(drivers)])
    assert all(d.closed for d in drivers)


def test_check_targets_stops_at_a_failing_check():
    def fails():
        raise HandlerbenchError("t: answered 404")

    with pytest.raises(HandlerbenchError, match="answered 404"):
        check_targets([Target("t", {}, fails)])


def test_duplicate_names_are_refused_before_any_work():
    tgt = scenario_target(Scenario.parse("wsgi/none/sync"))
    with pytest.raises(HandlerbenchError, match="scenario given twice: wsgi/none/sync"):
        bench_targets(pyperf.Runner.__new__(pyperf.Runner), [tgt, tgt])
