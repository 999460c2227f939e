"""Speed of the book's Fashion-MNIST pipeline against the straightforward one, side by side.

    python benchmarks/pipeline.py            # full measurement (a few minutes on 2 CPU cores)
    python benchmarks/pipeline.py --quick    # fewer batches, for a smoke run

Three comparisons, each measured in this one run on this machine:

1. Training one epoch of chapter Q5's (a) model (784-512-256-128-10, SGD lr 0.01, batch 64):
   the homework's pipeline (torchvision dataset + ToTensor + DataLoader) against the
   in-memory pipeline (helpers.fit on tensors, batches by index).
2. Data only, one epoch of augmented training batches: the homework's per-sample PIL chain
   (RandomRotation, RandomAffine, RandomCrop, ColorJitter, RandomHorizontalFlip) through a
   DataLoader with 2 workers, against helpers.BatchAugment on whole batches.
3. Batched augmentation: helpers.BatchAugment (one affine_grid/grid_sample) against the same
   chain in kornia.augmentation, per batch of 256.

Prints each time and the ratios; with --json PATH also writes them for the book's performance page.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import torch
from torch.utils.data import DataLoader
from torchvision import transforms
from torchvision.datasets import FashionMNIST

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DLBOOK_PROGRESS", "0")  # no progress bars inside timed code
import helpers  # noqa: E402
from helpers.config import cpu_name, pick_device  # noqa: E402
from helpers.fashion_mnist import FashionMNIST as Data  # noqa: E402
from helpers.fashion_mnist import data_dir, load_fashion_mnist  # noqa: E402
from helpers.tensors import batch_indices, to_float  # noqa: E402


def seed_chain() -> transforms.Compose:
    """The homework's augmentation chain, per sample, on PIL images (saturation and hue are
    kept as in the homework although they do nothing to grayscale images)."""
    return transforms.Compose(
        [
            transforms.RandomRotation(10),
            transforms.RandomAffine(0, translate=(0.1, 0.1)),
            transforms.RandomCrop(28, padding=4),
            transforms.ColorJitter(
                brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1
            ),
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
        ]
    )


def timed(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def train_epoch_dataloader(max_batches: int | None) -> float:
    root = str(data_dir())
    ds = FashionMNIST(root, train=True, download=False, transform=transforms.ToTensor())
    loader = DataLoader(ds, batch_size=64, shuffle=True)
    helpers.seed_everything(0)
    model = helpers.mlp([784, 512, 256, 128, 10])
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()

    def run():
        for i, (xb, yb) in enumerate(loader):
            if max_batches is not None and i >= max_batches:
                break
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()

    return timed(
        run, repeat=2
    )  # best of two: the host is shared, single runs are noisy


def train_epoch_in_memory(data: Data, max_batches: int | None) -> float:
    n = len(data.train_images) if max_batches is None else max_batches * 64
    helpers.seed_everything(0)
    model = helpers.mlp([784, 512, 256, 128, 10])
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def run():
        x = to_float(data.train_images[:n])  # conversion counted: part of the pipeline
        helpers.fit(
            model, (x, data.train_labels[:n]), optimizer=opt, epochs=1, batch_size=64
        )

    return timed(
        run, repeat=2
    )  # best of two: the host is shared, single runs are noisy


def augment_epoch_dataloader(max_batches: int | None) -> float:
    root = str(data_dir())
    ds = FashionMNIST(root, train=True, download=False, transform=seed_chain())
    loader = DataLoader(
        ds, batch_size=64, shuffle=True, num_workers=2, persistent_workers=False
    )

    def run():
        for i, _ in enumerate(loader):
            if max_batches is not None and i >= max_batches:
                break

    return timed(
        run, repeat=2
    )  # best of two: the host is shared, single runs are noisy


def augment_epoch_batched(data: Data, max_batches: int | None) -> float:
    n = len(data.train_images) if max_batches is None else max_batches * 64
    aug = helpers.BatchAugment()
    g = torch.Generator().manual_seed(0)

    def run():
        x = to_float(data.train_images[:n])
        for idx in batch_indices(n, 64, generator=torch.Generator().manual_seed(0)):
            aug(x[idx], g)

    return timed(
        run, repeat=2
    )  # best of two: the host is shared, single runs are noisy


def kornia_chain():
    import kornia.augmentation as K

    return K.AugmentationSequential(
        K.RandomRotation(10.0, p=1.0),
        K.RandomAffine(0.0, translate=(0.1, 0.1), p=1.0),
        K.RandomCrop((28, 28), padding=4, p=1.0),
        K.ColorJitter(brightness=0.4, contrast=0.4, p=1.0),
        K.RandomHorizontalFlip(p=0.5),
    )


def augment_batches(
    data: Data, batches: int, batch_size: int, device: torch.device
) -> dict[str, float]:
    x = to_float(data.train_images[: batches * batch_size], device)
    ours = helpers.BatchAugment()
    g = torch.Generator(device=device).manual_seed(0)
    results = {}

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    def run_ours():
        for i in range(batches):
            ours(x[i * batch_size : (i + 1) * batch_size], g)
        sync()

    results["helpers.BatchAugment"] = timed(run_ours, repeat=3) / batches
    try:
        chain = kornia_chain().to(device)
    except ImportError:
        return results

    def run_kornia():
        for i in range(batches):
            chain(x[i * batch_size : (i + 1) * batch_size])
        sync()

    run_kornia()  # warm-up (kornia builds its parameter generators lazily)
    results["kornia.augmentation"] = timed(run_kornia, repeat=3) / batches
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="200 batches instead of whole epochs"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    max_batches = 200 if args.quick else None
    data = load_fashion_mnist()
    device = pick_device()
    epoch = (
        f"{max_batches} batches of 64" if max_batches else "one epoch, 60,000 images"
    )
    print(
        f"machine: {cpu_name()}, {os.cpu_count()} cores; torch {torch.__version__}; "
        f"python {platform.python_version()}\n"
    )

    comparisons: list[dict] = []

    def record(
        what: str,
        baseline: str,
        baseline_s: float,
        ours: str,
        ours_s: float,
        unit: str = "s",
    ) -> None:
        comparisons.append(
            {
                "what": what,
                "baseline": baseline,
                "baseline_s": baseline_s,
                "ours": ours,
                "ours_s": ours_s,
                "speedup": baseline_s / ours_s,
            }
        )
        scale = 1000 if unit == "ms" else 1
        print(what)
        print(f"   {baseline:<48} {baseline_s * scale:8.2f} {unit}")
        print(f"   {ours:<48} {ours_s * scale:8.2f} {unit}")
        print(f"   speed-up: {baseline_s / ours_s:.1f}x\n")

    record(
        f"training the (a) model, SGD, batch 64, CPU ({epoch})",
        "torchvision dataset + ToTensor + DataLoader",
        train_epoch_dataloader(max_batches),
        "in-memory tensors, batches by index",
        train_epoch_in_memory(data, max_batches),
    )
    record(
        f"augmented training batches of 64, data only, CPU ({epoch})",
        "per-sample PIL chain, DataLoader with 2 workers",
        augment_epoch_dataloader(max_batches),
        "helpers.BatchAugment on whole batches",
        augment_epoch_batched(data, max_batches),
    )

    n_batches = 20 if args.quick else 100
    devices = [torch.device("cpu")] + ([device] if device.type != "cpu" else [])
    for dev in devices:
        per_batch = augment_batches(data, batches=n_batches, batch_size=256, device=dev)
        if "kornia.augmentation" in per_batch:
            record(
                f"augmenting one batch of 256 images, {dev.type} (mean of {n_batches})",
                "kornia.augmentation, the same chain",
                per_batch["kornia.augmentation"],
                "helpers.BatchAugment",
                per_batch["helpers.BatchAugment"],
                unit="ms",
            )
        else:
            print(
                f"({dev.type}) helpers.BatchAugment: "
                f"{per_batch['helpers.BatchAugment'] * 1000:.2f} ms per batch "
                "of 256; kornia is not installed"
            )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": cpu_name(),
                    "cores": os.cpu_count(),
                    "comparisons": comparisons,
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
