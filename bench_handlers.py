"""pyperf script: WSGI vs ASGI, sync vs async view, with no middleware and the default stack.

    python bench_handlers.py --fast -o handlers.json
    python -m pyperf stats handlers.json
    python -m pyperf compare_to before.json after.json --table

Benchmark names are scenario names (``handler/stack/view``). Any pyperf
option works; pyperf re-runs this script in its worker processes.
"""

import pyperf

from handlerbench.runner import bench_targets
from handlerbench.scenario import Scenario
from handlerbench.targets import scenario_target

SCENARIOS = [
    Scenario(handler, stack, view)
    for stack in ("none", "default")
    for handler in ("wsgi", "asgi")
    for view in ("sync", "async")
]


def main() -> None:
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__.splitlines()[0]
    bench_targets(runner, [scenario_target(s) for s in SCENARIOS])


if __name__ == "__main__":
    from handlerbench.cli import run_script

    run_script(main)
