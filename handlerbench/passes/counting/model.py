"""What the counting pass found: every hop of one request, in order, and its totals.

A ``Hop`` is one ``sync_to_async`` or ``async_to_sync`` call: which way,
what it wrapped, and what ran it. ``TransitionReport`` is one target's
per-request record and the wrappers Django made once at load; it reads
back from ``to_dict`` (``transitions --format json``) and gives the counts
as pyperf metadata. Counts are exact and repeatable, so tests and CI may
assert them. ``Counters`` are the per-request work counted beside the hops
(``counters``, ``valgrind``): nearly as repeatable, and gated the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

S2A = "sync_to_async"
A2S = "async_to_sync"


@dataclass
class Hop:
    """One transition: which way, what it wrapped, and what ran it."""

    direction: str
    name: str
    thread_sensitive: bool | None
    executor: str = "not run"
    thread: str = ""


@dataclass
class Adaptation:
    """A method ``load_middleware`` wrapped once, when the handler was built."""

    direction: str
    name: str


@dataclass
class RequestRecord:
    """Everything one request did: hops in order, threads started, executors created."""

    hops: list[Hop] = field(default_factory=list)
    # Thread names as ``_unnumbered`` gives them, so requests compare equal.
    threads: list[str] = field(default_factory=list)
    executors: list[str] = field(default_factory=list)

    def signature(self) -> tuple:
        """What must agree between requests: thread numbers aside, the same record."""
        return (
            [(h.direction, h.name, h.thread_sensitive, h.executor) for h in self.hops],
            self.threads,
            self.executors,
        )


ALLOCATIONS_UNIT = "bytes: tracemalloc's peak above the request's baseline"


@dataclass
class Counters:
    """Work per request counted apart from the timing; None where not measured.

    ``calls``: Python function starts (``calls_method`` says how they were
    counted); ``allocations``: bytes, tracemalloc's peak above the baseline;
    ``instructions``: CPU instructions under valgrind (``instructions_method``).
    """

    calls: float | None = None
    calls_method: str | None = None
    allocations: int | None = None
    instructions: int | None = None
    instructions_method: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "calls_method": self.calls_method,
            "allocations": self.allocations,
            "allocations_unit": ALLOCATIONS_UNIT if self.allocations is not None else None,
            "instructions": self.instructions,
            "instructions_method": self.instructions_method,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Counters:
        """The counters ``to_dict`` gave; none in a report saved before they existed."""
        return cls(
            data.get("calls"),
            data.get("calls_method"),
            data.get("allocations"),
            data.get("instructions"),
            data.get("instructions_method"),
        )

    def metadata(self) -> dict[str, Any]:
        """The measured counters as pyperf metadata (pyperf takes no None)."""
        return {key: value for key, value in self.to_dict().items() if value is not None}


@dataclass
class TransitionReport:
    """The per-request transition report of one target."""

    scenario: str
    requests: int
    consistent: bool
    record: RequestRecord
    adaptations: list[Adaptation]
    counters: Counters = field(default_factory=Counters)

    @property
    def hops(self) -> list[Hop]:
        return self.record.hops

    @property
    def sync_to_async(self) -> int:
        return sum(h.direction == S2A for h in self.hops)

    @property
    def async_to_sync(self) -> int:
        return sum(h.direction == A2S for h in self.hops)

    @property
    def thread_sensitive(self) -> int:
        return sum(bool(h.thread_sensitive) for h in self.hops)

    @property
    def threads_started(self) -> int:
        return len(self.record.threads)

    @property
    def executors_created(self) -> int:
        return len(self.record.executors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "requests_counted": self.requests,
            "consistent": self.consistent,
            "sync_to_async": self.sync_to_async,
            "async_to_sync": self.async_to_sync,
            "thread_sensitive": self.thread_sensitive,
            "threads_started": self.threads_started,
            "executors_created": self.executors_created,
            "hops": [asdict(hop) for hop in self.hops],
            "threads": list(self.record.threads),
            "executors": list(self.record.executors),
            "adapted_at_load": [asdict(a) for a in self.adaptations],
            **self.counters.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TransitionReport:
        """The report ``to_dict`` gave (``transitions --format json``), read back."""
        record = RequestRecord(
            [Hop(**hop) for hop in data["hops"]],
            list(data["threads"]),
            list(data["executors"]),
        )
        adaptations = [Adaptation(**a) for a in data["adapted_at_load"]]
        return cls(
            data["scenario"],
            data["requests_counted"],
            data["consistent"],
            record,
            adaptations,
            Counters.from_dict(data),
        )

    def metadata(self) -> dict[str, Any]:
        """The counts as pyperf metadata (per request)."""
        metadata: dict[str, Any] = {
            "sync_to_async": self.sync_to_async,
            "async_to_sync": self.async_to_sync,
            "thread_sensitive": self.thread_sensitive,
            "threads_started": self.threads_started,
            "executors_created": self.executors_created,
        }
        if self.hops:
            metadata["hop_list"] = "; ".join(f"{_SHORT[h.direction]} {h.name}" for h in self.hops)
        metadata.update(self.counters.metadata())
        return metadata


_SHORT = {S2A: "s2a", A2S: "a2s"}
