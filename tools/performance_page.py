"""Write book/performance.md from the recorded measurements.

    python tools/performance_page.py          # regenerate the page
    python tools/performance_page.py --check  # what the tests run: fail if the page is stale

Inputs (all written by this project's own scripts, never by hand):
- book/timings.json     chapter run times, full and fast mode (tools/execute.py, `make execute`)
- book/pipeline.json    benchmarks/pipeline.py --json
- book/throughput.json  benchmarks/throughput.py --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
PAGE = BOOK / "performance.md"
TITLES = {
    "q1_generalization": "Q1 · Generalization and dropout",
    "q2_regularization": "Q2 · Bias, variance and regularization",
    "q3_distillation": "Q3 · Knowledge distillation",
    "q4_optimizers": "Q4 · Optimizers from scratch",
    "q5_fashion_mnist": "Q5 · An MLP on Fashion-MNIST",
}


def load(name: str) -> dict | None:
    path = BOOK / name
    return json.loads(path.read_text()) if path.exists() else None


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "not measured"
    return f"{s:.0f} s ({s / 60:.1f} min)" if s >= 60 else f"{s:.1f} s"


def _machines(chapters: dict, key: str) -> str:
    values = {(c.get("full_machine") or {}).get(key) for c in chapters.values()}
    return ", ".join(sorted(v for v in values if v))


def _timings(out: list[str]) -> None:
    timings = load("timings.json")
    if not timings:
        out.append("Not measured yet: run `make execute`.")
        return
    chapters = timings["chapters"]
    out.append(
        f"Measured by `make execute` on: CPU {_machines(chapters, 'cpu')} "
        f"({_machines(chapters, 'cores')} cores), GPU: {_machines(chapters, 'gpu')}."
    )
    out += [
        "",
        "| Chapter | Full mode (stored outputs) | Fast mode (`DLBOOK_FAST=1`, tests) |",
        "|---|---|---|",
    ]
    total_full = total_fast = 0.0
    for key in sorted(chapters):
        c = chapters[key]
        total_full += c.get("full_s") or 0
        total_fast += c.get("fast_s") or 0
        full, fast = fmt_seconds(c.get("full_s")), fmt_seconds(c.get("fast_s"))
        out.append(f"| {TITLES.get(key, key)} | {full} | {fast} |")
    total = f"**{fmt_seconds(total_full)}** | **{fmt_seconds(total_fast)}**"
    out.append(f"| **whole book** | {total} |")


def _pipeline(out: list[str]) -> None:
    pipeline = load("pipeline.json")
    if not pipeline:
        out.append("Not measured yet: run `make benchmarks`.")
        return
    out.append(f"Machine: {pipeline['machine']}, {pipeline['cores']} cores.")
    out += [
        "",
        "| What is timed | Straightforward | The book's | Speed-up |",
        "|---|---|---|---|",
    ]
    for c in pipeline["comparisons"]:
        unit, scale = ("ms", 1000) if c["baseline_s"] < 1 else ("s", 1)
        base = f"{c['baseline']}: {c['baseline_s'] * scale:.2f} {unit}"
        ours = f"{c['ours']}: {c['ours_s'] * scale:.2f} {unit}"
        out.append(f"| {c['what']} | {base} | {ours} | **{c['speedup']:.1f}x** |")


def _throughput(out: list[str]) -> None:
    tp = load("throughput.json")
    if not tp:
        out.append("Not measured yet: run `make benchmarks`.")
        return
    bf16 = "yes" if tp["bf16_native"] else "no"
    out.append(
        f"Device: {tp['device']} ({tp['device_type']}), {tp['cores']} CPU cores, "
        f"torch {tp['torch']}; bfloat16 in hardware: {bf16}."
    )
    out += ["", "| Peak (`torch.mm` 2048x2048) | GFLOP/s |", "|---|---|"]
    for name, value in tp["peaks_gflops"].items():
        out.append(f"| {name} | {value:.0f} |")
    out += [
        "",
        "The peak is a practical reference (one large matrix product), not the hardware's "
        "theoretical limit, so an efficient step can reach it or edge past it.",
        "",
        "| Model | Batch | Precision | ms/step | GFLOP/s | of its peak | of the float32 peak |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in tp["steps"]:
        out.append(
            f"| {r['model']} | {r['batch']} | {r['precision']} | {r['ms_per_step']:.1f} | "
            f"{r['gflops']:.0f} | {r['of_peak']:.0%} | {r['of_fp32_peak']:.0%} |"
        )
    acc = tp["accuracy"]
    out += [
        "",
        "Under bfloat16 autocast the (b) model's training step at batch 256 is "
        f"{tp['bf16_speedup_big_256']:.2f}x faster than in float32. The (a) model trained "
        f"with Adam for {tp['accuracy_epochs']} epochs from the same seed reaches a "
        f"validation accuracy of {acc['float32']:.4f} in float32 and "
        f"{acc['bfloat16']:.4f} under bfloat16 autocast (one seed each).",
        "The chapters train in float32, so that their stored numbers do not depend on "
        "whether the hardware has bfloat16; the benchmark measures what it would gain.",
    ]


def render() -> str:
    out = [
        "# Performance",
        "",
        "How long the book takes to re-execute, and how fast its training code is, measured",
        "by the project's own scripts on the machine named with each table. The page is",
        "generated by `tools/performance_page.py` from the JSON files those scripts write;",
        "nothing here is typed by hand.",
        "",
        "## Chapter execution times",
        "",
    ]
    _timings(out)
    out += ["", "## The data pipeline (`benchmarks/pipeline.py`)", ""]
    _pipeline(out)
    out += [
        "",
        "## Training-step throughput against the machine's peak "
        "(`benchmarks/throughput.py`)",
        "",
    ]
    _throughput(out)
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not PAGE.exists() or PAGE.read_text() != text:
            print(
                "book/performance.md is stale: run python tools/performance_page.py",
                file=sys.stderr,
            )
            return 1
        return 0
    PAGE.write_text(text)
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
