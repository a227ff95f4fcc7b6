"""RunResult: a saved run as a notebook sees it (table, dicts, DataFrame, chart)."""

import math
import sys

import pyperf
import pytest

from handlerbench.errors import HandlerbenchError
from handlerbench.notebook.run_result import COLUMNS, RunResult, load
from tests.saved_runs import benchmark, save

HEADER = "RunResult: 2 benchmarks (Django 5.2.19, asgiref 3.13.0, Python 3.12.1)"


@pytest.fixture
def run():
    asgi = benchmark(
        "asgi/none/sync", [500e-6, 600e-6], ["s2a Middleware", "a2s view"], threads_started=1
    )
    # One value (no std dev) and no hop counts: a plain pyperf benchmark.
    metadata = {"name": "wsgi/none/sync", "unit": "second", "loops": 1}
    wsgi = pyperf.Benchmark([pyperf.Run([40e-6], metadata=metadata)])
    return RunResult(pyperf.BenchmarkSuite([asgi, wsgi]))


@pytest.fixture
def concurrent():
    observed = {"latency_p50": 0.004, "latency_p99": 0.0125, "peak_threads": 51}
    return RunResult(
        pyperf.BenchmarkSuite(
            [
                benchmark("asgi/default/sync", [1e-3, 1e-3], ["s2a x"], concurrency=1),
                benchmark("asgi/default/sync@c=50", [0.5e-3] * 2, concurrency=50, **observed),
            ]
        )
    )


def test_save_and_load_round_trip(run, tmp_path):
    path = tmp_path / "run.json"
    run.save(path)
    again = RunResult.load(path)
    assert again.names == run.names == ["asgi/none/sync", "wsgi/none/sync"]
    assert again.mean == run.mean
    assert load(str(path)).names == run.names
    run.save(path)  # replaces an existing file


def test_load_and_save_errors_are_one_line(run, tmp_path):
    with pytest.raises(HandlerbenchError, match="no such file"):
        RunResult.load(tmp_path / "missing.json")
    path = tmp_path / "nowhere" / "run.json"
    with pytest.raises(HandlerbenchError) as info:
        run.save(path)
    assert str(info.value) == f"{path}: cannot write it (No such file or directory)"


def test_sequence_and_lookup(run):
    assert len(run) == 2
    assert [b.get_name() for b in run] == run.names
    assert run["wsgi/none/sync"] is run.benchmarks[1]
    with pytest.raises(KeyError, match="it has: asgi/none/sync, wsgi/none/sync"):
        run["asgi/none/async"]


def test_numbers_are_dicts_by_name(run):
    assert run.mean == pytest.approx({"asgi/none/sync": 550e-6, "wsgi/none/sync": 40e-6})
    assert run.stdev["asgi/none/sync"] == pytest.approx(70.71e-6, rel=1e-3)
    assert math.isnan(run.stdev["wsgi/none/sync"])
    assert run.hops == {"asgi/none/sync": 2, "wsgi/none/sync": None}
    assert run.hop_names == {
        "asgi/none/sync": ["s2a Middleware", "a2s view"],
        "wsgi/none/sync": [],
    }


def test_one_benchmark_still_gives_dicts(tmp_path):
    single = load(save(tmp_path / "one.json", benchmark("a/b/c", [1e-3, 1e-3])))
    assert single.mean == {"a/b/c": 1e-3}
    assert single.stdev == {"a/b/c": 0.0}
    assert repr(single).startswith("RunResult: 1 benchmark (")


def test_repr_is_the_header_and_the_summary_table(run):
    lines = repr(run).splitlines()
    assert lines[0] == HEADER
    assert lines[1].split() == [
        *("scenario", "us/req", "ratio", "response", "us", "tail", "us", "s2a/req", "a2s/req"),
        *("threads/req", "calls/req", "alloc", "peak", "KiB"),
    ]
    # Saved without counters or response times: shown as missing.
    row = ["asgi/none/sync", "550.0", "+-", "70.7", "!", "1.00x", "-", "-", "1", "1", "1", "-", "-"]
    assert lines[3].split() == row
    assert lines[4].split() == ["wsgi/none/sync", "40.0", "0.07x", *["-"] * 7]
    assert str(run) == repr(run)


def test_concurrency_runs_show_the_concurrency_table(concurrent):
    lines = repr(concurrent).splitlines()
    assert lines[0].startswith("RunResult: 2 benchmarks")
    assert "c=50 req/s" in lines[1]
    row = ["asgi/default/sync", "1,000.0", "+-", "0.0", "1", "-", "-", "2,000", "12.50", "51"]
    assert lines[3].split() == row


def test_html_is_a_table_with_escaped_cells(tmp_path):
    names = ["wsgi/none/<b>", "asgi/none/sync"]
    run = load(save(tmp_path / "a.json", *(benchmark(n, [1e-3, 1e-3]) for n in names)))
    page = run._repr_html_()
    assert page.startswith("<table>") and page.endswith("</table>")
    assert f"<caption>{HEADER}</caption>" in page
    assert page.count("<tr>") == 1 + len(run)
    assert "wsgi/none/&lt;b&gt;" in page and "<b>" not in page


def test_dataframe_has_one_row_per_benchmark(run, concurrent):
    pandas = pytest.importorskip("pandas")
    frame = run.to_dataframe()
    assert list(frame.columns) == list(COLUMNS)
    assert list(frame["name"]) == run.names
    asgi, wsgi = frame.to_dict("records")
    assert (asgi["handler"], asgi["stack"], asgi["view"]) == ("asgi", "none", "sync")
    assert asgi["mean_us"] == pytest.approx(550)
    assert asgi["values"] == 2 and wsgi["values"] == 1
    assert math.isnan(wsgi["stdev_us"])
    assert asgi["requests_per_second"] == pytest.approx(1 / 550e-6)
    assert (asgi["sync_to_async"], asgi["async_to_sync"], asgi["threads_started"]) == (1, 1, 1)
    assert math.isnan(asgi["latency_p99_ms"])
    assert asgi["python_version"] == "3.12.1" and pandas.isna(wsgi["django_version"])

    rows = concurrent.to_dataframe().to_dict("records")
    assert [r["scenario"] for r in rows] == ["asgi/default/sync"] * 2
    assert [r["concurrency"] for r in rows] == [1, 50]
    assert rows[1]["requests_per_second"] == pytest.approx(2000)
    assert rows[1]["latency_p50_ms"] == pytest.approx(4)
    assert rows[1]["latency_p99_ms"] == pytest.approx(12.5)


def test_dataframe_without_pandas_is_one_clear_line(monkeypatch, run):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(HandlerbenchError) as info:
        run.to_dataframe()
    assert str(info.value) == "to_dataframe() needs pandas: pip install 'handlerbench[notebook]'"


@pytest.fixture
def pdf_backend():
    """A backend other than Agg, so a switch to Agg would show; restored afterwards."""
    matplotlib = pytest.importorskip("matplotlib")
    previous = matplotlib.get_backend()
    matplotlib.use("pdf")
    yield matplotlib
    matplotlib.use(previous)


def test_plot_draws_one_bar_per_benchmark_on_the_current_backend(pdf_backend, run):
    from matplotlib.figure import Figure

    figure = run.plot()
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    assert len(axes.patches) == len(run)
    assert [label.get_text() for label in axes.get_yticklabels()] == run.names
    assert "Django 5.2.19" in axes.get_title()
    assert pdf_backend.get_backend() == "pdf"


def test_plot_into_given_axes(pdf_backend, run):
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    try:
        assert run.plot(ax=axes) is figure
        assert len(axes.patches) == len(run)
    finally:
        plt.close(figure)


def test_plot_without_matplotlib_is_one_clear_line(monkeypatch, run):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(HandlerbenchError) as info:
        run.plot()
    assert str(info.value) == "plot() needs matplotlib: pip install 'handlerbench[plot]'"
