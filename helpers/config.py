"""Run mode, seeding, device choice and the one set-up call every notebook starts with.

The book has two modes and one switch:

* **full** (the default): the data sizes and epochs whose results the book prints;
* **fast** (environment variable ``DLBOOK_FAST=1``, set by the test run): tiny data and few
  epochs, so that every notebook re-executes in seconds on a laptop CPU.

Every size or epoch count that depends on the mode is listed in :data:`SETTINGS`, one entry per
chapter, so the two modes are decided in exactly one place.
"""

from __future__ import annotations

import os
import platform
import random
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import torch

FAST_ENV = "DLBOOK_FAST"
PROGRESS_ENV = "DLBOOK_PROGRESS"

# chapter -> setting -> (full value, fast value)
_SETTINGS: dict[str, dict[str, tuple[Any, Any]]] = {
    "q1": {
        "n_points": (15, 15),  # the polynomial toy problem is tiny in both modes
        "mlp_epochs": (150, 15),  # the digits MLP (torch)
        "sk_max_iter": (200, 20),  # scikit-learn's MLP in learning curves and cross-validation
        "lc_points": (5, 3),  # training-set sizes on the learning curve
        "cv_folds": (5, 3),
    },
    "q2": {
        "resamples": (200, 10),  # training sets drawn for the bias-variance estimate
        "n_train": (200, 200),
        "n_test": (500, 100),
        "noise_features": ((0, 10, 25, 50, 75, 90, 110, 150, 200), (0, 25, 90)),
        "cv_folds": (5, 3),
    },
    "q3": {
        "train_size": (50_000, 1_000),
        "val_size": (10_000, 500),
        "test_size": (10_000, 500),
        "teacher_epochs": (10, 1),
        "student_epochs": (20, 2),
        "seeds": (3, 2),
        "sweep_temperatures": ((1, 2, 4, 8, 20), (1, 4)),
        "sweep_alphas": ((0.1, 0.5, 0.9), (0.5,)),
        "sweep_epochs": (8, 1),
        "few_labels": (5_000, 200),
        "few_labels_epochs": (40, 2),
        "transfer_epochs": (20, 1),
    },
    "q4": {  # a 5-sample problem: the same, fast, in both modes
        "max_steps": (1_000, 1_000),
        "check_steps": (200, 200),
    },
    "q5": {
        "train_size": (50_000, 1_000),
        "val_size": (10_000, 500),
        "test_size": (10_000, 500),
        "epochs_a": (10, 1),  # the homework's network, SGD and Adam
        "heads_epochs": (3, 1),  # logits vs LogSoftmax vs Softmax in front of the loss
        "overfit_train_size": (5_000, 300),  # (b) and (c): a training subset makes the point fast
        "overfit_epochs": (30, 2),
        "final_epochs": (30, 1),
    },
}

SETTINGS: Mapping[str, Mapping[str, tuple[Any, Any]]] = MappingProxyType(
    {k: MappingProxyType(v) for k, v in _SETTINGS.items()}
)


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


def settings(chapter: str, fast: bool | None = None) -> dict[str, Any]:
    """The mode-dependent sizes and epochs of ``chapter`` (``"q1"`` ... ``"q5"``)."""
    if not isinstance(chapter, str):
        raise TypeError(f"chapter must be a str such as 'q1', got {type(chapter).__name__}")
    if chapter not in SETTINGS:
        raise ValueError(f"chapter must be one of {sorted(SETTINGS)}, got {chapter!r}")
    use_fast = is_fast() if fast is None else fast
    return {name: pair[1 if use_fast else 0] for name, pair in SETTINGS[chapter].items()}


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


def pick_device(prefer: str | None = None) -> torch.device:
    """The best available device: ``cuda``, then ``mps``, then ``cpu``.

    ``prefer`` (or the environment variable ``DLBOOK_DEVICE``) forces one of them.
    """
    prefer = prefer if prefer is not None else os.environ.get("DLBOOK_DEVICE") or None
    if prefer is not None:
        if prefer not in ("cuda", "mps", "cpu"):
            raise ValueError(f"prefer must be 'cuda', 'mps' or 'cpu', got {prefer!r}")
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
    """What :func:`setup` decided: mode, device, seed and the chapter's settings."""

    mode: str
    device: torch.device
    seed: int
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def fast(self) -> bool:
        return self.mode == "fast"

    def summary(self) -> str:
        return (
            f"Mode: {self.mode} | device: {self.device.type} | torch {torch.__version__.split('+')[0]}"
            f" | seed {self.seed}"
        )


def setup(chapter: str | None = None, seed: int = 0, device: str | None = None) -> Context:
    """Seed everything, pick the device, read the mode and print one line saying so.

    Also sets a white figure background (readable in dark mode) for matplotlib.
    """
    seed_everything(seed)
    import matplotlib

    matplotlib.rcParams.update(
        {"figure.facecolor": "white", "savefig.facecolor": "white", "figure.dpi": 100}
    )
    ctx = Context(
        mode=mode(),
        device=pick_device(device),
        seed=seed,
        settings=settings(chapter) if chapter is not None else {},
    )
    print(ctx.summary())
    return ctx
