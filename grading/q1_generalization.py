"""Autograder tests of chapter Q1's exercises (see grading/__init__.py)."""


def public_q1_cv_degree(cv_degree):
    assert isinstance(cv_degree, int), "cv_degree must be an int, a polynomial degree"
    assert 1 <= cv_degree <= 13, "a degree between 1 and 13"


def hidden_q1_cv_degree(cv_degree, polynomial, x_train, y_train):
    import numpy as np
    from sklearn.model_selection import KFold

    errors = {}
    for degree in range(1, 14):
        folds = KFold(n_splits=5).split(x_train)
        errors[degree] = np.mean(
            [
                np.mean((polynomial(degree).fit(x_train[a], y_train[a]).predict(x_train[b])
                         - y_train[b]) ** 2)
                for a, b in folds
            ]
        )  # fmt: skip
    assert cv_degree == min(errors, key=errors.get), "not the lowest 5-fold error"


def public_q1_patience(stop_epoch, restored_epoch):
    assert isinstance(stop_epoch, int) and isinstance(restored_epoch, int), "two ints"
    assert 1 <= restored_epoch <= stop_epoch, "the restored epoch comes before the stop"


def hidden_q1_patience(stop_epoch, restored_epoch, hist_plain):
    losses = hist_plain.val_loss
    best, since, stop = 1, 0, len(losses)
    for epoch in range(2, len(losses) + 1):
        if losses[epoch - 1] < losses[best - 1]:
            best, since = epoch, 0
        else:
            since += 1
            if since == 3:
                stop = epoch
                break
    assert (stop_epoch, restored_epoch) == (stop, best), f"expected ({stop}, {best})"


def public_q1_ten_of_sixteen(p_hat, classic_test):
    import torch

    assert isinstance(p_hat, float), "p_hat must be a float"
    assert isinstance(classic_test, torch.Tensor) and classic_test.shape == (4, 4)


def hidden_q1_ten_of_sixteen(p_hat, classic_test, output):
    import torch

    assert abs(p_hat - 6 / 16) < 1e-9, "6 of 16 units are dropped"
    assert torch.allclose(classic_test, output * (1 - 6 / 16)), "scale by keep prob."


def public_q1_inverted_average(max_deviation):
    assert isinstance(max_deviation, float), "max_deviation must be a float"
    assert max_deviation >= 0, "a largest absolute difference"


def hidden_q1_inverted_average(max_deviation, output):
    # 20,000 masks: each unit's average has a standard error of |h| sqrt(p/((1-p) n))
    bound = 5 * float(output.abs().max()) * (0.25 / 0.75 / 20_000) ** 0.5
    assert 0 < max_deviation < bound, f"expected sampling noise, below {bound:.3f}"
