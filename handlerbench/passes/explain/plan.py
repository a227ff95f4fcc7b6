"""The plan of one explanation: every target it needs timed, the hop prices only of the kinds
its requests make."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from handlerbench.errors import UsageError
from handlerbench.handlers.target import Target
from handlerbench.passes.counting import TransitionReport
from handlerbench.passes.explain.kinds import KIND_LABELS, kind_of
from handlerbench.passes.explain.prices import hop_price_target
from handlerbench.passes.explain.variants import handler_only_target, shared_context_target


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
        return [target for group in self.groups() for target in group]

    def groups(self) -> list[list[Target]]:
        """The targets, those whose difference is a part side by side (timed in turn)."""
        pairs = [[self.scenario, self.shared], [self.handler, self.twin_handler], [self.twin]]
        return pairs + [[price] for price in self.prices.values()]


def plan(
    scenario: Target, twin: Target, loop: str = "asyncio", kinds: Iterable[str] | None = None
) -> Plan:
    """The targets that explain ``scenario`` (an ASGI target) given its WSGI ``twin``.

    ``kinds``: the hop kinds to price, those the two requests make
    (``kinds_used``); every kind when not given.
    """
    if scenario.metadata.get("handler") != "asgi":
        raise UsageError(
            f"{scenario.name}: explain takes ASGI scenarios (the WSGI twin is measured with it)"
        )
    priced = KIND_LABELS if kinds is None else [k for k in KIND_LABELS if k in set(kinds)]
    prices = {kind: hop_price_target(kind, loop) for kind in priced}
    return Plan(
        scenario,
        twin,
        shared_context_target(scenario),
        handler_only_target(scenario, shared=True),
        handler_only_target(twin, shared=False),
        prices,
    )


def kinds_used(*reports: TransitionReport | None) -> set[str]:
    """The round-trip kinds the hops of these counted requests are priced as."""
    return {
        kind_of(hop.direction, hop.executor)
        for report in reports
        if report is not None
        for hop in report.hops
    }
