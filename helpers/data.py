"""Fashion-MNIST held in memory as tensors, a train/validation split and an index batcher.

The data is looked for, in order, in

1. the data folder: ``$DLBOOK_DATA`` or ``~/.cache/dlbook``, as decompressed IDX files in
   ``<data>/FashionMNIST/raw/`` (the layout ``torchvision.datasets.FashionMNIST`` uses, so
   ``FashionMNIST(root=<data>, download=False)`` works on the same files);
2. Debian's package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist/*.gz``),
   decompressed into the data folder;
3. torchvision's download (Colab and other machines with internet access).

Debian recompresses the ``.gz`` files, so their MD5s differ from torchvision's list; the
decompressed IDX files are the same bytes. They are what is verified here: the IDX header,
the number of items, the size, and an MD5 recorded from the original files.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import torch

CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")


@dataclass(frozen=True)
class IdxFile:
    name: str  # file name without .gz
    magic: int  # 2051 images, 2049 labels
    count: int
    size: int  # bytes of the decompressed file
    md5: str  # of the decompressed file


FILES: dict[str, IdxFile] = {
    "train_images": IdxFile(
        "train-images-idx3-ubyte", 2051, 60_000, 47_040_016, "f4a8712d7a061bf5bd6d2ca38dc4d50a"
    ),
    "train_labels": IdxFile(
        "train-labels-idx1-ubyte", 2049, 60_000, 60_008, "9018921c3c673c538a1fc5bad174d6f9"
    ),
    "test_images": IdxFile(
        "t10k-images-idx3-ubyte", 2051, 10_000, 7_840_016, "8181f5470baa50b63fa0f6fddb340f0a"
    ),
    "test_labels": IdxFile(
        "t10k-labels-idx1-ubyte", 2049, 10_000, 10_008, "15d484375f8d13e6eb1aabb0c3f46965"
    ),
}

HOW_TO_FIX = (
    "To fix it: on Debian/Ubuntu run `sudo apt-get install dataset-fashion-mnist` "
    "(or `make data`); elsewhere call load_fashion_mnist(download=True) on a machine with "
    "internet access; or put the four IDX files in {raw}. Delete a corrupt file first."
)


class DatasetError(RuntimeError):
    """Fashion-MNIST is missing or corrupt; the message says which file and how to fix it."""


@dataclass(frozen=True)
class FashionMNIST:
    """The whole data set in memory: uint8 images (N, 28, 28) and int64 labels (N,)."""

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    classes: tuple[str, ...] = CLASSES
    source: str = ""


def data_dir(root: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``root``, else ``$DLBOOK_DATA``, else ``~/.cache/dlbook``."""
    if root is not None:
        return Path(root).expanduser()
    env = os.environ.get("DLBOOK_DATA")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "dlbook"


def raw_dir(root: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(root) / "FashionMNIST" / "raw"


def _md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_idx(path: Path, spec: IdxFile) -> None:
    """Raise :class:`DatasetError` unless ``path`` is exactly the IDX file ``spec`` describes."""
    fix = HOW_TO_FIX.format(raw=path.parent)
    if not path.is_file():
        raise DatasetError(f"Fashion-MNIST file {path} is missing. {fix}")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        header = fh.read(8)
    if len(header) < 8:
        raise DatasetError(f"Fashion-MNIST file {path} is truncated ({size} bytes). {fix}")
    magic, count = struct.unpack(">II", header)
    if magic != spec.magic or count != spec.count:
        raise DatasetError(
            f"Fashion-MNIST file {path} has a wrong IDX header (magic {magic}, {count} items; "
            f"expected magic {spec.magic}, {spec.count} items): it is corrupt. {fix}"
        )
    if size != spec.size:
        raise DatasetError(
            f"Fashion-MNIST file {path} has {size} bytes, expected {spec.size}: "
            f"it is truncated or corrupt. {fix}"
        )
    digest = _md5(path)
    if digest != spec.md5:
        raise DatasetError(
            f"Fashion-MNIST file {path} has MD5 {digest}, expected {spec.md5}: it is corrupt. {fix}"
        )


def _decompress(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix(".part")
    with gzip.open(src, "rb") as fin, open(tmp, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    tmp.replace(dst)


def _download(root: Path) -> None:
    from torchvision.datasets import FashionMNIST as TVFashionMNIST

    try:  # torchvision downloads the .gz files and decompresses them into root/FashionMNIST/raw
        TVFashionMNIST(str(root), train=True, download=True)
        TVFashionMNIST(str(root), train=False, download=True)
    except Exception as exc:  # no internet, blocked mirror, disk full ...
        raise DatasetError(
            f"Fashion-MNIST is not in {raw_dir(root)} nor in {DEBIAN_DIR}, and torchvision's "
            f"download failed ({type(exc).__name__}: {exc}). "
            + HOW_TO_FIX.format(raw=raw_dir(root))
        ) from exc


def prepare_fashion_mnist(
    root: str | os.PathLike[str] | None = None,
    download: bool = True,
    debian_dir: str | os.PathLike[str] = DEBIAN_DIR,
) -> tuple[Path, str]:
    """Make sure the four verified IDX files are in ``<data>/FashionMNIST/raw/``.

    Returns the raw folder and where the files came from (``"data folder"``, ``"debian"``
    or ``"download"``).
    """
    if not isinstance(download, bool):
        raise TypeError(f"download must be a bool, got {type(download).__name__}")
    root_path = data_dir(root)
    raw = raw_dir(root_path)
    missing = [s for s in FILES.values() if not (raw / s.name).is_file()]
    source = "data folder"
    if missing:
        debian = Path(debian_dir)
        if all((debian / f"{s.name}.gz").is_file() for s in missing):
            for s in missing:
                _decompress(debian / f"{s.name}.gz", raw / s.name)
            source = "debian"
        elif download:
            _download(root_path)
            source = "download"
        else:
            first = raw / missing[0].name
            raise DatasetError(
                f"Fashion-MNIST file {first} is missing (not in the data folder, not in "
                f"{debian}, and download=False). " + HOW_TO_FIX.format(raw=raw)
            )
    for spec in FILES.values():
        verify_idx(raw / spec.name, spec)
    return raw, source


def _read_idx(path: Path, spec: IdxFile) -> torch.Tensor:
    data = np.fromfile(path, dtype=np.uint8)
    if spec.magic == 2051:
        array = data[16:].reshape(spec.count, 28, 28)
        return torch.from_numpy(array.copy())
    return torch.from_numpy(data[8:].astype(np.int64))


def load_fashion_mnist(
    root: str | os.PathLike[str] | None = None,
    download: bool = True,
    debian_dir: str | os.PathLike[str] = DEBIAN_DIR,
) -> FashionMNIST:
    """Load the real Fashion-MNIST (60,000 training and 10,000 test images) into memory.

    >>> data = load_fashion_mnist()            # doctest: +SKIP
    >>> data.train_images.shape, data.train_images.dtype
    (torch.Size([60000, 28, 28]), torch.uint8)
    """
    raw, source = prepare_fashion_mnist(root, download=download, debian_dir=debian_dir)
    tensors = {key: _read_idx(raw / spec.name, spec) for key, spec in FILES.items()}
    return FashionMNIST(**tensors, source=source)


def to_float(images: torch.Tensor, device: torch.device | str | None = None) -> torch.Tensor:
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
    if not isinstance(images, torch.Tensor) or not isinstance(labels, torch.Tensor):
        raise TypeError("images and labels must be torch.Tensors")
    n = len(images)
    if len(labels) != n:
        raise ValueError(f"images and labels must have the same length, got {n} and {len(labels)}")
    if not isinstance(val_size, int) or isinstance(val_size, bool):
        raise TypeError(f"val_size must be an int, got {type(val_size).__name__}")
    if not 0 < val_size < n:
        raise ValueError(f"val_size must be between 1 and {n - 1} (len(images) - 1), got {val_size}")
    generator = torch.Generator().manual_seed(seed)
    perm = torch.randperm(n, generator=generator)
    shuffled = labels.cpu()[perm]
    classes = torch.unique(shuffled)
    # stratified: each class gets its share of the validation set, taken in shuffled order
    quota = _class_quota(shuffled, classes, val_size)
    val_index = torch.cat([perm[shuffled == c][:q] for c, q in zip(classes.tolist(), quota)])
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
    if not isinstance(size, int) or isinstance(size, bool):
        raise TypeError(f"size must be an int, got {type(size).__name__}")
    if size <= 0:
        raise ValueError(f"size must be positive, got {size}")
    if size >= len(images):
        return images, labels
    generator = torch.Generator().manual_seed(seed)
    idx = torch.randperm(len(images), generator=generator)[:size].sort().values
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
        return (f"Fashion-MNIST from the {self.source}: train {len(self.train_x):,}, "
                f"validation {len(self.val_x):,}, test {len(self.test_x):,} images")


def fashion_splits(
    train_size: int = 50_000,
    val_size: int = 10_000,
    test_size: int = 10_000,
    device: torch.device | str | None = None,
    seed: int = 0,
    data: FashionMNIST | None = None,
) -> Splits:
    """The book's standard split: ``val_size`` images of the official training set held out
    for validation (stratified), a ``train_size`` subset of the rest for training, and a
    ``test_size`` subset of the official test set; all in memory on ``device``."""
    data = data if data is not None else load_fashion_mnist()
    (train_u8, train_y), (val_u8, val_y) = train_val_split(data.train_images, data.train_labels, val_size, seed=seed)
    train_u8, train_y = subset(train_u8, train_y, train_size, seed=seed)
    test_u8, test_y = subset(data.test_images, data.test_labels, test_size, seed=seed)
    return Splits(
        train_u8=train_u8, val_u8=val_u8, test_u8=test_u8,
        train_x=to_float(train_u8, device), train_y=train_y.to(device),
        val_x=to_float(val_u8, device), val_y=val_y.to(device),
        test_x=to_float(test_u8, device), test_y=test_y.to(device),
        classes=data.classes, source=data.source,
    )


def batch_indices(
    n: int,
    batch_size: int,
    shuffle: bool = True,
    generator: torch.Generator | None = None,
    drop_last: bool = False,
) -> Iterator[torch.Tensor]:
    """Index tensors for one epoch over ``n`` samples: every index exactly once.

    With ``shuffle`` the order is a random permutation drawn from ``generator`` (pass a seeded
    ``torch.Generator`` for a reproducible order); the last batch may be smaller unless
    ``drop_last``.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
        raise ValueError(f"n must be a positive int, got {n!r}")
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
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
    n = len(tensors[0])
    for t in tensors:
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"every argument must be a torch.Tensor, got {type(t).__name__}")
        if len(t) != n:
            raise ValueError(f"all tensors must have the same length, got {[len(x) for x in tensors]}")
    for idx in batch_indices(n, batch_size, shuffle=shuffle, generator=generator):
        yield tuple(t[idx.to(t.device)] for t in tensors)  # each tensor indexed where it lives


if __name__ == "__main__":  # `python -m helpers.data`: fetch, verify and report
    dataset = load_fashion_mnist()
    print(
        f"Fashion-MNIST OK ({dataset.source}): {tuple(dataset.train_images.shape)} train, "
        f"{tuple(dataset.test_images.shape)} test, in {raw_dir()}"
    )
