import random

import numpy as np
import pytest
import torch

from helpers import config


def test_fast_mode_is_set_by_the_test_run():
    assert config.is_fast()
    assert config.mode() == "fast"


@pytest.mark.parametrize(
    "value, fast",
    [("1", True), ("true", True), ("0", False), ("", False), ("no", False)],
)
def test_mode_switch_reads_the_environment(monkeypatch, value, fast):
    monkeypatch.setenv("DLBOOK_FAST", value)
    assert config.is_fast() is fast
    assert config.mode() == ("fast" if fast else "full")


def test_mode_switch_rejects_garbage(monkeypatch):
    monkeypatch.setenv("DLBOOK_FAST", "maybe")
    with pytest.raises(ValueError, match="DLBOOK_FAST"):
        config.is_fast()


def test_by_mode_returns_the_active_settings(monkeypatch):
    full, fast = dict(epochs=30, sizes=(1, 2, 3)), dict(epochs=2, sizes=(1,))
    monkeypatch.setenv("DLBOOK_FAST", "0")
    assert config.by_mode(full=full, fast=fast) == full
    monkeypatch.setenv("DLBOOK_FAST", "1")
    got = config.by_mode(full=full, fast=fast)
    assert (
        got == fast and got is not fast
    )  # a copy: the chapter's dict literal is not shared


def test_by_mode_refuses_different_keys_and_names_them():
    with pytest.raises(
        ValueError, match=r"only in full: \['seeds'\], only in fast: \['seed'\]"
    ):
        config.by_mode(full=dict(epochs=3, seeds=3), fast=dict(epochs=1, seed=1))
    with pytest.raises(TypeError, match="fast must be a dict of settings, got list"):
        config.by_mode(full=dict(epochs=3), fast=[("epochs", 1)])
    with pytest.raises(TypeError):
        config.by_mode(
            dict(epochs=3), dict(epochs=1)
        )  # keyword-only: which is which is explicit


def test_seed_everything_makes_all_generators_repeat():
    config.seed_everything(123)
    a = (random.random(), np.random.rand(), torch.rand(3))
    config.seed_everything(123)
    b = (random.random(), np.random.rand(), torch.rand(3))
    assert a[0] == b[0] and a[1] == b[1] and torch.equal(a[2], b[2])
    config.seed_everything(124)
    assert not torch.equal(torch.rand(3), a[2])


@pytest.mark.parametrize(
    "bad, exc",
    [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)],
)
def test_seed_everything_rejects_bad_seeds(bad, exc):
    with pytest.raises(exc, match="seed"):
        config.seed_everything(bad)


def test_pick_device_order_and_override(monkeypatch):
    monkeypatch.delenv("DLBOOK_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if (
        expected == "cpu"
        and getattr(torch.backends, "mps", None)
        and torch.backends.mps.is_available()
    ):
        expected = "mps"
    assert config.pick_device().type == expected
    monkeypatch.setenv("DLBOOK_DEVICE", "cpu")
    assert config.pick_device().type == "cpu"
    monkeypatch.setenv("DLBOOK_DEVICE", "tpu")
    with pytest.raises(
        ValueError, match="DLBOOK_DEVICE must be 'cuda', 'mps' or 'cpu', got 'tpu'"
    ):
        config.pick_device()


def test_setup_prints_one_line_and_returns_context(capsys, monkeypatch):
    monkeypatch.setenv("DLBOOK_DEVICE", "cpu")
    ctx = config.setup(seed=7)
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [
        f"Mode: fast | device: cpu | torch {torch.__version__.split('+')[0]} | seed 7"
    ]
    assert ctx.mode == "fast" and ctx.seed == 7 and ctx.device.type == "cpu"
    first = torch.rand(2)
    config.setup(seed=7)
    assert torch.equal(torch.rand(2), first)
