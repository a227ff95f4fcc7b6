"""The served pass: per target, in-process, served and the null app served, in rounds.

Each round measures the three in a shuffled order, so all see the same
noise; each figure is the median over rounds. In-process is the driver's own
timed loop (the mean time of one request, as ``run`` reports it) for about
``seconds``; served is the client's p50 and its cycle time (wall time per
request); the server's own cost is the null app's p50 through the same server.
"""

from __future__ import annotations

import contextlib
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from handlerbench.drive import Driver
from handlerbench.handlers.target import Target
from handlerbench.passes.served import client, server
from handlerbench.passes.served.server import DEFAULT_SERVER, SERVERS

NULL_APPS = {"asgi": "handlerbench.app.null:asgi", "wsgi": "handlerbench.app.null:wsgi"}
SERVED_APP = "handlerbench.app.served:application"


@dataclass(frozen=True)
class Served:
    """What one target costs in-process and through a real server (microseconds)."""

    name: str
    server: str
    in_process_us: float
    served_p50_us: float
    served_cycle_us: float
    server_own_us: float
    requests: int
    rounds: int
    concurrency: int

    @property
    def served_app_us(self) -> float:
        """The app's share of a served request: its p50 less the null app's."""
        return self.served_p50_us - self.server_own_us

    def to_dict(self) -> dict:
        return {**asdict(self), "served_app_us": self.served_app_us}


@dataclass(frozen=True)
class Plan:
    """How a target is served: the server, the app it loads, that app's environment."""

    target: Target
    server: str
    app: str
    env: dict[str, str]


def choose_server(interface: str, name: str, chosen: str | None) -> str:
    """``chosen``, or the interface's usual server; a server that cannot serve it is refused."""
    from handlerbench.errors import UsageError

    server_name = chosen or DEFAULT_SERVER[interface]
    if SERVERS[server_name] != interface:
        raise UsageError(
            f"--server {server_name} serves {SERVERS[server_name].upper()} apps, "
            f"not {name} ({interface})"
        )
    return server_name


def in_process(driver: Driver, seconds: float) -> float:
    """Seconds per request of ``driver``'s timed loop, run for about ``seconds``."""
    loops = 1
    while True:
        elapsed = driver.time(loops)
        if elapsed >= min(0.1, seconds / 4) or loops >= 1 << 24:
            break
        loops *= 2
    loops = max(1, round(loops * seconds / max(elapsed, 1e-9)))
    return driver.time(loops) / loops


def measure(
    plans: Sequence[Plan],
    seconds: float,
    rounds: int,
    concurrency: int = 1,
    options: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> list[Served]:
    """Each plan measured in ``rounds`` interleaved rounds; every server stopped on the way out."""
    results = []
    shuffle = random.Random(0).shuffle
    with contextlib.ExitStack() as nulls:
        null_ports: dict[str, int] = {}
        for plan in plans:
            if plan.server not in null_ports:
                app = NULL_APPS[SERVERS[plan.server]]
                null_ports[plan.server] = nulls.enter_context(
                    server.serving(plan.server, app, options=options)
                )
        for plan in plans:
            driver = plan.target.build()
            try:
                expected = driver.expected_status
                assert expected is not None
                with server.serving(plan.server, plan.app, plan.env, options) as port:
                    client.check(port, driver.spec, expected, plan.target.name)
                    null_port = null_ports[plan.server]
                    client.check(null_port, driver.spec, 200, f"{plan.server} null app")
                    figures: dict[str, list[float]] = {"in": [], "p50": [], "cycle": [], "own": []}
                    count = 0
                    for round_number in range(rounds):
                        order = ["in", "served", "null"]
                        shuffle(order)
                        for kind in order:
                            if kind == "in":
                                figures["in"].append(in_process(driver, seconds))
                            elif kind == "served":
                                load = client.run_load(
                                    port,
                                    driver.spec,
                                    expected,
                                    plan.target.name,
                                    seconds,
                                    concurrency,
                                )
                                figures["p50"].append(load.p50)
                                figures["cycle"].append(load.cycle)
                                count += len(load.latencies)
                            else:
                                load = client.run_load(
                                    null_port,
                                    driver.spec,
                                    200,
                                    f"{plan.server} null app",
                                    seconds,
                                    concurrency,
                                )
                                figures["own"].append(load.p50)
                        if progress:
                            progress(f"{plan.target.name}: round {round_number + 1} of {rounds}")
            finally:
                driver.close()
            median = {key: statistics.median(values) * 1e6 for key, values in figures.items()}
            results.append(
                Served(
                    plan.target.name,
                    plan.server,
                    median["in"],
                    median["p50"],
                    median["cycle"],
                    median["own"],
                    count,
                    rounds,
                    concurrency,
                )
            )
    return results
