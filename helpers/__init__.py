"""Helpers shared by the notebooks of the Deep Learning homework 1 book.

What every chapter repeats lives here (set-up and modes, Fashion-MNIST in memory, the epoch
loop, plotting, batched augmentation); what a chapter teaches is written in its notebook.
"""

from .augment import NO_AUGMENT, BatchAugment
from .config import (
    Context,
    is_fast,
    mode,
    pick_device,
    seed_everything,
    settings,
    setup,
)
from .data import (
    CLASSES,
    DatasetError,
    FashionMNIST,
    Splits,
    batch_indices,
    fashion_splits,
    iterate_batches,
    load_fashion_mnist,
    subset,
    to_float,
    train_val_split,
)
from .plot import plot_history, show_images
from .train import History, count_parameters, evaluate, fit, mlp, predict, resolve_precision

__version__ = "0.1.0"

__all__ = [
    "BatchAugment",
    "CLASSES",
    "Context",
    "DatasetError",
    "FashionMNIST",
    "Splits",
    "History",
    "NO_AUGMENT",
    "batch_indices",
    "count_parameters",
    "evaluate",
    "fashion_splits",
    "fit",
    "is_fast",
    "iterate_batches",
    "load_fashion_mnist",
    "mlp",
    "mode",
    "pick_device",
    "plot_history",
    "predict",
    "resolve_precision",
    "seed_everything",
    "settings",
    "setup",
    "show_images",
    "subset",
    "to_float",
    "train_val_split",
]
