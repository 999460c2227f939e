"""The notebooks as sources: pairs in sync, the Colab cell, stored outputs, the toc."""

import json
import subprocess
import sys

import jupytext
import pytest
import yaml

from conftest import NOTEBOOKS, ROOT

PAIRS = sorted(NOTEBOOKS.glob("q*.py"))


def test_every_chapter_has_both_files():
    assert PAIRS, "no notebooks found"
    assert {p.stem for p in PAIRS} == {p.stem for p in NOTEBOOKS.glob("q*.ipynb")}


@pytest.mark.parametrize("py", PAIRS, ids=lambda p: p.stem)
def test_jupytext_pair_is_in_sync(py):
    """Compare contents, not file times (a fresh clone scrambles the times)."""
    source = jupytext.read(py)
    stored = jupytext.read(py.with_suffix(".ipynb"))
    a = [(c.cell_type, c.source.strip()) for c in source.cells]
    b = [(c.cell_type, c.source.strip()) for c in stored.cells]
    assert len(a) == len(b), (
        f"{py.name}: {len(a)} cells in the .py, {len(b)} in the .ipynb; run `make sync`"
    )
    for i, (x, y) in enumerate(zip(a, b)):
        assert x == y, (
            f"{py.name}: cell {i} differs between .py and .ipynb; run `make sync`"
        )


@pytest.mark.parametrize("py", PAIRS, ids=lambda p: p.stem)
def test_stored_outputs_are_full_mode_and_error_free(py):
    nb = json.loads(py.with_suffix(".ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code[1:]), (
        f"{py.name}: not every cell was executed"
    )
    text = json.dumps([c.get("outputs", []) for c in code])
    assert "Mode: full" in text and "Mode: fast" not in text
    assert '"output_type": "error"' not in text
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_colab_cells_match_pyproject():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "colab_cell.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_toc_lists_every_chapter_as_ipynb_and_the_repository_is_one():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    for py in PAIRS:
        assert f"notebooks/{py.stem}.ipynb" in files
    import tomllib

    repo = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["dlbook"][
        "repository"
    ]
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == repo
    assert config["execute"]["execute_notebooks"] == "off"


def test_performance_page_matches_the_recorded_measurements():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "performance_page.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_glossary_page_lists_the_chapters_where_each_term_appears():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "glossary_page.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
