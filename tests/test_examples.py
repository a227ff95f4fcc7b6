"""examples/*.ipynb run green from a Jupyter kernel, as users run them (the notebook extra)."""

import os
from pathlib import Path

import pytest

from tests.helpers import ROOT

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

NOTEBOOKS = sorted((ROOT / "examples").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_example_notebook_runs_green(path: Path, tmp_path, monkeypatch):
    # The kernel imports handlerbench from this checkout, as the tests do.
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    # The run's table and the DataFrame, as HTML.
    assert any("asgi/default/sync" in table and "<table" in table for table in html)
    assert any("image/png" in o.get("data", {}) for o in outputs), "the plot"
    text = "".join(o.get("text", "") for o in outputs)
    assert "ASGI costs" in text
    assert any(
        "SessionMiddleware.process_request" in o.get("data", {}).get("text/plain", "")
        for o in outputs
    )


def test_there_is_an_example():
    assert NOTEBOOKS
