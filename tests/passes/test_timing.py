import pyperf
import pytest

from handlerbench.errors import HandlerbenchError
from handlerbench.handlers.scenario import Scenario
from handlerbench.handlers.target import Target, scenario_target
from handlerbench.passes.timing import LazyTimer, TimingPlan, bench_targets, check_targets


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


class FakeRunner:
    """Just what bench_targets asks of a pyperf Runner in a worker."""

    def __init__(self, **args):
        from argparse import Namespace

        self.args = Namespace(worker=True, worker_task=99, **args)
        self.timed = []

    def parse_args(self):
        return self.args

    def bench_time_func(self, name, timer, metadata=None, inner_loops=None):
        self.timed.append((name, metadata, inner_loops))


def test_a_worker_refuses_an_observation_made_on_other_versions():
    tgt = scenario_target(Scenario.parse("wsgi/none/sync"))
    observed = {"wsgi/none/sync@c=4": {"peak_threads": 5, "observed_on": "Python 2.7"}}
    with pytest.raises(HandlerbenchError, match=r"observed on Python 2\.7 but timed on Python 3"):
        bench_targets(FakeRunner(observed=observed), [tgt], [1, 4])


def test_a_worker_puts_its_own_observation_in_the_metadata():
    from handlerbench.passes.timing import observed_on

    tgt = scenario_target(Scenario.parse("wsgi/none/sync"))
    observed = {"wsgi/none/sync@c=4": {"peak_threads": 5, "observed_on": observed_on()}}
    runner = FakeRunner(observed=observed)
    bench_targets(runner, [tgt], [1, 4])
    (_, sequential, none), (name, concurrent, inner) = runner.timed
    assert (none, "peak_threads" in sequential, sequential["concurrency"]) == (None, False, 1)
    assert (name, concurrent["peak_threads"], inner) == ("wsgi/none/sync@c=4", 5, 40)


def test_workers_get_only_their_own_observation():
    plan = TimingPlan(["a", "a@c=4", "b@c=4"], {"a@c=4": {"x": 1}, "b@c=4": {"x": 2}})
    cmd = ["python", "--worker", "--worker-task=2"]
    plan.forward(cmd)
    assert cmd[-2:] == ["--observed", '{"b@c=4":{"x":2}}']
    cmd = ["python", "--worker", "--worker-task=0"]
    plan.forward(cmd)
    assert cmd == ["python", "--worker", "--worker-task=0"]
