"""Getting and verifying the Fashion-MNIST files (helpers.fashion_mnist)."""

import gzip
import shutil
from pathlib import Path

import pytest
import torch

from helpers import fashion_mnist as data
from helpers.fashion_mnist import FILES, DatasetError


def test_real_fashion_mnist_shapes_types_and_classes(fashion):
    assert fashion.train_images.shape == (60_000, 28, 28)
    assert fashion.test_images.shape == (10_000, 28, 28)
    assert fashion.train_images.dtype == torch.uint8
    assert fashion.train_labels.dtype == torch.int64
    assert fashion.classes[0] == "T-shirt/top" and fashion.classes[9] == "Ankle boot"
    # Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class
    assert torch.bincount(fashion.train_labels).tolist() == [6000] * 10
    assert torch.bincount(fashion.test_labels).tolist() == [1000] * 10
    # the first training labels of the real data set
    assert fashion.train_labels[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert (
        int(fashion.train_images.max()) == 255 and int(fashion.train_images.min()) == 0
    )


def test_raw_folder_works_with_torchvision(fashion):
    from torchvision.datasets import FashionMNIST

    ds = FashionMNIST(str(data.data_dir()), train=False, download=False)
    assert torch.equal(ds.data, fashion.test_images)
    assert torch.equal(ds.targets, fashion.test_labels)


@pytest.fixture()
def debian_copy(tmp_path, fashion):
    """A fake Debian folder with recompressed .gz files made from the verified IDX files."""
    src = data.raw_dir()
    debian = tmp_path / "debian"
    debian.mkdir()
    for spec in FILES.values():
        with (
            open(src / spec.name, "rb") as fin,
            gzip.open(debian / f"{spec.name}.gz", "wb", compresslevel=1) as fout,
        ):
            shutil.copyfileobj(fin, fout)
    return debian


def test_debian_files_are_decompressed_into_the_data_folder(
    tmp_path, debian_copy, fashion
):
    root = tmp_path / "data"
    loaded = data.load_fashion_mnist(root, download=False, debian_dir=debian_copy)
    assert loaded.source == "debian"
    assert torch.equal(loaded.train_images, fashion.train_images)
    assert (root / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte").is_file()
    again = data.load_fashion_mnist(
        root, download=False, debian_dir=tmp_path / "nowhere"
    )
    assert again.source == "data folder"


def test_missing_data_without_download_names_the_file_and_the_fix(tmp_path):
    with pytest.raises(DatasetError) as err:
        data.load_fashion_mnist(
            tmp_path / "empty", download=False, debian_dir=tmp_path / "nowhere"
        )
    message = str(err.value)
    assert "train-images-idx3-ubyte" in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "download=True" in message


def test_failed_download_gives_the_same_clear_error(tmp_path, monkeypatch):
    import torchvision.datasets

    def no_network(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", no_network)
    with pytest.raises(
        DatasetError, match="download failed .*network is unreachable.*apt-get install"
    ):
        data.load_fashion_mnist(
            tmp_path / "empty", download=True, debian_dir=tmp_path / "nowhere"
        )


def _copy_raw(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(data.raw_dir(), root / "FashionMNIST" / "raw")
    return root


def test_corrupt_byte_is_caught_by_the_checksum(tmp_path, fashion):
    root = _copy_raw(tmp_path)
    path = root / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte"
    raw = bytearray(path.read_bytes())
    raw[5000] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(
        DatasetError,
        match=r"t10k-images-idx3-ubyte has MD5 .* corrupt.*Delete a corrupt file",
    ):
        data.load_fashion_mnist(root, download=False)


def test_truncated_file_and_wrong_header(tmp_path, fashion):
    root = _copy_raw(tmp_path)
    raw = root / "FashionMNIST" / "raw"
    labels = raw / "train-labels-idx1-ubyte"
    labels.write_bytes(labels.read_bytes()[:1000])
    with pytest.raises(
        DatasetError, match="train-labels-idx1-ubyte has 1000 bytes, expected 60008"
    ):
        data.load_fashion_mnist(root, download=False)
    shutil.copy(data.raw_dir() / "train-labels-idx1-ubyte", labels)
    images = raw / "t10k-images-idx3-ubyte"
    shutil.copy(
        data.raw_dir() / "t10k-labels-idx1-ubyte", images
    )  # a labels file where images belong
    with pytest.raises(
        DatasetError, match="t10k-images-idx3-ubyte has a wrong IDX header"
    ):
        data.load_fashion_mnist(root, download=False)


def test_download_flag_must_be_bool(tmp_path):
    with pytest.raises(TypeError, match="download must be a bool"):
        data.load_fashion_mnist(tmp_path, download="yes")
