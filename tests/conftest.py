"""Shared fixtures. The root conftest.py has already set the fast mode."""

from __future__ import annotations

from pathlib import Path

import jupytext
import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def load_definitions(name: str) -> dict:
    """Execute the cells tagged ``definitions`` of ``notebooks/<name>.py`` and return their
    namespace: the tests check the very code the reader sees in the chapter."""
    nb = jupytext.read(NOTEBOOKS / f"{name}.py")
    namespace: dict = {"__name__": f"notebook_{name}"}
    cells = [
        c
        for c in nb.cells
        if c.cell_type == "code" and "definitions" in c.metadata.get("tags", [])
    ]
    if not cells:
        raise AssertionError(f"{name}.py has no cell tagged 'definitions'")
    for cell in cells:
        exec(compile(cell.source, str(NOTEBOOKS / f"{name}.py"), "exec"), namespace)
    return namespace


@pytest.fixture(scope="session")
def fashion():
    from helpers.fashion_mnist import load_fashion_mnist

    return load_fashion_mnist()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
