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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from handlerbench.drive import deadline as watchdog
from handlerbench.errors import HandlerbenchError, UsageError, sigterm_raises


def temporary_beside(path: str | os.PathLike[str]) -> Path:
    """A temporary name in ``path``'s directory, keeping its suffix (formats go by it)."""
    final = Path(path)
    return final.with_name(f".{final.stem}.{os.getpid()}.tmp{final.suffix}")


def check_directory(path: str | os.PathLike[str], option: str) -> None:
    """A usage error unless ``path`` can be a file in a directory that exists."""
    directory = Path(path).resolve().parent
    if not directory.is_dir():
        raise UsageError(f"{option} {path}: the directory {directory} does not exist")
    if Path(path).is_dir():
        raise UsageError(f"{option} {path}: is a directory")


@contextmanager
def replaced_when_done(
    path: str | os.PathLike[str], keep_existing: bool = False, exclusive: bool = False
) -> Iterator[str]:
    """Yield a temporary path to write; it replaces ``path`` only if the block succeeds.

    ``keep_existing`` starts the temporary file as a copy of ``path`` (to
    append to). ``exclusive`` never replaces a file: if one appeared at
    ``path`` meanwhile, the results stay in the temporary file, named in the
    error. Nothing written, nothing replaced. The temporary file goes even
    when the watchdog ends the process.
    """
    final = Path(path)
    temporary = temporary_beside(final)
    if keep_existing and final.exists():
        shutil.copyfile(final, temporary)
    cleanup = watchdog.on_exit(lambda: temporary.unlink(missing_ok=True))
    try:
        yield str(temporary)
        if temporary.exists():
            with open(temporary, "rb") as written:
                os.fsync(written.fileno())
            if exclusive:
                _link(temporary, final)
            else:
                os.replace(temporary, final)
    finally:
        cleanup()
        temporary.unlink(missing_ok=True)


def _link(temporary: Path, final: Path) -> None:
    """Give ``temporary`` the name ``final`` unless that name exists (atomic), then drop it."""
    try:
        os.link(temporary, final)
    except FileExistsError:
        kept = final.with_name(f"{final.stem}.{os.getpid()}{final.suffix}")
        os.replace(temporary, kept)
        raise HandlerbenchError(
            f"-o {final}: a file of that name appeared during the run; the results are in {kept}"
        ) from None
    except OSError:  # a file system without hard links
        if final.exists():
            raise
        os.replace(temporary, final)
        return
    temporary.unlink()


def write_atomically(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """``write(temporary_path)``, then move the result over ``path`` in one step."""
    try:
        with replaced_when_done(path) as temporary:
            write(temporary)
    except OSError as exc:
        raise HandlerbenchError(f"{path}: cannot write it ({exc.strerror or exc})") from None


def check_new_output(path: str | None, option: str = "-o") -> None:
    """Before measuring: ``path`` can be written, and is no file already (never clobbered)."""
    if path:
        check_directory(path, option)
        if os.path.exists(path):
            raise UsageError(f"{option} {path}: the file exists; choose another name")


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
        if os.path.exists(known.append):
            _refuse_unless_pyperf(known.append)
    return known


def _refuse_unless_pyperf(path: str) -> None:
    """``--append`` to a file: it must be pyperf JSON already (checked before any timing)."""
    import pyperf

    try:
        pyperf.BenchmarkSuite.load(path)
    except IsADirectoryError:
        raise UsageError(f"--append {path}: is a directory") from None
    except Exception as exc:
        raise HandlerbenchError(
            f"--append {path}: not a pyperf JSON file ({type(exc).__name__}: {exc})"
        ) from None


@contextmanager
def safe_pyperf_output(args: argparse.Namespace) -> Iterator[None]:
    """Point pyperf's parsed ``args.output``/``args.append`` at temporary files while inside.

    SIGTERM raises ``Terminated`` so the temporary files go, as Ctrl-C's
    KeyboardInterrupt does; the command line then exits at once.
    """
    if getattr(args, "worker", False) or not (args.output or args.append):
        yield
        return
    with sigterm_raises(), _redirected(args, "output", False), _redirected(args, "append", True):
        yield


@contextmanager
def _redirected(args: argparse.Namespace, option: str, keep_existing: bool) -> Iterator[None]:
    final = getattr(args, option)
    if not final:
        yield
        return
    with replaced_when_done(final, keep_existing, exclusive=option == "output") as temporary:
        setattr(args, option, temporary)
        try:
            yield
        finally:
            setattr(args, option, final)
