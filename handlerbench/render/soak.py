"""A soak as ``soak`` prints it: one line per sample, then a verdict per resource."""

from __future__ import annotations

from handlerbench.passes.soak import MIB, SoakReport


def format_soak(report: SoakReport) -> str:
    """A table, one line per sample, then a verdict line per resource."""
    rss_title = "peak RSS MiB" if report.rss_measure == "peak" else "RSS MiB"
    lines = [
        f"{report.name}: soak of {report.requests} requests in {report.checkpoints} chunks, "
        f"after {report.warmups} warm-up requests",
        f"  {'sample':<12} {'requests':>9} {'threads':>7} {'fds':>5} "
        f"{rss_title:>12} {'elapsed s':>9}",
    ]
    last = len(report.samples) - 1
    for index, sample in enumerate(report.samples):
        label = "start" if index == 0 else "end (closed)" if index == last else str(index)
        fds = "-" if sample.fds is None else str(sample.fds)
        rss = "-" if sample.rss is None else f"{sample.rss / MIB:.1f}"
        lines.append(
            f"  {label:<12} {sample.requests:>9} {sample.threads:>7} {fds:>5} "
            f"{rss:>12} {sample.elapsed:>9.1f}"
        )
    for resource_name in ("threads", "fds"):
        lines.append(_count_line(resource_name, report.count_verdict(resource_name)))
    lines.append(_rss_line(report.rss_verdict(), report.rss_measure))
    return "\n".join(lines)


def _count_line(resource_name: str, verdict: dict) -> str:
    if verdict["verdict"] == "n/a":
        return f"{resource_name}: n/a (no /proc/self/fd on this platform)"
    start, end, change = verdict["start"], verdict["end"], verdict["change"]
    if verdict.get("open_growth", 0) > 0 and change <= 0:
        how = (
            f"grew by {verdict['open_growth']} while the driver was open, "
            "released only by its close"
        )
    elif change > 0:
        how = f"grew by {change}"
    elif change == 0:
        how = "returned to baseline"
    else:
        how = f"{-change} below baseline: the driver's own, released by close"
    return f"{resource_name}: {verdict['verdict']} ({how}; {start} at start, {end} after close)"


def _rss_line(verdict: dict, measure: str | None) -> str:
    if measure is None:
        return "rss: n/a (no RSS measure on this platform)"
    if verdict["verdict"] == "n/a":
        return "rss: n/a (needs at least 2 checkpoints)"
    span = (
        f"{verdict['growth_bytes'] / MIB:+.2f} MiB from request {verdict['from_requests']} "
        f"to {verdict['to_requests']} ({verdict['bytes_per_request']:+.2f} B/request"
    )
    first = verdict["first_half_bytes_per_request"]
    if first is not None:
        span += f"; first half {first:+.2f}, "
    else:
        span += "; "
    span += f"second half {verdict['second_half_bytes_per_request']:+.2f} B/request)"
    line = f"rss{' (peak)' if measure == 'peak' else ''}: {verdict['verdict']}: {span}"
    if verdict["steady_growth"]:
        line += "; still growing as fast: may be unbounded"
    elif verdict["verdict"] == "grew":
        line += "; slowing down: looks like a plateau"
    return line
