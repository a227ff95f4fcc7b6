"""The child process every notebook call runs: ``python -m handlerbench COMMAND ...``.

Keyword options become command-line arguments, checked against the
command's own parser; the child's errors and warnings come back through a
file it writes them to (``errors.REPORT_FILE``), never parsed from its text.
"""

from __future__ import annotations

import argparse
import json as jsonlib
import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from handlerbench.errors import REPORT_FILE, HandlerbenchError, UsageError

# pyperf's own options a notebook may pass to run(): name -> takes a value.
PYPERF_OPTIONS: dict[str, bool] = {
    "fast": False,
    "rigorous": False,
    "processes": True,
    "values": True,
    "warmups": True,
    "loops": True,
    "min_time": True,
    "timeout": True,
    "affinity": True,
    "python": True,
    "inherit_environ": True,
    "copy_env": False,
    "track_memory": False,
    "tracemalloc": False,
    "debug_single_value": False,
}
# Friendlier keyword names for options whose flag reads oddly in Python.
ALIASES = {"json": "json_body", "headers": "header", "cookies": "cookie"}


def command_line(
    parser: argparse.ArgumentParser, options: Mapping[str, Any], scratch: str
) -> list[str]:
    """Keyword options as command-line arguments, checked against ``parser``'s options.

    A bytes body is written to a file in ``scratch`` and passed as ``@FILE``.
    """
    actions = {action.dest: action for action in parser._actions if action.option_strings}
    argv: list[str] = []
    for key, value in options.items():
        dest = ALIASES.get(key, key)
        # JSON false is a body; everywhere else False means "not given".
        if value is None or (value is False and dest != "json_body"):
            continue
        if dest in actions:
            action = actions[dest]
            flag = max(action.option_strings, key=len)
            takes_value = action.nargs != 0
        elif dest in PYPERF_OPTIONS and parser.prog.endswith(" run"):
            flag, takes_value = "--" + dest.replace("_", "-"), PYPERF_OPTIONS[dest]
        else:
            raise UsageError(f"unknown option {key!r} for {parser.prog}")
        if not takes_value:
            if value is not True:
                raise UsageError(f"{key}= is a switch: give True or leave it out")
            argv.append(flag)
            continue
        # FLAG=VALUE: a value starting with "-" stays a value.
        for text in _values(dest, value, scratch, repeated=action_repeats(actions.get(dest))):
            argv.append(f"{flag}={text}")
    return argv


def action_repeats(action: argparse.Action | None) -> bool:
    return isinstance(action, argparse._AppendAction)


def _values(dest: str, value: Any, scratch: str, repeated: bool) -> list[str]:
    """One option's value(s) as text: lists joined by commas, or one per flag if repeatable."""
    if dest == "json_body" and not isinstance(value, str):
        return [jsonlib.dumps(value)]
    if dest == "body" and isinstance(value, (bytes, bytearray, memoryview)):
        path = Path(scratch, "body")
        path.write_bytes(bytes(value))
        return [f"@{path}"]
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if dest == "body" and isinstance(value, str) and value.startswith("@"):
        return [value]
    if isinstance(value, Mapping):
        separator = ": " if dest == "header" else "="
        value = [f"{k}{separator}{v}" for k, v in value.items()]
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = [str(item) for item in value]
        return items if repeated else [",".join(items)]
    return [str(value)]


def run_child(argv: list[str], progress: bool = False) -> str:
    """Run ``python -m handlerbench *argv``; its stdout, or its one-line error raised.

    The child writes each error and warning it prints to a file named in
    its environment (``REPORT_FILE``); warnings become Python warnings, and
    the last error is raised with the child's exit status.
    """
    env = dict(os.environ)
    package_root = Path(__file__).resolve().parents[2]
    if (package_root / "pyproject.toml").exists():
        # A source checkout the notebook imported: the child imports the same one.
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(package_root), env.get("PYTHONPATH")])
        )
    command = [sys.executable, "-m", "handlerbench", *argv]
    with tempfile.TemporaryDirectory(prefix="handlerbench-child-") as scratch:
        reported = Path(scratch, "reported.jsonl")
        env[REPORT_FILE] = str(reported)
        with tempfile.TemporaryFile("w+") as errors:
            with subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env
            ) as process:
                assert process.stdout is not None
                lines = []
                try:
                    for line in process.stdout:
                        lines.append(line)
                        if progress:
                            print(line, end="", flush=True)
                    status = process.wait()
                except BaseException:
                    # Interrupted (the notebook's stop button): the run goes too.
                    process.kill()
                    raise
            errors.seek(0)
            stderr = errors.read()
        said = _read_reports(reported)
    for kind, message in said:
        if kind == "warning":
            warnings.warn(message, stacklevel=3)
    if status != 0:
        messages = [message for kind, message in said if kind == "error"]
        message = messages[-1] if messages else stderr.strip()[-2000:]
        raise (UsageError if status == 2 else HandlerbenchError)(
            message or f"python -m handlerbench {argv[0]} exited with status {status}"
        )
    return "".join(lines)


def _read_reports(path: Path) -> list[tuple[str, str]]:
    """The (kind, message) pairs the child reported, in order."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return []
    said = []
    for line in text.splitlines():
        try:
            record = jsonlib.loads(line)
            said.append((str(record["kind"]), str(record["message"])))
        except (ValueError, KeyError, TypeError):
            continue
    return said
