import pytest
import torch
import torch.nn.functional as F
from torch import nn

from helpers import History, count_parameters, evaluate, fit, mlp, predict
from helpers import train as train_module


def blobs(n=400, seed=0):
    """Two well separated Gaussian blobs in 2-D: a linear model reaches ~100%."""
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    x = torch.randn(n, 2, generator=g) * 0.5 + (y.float() * 4 - 2).unsqueeze(1)
    return x, y


def make_model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))


def test_fit_learns_and_records_every_epoch():
    x, y = blobs()
    model = make_model()
    before, _ = evaluate(model, x, y)
    h = fit(
        model,
        (x, y),
        (x[:100], y[:100]),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        epochs=5,
        batch_size=32,
        label="blobs",
    )
    assert isinstance(h, History) and h.label == "blobs" and len(h) == 5
    assert h.epoch == [1, 2, 3, 4, 5]
    for key in ("train_loss", "train_acc", "val_loss", "val_acc", "seconds"):
        assert len(getattr(h, key)) == 5
    assert h.train_loss[-1] < h.train_loss[0] < before
    assert h.val_acc[-1] > 0.97
    loss, acc = evaluate(model, x[:100], y[:100])
    assert loss == pytest.approx(h.val_loss[-1]) and acc == pytest.approx(h.val_acc[-1])
    assert "val loss" in h.table() and len(h.table().splitlines()) == 6


def test_fit_is_deterministic_for_a_seed_and_the_seed_matters():
    x, y = blobs()
    runs = []
    for seed in (0, 0, 1):
        model = make_model()
        h = fit(
            model,
            (x, y),
            optimizer=torch.optim.SGD(model.parameters(), lr=0.05),
            epochs=2,
            batch_size=16,
            seed=seed,
        )
        runs.append(h.train_loss)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_running_train_loss_equals_mean_of_batch_losses():
    x, y = blobs(64)
    model = make_model()
    seen = []

    def loss_fn(logits, labels):
        loss = F.cross_entropy(logits, labels)
        seen.append((loss.item(), len(labels)))
        return loss

    h = fit(
        model,
        (x, y),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.0),
        epochs=1,
        batch_size=10,
        loss_fn=loss_fn,
    )
    expected = sum(loss * n for loss, n in seen) / 64
    assert h.train_loss[0] == pytest.approx(expected)
    assert [n for _, n in seen] == [10] * 6 + [4]


def test_eval_train_measures_the_clean_training_set():
    x, y = blobs()
    model = make_model()
    h = fit(
        model,
        (x, y),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        epochs=2,
        eval_train=True,
    )
    loss, acc = evaluate(model, x, y)
    assert h.train_measured == "eval"
    assert h.train_loss[-1] == pytest.approx(loss) and h.train_acc[-1] == pytest.approx(
        acc
    )


def test_extra_targets_reach_the_loss_and_augment_sees_only_training_batches():
    x, y = blobs(40)
    extra = torch.arange(40).float()
    model = make_model()
    extras_seen, aug_sizes = [], []

    def loss_fn(logits, labels, more):
        extras_seen.append(more.clone())
        return F.cross_entropy(logits, labels)

    def augment(images, generator):
        aug_sizes.append(len(images))
        assert isinstance(generator, torch.Generator)
        return images

    fit(
        model,
        (x, y, extra),
        (x[:7], y[:7]),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        epochs=1,
        batch_size=8,
        loss_fn=loss_fn,
        augment=augment,
    )
    assert sorted(torch.cat(extras_seen).tolist()) == list(range(40))
    assert aug_sizes == [8] * 5  # training batches only, never the 7 validation samples


def test_restore_best_and_patience():
    x, y = blobs()
    model = make_model()
    # a learning rate that makes validation loss bounce, so the best epoch is not the last
    h = fit(
        model,
        (x, y),
        (x[:50], y[:50]),
        optimizer=torch.optim.SGD(model.parameters(), lr=3.0),
        epochs=8,
        restore_best="val_loss",
    )
    best = h.best_epoch("val_loss")
    assert h.restored_epoch == best
    loss, _ = evaluate(model, x[:50], y[:50])
    assert loss == pytest.approx(min(h.val_loss))

    model = make_model()
    h = fit(
        model,
        (x, y),
        (x[:50], y[:50]),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.0),
        epochs=10,
        patience=2,
    )
    assert len(h) == 3  # no improvement after epoch 1 with lr 0: stops after 2 more


def test_early_stopping_is_the_same_run_cut_short():
    """patience stops `patience` epochs after the best one; the epochs run are identical to
    the run without patience, and restore_best then loads the best epoch's weights."""
    g = torch.Generator().manual_seed(0)
    x, xv = torch.randn(60, 2, generator=g), torch.randn(200, 2, generator=g)
    y, yv = (x[:, 0] > 0).long(), (xv[:, 0] > 0).long()
    y = torch.where(
        torch.rand(60, generator=g) < 0.3, 1 - y, y
    )  # 30% label noise to overfit

    def run(**kwargs):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 2))
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        return model, fit(
            model, (x, y), (xv, yv), optimizer=opt, epochs=30, batch_size=16, **kwargs
        )

    _, full = run()
    model, stopped = run(restore_best="val_loss", patience=3)
    best, since, stop = (
        1,
        0,
        len(full),
    )  # where early stopping must stop, read off the full run
    for e in range(2, len(full) + 1):
        if full.val_loss[e - 1] < full.val_loss[best - 1]:
            best, since = e, 0
        else:
            since += 1
            if since == 3:
                stop = e
                break
    assert stop < len(full), "the data must make the validation loss stall"
    assert len(stopped) == stop and stopped.restored_epoch == best
    assert stopped.val_loss == full.val_loss[:stop]  # the same run, cut short
    assert evaluate(model, xv, yv)[0] == pytest.approx(full.val_loss[best - 1])


def test_history_best_epoch_and_at():
    h = History(
        epoch=[1, 2, 3],
        train_loss=[3, 2, 1],
        train_acc=[0.1, 0.2, 0.3],
        val_loss=[2.0, 1.0, 1.5],
        val_acc=[0.5, 0.6, 0.7],
        seconds=[1, 1, 1],
    )
    assert h.best_epoch("val_loss") == 2 and h.best_epoch("val_acc") == 3
    assert h.at(2)["val_loss"] == 1.0
    with pytest.raises(ValueError, match="metric must be one of"):
        h.best_epoch("loss")
    with pytest.raises(ValueError, match="epoch must be between 1 and 3"):
        h.at(4)
    with pytest.raises(ValueError, match="no validation values"):
        History(epoch=[1], train_loss=[1], train_acc=[1], seconds=[1]).best_epoch()


def test_evaluate_matches_a_hand_computation(monkeypatch):
    monkeypatch.setattr(
        train_module, "EVAL_BATCH", 7
    )  # several chunks, the last one short
    x, y = blobs(50)
    model = make_model()
    logits = model(x)
    loss, acc = evaluate(model, x, y)
    assert loss == pytest.approx(F.cross_entropy(logits, y).item(), rel=1e-5)
    assert acc == pytest.approx((logits.argmax(1) == y).float().mean().item())
    assert torch.allclose(predict(model, x), logits, atol=1e-6)


def test_unlabelled_samples_do_not_count_in_accuracy():
    from helpers.train import _correct

    logits = torch.tensor([[2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
    assert _correct(logits, torch.tensor([0, 0, -1])) == (1, 2)


def test_evaluate_restores_training_mode():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    model.train()
    evaluate(model, *blobs(10))
    assert model.training


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"epochs": 0}, ValueError, "epochs must be positive"),
        ({"epochs": 1.5}, TypeError, "epochs must be an int"),
        ({"batch_size": 0}, ValueError, "batch_size must be positive"),
        ({"restore_best": "acc"}, ValueError, "restore_best must be None or one of"),
        ({"patience": 0, "val": "same"}, ValueError, "patience must be positive"),
    ],
)
def test_fit_rejects_bad_arguments(kwargs, exc, match):
    x, y = blobs(20)
    model = make_model()
    args = {"optimizer": torch.optim.SGD(model.parameters(), lr=0.1), "epochs": 1}
    args.update(kwargs)
    val = (x, y) if args.pop("val", None) == "same" else None
    with pytest.raises(exc, match=match):
        fit(model, (x, y), val, **args)


def test_fit_rejects_bad_data_and_objects():
    x, y = blobs(20)
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="labels must be int64"):
        fit(model, (x, y.float()), optimizer=opt, epochs=1)
    with pytest.raises(ValueError, match="same length"):
        fit(model, (x, y[:5]), optimizer=opt, epochs=1)
    with pytest.raises(TypeError, match=r"train must be a tuple \(images, labels"):
        fit(model, x, optimizer=opt, epochs=1)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        fit(model, (x, y), optimizer="sgd", epochs=1)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        fit(lambda t: t, (x, y), optimizer=opt, epochs=1)
    with pytest.raises(ValueError, match="need validation data"):
        fit(model, (x, y), optimizer=opt, epochs=1, restore_best="val_loss")


def test_mlp_builder():
    model = mlp([784, 512, 256, 10], dropout=0.2)
    kinds = [type(m).__name__ for m in model]
    assert kinds == [
        "Flatten",
        "Linear",
        "ReLU",
        "Dropout",
        "Linear",
        "ReLU",
        "Dropout",
        "Linear",
    ]
    assert count_parameters(model) == 784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    with pytest.raises(ValueError, match="dropout must be in"):
        mlp([4, 2], dropout=1.0)
    with pytest.raises(ValueError, match="sizes must be"):
        mlp([4])
