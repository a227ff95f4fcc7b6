"""Statistics shared by every comparison: Student's t at 95%, and intervals of paired ratios.

A paired comparison (``ab``, paired parts of ``explain``) gets one ratio per
adjacent pair of measurements, so drift of the machine between pairs
cancels. Its estimate is the geometric mean of the pair ratios, with a 95%
confidence interval from Student's t on their logarithms.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# Two-tailed 95% critical values of Student's t by degrees of freedom.
_T95 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
    9: 2.262, 10: 2.228, 12: 2.179, 15: 2.131, 20: 2.086, 25: 2.060, 30: 2.042,
    40: 2.021, 60: 2.000, 120: 1.980,
}  # fmt: skip


def t_critical(df: float) -> float:
    """The 95% two-tailed critical t for ``df`` (the next lower tabled df: conservative)."""
    if df >= 1000:
        return 1.960
    below = [d for d in _T95 if d <= max(df, 1)]
    return _T95[max(below)]


@dataclass(frozen=True)
class RatioEstimate:
    """The geometric mean of pair ratios, and its 95% interval (t on log ratios)."""

    ratio: float
    ci_low: float
    ci_high: float
    pairs: int

    @property
    def half_width(self) -> float:
        """The interval's wider side, relative to the ratio (0.02: within +-2%)."""
        if not self.pairs or math.isinf(self.ci_high):
            return math.inf
        return max(self.ci_high / self.ratio - 1, 1 - self.ci_low / self.ratio)

    def contains(self, value: float) -> bool:
        return self.ci_low <= value <= self.ci_high


def ratio_estimate(ratios: Sequence[float]) -> RatioEstimate:
    """The estimate of ``ratios`` (each B/A of one pair); an open interval below two pairs."""
    if any(not r > 0 for r in ratios):
        raise ValueError("a ratio of times is positive")
    if not ratios:
        return RatioEstimate(math.nan, 0.0, math.inf, 0)
    logs = [math.log(r) for r in ratios]
    center = statistics.fmean(logs)
    if len(logs) < 2:
        return RatioEstimate(math.exp(center), 0.0, math.inf, 1)
    spread = t_critical(len(logs) - 1) * statistics.stdev(logs) / math.sqrt(len(logs))
    return RatioEstimate(
        math.exp(center), math.exp(center - spread), math.exp(center + spread), len(logs)
    )
