"""A profile as ``profile`` prints it: a header, then the top functions (or pyinstrument's tree)."""

from __future__ import annotations

import io
import pstats

from handlerbench.errors import UsageError
from handlerbench.passes.profiling import DISPLAY_NAMES, SORT_KEYS, ProfileResult


def profile_header(result: ProfileResult) -> str:
    """What was profiled, and the time per request with the profiler's overhead."""
    per_request = result.seconds / result.requests * 1e6
    return (
        f"{result.name}: {result.requests:,} requests in {result.seconds:.2f} s under "
        f"{DISPLAY_NAMES[result.profiler]} ({per_request:,.1f} us/req with profiling "
        "overhead; time it with `run` for real figures)"
    )


def format_profile(result: ProfileResult, top: int = 25, sort: str = "cumulative") -> str:
    """The header, then the ``top`` functions by ``sort`` (any pstats sort key).

    pyinstrument's report is its own call tree: ``top`` and ``sort`` do not apply.
    """
    if result.stats is None:
        return f"{profile_header(result)}\n{result.text_output}"
    buffer = io.StringIO()
    # A copy: strip_dirs() and sort_stats() change the Stats they are called on.
    stats = pstats.Stats(stream=buffer).add(result.stats).strip_dirs()
    try:
        stats.sort_stats(sort)
    except KeyError:
        raise UsageError(
            f"unknown sort key {sort!r} (choose from {', '.join(SORT_KEYS)})"
        ) from None
    stats.print_stats(top)
    return f"{profile_header(result)}\n{buffer.getvalue().strip(chr(10))}\n"
