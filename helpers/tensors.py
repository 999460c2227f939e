"""Data held in memory as tensors: the book's train/validation/test split of Fashion-MNIST,
seeded subsets, and batches taken by index (no DataLoader, no per-sample copies)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch

from .fashion_mnist import load_fashion_mnist


def check_same_length(name: str, tensors: Sequence[torch.Tensor]) -> int:
    """The common length of ``tensors``; a clear error naming ``name`` when they differ."""
    for t in tensors:
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be torch.Tensors, got {type(t).__name__}")
    lengths = [len(t) for t in tensors]
    if len(set(lengths)) > 1:
        raise ValueError(f"{name} must all have the same length, got {lengths}")
    return lengths[0] if lengths else 0


def _check_size(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")


def to_float(
    images: torch.Tensor, device: torch.device | str | None = None
) -> torch.Tensor:
    """uint8 images (N, 28, 28) -> float32 (N, 1, 28, 28) in [0, 1], on ``device``."""
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a torch.Tensor, got {type(images).__name__}")
    if images.dtype != torch.uint8:
        raise TypeError(f"images must have dtype uint8, got {images.dtype}")
    if images.dim() != 3:
        raise ValueError(f"images must have shape (N, H, W), got {tuple(images.shape)}")
    return images.to(device).unsqueeze(1).float().div_(255.0)


def train_val_split(
    images: torch.Tensor, labels: torch.Tensor, val_size: int, seed: int = 0
) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """Split (images, labels) into a training and a validation part by a seeded permutation.

    The validation part has ``val_size`` samples and every class in about its share.
    """
    n = check_same_length("images and labels", (images, labels))
    _check_size("val_size", val_size)
    if not 0 < val_size < n:
        raise ValueError(
            f"val_size must be between 1 and {n - 1} (len(images) - 1), got {val_size}"
        )
    generator = torch.Generator().manual_seed(seed)
    perm = torch.randperm(n, generator=generator)
    shuffled = labels.cpu()[perm]
    classes = torch.unique(shuffled)
    # stratified: each class gets its share of the validation set, taken in shuffled order
    quota = _class_quota(shuffled, classes, val_size)
    val_index = torch.cat(
        [perm[shuffled == c][:q] for c, q in zip(classes.tolist(), quota, strict=True)]
    )
    is_val = torch.zeros(n, dtype=torch.bool)
    is_val[val_index] = True
    train_index = perm[~is_val[perm]]  # training samples keep the shuffled order
    val_index = val_index.sort().values

    def take(t: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
        return t[idx.to(t.device)]

    return (
        (take(images, train_index), take(labels, train_index)),
        (take(images, val_index), take(labels, val_index)),
    )


def _class_quota(labels: torch.Tensor, classes: torch.Tensor, total: int) -> list[int]:
    counts = torch.stack([(labels == c).sum() for c in classes]).double()
    exact = counts / counts.sum() * total
    quota = exact.floor().long()
    remainder = total - int(quota.sum())
    order = torch.argsort(exact - quota, descending=True)
    quota[order[:remainder]] += 1
    return quota.tolist()


def subset(
    images: torch.Tensor, labels: torch.Tensor, size: int, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded random subset of ``size`` samples (all of them if ``size >= len(images)``)."""
    n = check_same_length("images and labels", (images, labels))
    _check_size("size", size)
    if size <= 0:
        raise ValueError(f"size must be positive, got {size}")
    if size >= n:
        return images, labels
    generator = torch.Generator().manual_seed(seed)
    idx = torch.randperm(n, generator=generator)[:size].sort().values
    return images[idx.to(images.device)], labels[idx.to(labels.device)]


@dataclass(frozen=True)
class Splits:
    """Fashion-MNIST split three ways, as uint8 images (for display) and float tensors on the
    device (for training): ``train_x`` (N, 1, 28, 28) in [0, 1], ``train_y`` int64, ..."""

    train_u8: torch.Tensor
    val_u8: torch.Tensor
    test_u8: torch.Tensor
    train_x: torch.Tensor
    train_y: torch.Tensor
    val_x: torch.Tensor
    val_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    classes: tuple[str, ...]
    source: str

    def summary(self) -> str:
        return (
            f"Fashion-MNIST from the {self.source}: train {len(self.train_x):,}, "
            f"validation {len(self.val_x):,}, test {len(self.test_x):,} images"
        )


def fashion_splits(
    train_size: int = 50_000,
    val_size: int = 10_000,
    test_size: int = 10_000,
    device: torch.device | str | None = None,
) -> Splits:
    """The book's standard split: ``val_size`` images of the official training set held out
    for validation (stratified), a ``train_size`` subset of the rest for training, and a
    ``test_size`` subset of the official test set; all in memory on ``device``.

    The split is seeded (seed 0), so every chapter sees the same images.
    """
    data = load_fashion_mnist()
    (train_u8, train_y), (val_u8, val_y) = train_val_split(
        data.train_images, data.train_labels, val_size
    )
    train_u8, train_y = subset(train_u8, train_y, train_size)
    test_u8, test_y = subset(data.test_images, data.test_labels, test_size)
    return Splits(
        train_u8=train_u8,
        val_u8=val_u8,
        test_u8=test_u8,
        train_x=to_float(train_u8, device),
        train_y=train_y.to(device),
        val_x=to_float(val_u8, device),
        val_y=val_y.to(device),
        test_x=to_float(test_u8, device),
        test_y=test_y.to(device),
        classes=data.classes,
        source=data.source,
    )


def batch_indices(
    n: int,
    batch_size: int,
    shuffle: bool = True,
    generator: torch.Generator | None = None,
) -> Iterator[torch.Tensor]:
    """Index tensors for one epoch over ``n`` samples: every index exactly once.

    With ``shuffle`` the order is a random permutation drawn from ``generator`` (pass a seeded
    ``torch.Generator`` for a reproducible order); the last batch may be smaller.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
        raise ValueError(f"n must be a positive int, got {n!r}")
    if (
        not isinstance(batch_size, int)
        or isinstance(batch_size, bool)
        or batch_size <= 0
    ):
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def iterate_batches(
    *tensors: torch.Tensor,
    batch_size: int,
    shuffle: bool = True,
    generator: torch.Generator | None = None,
) -> Iterator[tuple[torch.Tensor, ...]]:
    """Batches of in-memory tensors that share their first dimension (indexing, no copies
    of the whole set, no DataLoader)."""
    if not tensors:
        raise ValueError("iterate_batches needs at least one tensor")
    n = check_same_length("the tensors to batch", tensors)
    for idx in batch_indices(n, batch_size, shuffle=shuffle, generator=generator):
        yield tuple(
            t[idx.to(t.device)] for t in tensors
        )  # each tensor indexed where it lives
