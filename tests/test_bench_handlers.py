"""bench_handlers.py is a plain pyperf script: its JSON works with pyperf's own tools."""

import pyperf

from tests.helpers import run

EXPECTED = [
    f"{handler}/{stack}/{view}"
    for stack in ("none", "default")
    for handler in ("wsgi", "asgi")
    for view in ("sync", "async")
]


def test_script_writes_scenario_named_benchmarks_pyperf_can_read(tmp_path):
    output = tmp_path / "a.json"
    result = run("bench_handlers.py", "--debug-single-value", "-o", str(output), timeout=300)
    assert result.returncode == 0, result.stderr
    benchmarks = pyperf.BenchmarkSuite.load(str(output)).get_benchmarks()
    assert [b.get_name() for b in benchmarks] == EXPECTED
    for benchmark in benchmarks:
        metadata = benchmark.get_metadata()
        handler, stack, view = metadata["name"].split("/")
        assert (metadata["handler"], metadata["stack"], metadata["view"]) == (handler, stack, view)
        assert metadata["django_version"] and metadata["asgiref_version"]
    stats = run("-m", "pyperf", "stats", str(output))
    assert stats.returncode == 0 and "asgi/default/sync" in stats.stdout
    compare = run("-m", "pyperf", "compare_to", str(output), str(output))
    assert compare.returncode == 0, compare.stderr
