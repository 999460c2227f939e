import random

import numpy as np
import pytest
import torch

from helpers import config


def test_fast_mode_is_set_by_the_test_run():
    assert config.is_fast()
    assert config.mode() == "fast"


@pytest.mark.parametrize("value, fast", [("1", True), ("true", True), ("0", False), ("", False), ("no", False)])
def test_mode_switch_reads_the_environment(monkeypatch, value, fast):
    monkeypatch.setenv("DLBOOK_FAST", value)
    assert config.is_fast() is fast
    assert config.mode() == ("fast" if fast else "full")


def test_mode_switch_rejects_garbage(monkeypatch):
    monkeypatch.setenv("DLBOOK_FAST", "maybe")
    with pytest.raises(ValueError, match="DLBOOK_FAST"):
        config.is_fast()


def test_settings_come_from_one_table_and_fast_is_smaller():
    for chapter, table in config.SETTINGS.items():
        full = config.settings(chapter, fast=False)
        fast = config.settings(chapter, fast=True)
        assert set(full) == set(fast) == set(table)
        for key in full:
            f, s = full[key], fast[key]
            if isinstance(f, (int, float)) and not isinstance(f, bool):
                assert s <= f, f"{chapter}.{key}: fast {s} > full {f}"
            elif isinstance(f, tuple):
                assert len(s) <= len(f), f"{chapter}.{key}"


def test_settings_follow_the_mode(monkeypatch):
    monkeypatch.setenv("DLBOOK_FAST", "0")
    assert config.settings("q5") == config.settings("q5", fast=False)
    monkeypatch.setenv("DLBOOK_FAST", "1")
    assert config.settings("q5") == config.settings("q5", fast=True)


def test_settings_bad_chapter():
    with pytest.raises(ValueError, match="chapter must be one of"):
        config.settings("q9")
    with pytest.raises(TypeError, match="chapter must be a str"):
        config.settings(5)


def test_seed_everything_makes_all_generators_repeat():
    config.seed_everything(123)
    a = (random.random(), np.random.rand(), torch.rand(3))
    config.seed_everything(123)
    b = (random.random(), np.random.rand(), torch.rand(3))
    assert a[0] == b[0] and a[1] == b[1] and torch.equal(a[2], b[2])
    config.seed_everything(124)
    assert not torch.equal(torch.rand(3), a[2])


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(bad, exc):
    with pytest.raises(exc, match="seed"):
        config.seed_everything(bad)


def test_pick_device_order_and_override(monkeypatch):
    monkeypatch.delenv("DLBOOK_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if expected == "cpu" and getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        expected = "mps"
    assert config.pick_device().type == expected
    assert config.pick_device("cpu").type == "cpu"
    monkeypatch.setenv("DLBOOK_DEVICE", "cpu")
    assert config.pick_device().type == "cpu"
    with pytest.raises(ValueError, match="prefer must be"):
        config.pick_device("tpu")


def test_setup_prints_one_line_and_returns_context(capsys):
    ctx = config.setup("q1", seed=7, device="cpu")
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [f"Mode: fast | device: cpu | torch {torch.__version__.split('+')[0]} | seed 7"]
    assert ctx.fast and ctx.seed == 7 and ctx.device.type == "cpu"
    assert ctx.settings == config.settings("q1", fast=True)
    first = torch.rand(2)
    config.setup(seed=7, device="cpu")
    assert torch.equal(torch.rand(2), first)
