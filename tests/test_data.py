import gzip
import shutil
from pathlib import Path

import pytest
import torch

from helpers import data
from helpers.data import DatasetError, FILES


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
    assert int(fashion.train_images.max()) == 255 and int(fashion.train_images.min()) == 0


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
        with open(src / spec.name, "rb") as fin, gzip.open(debian / f"{spec.name}.gz", "wb", compresslevel=1) as fout:
            shutil.copyfileobj(fin, fout)
    return debian


def test_debian_files_are_decompressed_into_the_data_folder(tmp_path, debian_copy, fashion):
    root = tmp_path / "data"
    loaded = data.load_fashion_mnist(root, download=False, debian_dir=debian_copy)
    assert loaded.source == "debian"
    assert torch.equal(loaded.train_images, fashion.train_images)
    assert (root / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte").is_file()
    again = data.load_fashion_mnist(root, download=False, debian_dir=tmp_path / "nowhere")
    assert again.source == "data folder"


def test_missing_data_without_download_names_the_file_and_the_fix(tmp_path):
    with pytest.raises(DatasetError) as err:
        data.load_fashion_mnist(tmp_path / "empty", download=False, debian_dir=tmp_path / "nowhere")
    message = str(err.value)
    assert "train-images-idx3-ubyte" in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "download=True" in message


def test_failed_download_gives_the_same_clear_error(tmp_path, monkeypatch):
    import torchvision.datasets

    def no_network(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", no_network)
    with pytest.raises(DatasetError, match="download failed .*network is unreachable.*apt-get install"):
        data.load_fashion_mnist(tmp_path / "empty", download=True, debian_dir=tmp_path / "nowhere")


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
    with pytest.raises(DatasetError, match=r"t10k-images-idx3-ubyte has MD5 .* corrupt.*Delete a corrupt file"):
        data.load_fashion_mnist(root, download=False)


def test_truncated_file_and_wrong_header(tmp_path, fashion):
    root = _copy_raw(tmp_path)
    raw = root / "FashionMNIST" / "raw"
    labels = raw / "train-labels-idx1-ubyte"
    labels.write_bytes(labels.read_bytes()[:1000])
    with pytest.raises(DatasetError, match="train-labels-idx1-ubyte has 1000 bytes, expected 60008"):
        data.load_fashion_mnist(root, download=False)
    shutil.copy(data.raw_dir() / "train-labels-idx1-ubyte", labels)
    images = raw / "t10k-images-idx3-ubyte"
    shutil.copy(data.raw_dir() / "t10k-labels-idx1-ubyte", images)  # a labels file where images belong
    with pytest.raises(DatasetError, match="t10k-images-idx3-ubyte has a wrong IDX header"):
        data.load_fashion_mnist(root, download=False)


def test_download_flag_must_be_bool(tmp_path):
    with pytest.raises(TypeError, match="download must be a bool"):
        data.load_fashion_mnist(tmp_path, download="yes")


def test_to_float_shape_range_and_errors(fashion):
    x = data.to_float(fashion.test_images[:5])
    assert x.shape == (5, 1, 28, 28) and x.dtype == torch.float32
    assert torch.allclose(x[:, 0] * 255, fashion.test_images[:5].float())
    with pytest.raises(TypeError, match="dtype uint8"):
        data.to_float(x[:, 0])
    with pytest.raises(ValueError, match=r"shape \(N, H, W\)"):
        data.to_float(fashion.test_images[0])
    with pytest.raises(TypeError, match="torch.Tensor"):
        data.to_float([1, 2, 3])


def test_train_val_split_is_disjoint_complete_stratified_and_seeded():
    images = torch.arange(1000).view(1000, 1)
    labels = torch.arange(1000) % 10
    (tx, ty), (vx, vy) = data.train_val_split(images, labels, val_size=200, seed=3)
    assert len(tx) == 800 and len(vx) == 200
    assert sorted(torch.cat([tx, vx]).view(-1).tolist()) == list(range(1000))
    assert torch.equal(ty, tx.view(-1) % 10) and torch.equal(vy, vx.view(-1) % 10)
    assert torch.bincount(vy).tolist() == [20] * 10
    (tx2, _), (vx2, _) = data.train_val_split(images, labels, val_size=200, seed=3)
    assert torch.equal(tx, tx2) and torch.equal(vx, vx2)
    (_, _), (vx3, _) = data.train_val_split(images, labels, val_size=200, seed=4)
    assert not torch.equal(vx, vx3)


def test_train_val_split_errors():
    x, y = torch.zeros(10, 2), torch.zeros(10, dtype=torch.long)
    with pytest.raises(ValueError, match="val_size must be between 1 and 9"):
        data.train_val_split(x, y, val_size=10)
    with pytest.raises(TypeError, match="val_size must be an int"):
        data.train_val_split(x, y, val_size=0.2)
    with pytest.raises(ValueError, match="same length"):
        data.train_val_split(x, y[:5], val_size=2)


def test_subset_is_seeded_and_bounded():
    x, y = torch.arange(100), torch.arange(100) % 10
    sx, sy = data.subset(x, y, 30, seed=1)
    assert len(sx) == 30 and torch.equal(sy, sx % 10) and len(set(sx.tolist())) == 30
    assert torch.equal(data.subset(x, y, 30, seed=1)[0], sx)
    assert data.subset(x, y, 500)[0] is x
    with pytest.raises(ValueError, match="size must be positive"):
        data.subset(x, y, 0)


def test_batch_indices_visit_every_sample_once_in_a_seeded_order():
    g = torch.Generator().manual_seed(0)
    batches = list(data.batch_indices(103, 10, generator=g))
    assert [len(b) for b in batches] == [10] * 10 + [3]
    assert sorted(torch.cat(batches).tolist()) == list(range(103))
    again = list(data.batch_indices(103, 10, generator=torch.Generator().manual_seed(0)))
    assert all(torch.equal(a, b) for a, b in zip(batches, again))
    other = torch.cat(list(data.batch_indices(103, 10, generator=torch.Generator().manual_seed(1))))
    assert not torch.equal(torch.cat(batches), other)
    assert torch.equal(torch.cat(list(data.batch_indices(7, 3, shuffle=False))), torch.arange(7))
    assert [len(b) for b in data.batch_indices(7, 3, shuffle=False, drop_last=True)] == [3, 3]


@pytest.mark.parametrize("n, bs", [(0, 4), (10, 0), (10, -1), (10, 2.5)])
def test_batch_indices_errors(n, bs):
    with pytest.raises(ValueError, match="must be a positive int"):
        list(data.batch_indices(n, bs))


def test_iterate_batches_keeps_pairs_together():
    x = torch.arange(20).float().view(20, 1)
    y = torch.arange(20)
    seen = []
    for xb, yb in data.iterate_batches(x, y, batch_size=6, generator=torch.Generator().manual_seed(0)):
        assert torch.equal(xb.view(-1).long(), yb)
        seen += yb.tolist()
    assert sorted(seen) == list(range(20))
    with pytest.raises(ValueError, match="same length"):
        list(data.iterate_batches(x, y[:3], batch_size=2))
    with pytest.raises(TypeError, match="torch.Tensor"):
        list(data.iterate_batches(x, [1, 2], batch_size=2))


def test_fashion_splits_sizes_disjointness_and_types(fashion):
    s = data.fashion_splits(train_size=2_000, val_size=1_000, test_size=500, data=fashion)
    assert s.train_x.shape == (2_000, 1, 28, 28) and s.val_x.shape == (1_000, 1, 28, 28)
    assert s.test_x.shape == (500, 1, 28, 28) and s.train_x.dtype == torch.float32
    assert torch.equal(s.train_x[:, 0] * 255, s.train_u8.float())
    assert torch.bincount(s.val_y).tolist() == [100] * 10  # stratified
    # validation images never appear in the training subset (compare raw bytes)
    train_rows = {bytes(r.numpy()) for r in s.train_u8.view(len(s.train_u8), -1)}
    assert not any(bytes(r.numpy()) in train_rows for r in s.val_u8.view(len(s.val_u8), -1))
    again = data.fashion_splits(train_size=2_000, val_size=1_000, test_size=500, data=fashion)
    assert torch.equal(again.train_y, s.train_y)
    assert "train 2,000, validation 1,000, test 500" in s.summary()
