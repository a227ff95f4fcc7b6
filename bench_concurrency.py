"""pyperf script: the #37177 table, sequential and with 50 and 200 requests in flight.

    python bench_concurrency.py --fast -o concurrency.json
    python bench_concurrency.py --fast --concurrency 1,8,64 --loop uvloop

ASGI, stacks ``default`` and ``default-fixed`` x views ``sync``, ``async``
and ``async-io`` (``--delay`` ms, 5 by default as in the ticket), each at
every ``--concurrency`` (default 1,50,200): N clients sending requests back
to back, each request its own task on one event loop. The table printed at
the end has the ticket's shape: seq us/req, then req/s, p99 latency and
peak threads per concurrency. Any pyperf option works; pyperf re-runs this
script in its workers.
"""

from handlerbench.cli.scripts import bench_script
from handlerbench.handlers.scenario import Scenario

SCENARIOS = [
    Scenario("asgi", stack, view)
    for view in ("sync", "async", "async-io")
    for stack in ("default", "default-fixed")
]

if __name__ == "__main__":
    bench_script(SCENARIOS, __doc__.splitlines()[0], default_concurrency=(1, 50, 200))
