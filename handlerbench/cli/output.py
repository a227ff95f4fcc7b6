"""Where a command's report goes: stdout, or a file written whole or not at all."""

from __future__ import annotations

from pathlib import Path

from handlerbench.errors import UsageError
from handlerbench.extras import require
from handlerbench.results.output import check_directory, write_atomically

PLOT_NEEDS = "--plot needs matplotlib: {hint}"


def emit(text: str, path: str | None) -> None:
    """A report to ``path`` (written whole or not at all), or to stdout."""
    if path:
        write_atomically(path, lambda temporary: Path(temporary).write_text(text + "\n"))
    else:
        print(text)


def check_report_outputs(report_file: str | None, plot: str | None) -> None:
    """Before measuring: the files a report goes to can be written, in a format that exists."""
    if report_file:
        check_directory(report_file, "--report-file")
    if plot:
        check_directory(plot, "--plot")
        backends = require("matplotlib.backend_bases", "--plot", "plot", PLOT_NEEDS)
        FigureCanvasBase = backends.FigureCanvasBase
        suffix = Path(plot).suffix.lstrip(".").lower()
        if suffix not in FigureCanvasBase.get_supported_filetypes():
            formats = ", ".join(sorted(FigureCanvasBase.get_supported_filetypes()))
            raise UsageError(f"--plot {plot}: not a format matplotlib writes ({formats})")
