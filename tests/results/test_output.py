"""Result files are written whole or not at all, and an earlier file is never clobbered."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyperf
import pytest

from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.results.output import pyperf_outputs, replaced_when_done, write_atomically
from tests.helpers import ROOT, handlerbench
from tests.saved_runs import benchmark, save

SAVED = ROOT / "tests" / "data" / "run.json"


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if ".tmp" in p.name)


def test_the_target_is_replaced_only_when_the_block_succeeds(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("earlier")
    with pytest.raises(RuntimeError), replaced_when_done(target) as temporary:
        with open(temporary, "w") as file:
            file.write("half")
        raise RuntimeError("killed")
    assert target.read_text() == "earlier" and not leftovers(tmp_path)
    write_atomically(target, lambda path: Path(path).write_text("whole"))
    assert target.read_text() == "whole" and not leftovers(tmp_path)


def test_appending_starts_from_a_copy_and_nothing_written_replaces_nothing(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("earlier")
    with replaced_when_done(target, keep_existing=True) as temporary:
        assert Path(temporary).read_text() == "earlier"
        with open(temporary, "a") as file:
            file.write("+more")
    assert target.read_text() == "earlier+more"
    with replaced_when_done(tmp_path / "never.json"):
        pass
    assert not (tmp_path / "never.json").exists()


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["-o", "no/such/dir/x.json"], "-o no/such/dir/x.json: the directory"),
        (["--append", "no/such/dir/x.json"], "--append no/such/dir/x.json: the directory"),
        (["-o", str(SAVED)], "the file exists; choose another name, or --append"),
    ],
)
def test_outputs_are_checked_before_anything_runs(argv, text):
    with pytest.raises(UsageError, match=text):
        pyperf_outputs(["wsgi/none/sync", *argv])


def test_a_worker_is_never_asked_about_outputs():
    assert pyperf_outputs(["--worker", "-o", str(SAVED)]).worker


def test_run_writes_its_output_and_appends_the_way_pyperf_does(tmp_path):
    output = tmp_path / "runs.json"
    first = handlerbench("run", "wsgi/none/sync", "--debug-single-value", "-o", str(output))
    assert first.returncode == 0, first.stderr
    second = handlerbench(
        "run", "wsgi/none/sync", "asgi/none/async", "--debug-single-value", "--append", str(output)
    )
    assert second.returncode == 0, second.stderr
    suite = pyperf.BenchmarkSuite.load(str(output))
    assert suite.get_benchmark_names() == ["wsgi/none/sync", "asgi/none/async"]
    # pyperf's --append adds the new runs to a benchmark of the same name.
    assert suite.get_benchmark("wsgi/none/sync").get_nrun() == 2
    assert not leftovers(tmp_path)


def start_run(*output):
    """Two benchmarks: the first done in seconds, the second (0.5 s requests) long after."""
    return subprocess.Popen(
        [sys.executable, "-m", "handlerbench", "run", "--handler", "wsgi", "--view",
         "sync,sync-io", "--delay", "500", "-p", "2", "-n", "2", "-w", "0", "-l", "2", *output],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def kill_once(process, condition, how):
    """Send ``how`` as soon as ``condition()`` holds (the first benchmark is written)."""
    end = time.monotonic() + 90
    try:
        while not condition():
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < end, "the first benchmark was never written"
            time.sleep(0.02)
        process.send_signal(how)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_run_killed_after_writing_its_first_benchmark_leaves_no_output(tmp_path, how):
    output = tmp_path / "out.json"
    process = start_run("-o", str(output))
    temporary = tmp_path / f".out.{process.pid}.tmp.json"
    kill_once(process, temporary.exists, how)
    assert not output.exists()
    if how == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM
        assert process.stderr.read().strip().endswith("handlerbench: terminated")
        assert not leftovers(tmp_path)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_append_leaves_the_earlier_file_as_it_was(tmp_path, how):
    earlier = Path(save(tmp_path / "earlier.json", benchmark("asgi/none/async", [5e-4, 5e-4])))
    before = earlier.read_bytes()
    process = start_run("--append", str(earlier))
    temporary = tmp_path / f".earlier.{process.pid}.tmp.json"

    def appended():
        return temporary.exists() and temporary.read_bytes() not in (b"", before)

    kill_once(process, appended, how)
    assert earlier.read_bytes() == before
    if how == signal.SIGTERM:
        assert not leftovers(tmp_path)


def test_o_never_replaces_a_file_that_appeared_during_the_run(tmp_path):
    target = tmp_path / "out.json"
    appeared = "a file of that name appeared during the run"
    with (
        pytest.raises(HandlerbenchError, match=appeared),
        replaced_when_done(target, exclusive=True) as temporary,
    ):
        Path(temporary).write_text("ours")
        target.write_text("someone else's")
    assert target.read_text() == "someone else's"
    (kept,) = [p for p in tmp_path.iterdir() if p.name != "out.json"]
    assert kept.read_text() == "ours"


@pytest.mark.parametrize(
    ("content", "status", "text"),
    [("not json", 1, "not a pyperf JSON file"), ("{}", 1, "not a pyperf JSON file")],
)
def test_append_to_a_file_that_is_not_pyperf_json_is_refused_before_running(
    tmp_path, content, status, text
):
    target = tmp_path / "other.json"
    target.write_text(content)
    with pytest.raises(HandlerbenchError, match=text) as info:
        pyperf_outputs(["--append", str(target)])
    assert info.value.exit_status == status


def test_runs_pyperf_cannot_add_are_one_line_and_leave_the_file(tmp_path):
    earlier = tmp_path / "earlier.json"
    # The same benchmark from a Python no environment here has.
    save(earlier, benchmark("wsgi/none/sync", [4e-5, 4e-5], python_version="2.7.18 (64-bit)"))
    before = earlier.read_bytes()
    result = handlerbench("run", "wsgi/none/sync", "--debug-single-value", "--append", str(earlier))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--append cannot add its runs to that file" in lines[0]
    assert earlier.read_bytes() == before and not leftovers(tmp_path)
