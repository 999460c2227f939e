"""How close does a training step of chapter Q5's models come to this machine's limit?

    python benchmarks/throughput.py                 # about two minutes on 2 CPU cores
    python benchmarks/throughput.py --json PATH     # also write the results for the book

In one run on one machine:

1. the peak: GFLOP/s of a 2048x2048 `torch.mm`, in float32 and in bfloat16;
2. a full training step (forward, backward, SGD update) of the (a) model (784-512-256-128-10)
   and the (b) model (784-1024-2048-2048-1024-256-128-10) at batch 64 and 256, in float32 and
   under bfloat16 autocast: achieved GFLOP/s (6 x multiply-adds of the linear layers x batch:
   2 for the forward pass, 4 for the backward pass) and the ratio to the peak of the same
   precision;
3. accuracy is unchanged: the (a) model trained with Adam for a few epochs in both precisions
   from the same seed, validation accuracy of each.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import helpers  # noqa: E402
from helpers.config import device_name, pick_device  # noqa: E402
from helpers.tensors import iterate_batches  # noqa: E402

MODELS = {
    "(a) 784-512-256-128-10": [784, 512, 256, 128, 10],
    "(b) 784-1024-2048-2048-1024-256-128-10": [
        784,
        1024,
        2048,
        2048,
        1024,
        256,
        128,
        10,
    ],
}


def cpu_has_native_bf16() -> bool:
    """True when the CPU has bfloat16 instructions (AMX or AVX512-BF16), so bf16 is not
    emulated."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "")
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def best_time(fn, device: torch.device, warmup: int, repeat: int, inner: int) -> float:
    for _ in range(warmup):
        fn()
    sync(device)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        sync(device)
        best = min(best, (time.perf_counter() - start) / inner)
    return best


def peak_gflops(dtype: torch.dtype, device: torch.device, n: int = 2048) -> float:
    a = torch.randn(n, n, device=device).to(dtype)
    b = torch.randn(n, n, device=device).to(dtype)
    seconds = best_time(lambda: torch.mm(a, b), device, warmup=3, repeat=5, inner=5)
    return 2 * n**3 / seconds / 1e9


def step_gflops(
    sizes: list[int], batch: int, dtype: torch.dtype, device: torch.device
) -> tuple[float, float]:
    """Seconds per training step and achieved GFLOP/s."""
    helpers.seed_everything(0)
    model = helpers.mlp(sizes).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.rand(batch, 1, 28, 28, device=device)
    y = torch.randint(0, 10, (batch,), device=device)

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast(device.type, dtype=dtype, enabled=dtype != torch.float32):
            loss = F.cross_entropy(model(x).float(), y)
        loss.backward()
        opt.step()

    seconds = best_time(step, device, warmup=3, repeat=5, inner=10)
    macs = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return seconds, 6 * macs * batch / seconds / 1e9


def accuracy_check(
    splits, dtype: torch.dtype, epochs: int, device: torch.device
) -> float:
    """Chapter Q5's (a) network trained with Adam (batch 256) from seed 0, every step under
    ``dtype`` autocast (none for float32); its final validation accuracy."""
    helpers.seed_everything(0)
    model = helpers.mlp([784, 512, 256, 128, 10]).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    order = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        for xb, yb in iterate_batches(
            splits.train_x, splits.train_y, batch_size=256, generator=order
        ):
            with torch.autocast(
                device.type, dtype=dtype, enabled=dtype != torch.float32
            ):
                loss = F.cross_entropy(model(xb).float(), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return helpers.evaluate(model, splits.val_x, splits.val_y)[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--epochs", type=int, default=5, help="epochs of the accuracy check"
    )
    args = parser.parse_args()
    device = pick_device()
    bf16_native = device.type != "cpu" or cpu_has_native_bf16()
    print(
        f"device: {device_name(device)} ({device.type}), {os.cpu_count()} CPU cores, "
        f"torch {torch.__version__}"
    )
    print(f"bfloat16 in hardware: {bf16_native}\n")

    precisions = {"float32": torch.float32, "bfloat16": torch.bfloat16}
    peaks = {name: peak_gflops(dt, device) for name, dt in precisions.items()}
    for name, value in peaks.items():
        print(f"peak torch.mm 2048x2048, {name:<8}: {value:8.1f} GFLOP/s")
    print()

    rows = []
    print(
        f"{'model':<40} {'batch':>5} {'precision':>9} {'ms/step':>8} {'GFLOP/s':>8} "
        f"{'of peak':>8} {'of fp32 peak':>12}"
    )
    for model_name, sizes in MODELS.items():
        for batch in (64, 256):
            for pname, dtype in precisions.items():
                seconds, gflops = step_gflops(sizes, batch, dtype, device)
                row = {
                    "model": model_name,
                    "batch": batch,
                    "precision": pname,
                    "ms_per_step": seconds * 1000,
                    "gflops": gflops,
                    "of_peak": gflops / peaks[pname],
                    "of_fp32_peak": gflops / peaks["float32"],
                }
                rows.append(row)
                print(
                    f"{model_name:<40} {batch:>5} {pname:>9} {row['ms_per_step']:>8.1f} "
                    f"{gflops:>8.1f} "
                    f"{row['of_peak']:>8.0%} {row['of_fp32_peak']:>12.0%}"
                )
    big = {
        (r["batch"], r["precision"]): r for r in rows if r["model"].startswith("(b)")
    }
    speedup = big[256, "float32"]["ms_per_step"] / big[256, "bfloat16"]["ms_per_step"]
    print(
        f"\n(b) model at batch 256: bfloat16 autocast is {speedup:.2f}x faster than float32"
    )

    print(
        f"\naccuracy check: the (a) model, Adam, batch 256, {args.epochs} epochs, seed 0"
    )
    splits = helpers.fashion_splits(device=device)  # loaded once, for both precisions
    accuracy = {
        p: accuracy_check(splits, precisions[p], args.epochs, device)
        for p in precisions
    }
    for p, acc in accuracy.items():
        print(f"  {p:<8} validation accuracy {acc:.4f}")
    print(f"  difference: {abs(accuracy['float32'] - accuracy['bfloat16']):.4f}")

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "device": device_name(device),
                    "device_type": device.type,
                    "cores": os.cpu_count(),
                    "torch": torch.__version__,
                    "bf16_native": bf16_native,
                    "peaks_gflops": peaks,
                    "steps": rows,
                    "bf16_speedup_big_256": speedup,
                    "accuracy_epochs": args.epochs,
                    "accuracy": accuracy,
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
