"""``report``: each file's counters beside its times, when any file has them."""

from handlerbench.render.results import format_results
from handlerbench.results.saved import load
from tests.saved_runs import benchmark, save


def test_each_files_counters_follow_its_times(tmp_path):
    old = load(save(tmp_path / "dj42.json", benchmark("asgi/none/sync", [5e-4] * 2, ["s2a a"])))
    new = load(
        save(
            tmp_path / "dj61.json",
            benchmark("asgi/none/sync", [6e-4] * 2, ["s2a a"], calls=895.1, allocations=31424),
        )
    )
    lines = format_results([old, new]).splitlines()
    header = [cell.strip() for cell in lines[0].split("  ") if cell.strip()]
    assert header == [
        *("scenario", "dj42", "calls/req", "alloc peak KiB"),
        *("dj61", "calls/req", "alloc peak KiB", "hops", "threads/req"),
    ]
    assert lines[2].split() == [
        *("asgi/none/sync", "500.0", "(1)", "-", "-", "600.0", "(1)", "895", "30.7"),
        *("same", "-"),
    ]
    assert "calls/req: Python calls per request" in format_results([old, new])


def test_files_without_counters_print_the_table_they_always_did(tmp_path):
    old = load(save(tmp_path / "dj42.json", benchmark("asgi/none/sync", [5e-4] * 2, ["s2a a"])))
    assert format_results([old]).splitlines()[0].split() == [
        *("scenario", "dj42", "hops", "threads/req"),
    ]
