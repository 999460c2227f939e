"""Execute notebooks in full mode and store their outputs in the .ipynb twin of each .py.

    python tools/execute.py notebooks/q1_generalization.py ...   # full mode, outputs stored
    python tools/execute.py --fast-timing notebooks/q1_*.py       # also time the fast mode

The .py (py:percent) file is the source. Each run's wall time, mode and machine are recorded
in book/timings.json, which the performance page renders.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import torch
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from helpers.config import cpu_name  # noqa: E402

TIMINGS = ROOT / "book" / "timings.json"


def machine() -> dict[str, str]:
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    return {
        "cpu": cpu_name(),
        "cores": str(os.cpu_count()),
        "gpu": gpu,
        "torch": torch.__version__,
        "python": platform.python_version(),
    }


def run(path: Path, fast: bool, workdir: Path) -> tuple[object, float]:
    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    env_before = dict(os.environ)
    os.environ["DLBOOK_PROGRESS"] = "0"
    if fast:
        os.environ["DLBOOK_FAST"] = "1"
    else:
        os.environ.pop("DLBOOK_FAST", None)
    try:
        start = time.perf_counter()
        NotebookClient(
            nb,
            timeout=3600,
            kernel_name="python3",
            resources={"metadata": {"path": str(workdir)}},
        ).execute()
        seconds = time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    return nb, seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--fast-timing",
        action="store_true",
        help="also time a fast-mode run (outputs not stored)",
    )
    parser.add_argument(
        "--no-full",
        action="store_true",
        help="skip the full-mode run (with --fast-timing)",
    )
    args = parser.parse_args()
    timings = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {"chapters": {}}
    for py in args.notebooks:
        py = py.resolve()
        if py.suffix != ".py":
            sys.exit(f"{py}: give the .py source of the notebook")
        entry = timings["chapters"].setdefault(py.stem, {})
        if not args.no_full:
            print(f"executing {py.name} (full mode) ...", flush=True)
            nb, seconds = run(py, fast=False, workdir=py.parent)
            jupytext.write(nb, py.with_suffix(".ipynb"))
            entry["full_s"] = round(seconds, 1)
            entry["full_machine"] = machine()
            entry["full_date"] = time.strftime("%Y-%m-%d")
            print(
                f"  {seconds:.1f} s, outputs stored in {py.with_suffix('.ipynb').name}",
                flush=True,
            )
        if args.fast_timing:
            with tempfile.TemporaryDirectory() as tmp:
                _, seconds = run(py, fast=True, workdir=Path(tmp))
            entry["fast_s"] = round(seconds, 1)
            entry["fast_machine"] = machine()
            print(f"  fast mode: {seconds:.1f} s", flush=True)
        TIMINGS.write_text(json.dumps(timings, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
