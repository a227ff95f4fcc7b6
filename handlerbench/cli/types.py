"""The command line's value types: each turns one option's text into its value, or says why not.

argparse calls them, and reports an ``ArgumentTypeError`` as a usage error
naming the option (``one_line_errors``).
"""

from __future__ import annotations

import argparse
import os

# Each WSGI client is a thread, each ASGI request starts one or two.
MAX_CONCURRENCY = 10_000


def names(text: str) -> list[str]:
    """A comma-separated option value as a list: ``a,b`` -> ``["a", "b"]``."""
    found = [name.strip() for name in text.split(",")]
    if not all(found):
        raise argparse.ArgumentTypeError(f"{text!r} has an empty name")
    return found


class Body(bytes):
    """A request body from ``--body``: its bytes, and how to hand it to a worker."""

    source: str

    def __str__(self) -> str:
        return self.source


def read_body(text: str) -> Body:
    """``--body TEXT`` or ``--body @FILE`` (read now, so an unreadable file fails at once)."""
    if not text.startswith("@"):
        body = Body(text.encode("utf-8"))
        body.source = text
        return body
    path = os.path.abspath(text[1:])
    try:
        with open(path, "rb") as file:
            body = Body(file.read())
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {text[1:]}: {exc.strerror}") from None
    body.source = "@" + path
    return body


def directory(text: str) -> str:
    path = os.path.abspath(text)
    if not os.path.isdir(path):
        raise argparse.ArgumentTypeError(f"{text}: no such directory")
    return path


def status(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an HTTP status") from None
    if not 100 <= value <= 599:
        raise argparse.ArgumentTypeError(f"{text!r}: an HTTP status is 100 to 599")
    return value


def concurrencies(text: str) -> list[int]:
    try:
        values = [int(value) for value in names(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of whole numbers") from None
    if any(not 1 <= value <= MAX_CONCURRENCY for value in values):
        raise argparse.ArgumentTypeError(f"{text!r}: a concurrency is 1 to {MAX_CONCURRENCY}")
    if len(set(values)) != len(values):
        raise argparse.ArgumentTypeError(f"{text!r} repeats a concurrency")
    return values


def _more_than_zero(text: str, unit: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of {unit}: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: must be more than 0 {unit}")
    return value


def seconds(text: str) -> float:
    return _more_than_zero(text, "seconds")


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be at least 1")
    return value


def percent(text: str) -> float:
    """``2`` (percent) -> 0.02; more than 0."""
    return _more_than_zero(text, "percent") / 100


def cpu_list(text: str) -> list[int]:
    """``0``, ``0,2`` or ``0-3``: CPUs this process may run on, as ``taskset`` takes them."""
    cpus: set[int] = set()
    try:
        for part in names(text):
            low, dash, high = part.partition("-")
            cpus.update(range(int(low), int(high if dash else low) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a CPU list such as 0 or 0-1") from None
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else cpus
    if not cpus or not cpus <= usable:
        raise argparse.ArgumentTypeError(
            f"{text!r}: this machine's CPUs are {','.join(map(str, sorted(usable)))}"
        )
    return sorted(cpus)


def counter_limits(text: str) -> dict[str, float]:
    """``calls=1,allocations=5``: the most each counter may rise, in percent, by name."""
    from handlerbench.results.saved import COUNTERS

    limits: dict[str, float] = {}
    for item in names(text):
        name, sep, value = (part.strip() for part in item.partition("="))
        if name not in COUNTERS:
            raise argparse.ArgumentTypeError(
                f"unknown counter {name!r} (choose from {', '.join(COUNTERS)})"
            )
        if name in limits:
            raise argparse.ArgumentTypeError(f"{name} given twice")
        try:
            limit = float(value) if sep else None
        except ValueError:
            limit = None
        if limit is None or not 0 <= limit < float("inf"):
            raise argparse.ArgumentTypeError(
                f"{item!r} is not COUNTER=PCT with PCT a number of percent, 0 or more"
            )
        limits[name] = limit
    return limits
