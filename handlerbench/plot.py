"""Charts of saved results, with matplotlib (the ``plot`` extra)."""

from __future__ import annotations

from collections.abc import Sequence

from handlerbench.errors import HandlerbenchError
from handlerbench.results import Result, scenario_names


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise HandlerbenchError(
            "--plot needs matplotlib: pip install 'handlerbench[plot]'"
        ) from None
    return plt


def plot_results(results: Sequence[Result], path: str) -> None:
    """Horizontal bars: us per request for each scenario, one bar per file."""
    plt = _pyplot()
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
    try:
        figure.savefig(path)
    except OSError as exc:
        raise HandlerbenchError(f"--plot {path}: cannot write it ({exc.strerror})") from None
    except ValueError as exc:
        # matplotlib names the formats it can write, e.g. for "chart.xyz".
        raise HandlerbenchError(f"--plot {path}: {exc}") from None
    finally:
        plt.close(figure)
