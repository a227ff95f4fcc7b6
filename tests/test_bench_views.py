"""bench_views.py: every view under both handlers, as a plain pyperf script."""

import pyperf

from handlerbench.handlers.scenario import VIEWS
from tests.helpers import run


def test_script_times_every_view_under_both_handlers(tmp_path):
    output = tmp_path / "views.json"
    result = run(
        "bench_views.py",
        "--debug-single-value",
        "--delay",
        "0.1",
        "--work",
        "100",
        "--body-size",
        "200",
        "-o",
        str(output),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    suite = pyperf.BenchmarkSuite.load(str(output))
    assert suite.get_benchmark_names() == [
        f"{handler}/none/{view}" for handler in ("wsgi", "asgi") for view in VIEWS
    ]
    cpu = suite.get_benchmark("asgi/none/cpu").get_metadata()
    post = suite.get_benchmark("wsgi/none/post").get_metadata()
    assert (cpu["work"], post["body_size"]) == (100, 200)
