"""The facts chapter Q2's text claims, checked on the chapter's own code and data."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso, LinearRegression, Ridge
from sklearn.model_selection import validation_curve
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from conftest import load_definitions

Q2 = load_definitions("q2_regularization")


# (a) k-NN ---------------------------------------------------------------------------


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


def test_variance_is_about_noise_over_k_and_above_it_for_large_k(bias_variance):
    """sigma^2 / k holds for fixed training inputs; here they are redrawn too."""
    bv = bias_variance
    ratio = bv["variance"] / (bv["noise"] / bv["k"])
    assert 1.0 < ratio[0] < 1.3  # k = 1: close to the noise
    assert np.all(ratio[1:] > 1.5)  # k = 15, 101: well above noise / k


def test_many_query_points_give_the_population_noise():
    """With 500 query points the noise term was 0.0554 against a population 0.0621 (the
    artefact that put training above validation error); 5000 points come close."""
    X = np.random.default_rng(11).uniform(-2, 2, (400_000, 2))
    p = Q2["true_probability"](X)
    population = np.mean(p * (1 - p))
    bv = Q2["knn_bias_variance"]((1,), n_train=200, n_test=5000, resamples=2, seed=1)
    assert bv["noise"][0] == pytest.approx(population, abs=0.004)


def test_bias_estimate_removes_the_plug_in_inflation():
    """Draws with a known bias and variance: the plug-in bias^2 is too large by about
    variance / R, the chapter's estimate is not."""
    rng = np.random.default_rng(0)
    points, draws, bias, sd = 20_000, 5, 0.1, 0.3
    p = rng.uniform(size=points)
    estimates = p + bias + sd * rng.normal(size=(draws, points))
    bias2, variance = Q2["bias_variance_estimates"](estimates, p)
    plug_in = np.mean((estimates.mean(axis=0) - p) ** 2)
    assert plug_in == pytest.approx(bias**2 + sd**2 / draws, rel=0.03)
    assert bias2 == pytest.approx(bias**2, rel=0.05)
    assert variance == pytest.approx(sd**2, rel=0.02)


# (b) 1 and 3: Ridge on data with a known truth ----------------------------------------


@pytest.fixture(scope="module")
def ridge_data():
    X, y, beta = Q2["ridge_problem"]()
    return X, y, beta


def test_hat_matrix_reproduces_ridge(ridge_data):
    X, y, _ = ridge_data
    for alpha in (0.01, 3.0, 1000.0):
        fitted = Q2["ridge_hat_matrix"](X, alpha) @ y
        assert np.allclose(fitted, Ridge(alpha=alpha).fit(X, y).predict(X), atol=1e-8)


def test_expected_error_formula_matches_new_data(ridge_data):
    X, y, beta = ridge_data
    model = Ridge(alpha=3.0).fit(X, y)
    rng = np.random.default_rng(1)
    X_new = rng.normal(size=(200_000, X.shape[1]))
    y_new = X_new @ beta + 3.0 * rng.normal(size=len(X_new))
    simulated = np.mean((y_new - model.predict(X_new)) ** 2)
    assert Q2["expected_error"](model, beta, 3.0) == pytest.approx(simulated, rel=0.01)


def test_training_error_never_falls_and_the_norm_never_grows(ridge_data):
    X, y, _ = ridge_data
    alphas = np.logspace(-2, 4, 13)
    models = [Ridge(alpha=a).fit(X, y) for a in alphas]
    train = [np.mean((m.predict(X) - y) ** 2) for m in models]
    norms = [np.linalg.norm(m.coef_) for m in models]
    assert np.all(np.diff(train) >= 0)
    assert np.all(np.diff(norms) <= 0)


def test_a_moderate_penalty_beats_a_negligible_one_on_the_true_error(ridge_data):
    X, y, beta = ridge_data
    err = {
        a: Q2["expected_error"](Ridge(alpha=a).fit(X, y), beta, 3.0)
        for a in (0.01, 3.0, 1e4)
    }
    assert err[3.0] < err[0.01] < err[1e4]


def test_least_squares_error_on_new_inputs_matches_the_formula(ridge_data):
    """sigma^2 (1 + p / (n - p - 1)) with p = 61 parameters, at n = 100 (the true error)."""
    X, y, beta = ridge_data
    true = Q2["expected_error"](Ridge(alpha=0.01).fit(X, y), beta, 3.0)
    assert true == pytest.approx(9.0 * (1 + 61 / 38), rel=0.1)


def test_cv_gaps_reproduce_validation_curve(ridge_data):
    X, y, _ = ridge_data
    alphas = (0.01, 3.0, 100.0)
    train, val = validation_curve(
        Ridge(),
        X,
        y,
        param_name="alpha",
        param_range=alphas,
        cv=5,
        scoring="neg_mean_squared_error",
    )
    expected = -val.mean(axis=1) + train.mean(axis=1)
    assert np.allclose(Q2["cv_gaps"](X, y, alphas, 5)[:, 0], expected, atol=1e-9)


def test_noise_part_of_the_gap_falls_and_the_noise_free_gap_is_a_design_effect(
    ridge_data,
):
    X, _, beta = ridge_data
    alphas = (0.01, 1.0, 10.0, 100.0, 1000.0)
    free = Q2["cv_gaps"](X, X @ beta, alphas, 5)[:, 0]
    noise = 3.0 * np.random.default_rng(0).normal(size=(len(X), 200))
    draws = (X @ beta)[:, None] + noise
    part = Q2["cv_gaps"](X, draws, alphas, 5).mean(axis=1) - free
    assert np.all(np.diff(part) < 0)
    assert free[3] > 20  # a large gap at alpha 100 without any label noise ...
    rng = np.random.default_rng(4)
    X_big = np.vstack([X, rng.normal(size=(1900, X.shape[1]))])
    free_big = Q2["cv_gaps"](X_big, X_big @ beta, [2000.0], 5)[0, 0]
    assert (
        free_big < 0.2 * free[3]
    )  # ... that shrinks with 20x the samples, alpha/n fixed


def test_optimism_matches_two_sigma2_df_over_n_and_falls(ridge_data):
    X, _, beta = ridge_data
    alphas = (0.01, 10.0, 1000.0)
    opt = Q2["in_sample_optimism"](X, X @ beta, 3.0, alphas, draws=4000, seed=2)
    assert np.all(np.abs(opt["measured"] - opt["formula"]) < 4 * opt["stderr"])
    assert np.all(np.diff(opt["formula"]) < 0)
    dof = [np.trace(Q2["ridge_hat_matrix"](X, a)) for a in alphas]
    assert dof[0] == pytest.approx(X.shape[1] + 1, abs=0.1)  # weights + intercept
    assert np.all(np.diff(dof) < 0)


# (b) 2: noise features --------------------------------------------------------------


def test_noise_features_widen_the_gap_below_the_interpolation_threshold():
    res = Q2["noise_feature_experiment"]((0, 25, 50, 90), repeats=5)
    gap = res["val"] - res["train"]
    assert np.all(np.diff(gap) > 0)
    assert np.all(np.diff(res["train"]) < 0)


def test_the_second_descent_is_temporary():
    """Far past the threshold the minimum-norm fit's validation error climbs back towards
    the variance of y, while Lasso stays near its error without noise features."""
    res = Q2["noise_feature_experiment"]((0, 200, 1000), repeats=3)
    assert res["val"][2] > res["val"][1]
    assert res["val"][2] < res["var_y"]
    assert res["val"][2] > 0.75 * res["var_y"]
    assert res["lasso"][2] < 1.5 * res["lasso"][0]


def test_pure_noise_features_act_like_a_ridge_penalty_of_about_m():
    true_weights, minimum_norm, implicit = Q2["implicit_ridge"](1000)
    assert np.abs(minimum_norm - implicit).max() < 0.1 * np.abs(true_weights).max()
    assert np.linalg.norm(minimum_norm) < 0.3 * np.linalg.norm(true_weights)


def test_lasso_is_a_remedy_for_noise_features():
    res = Q2["noise_feature_experiment"]((0, 90, 200), repeats=3)
    assert res["train"][2] < 1e-10  # interpolation past the threshold
    assert np.all(res["lasso"][1:] < 0.5 * res["val"][1:])
    assert res["lasso"][2] < 1.5 * res["lasso"][0]
    assert res["kept"][2] < 40  # of 200 noise features


# (c) which penalty made which weights -------------------------------------------------


def test_reading_the_homework_weights():
    read = {k: Q2["read_weights"](w) for k, w in Q2["HOMEWORK_WEIGHTS"].items()}
    assert [read[k]["exact zeros"] for k in (1, 2, 3, 4)] == [0, 3, 0, 1]
    assert read[4]["L1 norm"] > read[2]["L1 norm"]  # a weaker L1 coefficient
    for norm in ("L1 norm", "L2 norm"):  # no penalty: the largest norms of the four
        assert max(read, key=lambda k: read[k][norm]) == 3


def test_on_near_copies_lasso_has_one_sparse_solution_and_ridge_no_zeros():
    X, y = Q2["copies_problem"](jitter=0.03, jitter_seed=0)
    assert np.corrcoef(X.T).min() > 0.99
    assert len({tuple(np.round(c, 6)) for c in X.T}) == 4  # distinct features
    starts = ([0.25] * 4, [1, 0, 0, 0], [0, 0, 0, 1])
    ends = [Q2["lasso_from"](X, y, 0.1, s).coef_ for s in starts]
    for end in ends[1:]:
        assert np.allclose(end, ends[0], atol=1e-6)  # the same solution from any start
    assert np.sum(ends[0] == 0) >= 1  # exact zeros
    for alpha in (1.0, 10.0):
        assert np.all(Ridge(alpha=alpha).fit(X, y).coef_ != 0)
    even = Ridge(alpha=10.0).fit(X, y).coef_
    assert even.max() - even.min() < 0.05


def test_lasso_on_near_copies_is_sparse_in_every_draw():
    for seed in range(100, 110):
        X, y = Q2["copies_problem"](jitter=0.03, jitter_seed=seed)
        assert np.sum(Q2["lasso_from"](X, y, 0.1, [0.25] * 4).coef_ == 0) >= 1


def test_exact_copies_are_a_lasso_tie():
    X, y = Q2["copies_problem"]()
    cold = Lasso(alpha=0.1).fit(X, y)
    assert np.count_nonzero(cold.coef_) == 1  # the solver's tie-break
    total = cold.coef_.sum()
    even = Q2["lasso_from"](X, y, 0.1, [total / 4] * 4)
    assert np.allclose(even.coef_, total / 4, atol=1e-9)  # stays at the even split
    other = Q2["lasso_from"](X, y, 0.1, total * np.array([0.1, 0.2, 0.3, 0.4]))
    assert np.allclose(other.coef_[1:], total * np.array([0.2, 0.3, 0.4]), atol=1e-6)
    objectives = [Q2["lasso_objective"](X, y, m, 0.1) for m in (cold, even, other)]
    assert np.ptp(objectives) < 1e-9
    # ... while L2's optimum is unique: the even split
    ridge = Q2["fit_weights"](Ridge(alpha=1.0), X, y)
    assert ridge == pytest.approx(np.full(4, ridge.sum() / 4))


def test_minimum_norm_least_squares_is_ridges_limit():
    X, y = Q2["copies_problem"]()
    minimum_norm = Q2["fit_weights"](LinearRegression(), X, y)
    assert np.allclose(minimum_norm, np.linalg.pinv(X - X.mean(0)) @ (y - y.mean()))
    limit = Q2["fit_weights"](Ridge(alpha=1e-6), X, y)
    assert np.abs(limit - minimum_norm).max() < 1e-6


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


def test_the_unpenalized_fit_has_the_largest_norms():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    w = LinearRegression().fit(X, y).coef_
    for alpha in (0.01, 0.1, 1.0):
        assert np.abs(Lasso(alpha=alpha).fit(X, y).coef_).sum() <= np.abs(w).sum()
        assert np.linalg.norm(Ridge(alpha=alpha).fit(X, y).coef_) <= np.linalg.norm(w)


def test_ridge_path_shrinks_the_norm_not_every_weight():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    coefs = Q2["ridge_path"](X, y, np.logspace(-1, 5, 60))
    assert np.all(np.diff(np.linalg.norm(coefs, axis=0)) < 0)
    signs = np.sign(coefs)
    assert np.any(signs[:, 1:] != signs[:, :-1])  # some weight changes sign
    assert np.any(np.abs(coefs).max(axis=1) > 1.5 * np.abs(coefs[:, 0]))  # some grows
    assert np.all(coefs != 0)


def test_one_neighbour_search_gives_knn_regressors_predictions():
    from sklearn.neighbors import KNeighborsRegressor

    rng = np.random.default_rng(3)
    X, y = Q2["sample"](150, rng)
    queries = rng.uniform(-2, 2, (80, 2))
    ks = (1, 4, 15, 150)
    fast = Q2["knn_estimates"](X, y, queries, ks)
    for row, k in zip(fast, ks):
        reference = KNeighborsRegressor(n_neighbors=k).fit(X, y).predict(queries)
        assert np.allclose(row, reference, atol=1e-12)
