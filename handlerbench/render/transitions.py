"""The transition report as ``transitions`` prints it: totals, load-time wrappers, each hop."""

from __future__ import annotations

from handlerbench.passes.counting.model import Counters, TransitionReport


def format_counters(counters: Counters) -> str | None:
    """The counters' line: calls, allocations, instructions, each with its unit and method."""
    parts = []
    if counters.calls is not None:
        parts.append(f"{counters.calls:,.1f} Python calls ({counters.calls_method})")
    if counters.allocations is not None:
        parts.append(f"{counters.allocations:,} bytes at the allocation peak (tracemalloc)")
    if counters.instructions is not None:
        parts.append(f"{counters.instructions:,} CPU instructions (valgrind)")
    elif parts:
        parts.append("CPU instructions not counted (--instructions)")
    return f"  work per request: {'; '.join(parts)}" if parts else None


def format_report(report: TransitionReport) -> str:
    """Totals and counters, then what was adapted once at load, then every hop in order."""
    lines = [
        f"{report.scenario}: {report.sync_to_async} sync_to_async, "
        f"{report.async_to_sync} async_to_sync per request "
        f"({report.thread_sensitive} thread-sensitive); "
        f"{report.threads_started} threads started, "
        f"{report.executors_created} executors created"
    ]
    counters = format_counters(report.counters)
    if counters:
        lines.append(counters)
    if not report.consistent:
        lines.append(
            f"  warning: the {report.requests} recorded requests differ; showing the first"
        )
    if report.adaptations:
        lines.append("  wrapped once, when the handler was built (each wrapper hops when called):")
        lines += [f"    {a.direction:<14} {a.name}" for a in report.adaptations]
    if report.hops:
        lines.append("  per request, in order:")
        width = max(len(h.name) for h in report.hops)
        for number, hop in enumerate(report.hops, 1):
            sensitive = {True: "thread-sensitive", False: "any thread", None: ""}[
                hop.thread_sensitive
            ]
            lines.append(
                f"    {number:>3}  {hop.direction:<14} {hop.name:<{width}}  "
                f"{sensitive:<16}  {hop.executor}"
            )
    if report.record.threads:
        lines.append(f"  threads started: {', '.join(report.record.threads)}")
    if report.record.executors:
        lines.append(f"  executors created by: {', '.join(report.record.executors)}")
    return "\n".join(lines)
