"""One revision for Colab: the notebook the launch button opens and the helpers it installs.

The repository and the revision live in one place, ``[tool.dlbook]`` of pyproject.toml.
The book's Colab button opens ``<repository>/blob/<branch>/notebooks/<chapter>.ipynb``
(``repository.branch`` of ``_config.yml``), and the notebook's first cell installs the
``helpers`` package from ``<repository>@<revision>``: both must be the same revision, or a
chapter that uses a new helper fails in Colab. This script writes the revision into both:

    python tools/colab_cell.py --write   # after changing the revision (then `make sync`)
    python tools/colab_cell.py --check   # what the tests run
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "_config.yml"
TAG = "colab"
# the `branch:` line under `repository:` in _config.yml
BRANCH_LINE = re.compile(r"^(  branch: )(\S+)$", re.M)


def settings() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return data["tool"]["dlbook"]


def cell_source(repository: str, revision: str) -> str:
    return f'''# Colab only: install the book's helpers from the revision this notebook comes from.
# (Locally, `make book` or `pip install -e .` has installed them already.)
import sys

if "google.colab" in sys.modules:
    import subprocess

    repository, revision = "{repository}", "{revision}"
    package = f"dlbook-helpers @ git+{{repository}}@{{revision}}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)'''


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("q*.py"))


def config_branch() -> str | None:
    match = BRANCH_LINE.search(CONFIG.read_text())
    return match.group(2) if match else None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--write", action="store_true")
    args = parser.parse_args()
    cfg = settings()
    revision = cfg["revision"]
    expected = cell_source(cfg["repository"], revision)
    stale = []
    branch = config_branch()
    if branch is None:
        stale.append("_config.yml: no `repository: branch:` line")
    elif branch != revision:
        if args.write:
            CONFIG.write_text(BRANCH_LINE.sub(rf"\g<1>{revision}", CONFIG.read_text()))
            print(f"updated _config.yml: branch {revision}")
        else:
            stale.append(
                f"_config.yml: the Colab button opens branch {branch!r}, "
                f"pyproject.toml's revision is {revision!r}"
            )
    for path in notebooks():
        nb = jupytext.read(path)
        cells = [c for c in nb.cells if TAG in c.metadata.get("tags", [])]
        first_code = next((c for c in nb.cells if c.cell_type == "code"), None)
        if len(cells) != 1 or cells[0] is not first_code:
            stale.append(
                f"{path.name}: needs exactly one code cell tagged '{TAG}', the first"
            )
            continue
        if cells[0].source != expected:
            if args.write:
                cells[0].source = expected
                jupytext.write(nb, path, fmt="py:percent")
                print(f"updated {path.name}")
            else:
                stale.append(
                    f"{path.name}: its Colab cell differs from pyproject.toml's revision"
                )
    for line in stale:
        print(line, file=sys.stderr)
    if stale:
        print("run: python tools/colab_cell.py --write && make sync", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
