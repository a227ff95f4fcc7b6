"""bench_middleware.py: the #37177 comparison as a plain pyperf script."""

import pyperf

from tests.helpers import run


def test_script_times_default_against_fixed_per_view_and_forwards_delay(tmp_path):
    output = tmp_path / "mw.json"
    result = run("bench_middleware.py", "--debug-single-value", "--delay", "0.5", "-o", str(output))
    assert result.returncode == 0, result.stderr
    suite = pyperf.BenchmarkSuite.load(str(output))
    names = suite.get_benchmark_names()
    assert names[:2] == ["asgi/default/sync", "asgi/default-fixed/sync"]
    assert len(names) == 12
    assert {name.split("/")[2] for name in names} == {"sync", "async", "async-io"}
    metadata = {name: suite.get_benchmark(name).get_metadata() for name in names}
    assert metadata["asgi/default/async-io"]["delay_ms"] == 0.5
    # The point of the script: the fix removes the per-hook hops.
    assert metadata["asgi/default/sync"]["sync_to_async"] == 16
    assert metadata["asgi/default-fixed/sync"]["sync_to_async"] == 5
    assert "asgi/default-fixed/sync" in result.stdout.split("\n\n")[-1]


def test_bad_option_is_one_line():
    result = run("bench_middleware.py", "--delay", "-1")
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "bench_middleware.py: error: --delay -1.0: must be 0 to 60000 ms"
    )
