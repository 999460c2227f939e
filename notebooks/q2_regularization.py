# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Q2 · Bias, variance and regularization
#
# *Run it yourself:* the rocket button above opens this chapter in Colab; or download the {download}`notebook <q2_regularization.ipynb>` or its {download}`Python source <q2_regularization.py>` (Jupytext percent format, the file this page is built from).
#
# Three parts, each answered and then *measured*:
#
# - **(a)** How does $k$ in $k$-nearest neighbours move bias and variance?
# - **(b)** True or false: regularization may hurt performance; adding many new features
#   prevents overfitting; a larger regularization coefficient makes overfitting more likely.
# - **(c)** Four experiments trained the same linear model; from the learned weights, which
#   regularization did each use?
#
# :::{admonition} Corrections to the original answer sheet
# :class: warning
# The answer sheet this book started from gets (a) and (c) wrong. In (a) it says a small $k$
# gives high bias and high variance, and a large $k$ low bias and high variance; in fact a
# small $k$ gives **low bias and high variance**, a large $k$ **high bias and low variance**.
# In (c) it swaps the first two experiments: `[0.26, 0.25, 0.25, 0.25]` is **L2**, and
# `[1, 0, 0, 0]` is **L1**. Both corrections are shown by experiment below.
# :::

# %% tags=["colab", "remove-cell"]
# Colab only: install the book's helpers from the revision this notebook comes from.
# (Locally, `make book` or `pip install -e .` has installed them already.)
import sys

if "google.colab" in sys.modules:
    import subprocess

    repository, revision = "https://github.com/dlbook-hw1/deep-learning-hw1", "main"
    package = f"dlbook-helpers @ git+{repository}@{revision}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, LinearRegression, Ridge, lasso_path
from sklearn.model_selection import validation_curve
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

import helpers

ctx = helpers.setup(seed=0)
# This chapter's sizes: full mode (the numbers in the text) and fast mode (the tests).
cfg = helpers.by_mode(
    full=dict(
        training_sets=200,
        query_points=500,
        noise_feature_counts=(0, 10, 25, 50, 75, 90, 110, 150, 200),
        cv_folds=5,
    ),
    fast=dict(
        training_sets=10, query_points=100, noise_feature_counts=(0, 25, 90), cv_folds=3
    ),
)
N_TRAIN = 200  # points per k-NN training set, in both modes

# %% [markdown]
# ## (a) $k$-NN: bias and variance against $k$
#
# **Short answer.** $k$-NN predicts from the $k$ training points closest to the query.
#
# - **Small $k$: low bias, high variance.** With $k=1$ the prediction follows every training
#   point, so on average over training sets it tracks the true boundary closely (low bias),
#   but it changes a lot when the training set changes (high variance). Its training error is
#   exactly 0: each training point is its own nearest neighbour.
# - **Large $k$: high bias, low variance.** Averaging over many neighbours smooths the
#   prediction: it barely depends on which training set was drawn (low variance), but it
#   blurs the boundary (high bias). At the extreme $k = n$ every query has the same
#   neighbours, all $n$ points, and the model predicts the majority class everywhere.
#
# The data: points $x$ uniform in $[-2, 2]^2$ with label 1 with probability
# $p(x) = \sigma\big(4\,(x_2 - \sin 2x_1)\big)$: the true boundary is the curve
# $x_2 = \sin 2x_1$, and labels near it are noisy. Because $p(x)$ is known, bias and variance
# can be measured exactly rather than guessed.

# %% tags=["definitions"]
# tests/test_q2_facts.py runs this cell on its own, so it imports what it uses.
import numpy as np
from sklearn.neighbors import KNeighborsRegressor


def true_probability(X: np.ndarray) -> np.ndarray:
    """P(y = 1 | x) of the chapter's problem: a sigmoid across the curve x2 = sin(2 x1)."""
    return 1.0 / (1.0 + np.exp(-4.0 * (X[:, 1] - np.sin(2.0 * X[:, 0]))))


def sample(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n points uniform in [-2, 2]^2 with labels drawn from true_probability."""
    X = rng.uniform(-2, 2, size=(n, 2))
    y = (rng.uniform(size=n) < true_probability(X)).astype(int)
    return X, y


def knn_bias_variance(
    ks, n_train: int, n_test: int, resamples: int, seed: int = 0
) -> dict[str, np.ndarray]:
    """Bias^2, variance and noise of k-NN's probability estimate, over many training sets.

    For every k, `resamples` training sets of size n_train are drawn; the estimate
    p_hat(x) (the share of class 1 among the k neighbours) is recorded at n_test fixed
    query points. With the true p(x), the expected squared error E[(y - p_hat(x))^2]
    splits exactly into noise p(1 - p) + bias^2 (p - E p_hat)^2 + variance Var(p_hat).
    Also returned: the 0-1 training error and the expected 0-1 error on new points.
    """
    rng = np.random.default_rng(seed)
    X_test = rng.uniform(-2, 2, size=(n_test, 2))
    p = true_probability(X_test)
    estimates = np.zeros((len(ks), resamples, n_test))
    train_error = np.zeros((len(ks), resamples))
    squared_error = np.zeros((len(ks), resamples))
    for r in range(resamples):
        X, y = sample(n_train, rng)
        y_new = (rng.uniform(size=n_test) < p).astype(
            float
        )  # fresh labels at the query points
        for i, k in enumerate(ks):
            model = KNeighborsRegressor(n_neighbors=k).fit(X, y)
            estimates[i, r] = model.predict(X_test)
            train_error[i, r] = np.mean((model.predict(X) > 0.5) != y)
            squared_error[i, r] = np.mean((y_new - estimates[i, r]) ** 2)
    mean_estimate = estimates.mean(axis=1)
    predicted_one = estimates > 0.5
    return {
        "k": np.asarray(ks),
        "bias2": ((mean_estimate - p) ** 2).mean(axis=1),
        "variance": estimates.var(axis=1).mean(axis=1),
        "noise": np.full(len(ks), np.mean(p * (1 - p))),
        "measured": squared_error.mean(axis=1),
        "train_error": train_error.mean(axis=1),
        # expected 0-1 error on new points: p(x) where we say 0, 1 - p(x) where we say 1
        "val_error": np.where(predicted_one, 1 - p, p).mean(axis=(1, 2)),
    }


# %% [markdown]
# First, what the models look like. One training set of 200 points, three values of $k$:

# %%
rng = np.random.default_rng(0)
X_train, y_train = sample(N_TRAIN, rng)
X_val, y_val = sample(cfg["query_points"], rng)
g1, g2 = np.meshgrid(np.linspace(-2, 2, 200), np.linspace(-2, 2, 200))
grid = np.c_[g1.ravel(), g2.ravel()]
curve = np.linspace(-2, 2, 200)

fig, axes = plt.subplots(1, 3, figsize=(14, 4.4), sharey=True)
for ax, k in zip(axes, (1, 15, 101)):
    knn = KNeighborsClassifier(n_neighbors=k).fit(X_train, y_train)
    proba = knn.predict_proba(grid)[:, 1].reshape(g1.shape)
    ax.contourf(g1, g2, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    ax.contour(g1, g2, proba, levels=[0.5], colors="black", linewidths=1.5)
    ax.plot(curve, np.sin(2 * curve), "g--", linewidth=2, label="true boundary")
    ax.scatter(*X_train[y_train == 1].T, s=10, c="crimson", label="class 1")
    ax.scatter(*X_train[y_train == 0].T, s=10, c="navy", label="class 0")
    train_err = np.mean(knn.predict(X_train) != y_train)
    val_err = np.mean(knn.predict(X_val) != y_val)
    ax.set_title(
        f"k = {k}: train error {train_err:.3f}, validation error {val_err:.3f}",
        fontsize=10,
    )
    ax.set_xlabel("$x_1$")
    ax.set_xlim(-2, 2)
    ax.set_ylim(-2, 2)
axes[0].set_ylabel("$x_2$")
axes[0].plot([], [], "k-", label="k-NN boundary")
axes[0].legend(loc="lower left", fontsize=8)
fig.suptitle("k-NN decision boundaries (colour: estimated probability of class 1)")
fig.tight_layout()
plt.show()

# %% [markdown]
# With $k=1$ the boundary wraps around individual noisy points (training error exactly 0);
# with $k=15$ it follows the true curve; with $k=101$ it is a smooth, almost straight line
# that misses the curve's bends. The two extremes, checked:

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: nothing here depends on mode or machine.
one_nn = KNeighborsClassifier(n_neighbors=1).fit(X_train, y_train)
print("k = 1: training error =", np.mean(one_nn.predict(X_train) != y_train))
n = len(X_train)
all_nn = KNeighborsClassifier(n_neighbors=n).fit(X_train, y_train)
majority = np.bincount(y_train).argmax()
print(
    f"k = n = {n}: class counts {np.bincount(y_train).tolist()}, majority class {majority}; "
    f"every prediction is the majority class: {bool(np.all(all_nn.predict(grid) == majority))}"
)

# %% [markdown]
# ### Measuring bias and variance
#
# One training set shows one model. Bias and variance are statements about the model *over
# training sets*: draw many training sets, fit $k$-NN to each, and look at the estimates at
# fixed query points. With $\bar p(x)$ the average estimate over training sets,
#
# $$
# \mathbb E\big[(y - \hat p(x))^2\big] = \underbrace{p(x)(1-p(x))}_{\text{noise}}
# + \underbrace{\big(p(x) - \bar p(x)\big)^2}_{\text{bias}^2}
# + \underbrace{\mathbb E\big[(\hat p(x) - \bar p(x))^2\big]}_{\text{variance}},
# $$
#
# averaged over $x$ {cite}`geman1992neural,hastie2009elements`. The column *measured*
# estimates the left side directly, from fresh labels, as a check on the decomposition.

# %%
ks = (1, 3, 5, 9, 15, 25, 51, 101, 199)
bv = knn_bias_variance(
    ks,
    n_train=N_TRAIN,
    n_test=cfg["query_points"],
    resamples=cfg["training_sets"],
    seed=1,
)
print(
    f"{cfg['training_sets']} training sets of {N_TRAIN} points, {cfg['query_points']} query points\n"
)
print(
    f"{'k':>4} {'bias^2':>8} {'variance':>9} {'noise':>7} {'sum':>7} {'measured':>9} {'train err':>10} {'val err':>8}"
)
for i, k in enumerate(bv["k"]):
    total = bv["bias2"][i] + bv["variance"][i] + bv["noise"][i]
    print(
        f"{k:>4} {bv['bias2'][i]:>8.4f} {bv['variance'][i]:>9.4f} {bv['noise'][i]:>7.4f} {total:>7.4f} "
        f"{bv['measured'][i]:>9.4f} {bv['train_error'][i]:>10.3f} {bv['val_error'][i]:>8.3f}"
    )
best_k = bv["k"][np.argmin(bv["bias2"] + bv["variance"])]
print(f"\nlowest expected squared error at k = {best_k}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.3))
ax1.plot(bv["k"], bv["bias2"], "o-", label="bias$^2$")
ax1.plot(bv["k"], bv["variance"], "s-", label="variance")
ax1.plot(
    bv["k"],
    bv["bias2"] + bv["variance"] + bv["noise"],
    "k^-",
    label="bias$^2$ + variance + noise",
)
ax1.plot(
    bv["k"],
    bv["measured"],
    "x",
    color="orange",
    markersize=9,
    label="measured squared error",
)
ax1.axhline(bv["noise"][0], color="gray", linestyle=":", label="noise (irreducible)")
ax1.set_xscale("log")
ax1.set_xlabel("k (log scale)")
ax1.set_ylabel("squared error of the probability estimate")
ax1.set_title("Bias-variance decomposition of k-NN")
ax1.legend(fontsize=8)
ax2.plot(bv["k"], bv["train_error"], "o--", label="training error")
ax2.plot(bv["k"], bv["val_error"], "o-", label="validation error (expected)")
ax2.set_xscale("log")
ax2.set_xlabel("k (log scale)")
ax2.set_ylabel("classification error")
ax2.set_title("Training and validation error of k-NN")
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The table and the left figure are the answer to (a), measured:
#
# - **Bias² grows with $k$** at every step: 0.0008 at $k=1$, 0.0099 at $k=15$, 0.1929 at
#   $k=199$. **Variance shrinks with $k$** at every step: 0.0606 at $k=1$, 0.0063 at $k=15$,
#   0.0012 at $k=199$. Small $k$ is low bias, high variance; large $k$ is high bias, low
#   variance, the opposite of what the original answer sheet says.
# - Their sum (plus the noise, 0.0554, which no model can remove) is lowest in between, at
#   $k=9$: the bias-variance trade-off. The *measured* column agrees with the sum within 0.001
#   at every $k$, so the decomposition accounts for the whole error.
# - The right figure shows the same from the outside: at $k=1$ the training error is 0.000
#   while the validation error is 0.117 (overfitting); at $k=199$ both are near 0.5
#   (underfitting: the model predicts nearly the same class everywhere).
#
#
# ## (b) True or false
#
# ### 1. "Regularization may hurt the model's performance." **True.**
#
# A penalty trades fit for simplicity, so it **always** raises the training error, and too
# strong a penalty underfits and raises the validation error too. Ridge regression on a
# problem with more features than it can reliably estimate (150 samples, 60 features of
# which 10 matter, noise), scored by 5-fold cross-validation over a range of penalties:

# %%
X_reg, y_reg = make_regression(
    n_samples=150, n_features=60, n_informative=10, noise=20.0, random_state=0
)
alphas = np.logspace(-3, 4, 15)
train_scores, val_scores = validation_curve(
    Ridge(),
    X_reg,
    y_reg,
    param_name="alpha",
    param_range=alphas,
    cv=cfg["cv_folds"],
    scoring="neg_mean_squared_error",
)
train_mse, val_mse = -train_scores.mean(axis=1), -val_scores.mean(axis=1)
print(f"{'alpha':>9} {'train MSE':>10} {'val MSE':>10} {'gap':>9}")
for a, tr, va in zip(alphas, train_mse, val_mse):
    print(f"{a:>9.3g} {tr:>10.1f} {va:>10.1f} {va - tr:>9.1f}")
best_alpha = alphas[np.argmin(val_mse)]
print(
    f"\nbest alpha {best_alpha:.3g}; training MSE rises with every step of alpha: {bool(np.all(np.diff(train_mse) > 0))}"
)

fig, ax = plt.subplots(figsize=(7, 4.2))
ax.plot(alphas, train_mse, "o--", label="training MSE")
ax.plot(alphas, val_mse, "o-", label="validation MSE (5-fold)")
ax.axvline(best_alpha, color="green", alpha=0.4, label=f"best alpha ({best_alpha:.3g})")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("regularization coefficient alpha (Ridge, log scale)")
ax.set_ylabel("mean squared error (log scale)")
ax.set_title("Validation curve: a penalty helps, then hurts")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The training error rises at every step of the penalty (175.8 at the smallest alpha, 34,295
# at the largest): regularization always costs training fit. The validation error first falls
# a little (764.5 to 753.3 at alpha 1, the best value) and then climbs steeply (1,546 at alpha
# 10, 34,784 at the largest): too strong a penalty underfits and hurts the performance that
# matters. So the statement is **true**: regularization *may* hurt, and whether it helps
# depends on its strength, which is why the coefficient is chosen on validation data.
#
#
# ### 2. "Adding many new features prevents overfitting." **False.**
#
# New features add capacity: more ways to fit the training sample, including its noise. The
# experiment: a regression with 5 informative features and 100 training samples, to which
# $m$ features of pure noise are added; an unregularized linear model is fitted, and the
# errors are averaged over 20 random draws.

# %% tags=["definitions"]
# tests/test_q2_facts.py runs this cell on its own, so it imports what it uses.
from sklearn.linear_model import LinearRegression


def noise_feature_experiment(
    extra_features,
    n_train: int = 100,
    n_val: int = 1000,
    n_informative: int = 5,
    repeats: int = 20,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Training and validation MSE of least squares with `m` pure-noise features added."""
    rng = np.random.default_rng(seed)
    train, val = (
        np.zeros((len(extra_features), repeats)),
        np.zeros((len(extra_features), repeats)),
    )
    for r in range(repeats):
        coef = rng.normal(size=n_informative)
        X_all = rng.normal(size=(n_train + n_val, n_informative + max(extra_features)))
        y_all = X_all[:, :n_informative] @ coef + rng.normal(size=n_train + n_val)
        for i, m in enumerate(extra_features):
            X = X_all[:, : n_informative + m]
            model = LinearRegression().fit(X[:n_train], y_all[:n_train])
            train[i, r] = np.mean((model.predict(X[:n_train]) - y_all[:n_train]) ** 2)
            val[i, r] = np.mean((model.predict(X[n_train:]) - y_all[n_train:]) ** 2)
    return {
        "m": np.asarray(extra_features),
        "train": train.mean(axis=1),
        "val": val.mean(axis=1),
    }


# %%
noise = noise_feature_experiment(cfg["noise_feature_counts"])
print(f"{'noise features':>14} {'train MSE':>10} {'val MSE':>9} {'gap':>8}")
for m, tr, va in zip(noise["m"], noise["train"], noise["val"]):
    print(f"{m:>14} {tr:>10.3f} {va:>9.3f} {va - tr:>8.3f}")

fig, ax = plt.subplots(figsize=(7, 4.2))
ax.plot(noise["m"], noise["train"], "o--", label="training MSE")
ax.plot(noise["m"], noise["val"], "o-", label="validation MSE")
ax.axhline(1.0, color="gray", linestyle=":", label="noise variance (best possible)")
ax.set_yscale("log")
ax.set_xlabel("number of pure-noise features added")
ax.set_ylabel("mean squared error (log scale)")
ax.set_title("More features, more overfitting (100 training samples)")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# Up to the point where features and samples are about equal, each block of noise features
# lowers the training error and raises the validation error: the gap grows from 0.163 with
# no noise features to 0.715 with 25, 5.289 with 75, and 44.388 with 90 (95 features for 100
# samples, where least squares can almost interpolate the training data). The statement is
# **false**: these features carry no information, only more freedom to fit noise.
#
# Past 100 features the training error is exactly 0 and the validation error *falls* again
# (7.394 at 110, 4.223 at 200). This is the "double descent" {cite}`belkin2019reconciling`:
# with more features than samples, scikit-learn's least squares returns the minimum-norm
# interpolating solution, and that choice is itself a form of regularization. The gap stays
# about 26 times larger than without noise features (4.223 against 0.163), so adding features still did not
# prevent overfitting; and a real remedy (a penalty, more data) does far better.
#
#
# ### 3. "A larger regularization coefficient makes overfitting more likely." **False.**
#
# The opposite: the coefficient scales the penalty, and a larger penalty restricts the
# weights more, so the model can fit less of the training noise. Two measurements on the
# validation curve of statement 1. The **effective number of parameters** of ridge
# regression, $\mathrm{df}(\alpha) = \sum_j d_j^2/(d_j^2 + \alpha)$ with $d_j$ the singular
# values of the (centred) inputs {cite}`hastie2009elements`, counts how many directions the
# model can still fit freely: 60 with no penalty, 0 with an infinite one. And the **ratio**
# of validation to training error says how much worse the model does on data it has not
# seen.

# %%
singular = np.linalg.svd(X_reg - X_reg.mean(axis=0), compute_uv=False)
dof = np.array([np.sum(singular**2 / (singular**2 + a)) for a in alphas])
ratio = val_mse / train_mse
print(f"{'alpha':>9} {'df(alpha)':>10} {'val/train':>10} {'val - train':>12}")
for a, d, r, g in zip(alphas, dof, ratio, val_mse - train_mse):
    print(f"{a:>9.3g} {d:>10.1f} {r:>10.2f} {g:>12.1f}")
print("\ndf falls at every step of alpha:", bool(np.all(np.diff(dof) < 0)))
print(
    "validation/training error ratio falls at every step of alpha:",
    bool(np.all(np.diff(ratio) < 0)),
)

# %% [markdown]
# Both fall at every step: the effective number of parameters from 60.0 to 0.8 and the
# validation/training error ratio from 4.35 (validation error more than four times the
# training error: overfitting) to 1.01 (the model does as well on new data as on its
# training data). A larger coefficient makes overfitting *less* likely; the statement is
# **false**. What a too-large coefficient causes instead is *underfitting* (statement 1).
#
# The last column shows why the plain difference is not the right yardstick here: it grows
# between alpha 1 and 316 although the model overfits less and less, because past the best
# alpha both errors grow with the underfit, and the validation error grows faster. An
# underfitting model is bad on its training data too; the ratio and the effective number of
# parameters measure overfitting itself.
#
#
# ## (c) Which regularization made which weights?
#
# | Experiment | Weights | Regularization | Why |
# |---|---|---|---|
# | 1 | `[0.26, 0.25, 0.25, 0.25]` | **L2** | small, spread evenly, none exactly zero: the L2 penalty $\lambda\sum w_i^2$ prefers many small weights to one large one |
# | 2 | `[1, 0, 0, 0]` | **L1** | all but one *exactly* zero: the L1 penalty $\lambda\sum \lvert w_i\rvert$ produces sparse solutions |
# | 3 | `[13.3, 23.5, 53.2, 5.1]` | **none** | large, unconstrained weights |
# | 4 | `[0.5, 1.2, 8.5, 0]` | **L1, weaker coefficient** | one exact zero (L1's signature), but less shrinkage than experiment 2 |
#
# The original answer sheet swaps experiments 1 and 2. Why L2 spreads and L1 concentrates
# is clearest when the features are *copies* of each other: for weights summing to 1 (the
# same predictions), L2 pays $\sum w_i^2$, smallest at $w_i = \tfrac14$ (total $\tfrac14$),
# while L1 pays $\sum |w_i| = 1$ for *any* split with non-negative weights, so L1 has no reason
# to spread, and its solvers land on a corner of the feasible region, a single non-zero
# weight {cite}`tibshirani1996lasso,hoerl1970ridge`.
#
# A reproduction: one feature $x$, its four copies as inputs, and $y = x + \varepsilon$.
# The unpenalized problem is *ill-posed* with exact copies (every split of the weight fits
# equally well; the solver's answer is arbitrary), so it is also fitted on copies that differ
# by 0.1% noise, twice, to show how unstable it is.

# %% tags=["definitions"]
# tests/test_q2_facts.py runs this cell on its own, so it imports what it uses.
from sklearn.linear_model import Lasso, LinearRegression, Ridge


def copies_problem(
    n: int = 100,
    copies: int = 4,
    jitter: float = 0.0,
    seed: int = 0,
    jitter_seed: int = 10,
):
    """y = x + noise, with `copies` copies of x as features (plus optional tiny jitter)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = x + 0.5 * rng.normal(size=n)
    X = np.repeat(x[:, None], copies, axis=1)
    if jitter > 0:
        X = X + jitter * np.random.default_rng(jitter_seed).normal(size=X.shape)
    return X, y


def fit_weights(model, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return model.fit(X, y).coef_


# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: nothing here depends on mode or machine.
X_copies, y_copies = copies_problem()
X_jit1, _ = copies_problem(jitter=1e-3, jitter_seed=10)
X_jit2, _ = copies_problem(jitter=1e-3, jitter_seed=11)
rows = [
    (
        "no penalty, exact copies (minimum-norm answer)",
        fit_weights(LinearRegression(), X_copies, y_copies),
    ),
    (
        "no penalty, copies + 0.1% noise (draw 1)",
        fit_weights(LinearRegression(), X_jit1, y_copies),
    ),
    (
        "no penalty, copies + 0.1% noise (draw 2)",
        fit_weights(LinearRegression(), X_jit2, y_copies),
    ),
    ("L2: Ridge(alpha=1)", fit_weights(Ridge(alpha=1.0), X_copies, y_copies)),
    ("L1: Lasso(alpha=0.1)", fit_weights(Lasso(alpha=0.1), X_copies, y_copies)),
    (
        "L1, weaker: Lasso(alpha=0.01)",
        fit_weights(Lasso(alpha=0.01), X_copies, y_copies),
    ),
]
print(f"{'fit':<48} {'w1':>7} {'w2':>7} {'w3':>7} {'w4':>7} {'sum':>6}")
for name, w in rows:
    # round(v, 2) + 0.0 prints solver residue such as -1e-17 as 0.00, not -0.00, on every machine
    print(
        f"{name:<48} "
        + " ".join(f"{round(v, 2) + 0.0:>7.2f}" for v in w)
        + f" {w.sum():>6.2f}"
    )
single = LinearRegression().fit(X_copies[:, :1], y_copies).coef_[0]
print(f"\nleast squares on x alone: weight {single:.2f}")

# %% [markdown]
# The table reproduces the homework's four experiments:
#
# - **L2 (Ridge)** splits the weight evenly, 0.26 on each copy: experiment 1's pattern.
# - **L1 (Lasso)** puts everything on one copy, exactly zero on the others: experiment 2's
#   pattern (0.92 rather than 1 because L1 also shrinks the surviving weight).
# - **A weaker L1 coefficient** still leaves the other copies at zero (up to the solver's
#   rounding, below $10^{-16}$) and shrinks less (1.02, close to the least-squares weight of
#   1.03 on $x$ alone): experiment 4's signature.
# - **No penalty**: with exact copies the problem has infinitely many solutions, and the
#   answer is whatever the solver prefers (scikit-learn's least squares returns the
#   minimum-norm one, which happens to look like Ridge's). Perturb the copies by 0.1% and the
#   weights jump to large values of both signs (-47.91, 22.16, ...), and change with the
#   perturbation (-32.84, -3.31, ...): experiment 3's large, unconstrained weights. Only the
#   sum, 1.03, is determined by the data.
#
#
# ### Regularization paths on real data
#
# The same contrast on a real data set, scikit-learn's diabetes data (442 patients, 10
# standardized features): the weights of Lasso (L1) and Ridge (L2) as the penalty grows.

# %%
X_dia, y_dia = load_diabetes(return_X_y=True)
X_dia = StandardScaler().fit_transform(X_dia)
lasso_alphas, lasso_coefs, _ = lasso_path(X_dia, y_dia, alphas=np.logspace(-2, 2, 60))
ridge_alphas = np.logspace(-1, 5, 60)
ridge_coefs = np.array([Ridge(alpha=a).fit(X_dia, y_dia).coef_ for a in ridge_alphas]).T
names = load_diabetes().feature_names

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.5))
for i, name in enumerate(names):
    ax1.plot(lasso_alphas, lasso_coefs[i], label=name)
    ax2.plot(ridge_alphas, ridge_coefs[i], label=name)
ax1.set_title("L1 (Lasso): weights hit exactly zero one by one")
ax2.set_title("L2 (Ridge): weights shrink smoothly, never exactly zero")
for ax, label in ((ax1, "alpha (Lasso, log scale)"), (ax2, "alpha (Ridge, log scale)")):
    ax.set_xscale("log")
    ax.set_xlabel(label)
    ax.set_ylabel("weight")
    ax.axhline(0, color="black", linewidth=0.5)
ax2.legend(fontsize=7, ncol=2)
fig.suptitle("Regularization paths on the diabetes data (standardized features)")
fig.tight_layout()
plt.show()

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: nothing here depends on mode or machine.
print(f"{'alpha':>7} {'Lasso: zero weights':>20} {'Ridge: zero weights':>20}")
for a in (0.01, 1.0, 5.0, 20.0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        lasso_w = Lasso(alpha=a).fit(X_dia, y_dia).coef_
    ridge_w = Ridge(alpha=a).fit(X_dia, y_dia).coef_
    print(f"{a:>7} {int(np.sum(lasso_w == 0)):>20} {int(np.sum(ridge_w == 0)):>20}")

# %% [markdown]
# Lasso's weights reach exactly zero one after another as the penalty grows (3 of 10 at
# alpha 1, 7 of 10 at alpha 20), so Lasso also *selects features*; Ridge shrinks every
# weight towards zero and never sets one exactly to zero. A weaker L1 coefficient sits to the
# left on the Lasso path: fewer exact zeros, larger surviving weights, as in experiment 4.
#
#
# :::{admonition} Takeaways
# :class: tip
# - $k$ in $k$-NN is a capacity knob turned backwards: small $k$ = low bias, high variance
#   (training error 0 at $k = 1$); large $k$ = high bias, low variance (the majority class at
#   $k = n$). The best $k$ balances the two.
# - Regularization always costs training fit and can cost validation performance when too
#   strong (true); more features mean more capacity to overfit (adding them does not
#   prevent it); a larger coefficient means *less* overfitting, not more.
# - Weights tell the penalty: L2 gives small, evenly shared weights; L1 gives exact zeros;
#   no penalty gives large, unstable weights when features are correlated.
# :::
