"""N requests in flight: ASGI tasks on the driver's one loop, WSGI a persistent thread pool.

``ConcurrentDriver(driver, concurrency, deadline)`` runs ``concurrency``
clients, each sending requests back to back (a closed loop, like N
keep-alive connections). Under ASGI each request is its own task in a
fresh context on the driver's event loop, as uvicorn runs it; under WSGI
each client is a thread of a pool that lives as long as the driver, calling
the app as gunicorn's gthread worker does. ``time(loops)`` has each client
send ``loops * per_client`` requests (10 per loop by default, so a timed
batch is a sustained load, not one burst and its drain) and returns the
seconds the batch took; pyperf with ``inner_loops=requests_per_loop``
reports the time per request (1 / throughput).

Every response is checked against the status of the checked request, the
count of answers must equal the count sent, and a watchdog fails the batch
with ``DeadlineExceeded`` when any request has been in flight longer than
``deadline`` seconds: it is never waited for, since a stuck sync view holds
a thread Python cannot stop.

``observe(requests)`` runs one untimed batch that also records each
request's latency and every thread started, for the percentiles and peak
thread count that go into a benchmark's metadata.
"""

from __future__ import annotations

import asyncio
import math
import queue
import statistics
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from time import perf_counter, process_time

from handlerbench.drive.asgi import AsgiDriver
from handlerbench.drive.deadline import DEFAULT_DEADLINE, guard_blocked_loop
from handlerbench.drive.threads import app_threads, watch_threads
from handlerbench.drive.wsgi import WsgiDriver
from handlerbench.errors import DeadlineExceeded, HandlerbenchError
from handlerbench.wire.wsgi import StartResponse

# How often the watchdog looks at the requests in flight, in seconds.
WATCH_INTERVAL = 0.05
# The WSGI client threads are not the harness's own (drive.deadline.HARNESS):
# they stand for a server's, and count as the app's.
# Requests each client sends per pyperf loop: enough that a timed batch is a
# sustained closed loop, not one burst of N requests and its drain.
REQUESTS_PER_CLIENT = 10


class _Batch:
    """What the clients of one batch share: start times in flight, answers, bad answers."""

    def __init__(self, concurrency: int, latencies: list[float] | None) -> None:
        self.started: list[float | None] = [None] * concurrency
        self.answered = [0] * concurrency
        self.bad = [0] * concurrency
        self.latencies = latencies
        # Set when the batch has failed: clients stop after their current request.
        self.stopped = False

    def overdue(self, deadline: float) -> bool:
        now = perf_counter()
        return any(t is not None and now - t > deadline for t in list(self.started))


@dataclass(frozen=True)
class Observation:
    """One untimed concurrent batch: throughput, latency percentiles and threads."""

    concurrency: int
    requests: int
    throughput: float
    p50: float
    p90: float
    p99: float
    peak_threads: int
    peak_threads_sampled: int
    threads_started: int
    # Process CPU time (every thread, user + system) per request during the batch.
    cpu_per_request: float

    def metadata(self) -> dict[str, int | float]:
        """pyperf metadata; latencies in seconds, like pyperf's own values."""
        return {
            "concurrency": self.concurrency,
            "observed_requests": self.requests,
            "observed_throughput": round(self.throughput, 1),
            "latency_p50": self.p50,
            "latency_p90": self.p90,
            "latency_p99": self.p99,
            "peak_threads": self.peak_threads,
            "peak_threads_sampled": self.peak_threads_sampled,
            "threads_started_per_request": round(self.threads_started / self.requests, 3),
            "cpu_per_request": self.cpu_per_request,
        }


class ConcurrentDriver:
    """``concurrency`` clients in flight through one checked driver."""

    def __init__(
        self,
        driver: WsgiDriver | AsgiDriver,
        concurrency: int,
        deadline: float = DEFAULT_DEADLINE,
        per_client: int = REQUESTS_PER_CLIENT,
    ) -> None:
        if concurrency < 1 or per_client < 1:
            raise ValueError("concurrency and per_client must be at least 1")
        self.driver = driver
        self.concurrency = concurrency
        self.deadline = deadline
        self.per_client = per_client
        self.name = f"{driver.name} at concurrency {concurrency}"
        self._pool: ClientThreads | None = None
        # Client tasks of a failed ASGI batch, left running rather than awaited.
        self._leftover: list[asyncio.Task] = []

    @property
    def requests_per_loop(self) -> int:
        """What pyperf divides a value by (``inner_loops``): requests in one loop."""
        return self.concurrency * self.per_client

    def time(self, loops: int) -> float:
        """Send ``loops * per_client`` requests per client; the seconds the batch took."""
        return self.run(loops * self.per_client)

    def run(self, per_client: int, latencies: list[float] | None = None) -> float:
        """Each client sends ``per_client`` requests back to back; the seconds it all took."""
        loops = per_client
        driver = self.driver
        driver.check_ready()
        batch = _Batch(self.concurrency, latencies)
        if driver.interface == "asgi":
            elapsed = driver.loop.run_until_complete(self._asgi_batch(loops, batch))
        else:
            elapsed = self._wsgi_batch(loops, batch)
        sent = loops * self.concurrency
        if sum(batch.answered) != sent:
            raise HandlerbenchError(f"{self.name}: {sum(batch.answered)} of {sent} answered")
        driver.check_answers(sum(batch.bad), sent)
        return elapsed

    def observe(self, requests: int) -> Observation:
        """One untimed batch of at least ``requests``, recording latencies and threads.

        A warm-up batch (one request per client) comes first, unrecorded, so
        the WSGI client threads already exist: they count as alive, not as
        started per request. Threads alive before the warm-up are the baseline.
        """
        baseline = app_threads()
        self.run(1)
        per_client = max(1, math.ceil(requests / self.concurrency))
        latencies: list[float] = []
        with watch_threads(baseline) as threads:
            cpu = process_time()
            elapsed = self.run(per_client, latencies)
            cpu = process_time() - cpu
        cpu -= threads.sampler_cpu
        sent = per_client * self.concurrency
        p50, p90, p99 = percentiles(latencies, (50, 90, 99))
        return Observation(
            self.concurrency,
            sent,
            sent / elapsed,
            p50,
            p90,
            p99,
            max(threads.peak, threads.peak_sampled),
            threads.peak_sampled,
            threads.started,
            cpu / sent,
        )

    def close(self) -> None:
        """Stop the pool's threads (the wrapped driver is closed by its owner).

        Requests left in flight by a failed batch get a second to finish
        their cancellation; a stuck one is left behind, never waited for.
        """
        loop = getattr(self.driver, "loop", None)
        if self._leftover and loop is not None and not loop.is_closed():
            loop.run_until_complete(asyncio.wait(self._leftover, timeout=1.0))
            self._leftover = []
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _overdue(self) -> DeadlineExceeded:
        self.driver.stuck = True
        return DeadlineExceeded(
            f"{self.name}: a request did not finish within its {self.deadline:g} s deadline"
        )

    # ASGI: one task per client on the driver's loop, one task per request.
    async def _asgi_batch(self, loops: int, batch: _Batch) -> float:
        driver = self.driver
        loop, expected = driver.loop, driver.expected_status
        started, answered, bad, latencies = (
            batch.started,
            batch.answered,
            batch.bad,
            batch.latencies,
        )

        async def client(slot: int) -> None:
            for _ in range(loops):
                if batch.stopped:
                    return
                started[slot] = t = perf_counter()
                exchange = await driver.exchange()
                if latencies is not None:
                    latencies.append(perf_counter() - t)
                started[slot] = None
                answered[slot] += 1
                if exchange.status != expected or not exchange.complete:
                    bad[slot] += 1

        async def watchdog() -> None:
            while not batch.overdue(self.deadline):
                await asyncio.sleep(WATCH_INTERVAL)
            raise self._overdue()

        t0 = perf_counter()
        tasks = [loop.create_task(client(slot)) for slot in range(self.concurrency)]
        clients = asyncio.gather(*tasks)
        watcher = loop.create_task(watchdog())
        with guard_blocked_loop(
            lambda seconds: batch.overdue(seconds) and not batch.stopped, self.deadline, self.name
        ):
            await asyncio.wait((clients, watcher), return_when=asyncio.FIRST_COMPLETED)
        elapsed = perf_counter() - t0
        if clients.done() and not watcher.done():
            watcher.cancel()
            if clients.exception() is None:
                return elapsed
        # A client failed or a request is overdue: the other clients stop after
        # their current request. Nothing is cancelled or awaited: a stuck request
        # never ends, and cancelling one can block the loop (see
        # compat.CANCEL_BLOCKS_LOOP_BEFORE_ASGIREF).
        batch.stopped = True
        clients.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._leftover = [task for task in tasks if not task.done()]
        if watcher.done():
            watcher.result()
        watcher.cancel()
        clients.result()
        raise AssertionError("unreachable")

    # WSGI: ``concurrency`` threads of a pool that outlives the batch, as gthread's do.
    def _wsgi_batch(self, loops: int, batch: _Batch) -> float:
        driver = self.driver
        expected = driver.expected_status
        started, answered, bad, latencies = (
            batch.started,
            batch.answered,
            batch.bad,
            batch.latencies,
        )

        def client(slot: int) -> None:
            start_response = StartResponse()
            for _ in range(loops):
                if batch.stopped:
                    return
                started[slot] = t = perf_counter()
                status = driver.exchange(start_response)
                if latencies is not None:
                    latencies.append(perf_counter() - t)
                started[slot] = None
                answered[slot] += 1
                if status != expected:
                    bad[slot] += 1

        if self._pool is None:
            self._pool = ClientThreads(self.concurrency, "handlerbench-wsgi")
        t0 = perf_counter()
        self._pool.start([partial(client, slot) for slot in range(self.concurrency)])
        try:
            while not self._pool.wait(WATCH_INTERVAL):
                if batch.overdue(self.deadline):
                    raise self._overdue()
        except BaseException:
            batch.stopped = True
            raise
        return perf_counter() - t0


class ClientThreads:
    """``size`` threads that live as long as the driver, each running one client per batch.

    Not a ``ThreadPoolExecutor``: it reuses an idle thread for the next job,
    so fast clients would run one after another on fewer threads than asked.
    Daemon threads, so one stuck in a view cannot keep the process alive.
    """

    def __init__(self, size: int, name: str) -> None:
        self.inboxes: list[queue.SimpleQueue] = [queue.SimpleQueue() for _ in range(size)]
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.pending = 0
        self.threads = [
            threading.Thread(target=self._serve, args=(inbox,), name=f"{name}-{i}", daemon=True)
            for i, inbox in enumerate(self.inboxes)
        ]
        for thread in self.threads:
            try:
                thread.start()
            except RuntimeError as exc:
                self.close(timeout=0)
                raise HandlerbenchError(
                    f"cannot start {size} client threads ({exc}); lower --concurrency"
                ) from None

    def _serve(self, inbox: queue.SimpleQueue) -> None:
        while (job := inbox.get()) is not None:
            try:
                job()
            except BaseException as exc:
                self.outbox.put(exc)
            else:
                self.outbox.put(None)

    def start(self, jobs: list[Callable[[], None]]) -> None:
        """Hand one job to each thread; they all start at once."""
        if len(jobs) != len(self.inboxes) or self.pending:
            raise RuntimeError("one job per thread, and only when all are idle")
        self.pending = len(jobs)
        for inbox, job in zip(self.inboxes, jobs, strict=True):
            inbox.put(job)

    def wait(self, timeout: float) -> bool:
        """True once every job has finished; re-raises the first job's exception."""
        while self.pending:
            try:
                outcome = self.outbox.get(timeout=timeout)
            except queue.Empty:
                return False
            self.pending -= 1
            if outcome is not None:
                raise outcome
        return True

    def close(self, timeout: float = 1.0) -> None:
        """Ask every thread to end, and join those that do within ``timeout`` in all."""
        for inbox in self.inboxes:
            inbox.put(None)
        end = perf_counter() + timeout
        for thread in self.threads:
            if thread.ident is not None:
                thread.join(max(0.0, end - perf_counter()))


def percentiles(values: list[float], points: tuple[int, ...]) -> tuple[float, ...]:
    """Percentiles of ``values`` (inclusive method: the 100th is the maximum)."""
    if len(values) < 2:
        return tuple(values[0] if values else math.nan for _ in points)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return tuple(cuts[p - 1] if p < 100 else max(values) for p in points)
