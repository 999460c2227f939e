"""What Colab does: the helpers wheel installed (not editable), each notebook copied to a
folder outside the repository and executed there in fast mode.

No notebook may reach into the repository (relative imports, ../ paths) except through the
installed helpers package and its data discovery.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("q*.ipynb"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build the wheel and install it, without dependencies, into a folder of its own."""
    tmp = tmp_path_factory.mktemp("colab")
    wheels, site = tmp / "wheels", tmp / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next(wheels.glob("dlbook_helpers-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
    )
    assert (site / "helpers" / "__init__.py").exists()
    assert not (site / "helpers" / "__editable__").exists()
    return tmp, site


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_outside_the_repository(installed, notebook, monkeypatch):
    tmp, site = installed
    work = tmp / notebook.stem
    work.mkdir()
    copy = work / notebook.name
    shutil.copy(notebook, copy)  # only the notebook travels, as when Colab opens it
    nb = jupytext.read(copy)
    # first cell after the Colab one: prove which helpers is imported and that the repo is unseen
    probe = jupytext.reads(
        "import helpers, os, sys\n"
        f"assert helpers.__file__.startswith({str(site)!r}), helpers.__file__\n"
        # nothing of the repository on the path, except the virtual environment's site-packages
        f"assert not any(p and os.path.abspath(p).startswith({str(ROOT)!r}) "
        f"and not os.path.abspath(p).startswith({str(ROOT / '.venv')!r}) "
        "for p in sys.path), sys.path\n"
        f"assert os.getcwd() == {str(work)!r}\n",
        fmt="py:percent",
    ).cells[0]
    nb.cells.insert(2, probe)
    monkeypatch.setenv("PYTHONPATH", str(site))
    monkeypatch.setenv("DLBOOK_FAST", "1")
    monkeypatch.setenv("DLBOOK_PROGRESS", "0")
    monkeypatch.chdir(work)
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(work)}},
    ).execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert errors == []
    assert "Mode: fast" in str(nb.cells[3].get("outputs", ""))
