"""bench_concurrency.py: the #37177 table, default vs default-fixed under load."""

import pyperf

from handlerbench.drive import resolve_loop
from tests.helpers import run


def test_script_runs_the_tickets_scenarios_at_each_concurrency(tmp_path):
    output = tmp_path / "conc.json"
    result = run(
        "bench_concurrency.py",
        "--debug-single-value",
        "--concurrency",
        "1,3",
        "--delay",
        "0.2",
        "-o",
        str(output),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    suite = pyperf.BenchmarkSuite.load(str(output))
    names = suite.get_benchmark_names()
    assert names[:2] == ["asgi/default/sync", "asgi/default/sync@c=3"]
    assert len(names) == 12
    fixed = suite.get_benchmark("asgi/default-fixed/async-io@c=3").get_metadata()
    # --loop auto: uvloop where it is installed (the test extra has it), as uvicorn picks.
    loop = resolve_loop(None)
    assert (fixed["concurrency"], fixed["delay_ms"], fixed["loop"]) == (3, 0.2, loop)
    assert fixed["fixed_middleware"].split(",")[0] == "SecurityMiddleware"
    assert fixed["peak_threads"] > 1
    rows = result.stdout.split("\n\n")[-1].splitlines()[3:]  # under the loop and header
    assert [row.split()[0] for row in rows] == [
        f"asgi/{stack}/{view}"
        for view in ("sync", "async", "async-io")
        for stack in ("default", "default-fixed")
    ]
