"""Data in memory as tensors (helpers.tensors): splits, subsets, batches."""

import pytest
import torch

from helpers import tensors as data


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
    with pytest.raises(
        ValueError,
        match=r"images and labels must all have the same length, got \[100, 5\]",
    ):
        data.subset(x, y[:5], 3)
    with pytest.raises(TypeError, match="size must be an int"):
        data.subset(x, y, 3.0)


def test_batch_indices_visit_every_sample_once_in_a_seeded_order():
    g = torch.Generator().manual_seed(0)
    batches = list(data.batch_indices(103, 10, generator=g))
    assert [len(b) for b in batches] == [10] * 10 + [3]
    assert sorted(torch.cat(batches).tolist()) == list(range(103))
    again = list(
        data.batch_indices(103, 10, generator=torch.Generator().manual_seed(0))
    )
    assert all(torch.equal(a, b) for a, b in zip(batches, again))
    other = torch.cat(
        list(data.batch_indices(103, 10, generator=torch.Generator().manual_seed(1)))
    )
    assert not torch.equal(torch.cat(batches), other)
    assert torch.equal(
        torch.cat(list(data.batch_indices(7, 3, shuffle=False))), torch.arange(7)
    )


@pytest.mark.parametrize("n, bs", [(0, 4), (10, 0), (10, -1), (10, 2.5)])
def test_batch_indices_errors(n, bs):
    with pytest.raises(ValueError, match="must be a positive int"):
        list(data.batch_indices(n, bs))


def test_iterate_batches_keeps_pairs_together():
    x = torch.arange(20).float().view(20, 1)
    y = torch.arange(20)
    seen = []
    for xb, yb in data.iterate_batches(
        x, y, batch_size=6, generator=torch.Generator().manual_seed(0)
    ):
        assert torch.equal(xb.view(-1).long(), yb)
        seen += yb.tolist()
    assert sorted(seen) == list(range(20))
    with pytest.raises(ValueError, match="same length"):
        list(data.iterate_batches(x, y[:3], batch_size=2))
    with pytest.raises(TypeError, match="torch.Tensor"):
        list(data.iterate_batches(x, [1, 2], batch_size=2))
    with pytest.raises(ValueError, match="at least one tensor"):
        list(data.iterate_batches(batch_size=2))


def test_one_same_length_check_names_its_argument():
    assert data.check_same_length("pair", (torch.zeros(3), torch.ones(3, 2))) == 3
    with pytest.raises(
        ValueError, match=r"pair must all have the same length, got \[3, 2\]"
    ):
        data.check_same_length("pair", (torch.zeros(3), torch.zeros(2)))
    with pytest.raises(TypeError, match="pair must be torch.Tensors, got list"):
        data.check_same_length("pair", (torch.zeros(3), [1, 2, 3]))


def test_fashion_splits_sizes_disjointness_and_types():
    s = data.fashion_splits(train_size=2_000, val_size=1_000, test_size=500)
    assert s.train_x.shape == (2_000, 1, 28, 28) and s.val_x.shape == (1_000, 1, 28, 28)
    assert s.test_x.shape == (500, 1, 28, 28) and s.train_x.dtype == torch.float32
    assert torch.equal(s.train_x[:, 0] * 255, s.train_u8.float())
    assert torch.bincount(s.val_y).tolist() == [100] * 10  # stratified
    # validation images never appear in the training subset (compare raw bytes)
    train_rows = {bytes(r.numpy()) for r in s.train_u8.view(len(s.train_u8), -1)}
    assert not any(
        bytes(r.numpy()) in train_rows for r in s.val_u8.view(len(s.val_u8), -1)
    )
    again = data.fashion_splits(train_size=2_000, val_size=1_000, test_size=500)
    assert torch.equal(again.train_y, s.train_y)
    assert "train 2,000, validation 1,000, test 500" in s.summary()
