"""Helpers shared by the notebooks of the Deep Learning homework 1 book.

What every chapter repeats lives here (set-up and modes, Fashion-MNIST in memory, the epoch
loop, plotting, batched augmentation); what a chapter teaches is written in its notebook.
Every public name below is used by at least one chapter (a test checks it).

`python -m helpers` gets Fashion-MNIST if needed and verifies it.
"""

from .augment import BatchAugment
from .config import by_mode, device_name, seed_everything, setup
from .plot import plot_history, show_images
from .tensors import fashion_splits, subset
from .train import History, count_parameters, evaluate, fit, mlp, predict

__version__ = "0.2.0"

__all__ = [
    "BatchAugment",
    "History",
    "by_mode",
    "count_parameters",
    "device_name",
    "evaluate",
    "fashion_splits",
    "fit",
    "mlp",
    "plot_history",
    "predict",
    "seed_everything",
    "setup",
    "show_images",
    "subset",
]
