"""pyperf script: ticket #37177, the default middleware stack with and without the fix.

    python bench_middleware.py --fast -o middleware.json
    python bench_middleware.py --fast --delay 5

Stacks ``default`` and ``default-fixed`` (each default middleware declared
sync-only, so ``load_middleware`` adapts the sync block once) x views
``sync``, ``async`` and ``async-io`` (``--delay`` ms of ``asyncio.sleep``,
5 by default as in the ticket), under ASGI, with the WSGI rows for
reference. Any pyperf option works; pyperf re-runs this script in its workers.
"""

from handlerbench.cli.scripts import bench_script
from handlerbench.handlers.scenario import Scenario

# Each view's two stacks side by side, as in the ticket's table.
SCENARIOS = [
    Scenario(handler, stack, view)
    for handler in ("asgi", "wsgi")
    for view in ("sync", "async", "async-io")
    for stack in ("default", "default-fixed")
]

if __name__ == "__main__":
    bench_script(SCENARIOS, __doc__.splitlines()[0])
