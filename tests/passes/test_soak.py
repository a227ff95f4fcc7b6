import gc
import json
import os
import threading

import pytest

from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.handlers.scenario import Scenario
from handlerbench.handlers.target import Target, scenario_target
from handlerbench.passes.soak import RSS_MEASURE, Sample, SoakReport, soak
from handlerbench.render.soak import format_soak

HAS_PROC = os.path.isdir("/proc/self/fd")


def target(name):
    return scenario_target(Scenario.parse(name))


def open_fds():
    return len(os.listdir("/proc/self/fd")) if HAS_PROC else None


@pytest.mark.parametrize("name", ["wsgi/default/sync", "asgi/default/sync", "asgi/none/async"])
def test_threads_and_fds_return_to_baseline(name):
    gc.collect()
    threads_before, fds_before = threading.active_count(), open_fds()
    report = soak(target(name), requests=500, checkpoints=5, warmups=20)
    start, end = report.samples[0], report.samples[-1]
    # The first build in a process may start a thread for good: it is in both.
    assert threads_before <= start.threads
    assert end.threads == start.threads
    assert report.count_verdict("threads")["verdict"] == "flat"
    if HAS_PROC:
        # The ASGI baseline holds the driver's event loop (3 fds), gone after close.
        assert end.fds == fds_before
        assert end.fds <= start.fds
        assert report.count_verdict("fds")["verdict"] == "flat"


@pytest.fixture(scope="module")
def report() -> SoakReport:
    return soak(target("asgi/default/sync"), requests=500, checkpoints=5, warmups=20)


def test_report_structure(report):
    assert len(report.samples) == 5 + 2
    done = [sample.requests for sample in report.samples]
    assert done == [0, 100, 200, 300, 400, 500, 500]
    elapsed = [sample.elapsed for sample in report.samples]
    assert elapsed == sorted(elapsed)
    if RSS_MEASURE is not None:
        assert all(sample.rss > 0 for sample in report.samples)
    rss = report.rss_verdict()
    assert (rss["from_requests"], rss["to_requests"]) == (100, 500)
    assert rss["verdict"] in ("flat", "grew", "n/a")


def test_format(report):
    text = format_soak(report)
    lines = text.splitlines()
    assert lines[0].startswith("asgi/default/sync: soak of 500 requests in 5 chunks")
    assert lines[2].split()[:2] == ["start", "0"]
    assert lines[8].split()[:3] == ["end", "(closed)", "500"]
    assert lines[9].startswith("threads: flat (returned to baseline")
    assert lines[10].startswith("fds: ")
    assert lines[11].startswith("rss")


def test_to_dict_is_json(report):
    data = json.loads(json.dumps(report.to_dict()))
    assert data["scenario"] == "asgi/default/sync"
    assert len(data["samples"]) == 7
    assert set(data["samples"][0]) == {"requests", "threads", "fds", "rss", "elapsed"}
    assert data["threads"]["verdict"] == "flat"


def test_uneven_chunks():
    report = soak(target("wsgi/none/sync"), requests=7, checkpoints=3, warmups=0)
    assert [sample.requests for sample in report.samples] == [0, 3, 5, 7, 7]


def fake_report(rss_by_checkpoint, per_chunk=1000):
    samples = [Sample(0, 1, 5, rss_by_checkpoint[0], 0.0)]
    for index, rss in enumerate(rss_by_checkpoint, 1):
        samples.append(Sample(index * per_chunk, 1, 5, rss, float(index)))
    samples.append(Sample(samples[-1].requests, 2, 4, rss_by_checkpoint[-1], 99.0))
    return SoakReport("x", samples[-1].requests, len(rss_by_checkpoint), 0, samples, "current")


def test_rss_verdicts():
    mib = 1 << 20
    plateau = fake_report([100 * mib, 110 * mib, 120 * mib, 120 * mib, 120 * mib])
    assert plateau.rss_verdict()["verdict"] == "flat"
    steady = fake_report([100 * mib + i * 2 * mib for i in range(5)])
    verdict = steady.rss_verdict()
    assert verdict["verdict"] == "grew" and verdict["steady_growth"]
    assert verdict["bytes_per_request"] == 2 * mib / 1000
    slowing = fake_report([100 * mib, 140 * mib, 180 * mib, 182 * mib, 184 * mib])
    verdict = slowing.rss_verdict()
    assert verdict["verdict"] == "grew" and not verdict["steady_growth"]
    assert "plateau" in format_soak(slowing)
    grew = steady.count_verdict("threads")
    assert grew == {"start": 1, "end": 2, "change": 1, "open_growth": 0, "verdict": "grew"}
    assert "threads: grew (grew by 1" in format_soak(steady)


@pytest.mark.parametrize(("requests", "checkpoints"), [(0, 1), (-5, 1), (4, 5), (10, 0)])
def test_bad_counts_are_usage_errors(requests, checkpoints):
    def build():
        raise AssertionError("built before the counts were checked")

    with pytest.raises(UsageError) as info:
        soak(Target("x", {}, build), requests=requests, checkpoints=checkpoints)
    assert "\n" not in str(info.value)


def test_a_failing_request_propagates_and_closes():
    closed = []

    class Failing:
        def time(self, loops):
            raise HandlerbenchError("x: 1 of 1 timed requests did not answer 200")

        def close(self):
            closed.append(True)

    with pytest.raises(HandlerbenchError, match="did not answer 200"):
        soak(Target("x", {}, Failing), requests=10, checkpoints=2)
    assert closed == [True]


def test_a_leak_the_close_releases_is_still_a_leak():
    report = SoakReport(
        "x",
        4,
        2,
        0,
        [
            Sample(0, 2, 10, 0, 0.0),
            Sample(2, 2, 12, 0, 1.0),
            Sample(4, 2, 14, 0, 2.0),
            Sample(4, 2, 6, 0, 2.1),
        ],
        RSS_MEASURE,
    )
    verdict = report.count_verdict("fds")
    assert verdict["verdict"] == "grew" and verdict["open_growth"] == 4
    assert "grew by 4 while the driver was open" in format_soak(report)
