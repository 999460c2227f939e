"""Chapter Q1's claims, checked on the code the reader sees: under- and overfitting of the
polynomial toy problem and its remedies, the inflated score of a choice made on a data set,
the dropout arithmetic and its two conventions (against nn.Dropout, the answer sheet and
exact expectations), and k-fold cross-validation (against scikit-learn)."""

import itertools
import math

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.neighbors import KNeighborsClassifier

from conftest import load_definitions

Q1 = load_definitions("q1_generalization")

OUTPUT = torch.tensor(
    [
        [1.6, -0.7, -0.2, 1.9],
        [-2.3, 2.5, 2.5, -0.9],
        [-0.5, 3.2, 3.7, -0.4],
        [1.3, -0.4, -2.6, 1.2],
    ]
)
MASK = torch.tensor([[1.0, 0, 0, 1], [0, 1, 1, 0], [0, 1, 1, 0], [1, 0, 0, 1]])
TABLE_3 = torch.tensor(
    [
        [1.6, 0.0, 0.0, 1.9],
        [0.0, 2.5, 2.5, 0.0],
        [0.0, 3.2, 3.7, 0.0],
        [1.3, 0.0, 0.0, 1.2],
    ]
)
TABLE_4 = torch.tensor(
    [
        [0.8, -0.35, -0.1, 0.95],
        [-1.15, 1.25, 1.25, -0.45],
        [-0.25, 1.6, 1.85, -0.2],
        [0.65, -0.2, -1.3, 0.6],
    ]
)


def test_estimated_p_and_the_answer_sheets_tables():
    p = Q1["estimate_p"](MASK)
    assert p == 0.5
    train = Q1["dropout_train"](OUTPUT, MASK)
    assert torch.equal(train != 0, MASK.bool())
    assert torch.allclose(train, TABLE_3)
    assert torch.allclose(Q1["dropout_test"](OUTPUT, p), TABLE_4)


def test_with_12_of_16_kept_the_classic_test_factor_is_0_75():
    mask = MASK.clone()
    mask[0] = 1.0
    mask[3] = 1.0
    assert int(mask.sum()) == 12
    p = Q1["estimate_p"](mask)
    assert p == 0.25
    assert torch.allclose(Q1["dropout_test"](OUTPUT, p), 0.75 * OUTPUT)
    assert not torch.allclose(Q1["dropout_test"](OUTPUT, p), 0.25 * OUTPUT)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.7])
def test_inverted_dropout_equals_nn_dropout(p):
    torch.manual_seed(1)
    x = torch.rand(64, 32) + 0.1  # no zeros, so the mask is recoverable
    layer = torch.nn.Dropout(p).train()
    out = layer(x)
    mask = (out != 0).float()
    assert torch.allclose(
        out, Q1["inverted_dropout_train"](x, mask, p), rtol=1e-6, atol=0
    )
    evaluated = layer.eval()(x)
    assert torch.equal(evaluated, x)
    assert torch.equal(Q1["inverted_dropout_test"](x, p), evaluated)
    # nn.Dropout at test time is not the classic convention's (1 - p) h
    assert not torch.allclose(evaluated, Q1["dropout_test"](x, p))


def test_expected_over_masks_enumerates_every_mask_with_its_probability():
    p = 0.3
    h = torch.tensor([2.0, -1.0])
    by_hand = sum(
        (1 - p) ** sum(m) * p ** (2 - sum(m)) * (h * torch.tensor(m, dtype=h.dtype))
        for m in itertools.product([0, 1], repeat=2)
    )
    exact = Q1["expected_over_masks"](lambda m: Q1["dropout_train"](h, m), (2,), p)
    assert torch.allclose(exact, by_hand.double())
    total = Q1["expected_over_masks"](lambda m: torch.ones(len(m)), (3, 2), p)
    assert total.item() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at most 20"):
        Q1["expected_over_masks"](lambda m: m, (5, 5), p)


@pytest.mark.parametrize("p", [0.25, 0.5, 0.7])
def test_what_the_next_layer_sees_under_each_convention(p):
    """Classic: (1-p)h on average in training and (1-p)h at test. Inverted: h and h."""
    h = torch.randn(2, 4, generator=torch.Generator().manual_seed(2)).double()
    classic_train = Q1["expected_over_masks"](
        lambda m: Q1["dropout_train"](h, m), (2, 4), p
    )
    inverted_train = Q1["expected_over_masks"](
        lambda m: Q1["inverted_dropout_train"](h, m, p), (2, 4), p
    )
    assert torch.allclose(classic_train, (1 - p) * h)
    assert torch.allclose(Q1["dropout_test"](h, p), (1 - p) * h)
    assert torch.allclose(inverted_train, h)
    assert torch.equal(Q1["inverted_dropout_test"](h, p), h)
    assert not torch.allclose(classic_train, inverted_train)  # they differ by 1 - p


def test_test_time_scaling_is_the_ensemble_average_only_for_a_linear_layer():
    p = 0.5
    h = OUTPUT.double().flatten()
    W = torch.randn(3, 16, generator=torch.Generator().manual_seed(3)).double()
    scaled = Q1["dropout_test"](h, p) @ W.T

    def linear(masks):
        return Q1["dropout_train"](h, masks.flatten(1)) @ W.T

    assert torch.allclose(Q1["expected_over_masks"](linear, (4, 4), p), scaled)
    relu_average = Q1["expected_over_masks"](lambda m: torch.relu(linear(m)), (4, 4), p)
    # Jensen: the average of a convex function is at least the function of the average
    assert torch.all(relu_average >= torch.relu(scaled) - 1e-12)
    assert not torch.allclose(relu_average, torch.relu(scaled))


def test_one_mask_of_16_estimates_p_roughly():
    assert math.comb(16, 8) / 2**16 == pytest.approx(0.196, abs=5e-4)
    g = torch.Generator().manual_seed(0)
    estimates = torch.tensor(
        [
            Q1["estimate_p"]((torch.rand(16, generator=g) >= 0.5).float())
            for _ in range(4000)
        ]
    )
    assert estimates.mean().item() == pytest.approx(0.5, abs=0.01)
    assert estimates.std().item() == pytest.approx(0.125, abs=0.01)


@pytest.mark.parametrize("n, k", [(10, 2), (1148, 5), (17, 4), (7, 7)])
def test_k_fold_splits_are_disjoint_folds_that_cover_the_data(n, k):
    splits = Q1["k_fold_splits"](n, k, seed=3)
    assert len(splits) == k
    folds = [val for _, val in splits]
    assert sorted(np.concatenate(folds).tolist()) == list(range(n))  # each index once
    assert max(map(len, folds)) - min(map(len, folds)) <= 1
    for train, val in splits:
        assert set(train).isdisjoint(val)
        assert len(train) + len(val) == n


def test_k_fold_splits_reject_a_bad_k():
    with pytest.raises(ValueError, match="k must be between 2"):
        Q1["k_fold_splits"](10, 1)
    with pytest.raises(ValueError, match="k must be between 2"):
        Q1["k_fold_splits"](3, 4)


@pytest.mark.parametrize(
    "model",
    [KNeighborsClassifier(n_neighbors=3), LogisticRegression(max_iter=500)],
    ids=["knn", "logistic"],
)
def test_cross_validation_by_hand_equals_scikit_learns(model):
    X, y = load_digits(return_X_y=True)
    X, y = X[:400] / 16.0, y[:400]
    by_hand = Q1["cross_validate_by_hand"](model, X, y, k=4, seed=1)
    reference = cross_validate(
        model, X, y, cv=Q1["k_fold_splits"](len(X), 4, seed=1), return_train_score=True
    )
    assert by_hand.shape == (4, 2)
    assert np.allclose(by_hand[:, 0], reference["train_score"])
    assert np.allclose(by_hand[:, 1], reference["test_score"])


def test_the_conventions_are_interchangeable_up_to_the_next_layers_weights():
    """Dividing the next layer's weights by 1 - p turns inverted into classic dropout."""
    p = 0.3
    g = torch.Generator().manual_seed(4)
    h, W = torch.randn(8, generator=g).double(), torch.randn(3, 8, generator=g).double()
    mask = (torch.rand(8, generator=g) >= p).double()
    inverted = Q1["inverted_dropout_train"](h, mask, p) @ W.T
    classic = Q1["dropout_train"](h, mask) @ (W / (1 - p)).T
    assert torch.allclose(classic, inverted)
    assert torch.allclose(
        Q1["dropout_test"](h, p) @ (W / (1 - p)).T,
        Q1["inverted_dropout_test"](h, p) @ W.T,
    )


# --- (a): the polynomial toy problem, built as the chapter builds it ---------------------

NOISE_VARIANCE = 0.3**2


@pytest.fixture(scope="module")
def sine():
    rng = np.random.default_rng(0)
    train = Q1["make_sine_data"](15, rng, spread=True)
    val = Q1["make_sine_data"](2_000, rng, spread=False)
    more = Q1["make_sine_data"](150, np.random.default_rng(1), spread=True)
    return {"train": train, "val": val, "more": more}


@pytest.fixture(scope="module")
def by_degree(sine):
    """{degree: (training MSE, validation MSE)} for degrees 1 to 14 on the 15 points."""
    return {
        d: Q1["train_and_val_mse"](Q1["polynomial"](d), sine["train"], sine["val"])
        for d in range(1, 15)
    }


def test_training_error_never_rises_with_the_degree(by_degree):
    train = [by_degree[d][0] for d in range(1, 15)]
    assert all(b <= a + 1e-9 for a, b in zip(train, train[1:]))
    assert train[-1] < 1e-12  # degree 14 passes through all 15 points


def test_the_validation_minimum_is_interior_and_above_the_noise_floor(by_degree):
    val = {d: v for d, (_, v) in by_degree.items()}
    best = min(val, key=val.get)
    assert 1 < best < 14
    assert NOISE_VARIANCE < val[best] < 1.5 * NOISE_VARIANCE
    assert val[1] > 2 * val[best] and val[14] > 1000 * val[best]


def test_some_gap_is_normal_and_overfitting_widens_it_while_val_error_rises(by_degree):
    gap = {d: v - t for d, (t, v) in by_degree.items()}
    val = {d: v for d, (_, v) in by_degree.items()}
    best = min(val, key=val.get)
    assert gap[best] > 0.05  # the best model has a clear gap
    plateau = range(3, 8)
    for d in range(8, 15):
        assert gap[d] > max(gap[k] for k in plateau)
        assert val[d] > max(val[k] for k in plateau)


def test_more_data_and_a_weight_penalty_both_rescue_degree_14(sine, by_degree):
    best_train, best_val = min(by_degree.values(), key=lambda tv: tv[1])
    best_gap = best_val - best_train
    more_train, more_val = Q1["train_and_val_mse"](
        Q1["polynomial"](14), sine["more"], sine["val"]
    )
    ridge_train, ridge_val = Q1["train_and_val_mse"](
        Q1["polynomial"](14, alpha=0.1), sine["train"], sine["val"]
    )
    for val in (more_val, ridge_val):
        assert val < by_degree[14][1] / 1000
        assert val < 1.25 * best_val  # about the best small model's level
    # more data closed the gap; the penalty did not (its gap exceeds the best model's)
    assert more_val - more_train < 0.5 * best_gap
    assert ridge_val - ridge_train > best_gap


def test_more_data_does_not_help_the_underfitting_line(sine, by_degree):
    few = by_degree[1][1]
    _, many = Q1["train_and_val_mse"](Q1["polynomial"](1), sine["more"], sine["val"])
    assert abs(many - few) < 0.01
    assert min(few, many) > 3 * NOISE_VARIANCE


# --- (b): a choice made on a data set inflates that set's score ---------------------------


def test_the_best_of_many_guessers_scores_above_chance_only_where_it_was_chosen():
    rng = np.random.default_rng(5)
    chosen, new = Q1["best_guesser_scores"](rng, 100, 100, 649, 10)
    assert chosen.shape == new.shape == (100,)
    assert new.mean() == pytest.approx(0.1, abs=0.005)
    assert chosen.min() > 0.1
    assert chosen.mean() > new.mean() + 0.02


def test_a_single_guesser_is_not_inflated():
    chosen, new = Q1["best_guesser_scores"](np.random.default_rng(6), 400, 1, 649, 10)
    assert chosen.mean() == pytest.approx(new.mean(), abs=0.003)


# --- (c): the conventions as training procedures, and the softmax ensemble ---------------


@pytest.mark.parametrize("p", [0.25, 0.5])
def test_the_conventions_differ_as_training_procedures(p):
    """Same function, but the inverted weights' gradient is the classic one / (1 - p), so
    the same SGD step differs; classic with lr / (1 - p)^2 matches it."""
    g = torch.Generator().manual_seed(7)
    h = torch.randn(8, generator=g).double()
    mask = (torch.rand(8, generator=g) >= p).double()
    target = torch.randn(3, generator=g).double()
    W = torch.randn(3, 8, generator=g).double()
    W_inv = W.clone().requires_grad_()
    W_cls = (W / (1 - p)).requires_grad_()
    z_inv = Q1["inverted_dropout_train"](h, mask, p) @ W_inv.T
    z_cls = Q1["dropout_train"](h, mask) @ W_cls.T
    assert torch.allclose(z_inv, z_cls)
    for z in (z_inv, z_cls):
        ((z - target) ** 2).sum().backward()
    assert torch.allclose(W_inv.grad, W_cls.grad / (1 - p))
    lr = 0.1
    inverted_after = (W_inv - lr * W_inv.grad).detach() / (1 - p)
    assert not torch.allclose(inverted_after, (W_cls - lr * W_cls.grad).detach())
    same = (W_cls - lr / (1 - p) ** 2 * W_cls.grad).detach()
    assert torch.allclose(inverted_after, same)


def test_for_a_softmax_the_scaled_pass_is_the_normalized_geometric_mean():
    p = 0.5
    h = OUTPUT.double().flatten()
    W = torch.randn(4, 16, generator=torch.Generator().manual_seed(8)).double()

    def logits(masks):
        return Q1["dropout_train"](h, masks.flatten(1)) @ W.T

    scaled = (Q1["dropout_test"](h, p) @ W.T).softmax(dim=0)
    mean_log = Q1["expected_over_masks"](
        lambda m: logits(m).log_softmax(dim=1), (4, 4), p
    )
    assert torch.allclose(mean_log.softmax(dim=0), scaled)
    arithmetic = Q1["expected_over_masks"](
        lambda m: logits(m).softmax(dim=1), (4, 4), p
    )
    assert arithmetic.sum().item() == pytest.approx(1.0)
    assert not torch.allclose(arithmetic, scaled, atol=1e-3)
