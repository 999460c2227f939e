"""Figures every chapter repeats: learning curves and image grids with labels.

Every figure has a white face colour, a title, axis labels and a legend, and is returned so a
notebook can add to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .train import History

_METRICS = {
    "loss": ("train_loss", "val_loss", "cross-entropy loss"),
    "acc": ("train_acc", "val_acc", "accuracy"),
}


def _as_dict(
    histories: History | Sequence[History] | Mapping[str, History],
) -> dict[str, History]:
    if isinstance(histories, History):
        return {histories.label or "run": histories}
    if isinstance(histories, Mapping):
        items = dict(histories)
    elif isinstance(histories, (list, tuple)):
        items = {h.label or f"run {i + 1}": h for i, h in enumerate(histories)}
    else:
        raise TypeError(
            "histories must be a History, a sequence or a dict of them, "
            f"got {type(histories).__name__}"
        )
    if not items:
        raise ValueError("histories is empty")
    for name, h in items.items():
        if not isinstance(h, History):
            raise TypeError(
                f"histories[{name!r}] must be a History, got {type(h).__name__}"
            )
    return items


def plot_history(
    histories: History | Sequence[History] | Mapping[str, History],
    metrics: Sequence[str] = ("loss", "acc"),
    title: str = "Learning curves",
    mark_best: str | None = None,
    logy: bool = False,
) -> Figure:
    """Training (dashed) and validation (solid) curves per epoch, one panel per metric.

    ``metrics``: any of ``"loss"`` and ``"acc"``; ``mark_best`` (``"val_loss"`` or ``"val_acc"``)
    draws a dotted line at each run's best epoch. The legend says how each training curve
    was measured: after each epoch on the clean training data (``fit(eval_train=True)``), or
    as a running mean over the epoch's batches, as trained (with dropout and augmentation
    on, while the weights still change).
    """
    runs = _as_dict(histories)
    for m in metrics:
        if m not in _METRICS:
            raise ValueError(f"metrics must be taken from {tuple(_METRICS)}, got {m!r}")
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(5.5 * len(metrics), 4), squeeze=False
    )
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, m in zip(axes[0], metrics):
        train_key, val_key, ylabel = _METRICS[m]
        for i, (name, h) in enumerate(runs.items()):
            color = colors[i % len(colors)]
            how = "after each epoch" if h.train_measured == "eval" else "running mean"
            ax.plot(
                h.epoch,
                getattr(h, train_key),
                "--",
                color=color,
                label=f"{name} (train, {how})",
            )
            if getattr(h, val_key):
                # the legend names each run's best epoch: dotted lines can coincide
                best = None if mark_best is None else h.best_epoch(mark_best)
                at = "" if best is None else f"; best at epoch {best}"
                ax.plot(
                    h.epoch,
                    getattr(h, val_key),
                    "-",
                    color=color,
                    label=f"{name} (validation{at})",
                )
                if best is not None:
                    ax.axvline(best, color=color, linestyle=":", linewidth=1)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax.set_ylabel(ylabel)
        if logy and m == "loss":
            ax.set_yscale("log")
        ax.set_title(f"{ylabel.capitalize()} per epoch")
        ax.grid(alpha=0.3)
    first = axes[0][0]
    if mark_best is not None:
        best = (
            "lowest validation loss" if mark_best == "val_loss" else "best val accuracy"
        )
        first.plot(
            [], [], ":", color="gray", label=f"dotted: each run's epoch of the {best}"
        )
    # one legend for all panels, below them, where it hides no curve
    handles, labels = first.get_legend_handles_labels()
    fig.suptitle(title)
    fig.tight_layout()
    fig.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    return fig


def show_images(
    images: torch.Tensor,
    labels: torch.Tensor | Sequence[int],
    classes: Sequence[str],
    predictions: torch.Tensor | Sequence[int] | None = None,
    ncols: int = 8,
    title: str = "Images",
) -> Figure:
    """A grid of grayscale images titled with their class (and prediction, red when wrong).

    ``images``: (N, 28, 28) or (N, 1, 28, 28), uint8 or float in [0, 1].
    """
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a torch.Tensor, got {type(images).__name__}")
    if images.dim() == 4:
        if images.shape[1] != 1:
            raise ValueError(
                f"images must have one channel, got shape {tuple(images.shape)}"
            )
        images = images[:, 0]
    if images.dim() != 3:
        raise ValueError(
            f"images must have shape (N, H, W) or (N, 1, H, W), got {tuple(images.shape)}"
        )
    n = len(images)
    labels = [int(v) for v in labels]
    if len(labels) != n:
        raise ValueError(
            f"labels must have one entry per image ({n}), got {len(labels)}"
        )
    preds = None if predictions is None else [int(v) for v in predictions]
    if preds is not None and len(preds) != n:
        raise ValueError(
            f"predictions must have one entry per image ({n}), got {len(preds)}"
        )
    if not isinstance(ncols, int) or ncols <= 0:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}")
    for v in labels + (preds or []):
        if not 0 <= v < len(classes):
            raise ValueError(
                f"labels and predictions must be in [0, {len(classes)}), got {v}"
            )
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(1.6 * ncols, 1.9 * nrows + 0.4), squeeze=False
    )
    pixels = images.detach().float().cpu()
    if images.dtype == torch.uint8:
        pixels = pixels / 255.0
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(pixels[i].numpy(), cmap="gray_r", vmin=0.0, vmax=1.0)
        text = classes[labels[i]]
        color = "black"
        if preds is not None:
            wrong = preds[i] != labels[i]
            text = f"true: {classes[labels[i]]}\npred: {classes[preds[i]]}"
            color = "crimson" if wrong else "darkgreen"
        ax.set_title(text, fontsize=7, color=color)
    if preds is not None:
        n_wrong = sum(p != t for p, t in zip(preds, labels))
        title = f"{title} ({n_wrong} of {n} wrong, in red)"
    fig.suptitle(title)
    fig.tight_layout()
    return fig
