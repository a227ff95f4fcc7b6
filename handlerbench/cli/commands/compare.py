"""``handlerbench compare``: the time change, the hops added or removed and the counters'
change, as a CI gate."""

from __future__ import annotations

from collections.abc import Sequence

from handlerbench.cli import types
from handlerbench.cli.arguments import add_format_argument, command_parser
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.render.table import FORMATS


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.render.comparison import format_comparison
    from handlerbench.results.compare import broken_rules, compare
    from handlerbench.results.saved import load_all

    parser = command_parser(
        "compare",
        (
            "Compare two saved runs: the time change per scenario with its significance "
            "(t-test at 95%), the hops added and removed, by name, and the change of the "
            "counters (Python calls, allocations). With a rule, exit status 1 names each "
            "scenario that broke it."
        ),
    )
    parser.add_argument("before", metavar="BEFORE.json")
    parser.add_argument("after", metavar="AFTER.json")
    parser.add_argument(
        "--max-slowdown",
        type=float,
        metavar="PCT",
        help="fail if a scenario is significantly slower by more than PCT percent",
    )
    parser.add_argument(
        "--no-new-hops", action="store_true", help="fail if a scenario makes more hops in AFTER"
    )
    parser.add_argument(
        "--max-increase",
        type=types.counter_limits,
        metavar="COUNTER=PCT[,...]",
        help="fail if a scenario's counter per request rises by more than PCT percent, or "
        "a file lacks it: calls, allocations, instructions (e.g. calls=1,allocations=5)",
    )
    add_format_argument(parser, FORMATS, "plain text (default) or Markdown")
    args = parser.parse_args(list(argv))
    if args.max_slowdown is not None and not args.max_slowdown >= 0:
        raise UsageError(f"--max-slowdown {args.max_slowdown:g}: must be 0 or more")
    before, after = load_all([args.before, args.after])
    differences, only_before, only_after = compare(before, after)
    if not differences:
        raise HandlerbenchError(f"{args.before} and {args.after} have no scenario in common")
    print(format_comparison(before, after, differences, only_before, only_after, args.format))
    broken = broken_rules(differences, args.max_slowdown, args.no_new_hops, args.max_increase)
    if broken:
        raise HandlerbenchError(f"compare: {'; '.join(broken)}")
    return 0
