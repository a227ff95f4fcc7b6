"""report --plot: a PNG with matplotlib, a one-line error without it."""

import sys

import pytest

from handlerbench.errors import HandlerbenchError
from handlerbench.render.plot import plot_results
from handlerbench.results.saved import load
from tests.saved_runs import benchmark, save


@pytest.fixture
def results(tmp_path):
    path = save(tmp_path / "a.json", benchmark("asgi/none/sync", [5e-4, 5e-4], ["s2a x"]))
    return [load(path)]


def test_missing_matplotlib_is_one_clear_line(monkeypatch, results, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(HandlerbenchError) as info:
        plot_results(results, str(tmp_path / "chart.png"))
    assert str(info.value) == "--plot needs matplotlib: pip install 'handlerbench[plot]'"


def test_plot_writes_a_png(results, tmp_path):
    pytest.importorskip("matplotlib")
    chart = tmp_path / "chart.png"
    plot_results(results, str(chart))
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_unknown_image_format_is_one_line(results, tmp_path):
    pytest.importorskip("matplotlib")
    with pytest.raises(HandlerbenchError, match=r"--plot .*chart\.xyz: .*xyz") as info:
        plot_results(results, str(tmp_path / "chart.xyz"))
    assert "\n" not in str(info.value)


def test_the_cli_chart_forces_the_agg_backend(results, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    previous = matplotlib.get_backend()
    matplotlib.use("pdf")
    try:
        plot_results(results, str(tmp_path / "chart.png"))
        assert matplotlib.get_backend().lower() == "agg"
    finally:
        matplotlib.use(previous)
