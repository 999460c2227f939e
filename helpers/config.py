"""Run mode, seeding, device choice and the one set-up call every notebook starts with.

The book has two modes and one switch:

* **full** (the default): the data sizes and epochs whose results the book prints;
* **fast** (environment variable ``DLBOOK_FAST=1``, set by the test run): tiny data and few
  epochs, so that every notebook re-executes in seconds on a laptop CPU.

Each chapter states its own sizes for both modes in its set-up cell, where the reader sees
them, with one call: ``cfg = helpers.by_mode(full=dict(...), fast=dict(...))``.
"""

from __future__ import annotations

import os
import platform
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

FAST_ENV = "DLBOOK_FAST"
PROGRESS_ENV = "DLBOOK_PROGRESS"
DEVICE_ENV = "DLBOOK_DEVICE"


def is_fast() -> bool:
    """True when ``DLBOOK_FAST`` is set to a true value (``1``, ``true``, ``yes``)."""
    value = os.environ.get(FAST_ENV, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ValueError(f"{FAST_ENV} must be 0/1 (or true/false), got {value!r}")


def mode() -> str:
    """``"fast"`` or ``"full"``."""
    return "fast" if is_fast() else "full"


def by_mode(*, full: Mapping[str, Any], fast: Mapping[str, Any]) -> dict[str, Any]:
    """The settings of the active mode: ``full`` normally, ``fast`` under ``DLBOOK_FAST=1``.

    Both must name the same settings, so that a chapter cannot use a size that one of its
    modes forgot to state.

    >>> cfg = by_mode(full=dict(epochs=30), fast=dict(epochs=2))  # doctest: +SKIP
    """
    for name, value in (("full", full), ("fast", fast)):
        if not isinstance(value, Mapping):
            raise TypeError(
                f"{name} must be a dict of settings, got {type(value).__name__}"
            )
    if set(full) != set(fast):
        only_full = sorted(set(full) - set(fast))
        only_fast = sorted(set(fast) - set(full))
        raise ValueError(
            "full and fast must name the same settings; "
            f"only in full: {only_full}, only in fast: {only_fast}"
        )
    return dict(fast if is_fast() else full)


def show_progress() -> bool:
    """Progress bars are on unless ``DLBOOK_PROGRESS=0`` (the book's own execution sets it)."""
    return os.environ.get(PROGRESS_ENV, "1").strip() not in ("0", "false", "no")


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's (CPU and CUDA) random number generators."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def pick_device() -> torch.device:
    """The best available device: ``cuda``, then ``mps``, then ``cpu``.

    The environment variable ``DLBOOK_DEVICE`` (``cuda``, ``mps`` or ``cpu``) forces one.
    """
    prefer = os.environ.get(DEVICE_ENV, "").strip()
    if prefer:
        if prefer not in ("cuda", "mps", "cpu"):
            raise ValueError(
                f"{DEVICE_ENV} must be 'cuda', 'mps' or 'cpu', got {prefer!r}"
            )
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def device_name(device: torch.device) -> str:
    """A human-readable name of the hardware behind ``device``."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (MPS)"
    return cpu_name()


def cpu_name() -> str:
    """The CPU's model name (from /proc/cpuinfo where there is one)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@dataclass(frozen=True)
class Context:
    """What :func:`setup` decided: the mode, the device and the seed."""

    mode: str
    device: torch.device
    seed: int

    def summary(self) -> str:
        version = torch.__version__.split("+")[0]
        return (
            f"Mode: {self.mode} | device: {self.device.type} | torch {version}"
            f" | seed {self.seed}"
        )


def setup(seed: int = 0) -> Context:
    """Seed everything, pick the device, read the mode and print one line saying so.

    Also sets a white figure background (readable in dark mode) for matplotlib.
    """
    seed_everything(seed)
    import matplotlib

    matplotlib.rcParams.update(
        {"figure.facecolor": "white", "savefig.facecolor": "white", "figure.dpi": 100}
    )
    ctx = Context(mode=mode(), device=pick_device(), seed=seed)
    print(ctx.summary())
    return ctx
