"""Charts of saved results, with matplotlib (the ``plot`` extra).

``report --plot`` writes a file, so it forces the Agg backend (no display
needed). ``RunResult.plot()`` runs inside Jupyter, so it keeps whatever
backend is current: switching to Agg there would stop inline display.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyperf

from handlerbench.errors import HandlerbenchError
from handlerbench.extras import require
from handlerbench.results.saved import Result, scenario_names, stdev

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _pyplot(needed_by: str, backend: str | None = None):
    """matplotlib.pyplot, on ``backend`` if given; without matplotlib, one clear line."""
    matplotlib = require("matplotlib", needed_by, "plot")
    if backend is not None:
        matplotlib.use(backend)
    needs = f"{needed_by} needs matplotlib: {{hint}}"
    return require("matplotlib.pyplot", needed_by, "plot", needs)


def plot_results(results: Sequence[Result], path: str) -> None:
    """Horizontal bars: us per request for each scenario, one bar per file."""
    plt = _pyplot("--plot", backend="Agg")
    names = scenario_names(list(results))
    height = 0.8 / max(len(results), 1)
    figure, axes = plt.subplots(figsize=(9, 0.5 + 0.35 * len(names) * max(len(results), 1)))
    for index, result in enumerate(results):
        means = [result.benchmarks[n].mean() * 1e6 if n in result.benchmarks else 0 for n in names]
        positions = [row + index * height for row in range(len(names))]
        axes.barh(positions, means, height=height, label=f"{result.label}: {result.versions()}")
    axes.set_yticks([row + height * (len(results) - 1) / 2 for row in range(len(names))])
    axes.set_yticklabels(names)
    axes.invert_yaxis()
    axes.set_xlabel("us per request (mean)")
    axes.legend(fontsize="small", loc="lower right")
    figure.tight_layout()
    _save(plt, figure, path)


def _save(plt, figure: Figure, path: str) -> None:
    """Write ``figure`` to ``path`` (its format from the suffix) and close it; one line on error."""
    try:
        figure.savefig(path)
    except OSError as exc:
        raise HandlerbenchError(f"--plot {path}: cannot write it ({exc.strerror})") from None
    except ValueError as exc:
        # matplotlib names the formats it can write, e.g. for "chart.xyz".
        raise HandlerbenchError(f"--plot {path}: {exc}") from None
    finally:
        plt.close(figure)


def plot_benchmarks(
    benchmarks: Sequence[pyperf.Benchmark], title: str = "", ax: Axes | None = None
) -> Figure:
    """One run's bars: mean us per request per benchmark, std dev as error bars.

    Draws into ``ax`` if given, else into a new figure that is closed again
    (so Jupyter shows the returned figure once, not twice). Uses the current
    backend.
    """
    plt = _pyplot("plot()")
    names = [benchmark.get_name() for benchmark in benchmarks]
    means = [benchmark.mean() * 1e6 for benchmark in benchmarks]
    # A single value has no std dev: no error bar.
    stdevs = [stdev(b, 0.0) * 1e6 for b in benchmarks]
    figure = None
    if ax is None:
        figure, ax = plt.subplots(figsize=(9, 1 + 0.4 * len(names)))
    ax.barh(range(len(names)), means, xerr=stdevs, capsize=3)
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlabel("us per request (mean +- std dev; for NAME@c=N: 1 / throughput)")
    if title:
        ax.set_title(title)
    if figure is not None:
        figure.tight_layout()
        plt.close(figure)
    return ax.figure


def plot_explanations(explanations: Sequence, path: str | None = None, ax=None):
    """Stacked horizontal bars: each explained scenario's parts and rest, in us per request.

    With ``path`` the chart is written there (any matplotlib format);
    without, the Figure is returned (for a notebook).
    """
    plt = _pyplot("--plot" if path else "plot()", backend="Agg" if path else None)
    several = len({e.versions for e in explanations}) > 1
    names = [f"{e.scenario}\n{e.versions}" if several else e.scenario for e in explanations]
    labels = [part.name for part in explanations[0].parts] + ["rest"] if explanations else []
    if ax is None:
        figure, ax = plt.subplots(figsize=(10, 2.2 + 0.6 * len(names)))
    else:
        figure = ax.figure
    left = [0.0] * len(names)
    for index, label in enumerate(labels):
        widths = []
        for e in explanations:
            seconds = e.rest if label == "rest" else e.parts[index].seconds
            widths.append(max(seconds, 0.0) * 1e6)
        ax.barh(names, widths, left=left, label=label, hatch="//" if label == "rest" else None)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for row, e in enumerate(explanations):
        ax.plot([e.total * 1e6], [row], marker="|", markersize=18, color="black")
    ax.invert_yaxis()
    ax.set_xlabel("us per request (mean); | marks the measured total")
    widest = max([*left, *(e.total * 1e6 for e in explanations)], default=1.0)
    ax.set_xlim(0, widest * 1.05)
    # Below the bars, so it never hides one.
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)
    figure.tight_layout()
    if path is None:
        plt.close(figure)
        return figure
    _save(plt, figure, path)
    return None
