"""Tables: one function draws every table handlerbench prints, as text, Markdown or HTML.

Figures are right-aligned and text left-aligned, so a table reads the same
in a terminal, pasted into a ticket (``md``) and in a notebook (``html``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

# The command line's --format choices; render() also takes "html" (notebooks).
FORMATS = ("text", "md")


def render(
    header: Sequence[str],
    body: Sequence[Sequence[str]],
    fmt: str = "text",
    text_columns: int = 1,
) -> str:
    """A table: figures right-aligned; the first column, and the last ones if
    ``text_columns`` > 1 counts them, left-aligned."""
    left = {0, *range(len(header) - text_columns + 1, len(header))} if text_columns > 1 else {0}
    if fmt == "html":
        return _html(header, body)
    if fmt == "md":
        rule = ["---" if i in left else "---:" for i in range(len(header))]
        lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for row in [header, *body]:
        cells = [
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _html(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """An HTML ``<table>``, every cell escaped."""

    def cells(tag: str, row: Sequence[str]) -> str:
        return "".join(
            f'<{tag} style="text-align: {"right" if i else "left"}">{html.escape(cell)}</{tag}>'
            for i, cell in enumerate(row)
        )

    lines = ["<table>", f"<thead><tr>{cells('th', header)}</tr></thead>", "<tbody>"]
    lines += [f"<tr>{cells('td', row)}</tr>" for row in body]
    return "\n".join([*lines, "</tbody>", "</table>"])
