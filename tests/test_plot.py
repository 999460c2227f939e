import pytest
import torch

from helpers import History, plot_history, show_images


def hist(label, shift=0.0):
    return History(
        label=label,
        epoch=[1, 2, 3],
        train_loss=[1.0, 0.5, 0.2],
        train_acc=[0.5, 0.7, 0.9],
        val_loss=[1.1 + shift, 0.8, 0.9],
        val_acc=[0.4, 0.6, 0.65],
        seconds=[1, 1, 1],
    )


def test_plot_history_titles_labels_legends_and_lines():
    fig = plot_history(
        {"a": hist("a"), "b": hist("b", 0.1)}, title="Runs", mark_best="val_loss"
    )
    assert fig._suptitle.get_text() == "Runs"
    loss_ax, acc_ax = fig.axes
    assert (
        loss_ax.get_xlabel() == "epoch" and loss_ax.get_ylabel() == "cross-entropy loss"
    )
    assert (
        acc_ax.get_ylabel() == "accuracy" and acc_ax.get_title() == "Accuracy per epoch"
    )
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "a (train, running mean)" in labels
    assert "b (validation; best at epoch 2)" in labels
    assert "dotted: each run's epoch of the lowest validation loss" in labels
    best_lines = [ln for ln in loss_ax.lines if list(ln.get_xdata()) == [2, 2]]
    assert len(best_lines) == 2  # each run's best validation epoch is marked
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)


def test_plot_history_accepts_a_single_history_and_a_list():
    assert len(plot_history(hist("x"), metrics=("loss",)).axes) == 1
    measured = hist("y")
    measured.train_measured = "eval"
    fig = plot_history([hist("x"), measured])
    assert len(fig.axes[0].lines) == 4
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[:3] == [
        "x (train, running mean)",
        "x (validation)",
        "y (train, after each epoch)",
    ]


def test_plot_history_errors():
    with pytest.raises(ValueError, match="metrics must be taken from"):
        plot_history(hist("a"), metrics=("f1",))
    with pytest.raises(TypeError, match="must be a History"):
        plot_history({"a": 3})
    with pytest.raises(ValueError, match="histories is empty"):
        plot_history({})


def test_show_images_marks_wrong_predictions():
    images = torch.randint(0, 256, (5, 28, 28), dtype=torch.uint8)
    classes = [f"c{i}" for i in range(10)]
    fig = show_images(
        images,
        [0, 1, 2, 3, 4],
        classes,
        predictions=[0, 1, 9, 3, 8],
        ncols=3,
        title="Test",
    )
    assert fig._suptitle.get_text() == "Test (2 of 5 wrong, in red)"
    titled = [ax for ax in fig.axes if ax.get_title()]
    assert len(titled) == 5
    colors = [ax.title.get_color() for ax in titled]
    assert colors.count("crimson") == 2
    assert titled[2].get_title() == "true: c2\npred: c9"


def test_show_images_errors():
    images = torch.zeros(2, 28, 28)
    with pytest.raises(ValueError, match="one entry per image"):
        show_images(images, [0], ["a", "b"])
    with pytest.raises(ValueError, match=r"labels and predictions must be in \[0, 2\)"):
        show_images(images, [0, 5], ["a", "b"])
    with pytest.raises(ValueError, match="one channel"):
        show_images(torch.zeros(2, 3, 28, 28), [0, 1], ["a", "b"])
    with pytest.raises(TypeError, match="torch.Tensor"):
        show_images([[0]], [0], ["a"])
