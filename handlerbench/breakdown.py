"""Where an ASGI request's time goes: each part measured in the same run, never assumed.

``explain`` times, with the same drivers and pyperf as ``run``, the scenario
itself and controlled variants of it, and prices each hop by timing its
kind of round trip:

- the same request under WSGI: Django's own work for that view and stack;
- the handler with the per-request ``ThreadSensitiveContext`` replaced by
  nothing, so thread-sensitive code shares asgiref's one process-wide
  thread: the difference is what the per-request context and its
  executor thread(s) cost;
- the handler alone (its middleware and view replaced by a canned response),
  under ASGI in the shared context minus the same under WSGI and minus its
  signal and close hops: what ASGIHandler's own async work (the request
  body file, the disconnect listener task, sending the response) costs
  beyond WSGIHandler's;
- a ``sync_to_async`` / ``async_to_sync`` round trip of a no-op on the same
  event loop and executor kind, times the hops of that kind ``transitions``
  counts: the middleware and view hops, and apart from them the hops of
  the request signals and ``response.close``;
- the rest: the measured total minus the parts, shown, not hidden.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

import pyperf

from handlerbench.drivers import Driver, new_event_loop
from handlerbench.errors import UsageError
from handlerbench.requests import RequestSpec, Response
from handlerbench.targets import Target, versions
from handlerbench.transitions import A2S, TransitionReport

# Kinds of round trip, each priced by its own measurement, with a label.
THREAD, CALLER, POOL, LOOP, NEW_LOOP = "thread", "caller", "pool", "loop", "new-loop"
KIND_LABELS = {
    THREAD: "sync_to_async to a sync thread",
    CALLER: "sync_to_async to the caller's sync thread",
    POOL: "sync_to_async to the loop's thread pool",
    LOOP: "async_to_sync to the event loop",
    NEW_LOOP: "async_to_sync to a new event loop",
}
# How transitions names the executor of each kind's hops. A sync_to_async on
# an executor not listed (a given executor) is priced as THREAD.
EXECUTOR_KINDS = {
    "caller's sync thread": CALLER,
    "event loop's default executor": POOL,
    "the request's event loop": LOOP,
    "a new event loop": NEW_LOOP,
}
SHARED = "shared context"
HANDLER_ONLY = "handler only"


def kind_of(direction: str, executor: str) -> str:
    """The round-trip kind that prices a hop: its direction and the executor that ran it."""
    kind = EXECUTOR_KINDS.get(executor)
    if direction == A2S:
        return kind if kind in (LOOP, NEW_LOOP) else LOOP
    return kind if kind in (CALLER, POOL) else THREAD


def is_signal_hop(name: str) -> bool:
    """The hops of request_started's receivers and of ``response.close`` (request_finished)."""
    return name.startswith("request_started") or name.endswith(".close")


# ---------------------------------------------------------------- variants


class _NoContext:
    """What replaces ``ThreadSensitiveContext`` in the shared-context variant."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


@contextmanager
def shared_context() -> Iterator[None]:
    """While inside, ASGIHandler runs requests without a per-request ThreadSensitiveContext.

    Thread-sensitive sync code then runs on asgiref's process-wide single
    thread, started once: no executor or thread per request. Every
    supported Django looks the name up in ``django.core.handlers.asgi`` on
    each request; it is put back on exit.
    """
    import django.core.handlers.asgi as asgi_module

    original = asgi_module.ThreadSensitiveContext
    asgi_module.ThreadSensitiveContext = _NoContext
    try:
        yield
    finally:
        asgi_module.ThreadSensitiveContext = original


class SharedContextDriver:
    """A checked ASGI driver whose requests run under ``shared_context()``."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver

    def __getattr__(self, name: str) -> Any:
        return getattr(self.driver, name)

    def request(self) -> Response:
        with shared_context():
            return self.driver.request()

    def time(self, loops: int) -> float:
        with shared_context():
            return self.driver.time(loops)

    def close(self) -> None:
        self.driver.close()


def shared_context_target(target: Target) -> Target:
    """``target`` with the shared-context variant of its handler."""
    return Target(
        f"{target.name} ({SHARED})",
        {**target.metadata, "variant": SHARED},
        lambda: SharedContextDriver(target.build()),  # type: ignore[arg-type,return-value]
    )


def answer_without_middleware(driver: Driver) -> Driver:
    """``driver`` with its handler answering a canned response: no middleware, no view.

    ``get_response`` (WSGI) or ``get_response_async`` (ASGI) is replaced, on
    this handler instance only, by one returning a new response of the
    checked status: what is left is the handler's own work per request.
    """
    from django.http import HttpResponse

    status = driver.expected_status or 200
    handler = driver.app
    if driver.interface == "asgi":

        async def canned_async(request: Any) -> HttpResponse:
            return HttpResponse(b"Hello, World!", status=status)

        handler.get_response_async = canned_async
    else:

        def canned(request: Any) -> HttpResponse:
            return HttpResponse(b"Hello, World!", status=status)

        handler.get_response = canned
    return driver


def handler_only_target(target: Target, shared: bool) -> Target:
    """``target``'s handler with a canned response instead of its middleware and view.

    ``shared`` also runs its requests under ``shared_context()``.
    """

    def build() -> Any:
        driver = answer_without_middleware(target.build())
        return SharedContextDriver(driver) if shared else driver

    return Target(
        f"{target.name} ({HANDLER_ONLY})", {**target.metadata, "variant": HANDLER_ONLY}, build
    )


# ---------------------------------------------------------------- hop prices


def _noop() -> None:
    return None


async def _async_noop() -> None:
    return None


class HopPriceDriver:
    """Times ``loops`` round trips of one kind, inside a ThreadSensitiveContext, on a loop.

    ``thread``: ``await sync_to_async(noop)()`` from the loop, to the
    context's thread. ``caller``: the same from a coroutine that a sync thread
    entered through ``async_to_sync``, so it runs on that blocked thread.
    ``loop``: ``async_to_sync(noop)()`` from a sync thread, back on the loop.
    ``pool``: ``sync_to_async(noop, thread_sensitive=False)``, to the loop's
    default executor. ``new-loop``: ``async_to_sync(noop)()`` from a thread
    with no event loop, which starts one (and a thread) per call, as WSGI's
    async views do. The first round trip (which starts the thread) is not timed.
    """

    def __init__(self, kind: str, name: str, loop: str = "asyncio") -> None:
        if kind not in KIND_LABELS:
            raise UsageError(f"unknown hop kind {kind!r}")
        self.kind = kind
        self.name = name
        self.spec = RequestSpec()
        self.expected_status = 200
        self.stuck = False
        self.loop = new_event_loop(loop)

    def request(self) -> Response:
        self.time(1)
        return Response(200)

    def time(self, loops: int) -> float:
        if self.kind == NEW_LOOP:
            return self._from_no_loop(loops)
        return self.loop.run_until_complete(self._time(loops))

    @staticmethod
    def _from_no_loop(loops: int) -> float:
        from asgiref.sync import async_to_sync

        async_to_sync(_async_noop)()
        t0 = perf_counter()
        for _ in range(loops):
            async_to_sync(_async_noop)()
        return perf_counter() - t0

    async def _time(self, loops: int) -> float:
        from asgiref.sync import ThreadSensitiveContext, async_to_sync, sync_to_async

        sensitive = self.kind != POOL

        async def from_the_loop() -> float:
            await sync_to_async(_noop, thread_sensitive=sensitive)()
            t0 = perf_counter()
            for _ in range(loops):
                await sync_to_async(_noop, thread_sensitive=sensitive)()
            return perf_counter() - t0

        def from_a_thread() -> float:
            async_to_sync(_async_noop)()
            t0 = perf_counter()
            for _ in range(loops):
                async_to_sync(_async_noop)()
            return perf_counter() - t0

        async with ThreadSensitiveContext():
            if self.kind in (THREAD, POOL):
                return await from_the_loop()
            if self.kind == LOOP:
                return await sync_to_async(from_a_thread)()
            return await sync_to_async(async_to_sync(from_the_loop))()

    def close(self) -> None:
        if not self.loop.is_closed():
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()


def hop_price_target(kind: str, loop: str = "asyncio") -> Target:
    name = f"hop price: {KIND_LABELS[kind]} [{loop}]"
    metadata = {**versions(), "handler": "asgi", "stack": "hop-price", "view": kind, "loop": loop}
    return Target(name, metadata, lambda: HopPriceDriver(kind, name, loop))  # type: ignore[arg-type,return-value]


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Plan:
    """What one explanation needs timed: the scenario, its WSGI twin, the variants, prices."""

    scenario: Target
    twin: Target
    shared: Target
    handler: Target
    twin_handler: Target
    prices: dict[str, Target]

    def targets(self) -> list[Target]:
        variants = [self.shared, self.handler, self.twin_handler]
        return [self.scenario, self.twin, *variants, *self.prices.values()]


def plan(scenario: Target, twin: Target, loop: str = "asyncio") -> Plan:
    """The targets that explain ``scenario`` (an ASGI target) given its WSGI ``twin``."""
    if scenario.metadata.get("handler") != "asgi":
        raise UsageError(
            f"{scenario.name}: explain takes ASGI scenarios (the WSGI twin is measured with it)"
        )
    prices = {kind: hop_price_target(kind, loop) for kind in KIND_LABELS}
    return Plan(
        scenario,
        twin,
        shared_context_target(scenario),
        handler_only_target(scenario, shared=True),
        handler_only_target(twin, shared=False),
        prices,
    )


def all_targets(plans: Sequence[Plan]) -> list[Target]:
    """Every target of ``plans`` once, in order (the hop prices are shared)."""
    seen: dict[str, Target] = {}
    for each in plans:
        for target in each.targets():
            seen.setdefault(target.name, target)
    return list(seen.values())


# ---------------------------------------------------------------- the parts


@dataclass
class Part:
    """One part of a request's time, in seconds, with its standard deviation."""

    name: str
    seconds: float
    stdev: float
    how: str


@dataclass
class Explanation:
    """One ASGI scenario's measured total and its parts; ``rest`` is what they leave."""

    scenario: str
    total: float
    total_stdev: float
    parts: list[Part]
    prices: dict[str, float] = field(default_factory=dict)
    hops: dict[str, int] = field(default_factory=dict)
    # "Django 5.2.19, asgiref 3.13.0, Python 3.11.7": explanations from
    # several environments compare side by side.
    versions: str = ""

    @property
    def sum(self) -> float:
        return sum(part.seconds for part in self.parts)

    @property
    def rest(self) -> float:
        return self.total - self.sum

    @property
    def rest_stdev(self) -> float:
        return math.sqrt(self.total_stdev**2 + sum(p.stdev**2 for p in self.parts))

    @property
    def overshoots(self) -> bool:
        """Do the parts exceed the total by more than twice the noise? Then one is wrong."""
        return self.rest < -2 * self.rest_stdev

    def part(self, name: str) -> Part:
        return next(part for part in self.parts if part.name == name)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        """What ``to_dict`` gave (``explain --format json``), read back."""
        labels = {label: kind for kind, label in KIND_LABELS.items()}
        return cls(
            data["scenario"],
            data["total_us"] / 1e6,
            data["total_stdev_us"] / 1e6,
            [Part(p["name"], p["us"] / 1e6, p["stdev_us"] / 1e6, p["how"]) for p in data["parts"]],
            {labels[label]: us / 1e6 for label, us in data["hop_prices_us"].items()},
            dict(data["hops"]),
            data.get("versions", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "overshoots": self.overshoots,
            "scenario": self.scenario,
            "total_us": self.total * 1e6,
            "total_stdev_us": self.total_stdev * 1e6,
            "parts": [
                {
                    "name": p.name,
                    "us": p.seconds * 1e6,
                    "stdev_us": p.stdev * 1e6,
                    "share": p.seconds / self.total,
                    "how": p.how,
                }
                for p in self.parts
            ],
            "sum_us": self.sum * 1e6,
            "rest_us": self.rest * 1e6,
            "rest_share": self.rest / self.total,
            "hop_prices_us": {KIND_LABELS[k]: v * 1e6 for k, v in self.prices.items()},
            "hops": dict(self.hops),
            "versions": self.versions,
        }


def _mean(benchmark: pyperf.Benchmark) -> tuple[float, float]:
    stdev = benchmark.stdev() if benchmark.get_nvalue() > 1 else 0.0
    return benchmark.mean(), stdev


def _priced(kinds: dict[str, int], prices: dict[str, tuple[float, float]]) -> tuple:
    """Seconds and stdev of ``kinds`` hops (kind -> count), and how they were priced."""
    seconds = sum(n * prices[kind][0] for kind, n in kinds.items())
    stdev = sum(n * prices[kind][1] for kind, n in kinds.items())
    how = ", ".join(
        f"{n} x {KIND_LABELS[kind]} at {prices[kind][0] * 1e6:,.1f} us"
        for kind, n in sorted(kinds.items())
    )
    return seconds, stdev, how


def explanation(
    made: Plan,
    report: TransitionReport,
    benchmarks: dict[str, pyperf.Benchmark],
    twin_report: TransitionReport | None = None,
) -> Explanation:
    """The parts of ``made.scenario``'s time from this run's benchmarks and hop reports.

    ``twin_report`` counts the WSGI twin's own hops (an async view under WSGI
    makes one, to a new event loop): they are not Django's own work, so
    their price is taken out of the twin's time.
    """
    total, total_stdev = _mean(benchmarks[made.scenario.name])
    twin, twin_stdev = _mean(benchmarks[made.twin.name])
    shared, shared_stdev = _mean(benchmarks[made.shared.name])
    prices = {kind: _mean(benchmarks[t.name]) for kind, t in made.prices.items()}
    counted: dict[tuple[bool, str], int] = {}
    for hop in report.hops:
        key = (is_signal_hop(hop.name), kind_of(hop.direction, hop.executor))
        counted[key] = counted.get(key, 0) + 1
    twin_kinds: dict[str, int] = {}
    for hop in twin_report.hops if twin_report else ():
        kind = kind_of(hop.direction, hop.executor)
        twin_kinds[kind] = twin_kinds.get(kind, 0) + 1
    twin_hops, twin_hops_stdev, twin_how = _priced(twin_kinds, prices)
    how = f"the same request under WSGI ({made.twin.name})"
    if twin_kinds:
        how += f" minus its own hops: {twin_how}"
    parts = [
        Part(
            "Django's own work",
            twin - twin_hops,
            math.sqrt(twin_stdev**2 + twin_hops_stdev**2),
            how,
        ),
        Part(
            "per-request context and its threads",
            total - shared,
            math.sqrt(total_stdev**2 + shared_stdev**2),
            f"{made.scenario.name} minus its {SHARED} variant",
        ),
    ]
    hop_parts = []
    for signals, name in ((False, "middleware and view hops"), (True, "signal and close hops")):
        kinds = {kind: n for (is_signal, kind), n in counted.items() if is_signal == signals}
        seconds, stdev, how = _priced(kinds, prices)
        hop_parts.append(Part(name, seconds, stdev, how or "no hops"))
    handler, handler_stdev = _mean(benchmarks[made.handler.name])
    twin_handler, twin_handler_stdev = _mean(benchmarks[made.twin_handler.name])
    signal_hops = hop_parts[1]
    parts.append(
        Part(
            "ASGI handler's own work",
            handler - twin_handler - signal_hops.seconds,
            math.sqrt(handler_stdev**2 + twin_handler_stdev**2 + signal_hops.stdev**2),
            f"the handler alone, without middleware or view ({HANDLER_ONLY}, {SHARED}), "
            "minus the same under WSGI and its signal and close hops",
        )
    )
    parts += hop_parts
    hops = {
        f"{'signal and close' if signals else 'middleware and view'}: {KIND_LABELS[kind]}": n
        for (signals, kind), n in sorted(counted.items())
    }
    metadata = benchmarks[made.scenario.name].get_metadata()
    python = str(metadata.get("python_version", "?")).split()[0]
    return Explanation(
        made.scenario.name,
        total,
        total_stdev,
        parts,
        {kind: price for kind, (price, _stdev) in prices.items()},
        hops,
        f"Django {metadata.get('django_version', '?')}, "
        f"asgiref {metadata.get('asgiref_version', '?')}, Python {python}",
    )


# ---------------------------------------------------------------- output

HEADER = ("part", "us/req", "+-", "share", "how it was measured")


def rows(explained: Explanation) -> list[tuple[str, ...]]:
    """The table's rows: each part, their sum, the rest and the measured total."""

    def us(seconds: float) -> str:
        return f"{seconds * 1e6:,.1f}"

    def share(seconds: float) -> str:
        return f"{seconds / explained.total:.1%}"

    body = [(p.name, us(p.seconds), us(p.stdev), share(p.seconds), p.how) for p in explained.parts]
    body.append(("sum of the parts", us(explained.sum), "", share(explained.sum), ""))
    body.append(
        (
            "rest",
            us(explained.rest),
            us(explained.rest_stdev),
            share(explained.rest),
            "the total minus the parts",
        )
    )
    body.append(
        (
            "measured total",
            us(explained.total),
            us(explained.total_stdev),
            "100.0%",
            explained.scenario,
        )
    )
    return body


def format_explanation(explained: Explanation, fmt: str = "text") -> str:
    """The table of one explanation (``text`` or ``md``), under a heading line."""
    from handlerbench.report import render

    on = f" ({explained.versions})" if explained.versions else ""
    heading = (
        f"{explained.scenario}{on}: {explained.total * 1e6:,.1f} us per request; the measured "
        f"parts sum to {explained.sum * 1e6:,.1f} us, {explained.sum / explained.total:.1%} "
        "of the total"
    )
    table = render(HEADER, rows(explained), fmt, text_columns=2)
    if explained.overshoots:
        table += (
            "\nwarning: the parts exceed the measured total by more than twice their noise; "
            "a part counts something the request does not pay"
        )
    return f"{heading}\n\n{table}"


def load_explanations(paths: Sequence[str]) -> list[Explanation]:
    """Explanations saved by ``explain --format json --report-file FILE``; one line on error."""
    import json

    from handlerbench.errors import HandlerbenchError

    loaded = []
    for path in paths:
        try:
            with open(path) as file:
                items = json.load(file)
            if not isinstance(items, list) or not items:
                raise ValueError("expected a list of explanations")
            explained = [Explanation.from_dict(item) for item in items]
            if any(not e.total > 0 for e in explained):
                raise ValueError("a total is not a positive time")
            loaded += explained
        except FileNotFoundError:
            raise HandlerbenchError(f"{path}: no such file") from None
        except OSError as exc:
            raise HandlerbenchError(f"{path}: cannot read it ({exc.strerror})") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise HandlerbenchError(
                f"{path}: not a saved explanation (explain --format json --report-file): {exc}"
            ) from None
    return loaded
