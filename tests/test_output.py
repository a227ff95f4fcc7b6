"""Result files are written whole or not at all, and an earlier file is never clobbered."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyperf
import pytest

from handlerbench.errors import UsageError
from handlerbench.output import pyperf_outputs, replaced_when_done, write_atomically
from tests.helpers import ROOT, handlerbench

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


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_run_leaves_the_earlier_file_as_it_was(tmp_path, how):
    earlier = tmp_path / "earlier.json"
    shutil.copyfile(SAVED, earlier)
    before = earlier.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "handlerbench", "run", "wsgi/none/sync", "asgi/none/sync",
         "-p", "20", "--append", str(earlier)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        time.sleep(4)  # well into the first benchmark's workers
        assert process.poll() is None, process.stderr.read()
        process.send_signal(how)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert earlier.read_bytes() == before
    if how == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM
        assert not leftovers(tmp_path)
