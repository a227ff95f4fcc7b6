"""The interval of paired ratios: arithmetic on synthetic values, never a timing."""

import math

import pytest

from handlerbench.results.stats import ratio_estimate, t_critical


def test_the_estimate_is_the_geometric_mean_with_a_t_interval_on_the_logs():
    ratios = [0.5, 0.6, 0.55, 0.52]
    estimate = ratio_estimate(ratios)
    logs = [math.log(r) for r in ratios]
    mean = sum(logs) / 4
    sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / 3)
    spread = t_critical(3) * sd / 2
    assert estimate.ratio == pytest.approx(math.exp(mean))
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx(
        (math.exp(mean - spread), math.exp(mean + spread))
    )
    assert estimate.pairs == 4
    assert estimate.half_width == pytest.approx(math.exp(spread) - 1)
    assert estimate.contains(0.55) and not estimate.contains(1.0)


def test_identical_ratios_have_a_zero_width_interval():
    estimate = ratio_estimate([2.0, 2.0, 2.0])
    assert (estimate.ratio, estimate.ci_low, estimate.ci_high) == pytest.approx((2.0, 2.0, 2.0))
    assert estimate.half_width == pytest.approx(0.0)


def test_fewer_than_two_pairs_give_no_interval():
    assert ratio_estimate([]).half_width == math.inf
    one = ratio_estimate([1.5])
    assert one.ratio == pytest.approx(1.5) and one.half_width == math.inf


def test_a_ratio_must_be_positive():
    with pytest.raises(ValueError):
        ratio_estimate([1.0, 0.0])


def test_t_is_conservative_between_tabled_degrees_of_freedom():
    assert t_critical(1) == 12.706
    assert t_critical(11) == t_critical(10) == 2.228
    assert t_critical(5000) == 1.960
