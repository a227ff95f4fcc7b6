"""``handlerbench list``: the axes a scenario name is made of."""

from __future__ import annotations

from collections.abc import Sequence

from handlerbench.app.endpoints import VIEWS
from handlerbench.app.stacks import resolve
from handlerbench.cli.arguments import command_parser
from handlerbench.handlers import scenario


def main(argv: Sequence[str], debug: bool) -> int:
    parser = command_parser(
        "list", "List the axes a scenario name (handler/stack/view) is made of."
    )
    parser.parse_args(list(argv))
    print("handlers:", " ".join(scenario.HANDLERS))
    print("stacks (--stack each: every each:NAME):")
    for name in scenario.STACKS:
        if name.startswith("custom"):
            middleware = "--middleware A.B,C.D"
        else:
            stack = resolve(name)
            middleware = ", ".join(path.rpartition(".")[2] for path in stack.middleware)
        fixed = "  (#37177 fix applied)" if name.endswith("-fixed") else ""
        print(f"  {name:33} {middleware or '(no middleware)'}{fixed}")
    print("views (--view all: every view):")
    for name, (description, _endpoint) in VIEWS.items():
        print(f"  {name:14} {description}")
    print("scenario names are handler/stack/view, for example asgi/default-fixed/async-io")
    return 0
