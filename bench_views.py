"""pyperf script: every view of the built-in app under both handlers, without middleware.

    python bench_views.py --fast -o views.json
    python bench_views.py --fast --delay 1 --work 100000 --body-size 65536

Hello world, sleeping (``--delay``), CPU-bound (``--work``), JSON, template,
streaming over sync and async iterators, a form POST (``--body-size``) and
the ORM, sync and async, each as ``wsgi/none/VIEW`` and ``asgi/none/VIEW``.
Any pyperf option works; pyperf re-runs this script in its workers.
"""

from handlerbench.cli.scripts import bench_script
from handlerbench.handlers.scenario import VIEWS, matrix

SCENARIOS = matrix(stack_names=("none",), views=VIEWS)

if __name__ == "__main__":
    bench_script(SCENARIOS, __doc__.splitlines()[0])
