"""A closed-loop client on loopback: N keep-alive connections, each sending the next request
as soon as the last one is answered, for a bounded time; every status checked.

It sends a ``RequestSpec`` exactly (its headers and nothing else, as
``http.client`` with ``skip_host``/``skip_accept_encoding`` does). A server
that closes the connection after a response (gunicorn's sync worker) gets a
new one for the next request: that reconnect is part of what it costs.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote

from handlerbench.errors import HandlerbenchError
from handlerbench.wire.request import RequestSpec

REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class Load:
    """What a bounded run got: each request's latency (seconds), the wall time it took."""

    latencies: list[float]
    elapsed: float

    @property
    def p50(self) -> float:
        ordered = sorted(self.latencies)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2

    @property
    def cycle(self) -> float:
        """Wall time per request: 1 / throughput."""
        return self.elapsed / len(self.latencies)


def _target(spec: RequestSpec) -> str:
    return quote(spec.path) + (f"?{spec.query_string}" if spec.query_string else "")


class Connection:
    """One keep-alive connection to 127.0.0.1:``port`` sending ``spec``."""

    def __init__(self, port: int, spec: RequestSpec) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        self.target = _target(spec)
        self.spec = spec
        self.headers = spec.all_headers()

    def send(self) -> tuple[int, bytes]:
        """One request, its status and body; a connection the server closed is reopened."""
        connection = self.http
        connection.putrequest(
            self.spec.method, self.target, skip_host=True, skip_accept_encoding=True
        )
        for name, value in self.headers:
            connection.putheader(name, value)
        connection.endheaders(self.spec.body or None)
        response = connection.getresponse()
        body = response.read()
        if response.will_close:
            connection.close()
        return response.status, body

    def close(self) -> None:
        self.http.close()


def check(port: int, spec: RequestSpec, expected: int, name: str) -> None:
    """One request before any timing: a status other than the in-process one is refused."""
    connection = Connection(port, spec)
    try:
        status, _ = connection.send()
    except OSError as exc:
        raise HandlerbenchError(f"{name}: the served request failed: {exc}") from exc
    finally:
        connection.close()
    if status != expected:
        raise HandlerbenchError(
            f"{name}: served, it answered {status}, not {expected} as in-process; "
            "refusing to time it"
        )


def run_load(
    port: int, spec: RequestSpec, expected: int, name: str, seconds: float, concurrency: int = 1
) -> Load:
    """``concurrency`` closed loops for ``seconds``; any other status voids the run."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    bad: list[int] = [0] * concurrency
    failures: list[BaseException] = []
    start = time.perf_counter()
    stop_at = start + seconds

    def loop(index: int) -> None:
        connection = Connection(port, spec)
        mine = latencies[index]
        clock = time.perf_counter
        try:
            while True:
                t0 = clock()
                if t0 >= stop_at or failures:
                    break
                status, _ = connection.send()
                mine.append(clock() - t0)
                if status != expected:
                    bad[index] += 1
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    if concurrency == 1:
        loop(0)
    else:
        threads = [
            threading.Thread(target=loop, args=(i,), name=f"served-client-{i}", daemon=True)
            for i in range(concurrency)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        exc = failures[0]
        if not isinstance(exc, Exception):
            raise exc
        raise HandlerbenchError(f"{name}: a served request failed: {exc}") from exc
    merged = [value for values in latencies for value in values]
    if sum(bad):
        raise HandlerbenchError(
            f"{name}: {sum(bad)} of {len(merged)} served requests did not answer {expected}; "
            "the timing is void"
        )
    if not merged:
        raise HandlerbenchError(f"{name}: no served request finished in {seconds:g} s")
    return Load(merged, elapsed)
