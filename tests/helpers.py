"""Running handlerbench as users do: a subprocess from the repository root."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*argv: str, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python *argv`` from the repository root, with the repository importable
    (and ``env`` over the environment)."""
    env = {**os.environ, **(env or {})}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def handlerbench(
    *argv: str, timeout: float = 120, env: dict | None = None
) -> subprocess.CompletedProcess:
    return run("-m", "handlerbench", *argv, timeout=timeout, env=env)
