"""docs/bad-input.md: every row's command gets its status and its one line, no traceback."""

import os
import re
import shlex

import pytest

from tests.helpers import ROOT, handlerbench

TABLE = (ROOT / "docs" / "bad-input.md").read_text()
PROJECT = "--pythonpath tests/sample_project --settings mysite.settings"
ROW = re.compile(
    r"^\| (?P<input>[^|]+) \| `(?P<command>[^`]+)` \| (?P<status>\d) \| `(?P<says>.+)` \|$"
)
ROWS = [match.groupdict() for match in map(ROW.match, TABLE.splitlines()) if match]

# Rows that need an environment made on purpose: a package hidden, or Django's
# metadata asking for an asgiref that does not exist.
HIDDEN = {
    "a missing optional dependency: uvloop": "uvloop",
    "a missing optional dependency: pyinstrument": "pyinstrument",
    "a missing optional dependency: matplotlib": "matplotlib",
    "a missing server: gunicorn": "gunicorn",
}
MISMATCH = "an incompatible Django/asgiref pair"
NO_VALGRIND = "a missing valgrind"


def shim(tmp_path, row):
    """A directory to put first on PYTHONPATH for ``row``, or None."""
    if row["input"] in HIDDEN:
        name = HIDDEN[row["input"]]
        (tmp_path / f"{name}.py").write_text(f'raise ImportError("No module named {name}")\n')
        return tmp_path
    if row["input"] == MISMATCH:
        import django

        info = tmp_path / f"django-{django.__version__}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: Django\nVersion: {django.__version__}\n"
            "Requires-Dist: asgiref>=99\n"
        )
        return tmp_path
    return None


def test_the_table_has_the_rows_the_issue_asks_for():
    inputs = {row["input"] for row in ROWS}
    assert len(ROWS) >= 25
    assert {*HIDDEN, MISMATCH, NO_VALGRIND} <= inputs


@pytest.mark.parametrize("row", ROWS, ids=[row["input"] for row in ROWS])
def test_each_bad_input_gets_its_status_and_one_line(row, tmp_path, monkeypatch):
    argv = shlex.split(row["command"].replace(" P ", f" {PROJECT} "))
    assert argv[0] == "handlerbench"
    directory = shim(tmp_path, row)
    if directory is not None:
        monkeypatch.setenv(
            "PYTHONPATH", os.pathsep.join(filter(None, [str(directory), os.getenv("PYTHONPATH")]))
        )
    if row["input"] == NO_VALGRIND:
        # handlerbench's own Python is run by its full path.
        monkeypatch.setenv("PATH", str(tmp_path))
    if "chart.png" in argv:
        argv[argv.index("chart.png")] = str(tmp_path / "chart.png")
    result = handlerbench(*argv[1:], timeout=90)
    assert result.returncode == int(row["status"]), result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handlerbench: error: ")
    assert row["says"] in lines[0]


def test_debug_shows_the_traceback():
    result = handlerbench("--debug", "run", "asgi/none/nope")
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "UsageError: scenario 'asgi/none/nope'" in result.stderr


def test_an_unforeseen_error_is_one_line_asking_for_a_report():
    result = handlerbench("run", "--app", "tests.sample_apps:wsgi_bug", "--interface", "wsgi")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
