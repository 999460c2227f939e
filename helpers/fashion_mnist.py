"""Getting and verifying the Fashion-MNIST files, and loading them into memory.

The files are looked for, in order, in

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
        "train-images-idx3-ubyte",
        2051,
        60_000,
        47_040_016,
        "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    ),
    "train_labels": IdxFile(
        "train-labels-idx1-ubyte",
        2049,
        60_000,
        60_008,
        "9018921c3c673c538a1fc5bad174d6f9",
    ),
    "test_images": IdxFile(
        "t10k-images-idx3-ubyte",
        2051,
        10_000,
        7_840_016,
        "8181f5470baa50b63fa0f6fddb340f0a",
    ),
    "test_labels": IdxFile(
        "t10k-labels-idx1-ubyte",
        2049,
        10_000,
        10_008,
        "15d484375f8d13e6eb1aabb0c3f46965",
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
        raise DatasetError(
            f"Fashion-MNIST file {path} is truncated ({size} bytes). {fix}"
        )
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
