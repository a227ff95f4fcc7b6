"""Requests in flight: every answer checked, threads measured, a deadline that never hangs."""

import threading
import time

import pytest
from django.test import override_settings

from handlerbench.app import build_handler
from handlerbench.drive import make_driver
from handlerbench.drive.concurrent import (
    ConcurrentDriver,
    DeadlineExceeded,
    percentiles,
    watch_threads,
)
from handlerbench.drive.deadline import HARNESS
from handlerbench.errors import HandlerbenchError
from handlerbench.handlers.check import check_app, check_django
from handlerbench.handlers.scenario import Scenario
from handlerbench.handlers.target import scenario_target
from handlerbench.wire.request import RequestSpec
from tests import sample_apps


def settle_threads(limit: float = 10.0):
    """Let threads of earlier tests (per-request executors, joins, client pools) end first.

    Joins every thread but the main one, the harness's own and asgiref's
    process-wide executor thread (which lives for good): a closed pool's
    daemon threads may still be exiting on a loaded machine.
    """
    from asgiref.sync import SyncToAsync

    lasting = set(getattr(SyncToAsync.single_thread_executor, "_threads", ()))
    end = time.monotonic() + limit
    for thread in threading.enumerate():
        if thread is threading.main_thread() or thread in lasting:
            continue
        if thread.name.startswith(HARNESS):
            continue
        thread.join(max(0.0, end - time.monotonic()))


@pytest.fixture
def concurrent(drivers_to_close):
    made = []

    def make(name, concurrency, deadline=30.0):
        driver = scenario_target(Scenario.parse(name)).build()
        drivers_to_close.append(driver)
        made.append(ConcurrentDriver(driver, concurrency, deadline))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.mark.parametrize("name", ["wsgi/default/sync", "asgi/default/async", "asgi/none/sync"])
def test_a_batch_answers_every_request(concurrent, name):
    driver = concurrent(name, 8)
    latencies = []
    assert driver.run(3, latencies) > 0
    assert len(latencies) == 24
    assert driver.requests_per_loop == 80 and driver.time(1) > 0
    assert all(latency > 0 for latency in latencies)


def test_sync_view_under_asgi_at_c8_uses_more_than_one_thread(concurrent):
    driver = concurrent("asgi/none/sync", 8)
    settle_threads()
    observation = driver.observe(64)
    # Each request runs on a thread of its own (ThreadSensitiveContext).
    assert observation.peak_threads > 1
    assert observation.threads_started >= observation.requests
    assert observation.requests == 64


def test_wsgi_at_c8_uses_exactly_the_pool(concurrent):
    driver = concurrent("wsgi/none/sync", 8)
    settle_threads()
    observation = driver.observe(64)
    # The client threads start in the warm-up and serve every request after it.
    assert observation.threads_started == 0
    assert observation.peak_threads == 8 + 1  # the pool and the main thread
    with watch_threads() as threads:
        driver.time(1)
    assert threads.started == 0


def test_observation_metadata_is_pyperf_metadata(concurrent):
    observation = concurrent("asgi/none/async", 4).observe(40)
    metadata = observation.metadata()
    assert metadata["concurrency"] == 4
    assert metadata["observed_requests"] == 40
    assert 0 < metadata["latency_p50"] <= metadata["latency_p90"] <= metadata["latency_p99"]
    assert metadata["peak_threads"] >= 1 and metadata["peak_threads_sampled"] >= 1


@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
def test_a_wrong_answer_under_concurrency_voids_the_batch(handler, drivers_to_close):
    with override_settings(ROOT_URLCONF="tests.sample_apps"):
        spec = RequestSpec(path="/server-error-in-flight/")
        driver = make_driver(handler, build_handler(handler, "none"), spec, f"{handler}/x/y")
        drivers_to_close.append(driver)
        check_django(driver, 200, b"ok")
        concurrent = ConcurrentDriver(driver, 4)
        try:
            with pytest.raises(HandlerbenchError, match=r"of 8 timed requests did not answer 200"):
                concurrent.run(2)
        finally:
            concurrent.close()


@pytest.fixture
def hanging():
    """The sample apps that hang when two requests are in flight, reset before and after."""
    sample_apps.RELEASE.clear()
    settle_threads()
    sample_apps.IN_FLIGHT["now"] = 0
    yield
    # Let stuck sync views go, so their threads (and this process) can end.
    sample_apps.RELEASE.set()
    settle_threads()
    sample_apps.IN_FLIGHT["now"] = 0


@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
def test_a_view_that_never_returns_fails_within_its_deadline(handler, drivers_to_close, hanging):
    with override_settings(ROOT_URLCONF="tests.sample_apps"):
        spec = RequestSpec(path="/hangs-in-flight/")
        driver = make_driver(handler, build_handler(handler, "none"), spec, f"{handler}/x/hangs")
        drivers_to_close.append(driver)
        check_django(driver, 200)
        concurrent = ConcurrentDriver(driver, 4, deadline=0.3)
        started = time.perf_counter()
        try:
            with pytest.raises(DeadlineExceeded) as info:
                concurrent.run(5)
            assert time.perf_counter() - started < 5
            assert str(info.value) == (
                f"{handler}/x/hangs at concurrency 4: "
                "a request did not finish within its 0.3 s deadline"
            )
        finally:
            sample_apps.RELEASE.set()
            concurrent.close()


def test_an_async_app_that_never_returns_fails_within_its_deadline(drivers_to_close, hanging):
    spec = RequestSpec()
    driver = make_driver("asgi", sample_apps.asgi_hangs_in_flight, spec, "asgi/app/hangs")
    drivers_to_close.append(driver)
    check_app(driver)
    with pytest.raises(DeadlineExceeded, match="asgi/app/hangs at concurrency 2"):
        ConcurrentDriver(driver, 2, deadline=0.2).run(3)


def test_percentiles():
    values = [i / 100 for i in range(1, 101)]
    p50, p90, p99, p100 = percentiles(values, (50, 90, 99, 100))
    assert p50 == pytest.approx(0.505)
    assert p90 == pytest.approx(0.901)
    assert p99 == pytest.approx(0.9901)
    assert p100 == 1.0
    assert percentiles([0.25], (50, 99)) == (0.25, 0.25)


def test_thread_watch_counts_starts_and_the_peak():
    settle_threads()
    release = threading.Event()
    with watch_threads() as threads:
        started = [threading.Thread(target=release.wait) for _ in range(3)]
        for thread in started:
            thread.start()
        time.sleep(0.02)
        release.set()
        for thread in started:
            thread.join()
    assert threads.started == 3
    assert threads.peak == 4
    assert threads.peak_sampled == 4
    assert threading.Thread.start.__name__ == "start"


def test_concurrency_must_be_positive(drivers_to_close):
    driver = scenario_target(Scenario.parse("wsgi/none/sync")).build()
    drivers_to_close.append(driver)
    with pytest.raises(ValueError):
        ConcurrentDriver(driver, 0)
    with pytest.raises(ValueError):
        ConcurrentDriver(driver, 2, per_client=0)
