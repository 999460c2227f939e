"""The facts chapter Q2's text claims, checked on the chapter's own code and data."""

import numpy as np
import pytest
from sklearn.linear_model import Lasso, LinearRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier

from conftest import load_definitions

Q2 = load_definitions("q2_regularization")


@pytest.fixture(scope="module")
def bias_variance():
    return Q2["knn_bias_variance"](
        (1, 15, 101), n_train=200, n_test=200, resamples=30, seed=1
    )


def test_one_nn_has_zero_training_error():
    X, y = Q2["sample"](200, np.random.default_rng(5))
    assert np.mean(KNeighborsClassifier(n_neighbors=1).fit(X, y).predict(X) != y) == 0.0


def test_k_equal_n_predicts_the_majority_class():
    X, y = Q2["sample"](150, np.random.default_rng(6))
    pred = (
        KNeighborsClassifier(n_neighbors=150)
        .fit(X, y)
        .predict(np.random.default_rng(7).uniform(-2, 2, (50, 2)))
    )
    assert np.all(pred == np.bincount(y).argmax())


def test_variance_decreases_and_bias_increases_with_k(bias_variance):
    bv = bias_variance
    assert bv["variance"][0] > bv["variance"][1] > bv["variance"][2]
    assert bv["bias2"][0] < bv["bias2"][1] < bv["bias2"][2]
    assert bv["train_error"][0] == 0.0


def test_decomposition_adds_up_to_the_measured_error(bias_variance):
    bv = bias_variance
    total = bv["bias2"] + bv["variance"] + bv["noise"]
    assert np.allclose(total, bv["measured"], atol=0.01)


def test_noise_features_widen_the_gap_below_the_interpolation_threshold():
    res = Q2["noise_feature_experiment"]((0, 25, 50, 90), repeats=5)
    gap = res["val"] - res["train"]
    assert np.all(np.diff(gap) > 0)
    assert np.all(np.diff(res["train"]) < 0)


def test_ridge_splits_evenly_and_lasso_keeps_exactly_one_copy():
    X, y = Q2["copies_problem"]()
    ridge = Q2["fit_weights"](Ridge(alpha=1.0), X, y)
    assert ridge.max() - ridge.min() < 1e-6
    assert ridge == pytest.approx(np.full(4, ridge.sum() / 4))
    assert 0.2 < ridge[0] < 0.3
    lasso = Q2["fit_weights"](Lasso(alpha=0.1), X, y)
    assert np.count_nonzero(lasso) == 1  # exactly zero, not just small
    weaker = Q2["fit_weights"](Lasso(alpha=0.01), X, y)
    assert (
        np.sum(np.abs(weaker) > 1e-12) == 1
    )  # the solver leaves rounding residue of ~1e-17
    assert weaker[0] > lasso[0]  # a weaker coefficient shrinks less


def test_unpenalized_fit_on_near_copies_is_large_and_unstable():
    X, y = Q2["copies_problem"]()
    a = Q2["fit_weights"](
        LinearRegression(), Q2["copies_problem"](jitter=1e-3, jitter_seed=10)[0], y
    )
    b = Q2["fit_weights"](
        LinearRegression(), Q2["copies_problem"](jitter=1e-3, jitter_seed=11)[0], y
    )
    assert np.abs(a).max() > 10 and np.abs(b).max() > 10
    assert np.abs(a - b).max() > 10
    assert a.sum() == pytest.approx(b.sum(), abs=0.05)  # only the sum is pinned down
