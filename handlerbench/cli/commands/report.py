"""``handlerbench report``: one table across saved runs."""

from __future__ import annotations

from collections.abc import Sequence

from handlerbench.cli.arguments import add_format_argument, add_plot_argument, command_parser
from handlerbench.render.table import FORMATS


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.render.results import format_results
    from handlerbench.results.saved import load_all

    parser = command_parser(
        "report",
        (
            "One table across saved runs (pyperf JSON, e.g. results/*.json from "
            "`tox -m bench`): a row per scenario, a column per file, us/req and hops."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="pyperf JSON files")
    add_format_argument(parser, FORMATS, "plain text (default) or Markdown")
    add_plot_argument(parser, "also draw a bar chart (needs the plot extra: matplotlib)")
    args = parser.parse_args(list(argv))
    results = load_all(args.files)
    if args.plot:
        from handlerbench.render.plot import plot_results

        plot_results(results, args.plot)
    print(format_results(results, args.format))
    return 0
