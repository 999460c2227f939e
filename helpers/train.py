"""The epoch loop every chapter repeats: :func:`fit`, :func:`evaluate` and the :class:`History`.

Data are in-memory tensors (see :mod:`helpers.tensors`): ``train=(images, labels, *extra)``. The
training loss is ``loss_fn(logits, labels, *extra)``, so a chapter can pass more per-sample
targets (chapter Q3 passes the teacher's logits). Validation is always measured with plain
cross-entropy and accuracy against the labels.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .config import show_progress
from .tensors import check_same_length, iterate_batches

try:  # a notebook progress bar needs ipywidgets; without it, fall back to the text bar
    import ipywidgets  # noqa: F401
    from tqdm.auto import tqdm
except ImportError:  # pragma: no cover - depends on the environment
    from tqdm import tqdm

LossFn = Callable[..., torch.Tensor]
Augment = Callable[[torch.Tensor, torch.Generator], torch.Tensor]

EVAL_BATCH = 1024  # images per forward pass when evaluating (no gradients kept)
MONITORS = ("val_loss", "val_acc")


@dataclass
class History:
    """Per-epoch record of one training run (epochs are numbered from 1).

    ``train_loss``/``train_acc`` are running means over the epoch's batches (as trained: with
    dropout and augmentation) unless the run was made with ``eval_train=True``; then they are
    measured after the epoch in evaluation mode on the clean training data (``train_measured``
    says which).
    """

    label: str = ""
    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    train_measured: str = "running"
    restored_epoch: int | None = None

    def __len__(self) -> int:
        return len(self.epoch)

    def best_epoch(self, metric: str = "val_loss") -> int:
        """The epoch (1-based) with the lowest ``val_loss`` or the highest ``val_acc``."""
        if metric not in MONITORS:
            raise ValueError(f"metric must be one of {MONITORS}, got {metric!r}")
        values = getattr(self, metric)
        if not values:
            raise ValueError(
                "this history has no validation values (fit was called without val)"
            )
        pick = min if metric == "val_loss" else max
        best = pick(range(len(values)), key=lambda i: values[i])
        return self.epoch[best]

    def at(self, epoch: int) -> dict[str, float]:
        """All values of one epoch (1-based)."""
        if epoch not in self.epoch:
            raise ValueError(f"epoch must be between 1 and {len(self)}, got {epoch}")
        i = self.epoch.index(epoch)
        keys = ("train_loss", "train_acc", "val_loss", "val_acc", "seconds")
        return {
            "epoch": epoch,
            **{k: getattr(self, k)[i] for k in keys if getattr(self, k)},
        }

    def table(self) -> str:
        """The history as a fixed-width text table, one row per epoch."""
        has_val = bool(self.val_loss)
        head = f"{'epoch':>5} {'train loss':>10} {'train acc':>9}"
        if has_val:
            head += f" {'val loss':>8} {'val acc':>7}"
        lines = [head + f" {'s':>6}"]
        for i, e in enumerate(self.epoch):
            row = f"{e:>5} {self.train_loss[i]:>10.4f} {self.train_acc[i]:>9.4f}"
            if has_val:
                row += f" {self.val_loss[i]:>8.4f} {self.val_acc[i]:>7.4f}"
            lines.append(row + f" {self.seconds[i]:>6.1f}")
        return "\n".join(lines)


def _check_data(name: str, data: Sequence[torch.Tensor]) -> None:
    if not isinstance(data, (tuple, list)) or len(data) < 2:
        raise TypeError(f"{name} must be a tuple (images, labels, *extra) of tensors")
    n = check_same_length(f"the tensors of {name}", data)
    if n == 0:
        raise ValueError(f"{name} is empty")
    if data[1].dtype != torch.int64:
        raise TypeError(
            f"{name}: labels must be int64 class indices, got {data[1].dtype}"
        )


def _positive_int(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")


def _model_device(model: nn.Module) -> torch.device:
    try:
        return next(model.parameters()).device
    except StopIteration:
        return torch.device("cpu")


def _correct(logits: torch.Tensor, labels: torch.Tensor) -> tuple[int, int]:
    known = (
        labels >= 0
    )  # label -1 marks an unlabelled sample (chapter Q3's transfer set)
    hits = (logits.argmax(dim=1) == labels) & known
    return int(hits.sum()), int(known.sum())


@torch.no_grad()
def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """The model's outputs (logits) for ``images``, in evaluation mode, as float32 on the CPU.

    Images go through in chunks of ``EVAL_BATCH``; the model's training mode is restored.
    """
    device = _model_device(model)
    was_training = model.training
    model.eval()
    outs = []
    for start in range(0, len(images), EVAL_BATCH):
        xb = images[start : start + EVAL_BATCH].to(device, non_blocking=True)
        outs.append(model(xb).float().cpu())
    model.train(was_training)
    return torch.cat(outs)


@torch.no_grad()
def evaluate(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor
) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on (images, labels), in evaluation mode."""
    _check_data("evaluate's data", (images, labels))
    logits = predict(model, images)
    labels = labels.cpu()
    loss = F.cross_entropy(logits, labels).item()
    hits, known = _correct(logits, labels)
    return loss, hits / known


def fit(
    model: nn.Module,
    train: Sequence[torch.Tensor],
    val: Sequence[torch.Tensor] | None = None,
    *,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    batch_size: int = 64,
    loss_fn: LossFn | None = None,
    augment: Augment | None = None,
    seed: int = 0,
    eval_train: bool = False,
    restore_best: str | None = None,
    patience: int | None = None,
    scheduler: Any = None,
    label: str = "",
) -> History:
    """Train ``model`` for ``epochs`` epochs of mini-batches and return its :class:`History`.

    * ``train = (images, labels, *extra)``: in-memory tensors; each epoch visits every sample
      once in an order drawn from a generator seeded with ``seed`` (the same seed gives the
      same batches).
    * ``loss_fn(logits, labels, *extra)`` (default: cross-entropy) is the training loss.
    * ``augment(images, generator)`` transforms training batches only, never validation data.
    * ``eval_train``: measure training loss/accuracy after each epoch on the clean training
      data in evaluation mode (an extra forward pass) instead of as running means.
    * ``restore_best`` (``"val_loss"`` or ``"val_acc"``): at the end, load the weights of the
      best epoch (checkpoint selection: the model chosen by validation); ``patience``: stop
      after that many epochs without improvement of the monitored value (early stopping;
      ``restore_best``'s metric, else the validation loss).
    * A progress bar (tqdm) shows the epochs unless ``DLBOOK_PROGRESS=0``.
    * ``scheduler``: a learning-rate scheduler (``torch.optim.lr_scheduler``), stepped once
      at the end of every epoch.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
        )
    _check_data("train", train)
    if val is not None:
        _check_data("val", val)
    _positive_int("epochs", epochs)
    _positive_int("batch_size", batch_size)
    if restore_best is not None and restore_best not in MONITORS:
        raise ValueError(
            f"restore_best must be None or one of {MONITORS}, got {restore_best!r}"
        )
    if (restore_best is not None or patience is not None) and val is None:
        raise ValueError("restore_best and patience need validation data (val)")
    if patience is not None:
        _positive_int("patience", patience)
    if scheduler is not None and not callable(getattr(scheduler, "step", None)):
        raise TypeError(
            f"scheduler must have a step() method, got {type(scheduler).__name__}"
        )
    loss_fn = loss_fn if loss_fn is not None else F.cross_entropy
    device = _model_device(model)
    monitor = restore_best or ("val_loss" if patience is not None else None)

    order_gen = torch.Generator().manual_seed(seed)
    aug_gen = torch.Generator(device=device).manual_seed(seed + 1)
    history = History(label=label, train_measured="eval" if eval_train else "running")
    best_state: dict[str, torch.Tensor] | None = None
    best_value = math.inf
    since_best = 0
    n = len(train[0])
    bar = tqdm(
        range(1, epochs + 1),
        desc=label or "training",
        disable=not show_progress(),
        leave=False,
    )
    for epoch in bar:
        start = time.perf_counter()
        model.train()
        loss_sum, hits, seen = 0.0, 0, 0
        for batch in iterate_batches(
            *train, batch_size=batch_size, generator=order_gen
        ):
            batch = [t.to(device, non_blocking=True) for t in batch]
            xb = batch[0]
            if augment is not None:
                xb = augment(xb, aug_gen)
            logits = model(xb)
            loss = loss_fn(logits, *batch[1:])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(xb)
            h, k = _correct(logits.detach(), batch[1])
            hits, seen = hits + h, seen + k
        if scheduler is not None:
            scheduler.step()
        if eval_train:
            train_loss, train_acc = evaluate(model, train[0], train[1])
        else:
            train_loss, train_acc = loss_sum / n, hits / max(seen, 1)
        history.epoch.append(epoch)
        history.train_loss.append(train_loss)
        history.train_acc.append(train_acc)
        postfix = {"loss": f"{train_loss:.3f}"}
        if val is not None:
            val_loss, val_acc = evaluate(model, val[0], val[1])
            history.val_loss.append(val_loss)
            history.val_acc.append(val_acc)
            postfix["val_acc"] = f"{val_acc:.3f}"
        history.seconds.append(time.perf_counter() - start)
        bar.set_postfix(postfix)
        if monitor is not None:
            value = (
                history.val_loss[-1] if monitor == "val_loss" else -history.val_acc[-1]
            )
            if value < best_value:
                best_value, since_best = value, 0
                best_state = copy.deepcopy(model.state_dict()) if restore_best else None
                history.restored_epoch = epoch if restore_best else None
            else:
                since_best += 1
                if patience is not None and since_best >= patience:
                    break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def mlp(
    sizes: Sequence[int], dropout: float = 0.0, init: str = "default"
) -> nn.Sequential:
    """Flatten, then Linear-ReLU(-Dropout) blocks for ``sizes`` (e.g. ``[784, 512, 10]``),
    with a plain Linear output layer (logits).

    ``init="kaiming"`` draws the weights from He et al.'s normal initialization for ReLU
    (variance 2 / fan_in) with zero biases, which lets deep ReLU stacks train quickly with SGD;
    ``"default"`` keeps PyTorch's ``nn.Linear`` initialization.
    """
    if len(sizes) < 2 or not all(isinstance(s, int) and s > 0 for s in sizes):
        raise ValueError(f"sizes must be at least two positive ints, got {list(sizes)}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    if init not in ("default", "kaiming"):
        raise ValueError(f"init must be 'default' or 'kaiming', got {init!r}")
    layers: list[nn.Module] = [nn.Flatten()]
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
    model = nn.Sequential(*layers)
    if init == "kaiming":
        for layer in model:
            if isinstance(layer, nn.Linear):
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                nn.init.zeros_(layer.bias)
    return model
