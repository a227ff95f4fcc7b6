"""pyperf script: WSGI vs ASGI, sync vs async view, with no middleware and the default stack.

    python bench_handlers.py --fast -o handlers.json
    python -m pyperf stats handlers.json
    python -m pyperf compare_to before.json after.json --table

Benchmark names are scenario names (``handler/stack/view``). Any pyperf
option works; pyperf re-runs this script in its worker processes.
"""

from handlerbench.cli.scripts import bench_script
from handlerbench.handlers.scenario import matrix

SCENARIOS = matrix(stack_names=("none", "default"), views=("sync", "async"))

if __name__ == "__main__":
    bench_script(SCENARIOS, __doc__.splitlines()[0])
