"""One worker process: ``python -m handlerbench WORKER ... --result FILE``, run and read back.

The worker writes what it measured to a file (a project may print to
stdout while it loads) and its errors to the file ``REPORT_FILE`` names, so
a failure comes back as the worker's own one line, never parsed from text.
Another interpreter (``--python-b``) gets this very handlerbench first on
its path (``linked_package``), with its own Django and asgiref.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handlerbench.errors import REPORT_FILE, HandlerbenchError


@dataclass(frozen=True)
class Pace:
    """How long a worker session goes on, and what each of its workers times.

    ``precision`` and ``budget`` stop the session; ``values`` and ``min_time``
    shape a worker's measurement; ``timeout`` bounds one worker; ``affinity``
    pins the workers (and their threads) to those CPUs.
    """

    precision: float = 0.02
    budget: float = 120.0
    values: int = 6
    min_time: float = 0.05
    timeout: float = 1800.0
    debug: bool = False
    affinity: tuple[int, ...] = ()

    def worker_options(self) -> list[str]:
        """What every worker of the session is told."""
        options = [f"--values={self.values}", f"--min-time={self.min_time}"]
        if self.affinity:
            options.append(f"--affinity={','.join(map(str, self.affinity))}")
        return options

    def fits(self, elapsed: float, durations: Sequence[float]) -> bool:
        """Would one more worker, as long as the usual one so far, end within the budget?"""
        return not durations or elapsed + statistics.median(durations) <= self.budget


@contextmanager
def linked_package() -> Iterator[str]:
    """A directory whose one entry links to this package, removed on exit."""
    package = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory(prefix="handlerbench-path-") as directory:
        os.symlink(package, os.path.join(directory, "handlerbench"))
        yield directory


def run_worker(
    command: str,
    argv: Sequence[str],
    who: str,
    python: str = sys.executable,
    timeout: float = 1800.0,
    debug: bool = False,
    linked: str = "",
) -> dict[str, Any]:
    """Run ``python -m handlerbench COMMAND --result FILE *argv``; the JSON it wrote.

    ``who`` names the worker in errors; ``linked`` (from ``linked_package``)
    goes first on the path of a ``python`` other than this one.
    """
    with tempfile.TemporaryDirectory(prefix="handlerbench-worker-") as scratch:
        result, reported = Path(scratch, "result.json"), Path(scratch, "reported.jsonl")
        full = [python, "-m", "handlerbench", command, f"--result={result}", *argv]
        if debug:
            full.append("--debug")
        env = {**os.environ, REPORT_FILE: str(reported)}
        if python != sys.executable and linked:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [linked, env.get("PYTHONPATH")]))
        try:
            finished = subprocess.run(
                full,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=None if debug else subprocess.PIPE,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise HandlerbenchError(
                f"{who}: a worker ran longer than --timeout {timeout:g} s and was stopped"
            ) from None
        except OSError as exc:
            raise HandlerbenchError(f"{who}: cannot run {python}: {exc.strerror or exc}") from None
        if finished.returncode != 0 or not result.exists():
            raise HandlerbenchError(
                f"{who}: a worker failed: "
                f"{last_error(reported, finished.stderr, finished.returncode)}"
            )
        return json.loads(result.read_text())


def last_error(reported: Path, stderr: str | None, status: int) -> str:
    """The worker's own last error line, else the end of its stderr, else its status."""
    try:
        lines = reported.read_text().splitlines()
    except FileNotFoundError:
        lines = []
    for line in reversed(lines):
        record = json.loads(line)
        if record.get("kind") == "error":
            return str(record["message"])
    tail = (stderr or "").strip().splitlines()[-1:]
    return tail[0] if tail else f"exit status {status}"
