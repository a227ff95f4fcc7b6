"""Safe output: a result file is whole or absent, and an earlier one is never clobbered.

pyperf writes ``-o FILE`` after each benchmark, and ``--append FILE`` by
reading, extending and rewriting the file: a run killed part-way can leave a
half-written file, or an appended-to file cut short. Here pyperf writes to a
temporary file beside the target (``.NAME.PID.tmp.json``; a copy of the
existing file for ``--append``), which replaces the target in one
``os.replace`` only when the whole run has succeeded. A failed or
interrupted run removes its temporary file; a killed one leaves only that.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from handlerbench.errors import UsageError


def temporary_beside(path: str | os.PathLike[str]) -> Path:
    """A temporary name in ``path``'s directory, keeping its suffix (formats go by it)."""
    final = Path(path)
    return final.with_name(f".{final.stem}.{os.getpid()}.tmp{final.suffix}")


def check_directory(path: str | os.PathLike[str], option: str) -> None:
    """A usage error unless ``path``'s directory exists."""
    directory = Path(path).resolve().parent
    if not directory.is_dir():
        raise UsageError(f"{option} {path}: the directory {directory} does not exist")


@contextmanager
def replaced_when_done(path: str | os.PathLike[str], keep_existing: bool = False) -> Iterator[str]:
    """Yield a temporary path to write; it replaces ``path`` only if the block succeeds.

    ``keep_existing`` starts the temporary file as a copy of ``path`` (to
    append to). Nothing written, nothing replaced.
    """
    final = Path(path)
    temporary = temporary_beside(final)
    if keep_existing and final.exists():
        shutil.copyfile(final, temporary)
    try:
        yield str(temporary)
        if temporary.exists():
            with open(temporary, "rb") as written:
                os.fsync(written.fileno())
            os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """``write(temporary_path)``, then move the result over ``path`` in one step."""
    with replaced_when_done(path) as temporary:
        write(temporary)


def pyperf_outputs(argv: Sequence[str]) -> argparse.Namespace:
    """``-o``/``--append`` as given, read before pyperf parses (it refuses with its own words)."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("-o", "--output")
    parser.add_argument("--append")
    parser.add_argument("--worker", action="store_true")
    known, _ = parser.parse_known_args(list(argv))
    if known.worker:
        return known
    if known.output:
        check_directory(known.output, "-o")
        if os.path.exists(known.output):
            raise UsageError(
                f"-o {known.output}: the file exists; choose another name, or --append to add to it"
            )
    if known.append:
        check_directory(known.append, "--append")
    return known


@contextmanager
def safe_pyperf_output(args: argparse.Namespace) -> Iterator[None]:
    """Point pyperf's parsed ``args.output``/``args.append`` at temporary files while inside.

    SIGTERM becomes an exit that cleans up, as Ctrl-C already does.
    """
    if getattr(args, "worker", False) or not (args.output or args.append):
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        with _redirected(args, "output", False), _redirected(args, "append", True):
            yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _redirected(args: argparse.Namespace, option: str, keep_existing: bool) -> Iterator[None]:
    final = getattr(args, option)
    if not final:
        yield
        return
    with replaced_when_done(final, keep_existing) as temporary:
        setattr(args, option, temporary)
        try:
            yield
        finally:
            setattr(args, option, final)
