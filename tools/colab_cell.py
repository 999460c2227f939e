"""Keep the first cell of every notebook (the Colab install cell) in step with pyproject.toml.

The repository URL and the pinned revision live in one place, ``[tool.dlbook]`` of
pyproject.toml. This script writes them into the cell tagged ``colab`` of each
``notebooks/q*.py``:

    python tools/colab_cell.py --write   # after changing the pin (then `make sync`)
    python tools/colab_cell.py --check   # what the tests run
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
TAG = "colab"


def config() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return data["tool"]["dlbook"]


def cell_source(repository: str, revision: str) -> str:
    return f'''# Colab only: install the book's helpers from a pinned revision of the repository.
# (Locally, `make book` or `pip install -e .` has installed them already.)
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q",
         "dlbook-helpers @ git+{repository}@{revision}"],
        check=True,
    )'''


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("q*.py"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--write", action="store_true")
    args = parser.parse_args()
    cfg = config()
    expected = cell_source(cfg["repository"], cfg["colab_revision"])
    stale = []
    for path in notebooks():
        nb = jupytext.read(path)
        cells = [c for c in nb.cells if TAG in c.metadata.get("tags", [])]
        first_code = next((c for c in nb.cells if c.cell_type == "code"), None)
        if len(cells) != 1 or cells[0] is not first_code:
            stale.append(f"{path.name}: needs exactly one code cell tagged '{TAG}', the first code cell")
            continue
        if cells[0].source != expected:
            if args.write:
                cells[0].source = expected
                jupytext.write(nb, path, fmt="py:percent")
                print(f"updated {path.name}")
            else:
                stale.append(f"{path.name}: the Colab cell differs from pyproject.toml's [tool.dlbook]")
    for line in stale:
        print(line, file=sys.stderr)
    if stale:
        print("run: python tools/colab_cell.py --write && make sync", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
