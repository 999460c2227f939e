"""Autograder tests of chapter Q2's exercises (see grading/__init__.py)."""


def public_q2_knn_exact(knn_exact_bias_variance, exact_bias2, exact_variance):
    import numpy as np

    assert callable(knn_exact_bias_variance), "knn_exact_bias_variance is a function"
    for name, values in (
        ("exact_bias2", exact_bias2),
        ("exact_variance", exact_variance),
    ):
        values = np.asarray(values, dtype=float)
        assert values.shape == (6,), (
            f"{name}: one value for each k of 1, 3, 9, 27, 81, 200"
        )
        assert np.all(np.isfinite(values)) and np.all(values >= 0), f"{name}: >= 0"
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    result = knn_exact_bias_variance(X, np.array([0.2, 0.5, 0.9]), 2)
    assert len(result) == 2, "the function returns (bias^2, variance)"


def hidden_q2_knn_exact(
    knn_exact_bias_variance, exact_bias2, exact_variance, X_train, true_probability
):
    import numpy as np
    from sklearn.neighbors import NearestNeighbors

    def expected(X, p, k):
        # the estimate at x_i averages the labels of its k nearest points, x_i included
        near = (
            NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X, return_distance=False)
        )
        p_near = p[near]
        bias2 = np.mean((p - p_near.mean(axis=1)) ** 2)
        return bias2, np.mean(np.sum(p_near * (1 - p_near), axis=1) / k**2)

    rng = np.random.default_rng(2024)
    X, p = rng.normal(size=(60, 3)), rng.uniform(size=60)
    for k in (1, 2, 7, 60):
        got = np.asarray(knn_exact_bias_variance(X, p, k), dtype=float)
        assert np.allclose(got, expected(X, p, k), rtol=1e-6, atol=1e-12), (
            f"knn_exact_bias_variance is wrong at k = {k} on other data"
        )
    p_train = true_probability(X_train)
    table = np.array([expected(X_train, p_train, k) for k in (1, 3, 9, 27, 81, 200)])
    assert np.allclose(exact_bias2, table[:, 0], rtol=1e-6, atol=1e-12), "exact_bias2"
    assert np.allclose(exact_variance, table[:, 1], rtol=1e-6, atol=1e-12), (
        "exact_variance"
    )


def public_q2_hat_matrix(hat_matrix, knn_df, ridge_df):
    import numpy as np

    assert callable(hat_matrix), "hat_matrix is a function of (model, X)"
    knn_df, ridge_df = (
        np.asarray(knn_df, dtype=float),
        np.asarray(ridge_df, dtype=float),
    )
    assert knn_df.shape == (5,), "knn_df: one trace for each k of 1, 4, 10, 25, 100"
    assert ridge_df.ndim == 1, "ridge_df: one trace for each alpha of `alphas`"
    for values in (knn_df, ridge_df):
        assert np.all(np.isfinite(values)) and np.all(values > 0), "traces are > 0"


def hidden_q2_hat_matrix(hat_matrix, knn_df, ridge_df, X_reg, alphas):
    import numpy as np
    from sklearn.linear_model import LinearRegression, Ridge
    from sklearn.neighbors import KNeighborsRegressor

    rng = np.random.default_rng(99)
    X, y = rng.normal(size=(40, 3)), rng.normal(size=40)
    for model in (
        Ridge(alpha=2.5),
        KNeighborsRegressor(n_neighbors=3),
        LinearRegression(),
    ):
        S = np.asarray(hat_matrix(model, X), dtype=float)
        assert S.shape == (40, 40), f"hat_matrix({model}, X) must be n x n"
        assert np.allclose(S @ y, model.fit(X, y).predict(X), atol=1e-8), (
            f"hat_matrix({model}, X) @ y is not the model's fit"
        )
    n = len(X_reg)
    assert np.allclose(knn_df, [n / k for k in (1, 4, 10, 25, 100)], rtol=1e-8), (
        "knn_df"
    )
    d = np.linalg.svd(X_reg - X_reg.mean(axis=0), compute_uv=False)
    expected = [1 + np.sum(d**2 / (d**2 + a)) for a in alphas]
    assert np.shape(ridge_df) == np.shape(expected), "one trace per alpha of `alphas`"
    assert np.allclose(ridge_df, expected, rtol=1e-6), "ridge_df"


def public_q2_lasso_pair(pair_lasso_weights, pair_zero_draws):
    import numpy as np

    weights = np.asarray(pair_lasso_weights, dtype=float)
    assert weights.shape == (20, 2), "pair_lasso_weights: 20 draws x 2 weights"
    assert isinstance(pair_zero_draws, (int, np.integer)), "pair_zero_draws is an int"
    assert 0 <= pair_zero_draws <= 20, "a number of draws, 0 to 20"


def hidden_q2_lasso_pair(pair_lasso_weights, pair_zero_draws, copies_problem):
    import numpy as np
    from sklearn.linear_model import Lasso

    solved = []
    for s in range(20):
        X, y = copies_problem(copies=2, jitter=0.03, jitter_seed=s)
        solved.append(Lasso(alpha=0.1, tol=1e-12, max_iter=1_000_000).fit(X, y).coef_)
    solved = np.array(solved)
    assert np.allclose(pair_lasso_weights, solved, atol=1e-3), (
        "pair_lasso_weights are not Lasso(alpha=0.1)'s solutions"
    )
    assert pair_zero_draws == int(np.sum(np.any(solved == 0, axis=1))), (
        "pair_zero_draws"
    )


def public_q2_read_penalty(identify_penalty):
    import numpy as np
    from sklearn.linear_model import LinearRegression

    assert callable(identify_penalty), "identify_penalty is a function of (w, b, X, y)"
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 1.0], [3.0, 5.0]])
    y = np.array([1.0, 2.0, 2.0, 4.0, 3.0])
    model = LinearRegression().fit(X, y)
    result = identify_penalty(model.coef_, model.intercept_, X, y)
    assert isinstance(result, tuple) and len(result) == 2, "a pair (penalty, alpha)"
    assert result[0] in ("L1", "L2", "none"), 'the penalty is "L1", "L2" or "none"'
    assert float(result[1]) >= 0, "alpha is a number >= 0"


def hidden_q2_read_penalty(identify_penalty):
    import numpy as np
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Lasso, LinearRegression, Ridge
    from sklearn.preprocessing import StandardScaler

    X_d, y_d = load_diabetes(return_X_y=True)
    rng = np.random.default_rng(7)
    X_r = rng.normal(size=(80, 6)) @ rng.normal(size=(6, 6))  # correlated features
    y_r = X_r @ rng.normal(size=6) + rng.normal(size=80) + 3.0
    for X, y in ((StandardScaler().fit_transform(X_d), y_d), (X_r, y_r)):
        largest = np.abs(X.T @ (y - y.mean())).max() / len(y)  # Lasso's zero-all alpha
        cases = [("none", 0.0, LinearRegression())]
        cases += [("L2", a, Ridge(alpha=a)) for a in (0.5, 50.0, 5000.0)]
        for fraction in (0.001, 0.05, 0.2):  # from no zero weight to several
            alpha = fraction * largest
            lasso = Lasso(alpha=alpha, tol=1e-12, max_iter=1_000_000)
            cases.append(("L1", alpha, lasso))
        for penalty, alpha, model in cases:
            model.fit(X, y)
            assert np.count_nonzero(model.coef_) >= 2  # the test's own premise
            got, got_alpha = identify_penalty(model.coef_, model.intercept_, X, y)
            assert got == penalty, f"{model} read as {got!r}"
            assert abs(float(got_alpha) - alpha) <= 1e-4 * alpha + 1e-9, (
                f"{model}: alpha read as {got_alpha}"
            )
