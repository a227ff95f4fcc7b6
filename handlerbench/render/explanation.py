"""An explanation as ``explain`` prints it: a heading line, then the table of its parts."""

from __future__ import annotations

import math

from handlerbench.passes.explain.parts import Explanation
from handlerbench.render.table import render

HEADER = ("part", "us/req", "+- 95%", "share", "how it was measured")


def rows(explained: Explanation) -> list[tuple[str, ...]]:
    """The table's rows: each part, their sum, the rest and the measured total."""

    def us(seconds: float) -> str:
        return "-" if math.isnan(seconds) else f"{seconds * 1e6:,.1f}"

    def share(seconds: float) -> str:
        return f"{seconds / explained.total:.1%}"

    body = [(p.name, us(p.seconds), us(p.ci95), share(p.seconds), p.how) for p in explained.parts]
    body.append(("sum of the parts", us(explained.sum), "", share(explained.sum), ""))
    body.append(
        (
            "rest",
            us(explained.rest),
            us(explained.rest_ci95),
            share(explained.rest),
            "the total minus the parts",
        )
    )
    body.append(
        (
            "measured total",
            us(explained.total),
            us(explained.total_ci95),
            "100.0%",
            explained.scenario,
        )
    )
    tail = explained.tail
    if tail is not None:
        body.append(
            (
                "of it, after the response",
                us(tail.seconds),
                us(tail.ci95),
                share(tail.seconds),
                tail.how,
            )
        )
    return body


def format_explanation(explained: Explanation, fmt: str = "text") -> str:
    """The table of one explanation (``text`` or ``md``), under a heading line."""
    on = f" ({explained.versions})" if explained.versions else ""
    heading = (
        f"{explained.scenario}{on}: {explained.total * 1e6:,.1f} us per request; the measured "
        f"parts sum to {explained.sum * 1e6:,.1f} us, {explained.sum / explained.total:.1%} "
        "of the total"
    )
    if explained.rounds:
        heading += f" ({explained.rounds} rounds; +- is each figure's 95% interval)"
    table = render(HEADER, rows(explained), fmt, text_columns=2)
    if explained.overshoots:
        table += (
            "\nwarning: the parts exceed the measured total beyond the rest's interval; "
            "a part counts something the request does not pay"
        )
    return f"{heading}\n\n{table}"
