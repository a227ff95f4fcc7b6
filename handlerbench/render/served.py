"""``served``'s table: in-process beside a real server, per target, in microseconds."""

from __future__ import annotations

import json
from collections.abc import Sequence

from handlerbench.passes.served.session import Served
from handlerbench.render.table import render

HEADER = (
    "scenario",
    "server",
    "in-process us",
    "served p50 us",
    "served cycle us",
    "server own us",
    "served - own us",
    "in-process gap",
    "served gap",
)


def _us(value: float) -> str:
    return f"{value:,.1f}"


def _gap(value: float) -> str:
    return f"{value:+,.1f}"


def format_served(rows: Sequence[Served], fmt: str = "text") -> str:
    """The table (``text`` or ``md``), or JSON; the gaps are against the first row."""
    first = rows[0]
    if fmt == "json":
        return json.dumps(
            [
                {
                    **row.to_dict(),
                    "in_process_gap_us": row.in_process_us - first.in_process_us,
                    "served_gap_us": row.served_p50_us - first.served_p50_us,
                }
                for row in rows
            ],
            indent=2,
        )
    body = [
        [
            row.name,
            row.server,
            _us(row.in_process_us),
            _us(row.served_p50_us),
            _us(row.served_cycle_us),
            _us(row.server_own_us),
            _us(row.served_app_us),
            _gap(row.in_process_us - first.in_process_us),
            _gap(row.served_p50_us - first.served_p50_us),
        ]
        for row in rows
    ]
    concurrency = first.concurrency
    note = (
        f"medians of {first.rounds} rounds at concurrency {concurrency}; "
        "gaps: against the first row (in-process time, served p50)"
    )
    if fmt == "md":
        return render(HEADER, body, "md") + "\n\n" + note
    return render(HEADER, body, "text") + "\n" + note
