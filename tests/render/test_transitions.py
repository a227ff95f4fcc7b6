"""The transitions text: its header line, then the counters' line under it, units named."""

from handlerbench.passes.counting.model import Counters, RequestRecord, TransitionReport
from handlerbench.render.transitions import format_counters, format_report


def report(counters):
    return TransitionReport("asgi/none/sync", 3, True, RequestRecord(), [], counters)


def test_the_counters_line_is_under_the_header_with_units_and_methods():
    counters = Counters(895.1, "setprofile call", 31424)
    lines = format_report(report(counters)).splitlines()
    assert lines[0].startswith("asgi/none/sync: 0 sync_to_async, 0 async_to_sync per request")
    assert lines[1] == (
        "  work per request: 895.1 Python calls (setprofile call); 31,424 bytes at the "
        "allocation peak (tracemalloc); CPU instructions not counted (--instructions)"
    )


def test_instructions_are_shown_when_counted():
    counters = Counters(895.1, "sys.monitoring PY_START", 31424, 2_345_678, "valgrind ...")
    assert format_counters(counters).endswith("; 2,345,678 CPU instructions (valgrind)")


def test_no_counters_no_line():
    assert format_counters(Counters()) is None
    assert len(format_report(report(Counters())).splitlines()) == 1


def test_json_reads_back_with_its_counters_and_without_them():
    counters = Counters(895.1, "setprofile call", 31424)
    data = report(counters).to_dict()
    assert (data["calls"], data["allocations"], data["instructions"]) == (895.1, 31424, None)
    assert TransitionReport.from_dict(data).counters == counters
    # A report saved before the counters existed.
    old = {key: value for key, value in data.items() if key not in Counters().to_dict()}
    assert TransitionReport.from_dict(old).counters == Counters()
