"""CPU instructions per request, under valgrind: two runs, so that start-up cancels.

A child process builds and checks the target, warms it up, and times N
requests in the timed loop (``run_requests``); under ``valgrind
--tool=cachegrind`` it counts every instruction of every thread. Two
children, with ``LOW`` and ``HIGH`` requests, pay the same start-up, so
``(I(HIGH) - I(LOW)) / (HIGH - LOW)`` is what one request costs. Both run
with ``PYTHONHASHSEED=0`` (string hashes decide dict layouts, and so
instructions) and without the deadline watchdog, whose wake-ups would add
instructions growing with wall time, which valgrind stretches about 50x;
the parent bounds each child with ``CHILD_TIMEOUT`` instead. What varies
from run to run is kept out: valgrind hands its lock from thread to thread
in order (``--fair-sched``), and a child ends without the interpreter's
finalisation (``end_child``), whose cost depends on what the collector
left. Instructions do not count time spent waiting: a thread hand-off
costs its instructions, not its latency.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from handlerbench.errors import HandlerbenchError
from handlerbench.handlers.target import Target

LOW, HIGH = 100, 300
WARMUPS = 5
CHILD_TIMEOUT = 1800.0
HASH_SEED = "0"
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def method(low: int = LOW, high: int = HIGH) -> str:
    """How ``instructions`` was measured, as the report and metadata record it."""
    return f"valgrind cachegrind, (I({high}) - I({low})) / {high - low}, PYTHONHASHSEED={HASH_SEED}"


def valgrind() -> str:
    """The valgrind executable; a one-line error naming the package when there is none."""
    found = shutil.which("valgrind")
    if found is None:
        raise HandlerbenchError(
            "--instructions needs valgrind, which is not installed "
            "(Debian/Ubuntu: apt-get install valgrind)"
        )
    return found


def run_requests(target: Target, requests: int, warmups: int = WARMUPS) -> None:
    """What each child does: build and check ``target``, warm up, time ``requests``."""
    driver = target.build()
    try:
        driver.time(warmups)
        driver.time(requests)
    finally:
        driver.close()


def end_child() -> NoReturn:
    """End a child at once: its exit handlers run (a db view's file is removed), the
    interpreter's finalisation does not (its instructions vary with the collector's state)."""
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def instructions_per_request(
    command: Callable[[int], Sequence[str]],
    name: str,
    low: int = LOW,
    high: int = HIGH,
    timeout: float = CHILD_TIMEOUT,
) -> int:
    """Instructions one request of ``name`` costs: ``command(n)`` runs n requests.

    The two children run at once; their counts differ only by the requests.
    """
    if not 0 < low < high:
        raise ValueError(f"need 0 < low < high, not {low} and {high}")
    binary = valgrind()
    env = {**os.environ, "PYTHONHASHSEED": HASH_SEED}
    with tempfile.TemporaryDirectory(prefix="handlerbench-valgrind-") as directory:
        children = []
        for requests in (low, high):
            log = Path(directory, f"{requests}.log")
            argv = [
                binary,
                "--tool=cachegrind",
                "--cache-sim=no",
                "--branch-sim=no",
                "--fair-sched=try",
                f"--cachegrind-out-file={Path(directory, f'{requests}.out')}",
                f"--log-file={log}",
                *command(requests),
            ]
            process = subprocess.Popen(
                argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            children.append((process, log))
        try:
            counts = [_instructions(process, log, name, timeout) for process, log in children]
        finally:
            for process, _ in children:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    return round((counts[1] - counts[0]) / (high - low))


def _instructions(process: subprocess.Popen, log: Path, name: str, timeout: float) -> int:
    """The instruction count of one finished child, or one line saying why there is none."""
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise HandlerbenchError(
            f"{name}: the run under valgrind took longer than {timeout:g} s (--instructions)"
        ) from None
    if process.returncode != 0:
        lines = [line for line in stderr.splitlines() if line.strip()]
        why = lines[-1] if lines else f"exit status {process.returncode}"
        raise HandlerbenchError(f"{name}: the run under valgrind failed: {why}")
    found = _REFS.search(log.read_text()) if log.exists() else None
    if found is None:
        raise HandlerbenchError(f"{name}: valgrind reported no instruction count ({log.name})")
    return int(found.group(1).replace(",", ""))
