"""The plan of one explanation: every target it needs timed, in one pyperf run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlerbench.errors import UsageError
from handlerbench.handlers.target import Target
from handlerbench.passes.explain.kinds import KIND_LABELS
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
