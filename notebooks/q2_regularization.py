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
# **The questions, and the short answers** (each is shown by an experiment below):
#
# - **(a)** How does $k$ in $k$-nearest neighbours move bias and variance? *Small $k$: low
#   bias, high variance ($k=1$ fits every training point). Large $k$: high bias, low variance
#   ($k=n$ predicts the majority class everywhere).*
# - **(b)** True or false?
#   1. "Regularization may hurt the model's performance." *True:* a stronger penalty never
#      lowers the training error (at the penalized optimum), and too strong a one underfits.
#   2. "Adding many new features prevents overfitting." *False:* features without
#      information only add room to fit noise, and even informative ones add variance.
#   3. "A larger regularization coefficient makes overfitting more likely." *False:* it
#      lowers the effective number of parameters; too large a coefficient underfits instead.
# - **(c)** Four experiments trained the same linear model; which regularization made which
#   weights? *`[0.26, 0.25, 0.25, 0.25]`: L2. `[1, 0, 0, 0]`: L1. `[13.3, 23.5, 53.2, 5.1]`:
#   none. `[0.5, 1.2, 8.5, 0]`: L1 with a weaker coefficient.*
#
# :::{admonition} Corrections to the original answer sheet
# :class: warning
# The answer sheet this book started from gets (a) and (c) wrong. In (a) it says a small $k$
# gives high bias and high variance, and a large $k$ low bias and high variance; in fact a
# small $k$ gives **low bias and high variance**, a large $k$ **high bias and low variance**.
# In (c) it swaps the first two experiments, and with them the two penalties: it reads the
# even weights `[0.26, 0.25, 0.25, 0.25]` as L1 and the sparse `[1, 0, 0, 0]` as L2. It is the
# other way round: L2 spreads weight evenly and sets none exactly to zero; L1 sets weights
# exactly to zero. Both corrections are measured below.
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
from sklearn.datasets import load_diabetes
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
        knn_training_sets=200,
        knn_query_points=5000,
        noise_feature_counts=(0, 10, 25, 50, 75, 90, 110, 150, 200, 400, 1000),
        noise_feature_repeats=20,
        cv_folds=5,
        optimism_noise_draws=20_000,
        gap_noise_draws=500,
        design_sizes=(100, 400, 2000),
    ),
    fast=dict(
        knn_training_sets=10,
        knn_query_points=100,
        noise_feature_counts=(0, 25, 90),
        noise_feature_repeats=3,
        cv_folds=3,
        optimism_noise_draws=500,
        gap_noise_draws=20,
        design_sizes=(100, 200),
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
# can be *estimated by simulation* (draw many training sets, refit, compare with $p$) rather
# than guessed.

# %% tags=["definitions"]
# tests/test_q2_facts.py runs this cell on its own, so it imports what it uses.
import numpy as np
from sklearn.neighbors import NearestNeighbors


def true_probability(X: np.ndarray) -> np.ndarray:
    """P(y = 1 | x) here: a sigmoid across the curve x2 = sin(2 x1)."""
    return 1.0 / (1.0 + np.exp(-4.0 * (X[:, 1] - np.sin(2.0 * X[:, 0]))))


def sample(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n points uniform in [-2, 2]^2 with labels drawn from true_probability."""
    X = rng.uniform(-2, 2, size=(n, 2))
    y = (rng.uniform(size=n) < true_probability(X)).astype(int)
    return X, y


def bias_variance_estimates(
    estimates: np.ndarray, p: np.ndarray
) -> tuple[float, float]:
    """Bias^2 and variance of an estimator from R draws: `estimates` is (R, points).

    The variance is the sample variance over the R draws (ddof=1, unbiased). The plug-in
    bias^2, (mean of the R estimates - p)^2, is too large by variance / R on average
    (the mean of R draws is itself noisy), so that much is subtracted. Both are averaged
    over the points.
    """
    draws = estimates.shape[0]
    variance = estimates.var(axis=0, ddof=1)
    bias2 = (estimates.mean(axis=0) - p) ** 2 - variance / draws
    return float(bias2.mean()), float(variance.mean())


def knn_estimates(X, y, queries, ks) -> np.ndarray:
    """k-NN's estimate at `queries` (the share of class 1 among the k nearest training
    points) for every k in ks: an array (len(ks), len(queries)).

    The k nearest neighbours are the first k of the max(ks) nearest, so one neighbour
    search serves every k; the result is KNeighborsRegressor(n_neighbors=k)'s prediction
    (a test checks it).
    """
    search = NearestNeighbors(n_neighbors=max(ks)).fit(X)
    nearest = search.kneighbors(queries, return_distance=False)  # nearest first
    running_mean = np.cumsum(y[nearest], axis=1) / np.arange(1, max(ks) + 1)
    return running_mean[:, np.asarray(ks) - 1].T


def knn_bias_variance(
    ks, n_train: int, n_test: int, resamples: int, seed: int = 0
) -> dict[str, np.ndarray]:
    """Estimated bias^2, variance and noise of k-NN's probability estimate.

    For every k, `resamples` training sets of size n_train are drawn; the estimate
    p_hat(x) (the share of class 1 among the k neighbours) is recorded at n_test fixed
    query points. With the true p(x), the expected squared error E[(y - p_hat(x))^2]
    splits into noise p(1 - p) + bias^2 (p - E p_hat)^2 + variance Var(p_hat); the last
    two are Monte Carlo estimates. Also returned: the squared error against fresh labels
    (a direct estimate of the left side), the 0-1 training error, and the expected 0-1
    error on new points.
    """
    rng = np.random.default_rng(seed)
    X_test = rng.uniform(-2, 2, size=(n_test, 2))
    p = true_probability(X_test)
    estimates = np.zeros((len(ks), resamples, n_test))
    train_error = np.zeros((len(ks), resamples))
    squared_error = np.zeros((len(ks), resamples))
    for r in range(resamples):
        X, y = sample(n_train, rng)
        y_new = (rng.uniform(size=n_test) < p).astype(float)  # fresh labels at X_test
        estimates[:, r] = knn_estimates(X, y, X_test, ks)
        on_training_points = knn_estimates(X, y, X, ks)
        train_error[:, r] = np.mean((on_training_points > 0.5) != y, axis=1)
        squared_error[:, r] = np.mean((y_new - estimates[:, r]) ** 2, axis=1)
    bias2, variance = np.array([bias_variance_estimates(e, p) for e in estimates]).T
    predicted_one = estimates > 0.5
    return {
        "k": np.asarray(ks),
        "bias2": bias2,
        "variance": variance,
        "noise": np.full(len(ks), np.mean(p * (1 - p))),
        "measured": squared_error.mean(axis=1),
        "train_error": train_error.mean(axis=1),
        # expected 0-1 error on new points: p(x) where we say 0, 1 - p(x) where we say 1
        "val_error": np.where(predicted_one, 1 - p, p).mean(axis=(1, 2)),
    }


# %% [markdown]
# First, what the models look like. One training set of 200 points, three values of $k$:

# %% tags=["hide-input"]
rng = np.random.default_rng(0)
X_train, y_train = sample(N_TRAIN, rng)
X_val, y_val = sample(cfg["knn_query_points"], rng)
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
# that misses the curve's bends. On this one training set the validation errors of $k=1$
# and $k=15$ (in the panel titles) are about equal: one draw cannot separate them; the
# average over 200 training sets below does (0.130 against 0.108). The two extremes,
# checked:

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: it depends on no mode or machine.
one_nn = KNeighborsClassifier(n_neighbors=1).fit(X_train, y_train)
print("k = 1: training error =", np.mean(one_nn.predict(X_train) != y_train))
n = len(X_train)
all_nn = KNeighborsClassifier(n_neighbors=n).fit(X_train, y_train)
majority = np.bincount(y_train).argmax()
every = bool(np.all(all_nn.predict(grid) == majority))
counts = np.bincount(y_train).tolist()
print(f"k = n = {n}: class counts {counts}, majority class {majority}")
print(f"  every prediction on a 200 x 200 grid is the majority class: {every}")

# %% [markdown]
# ### Estimating bias and variance
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
# averaged over $x$ {cite}`geman1992neural,hastie2009elements`. This splits the squared error
# of the probability estimate $\hat p(x)$ (the Brier score), not the 0-1 error of the class
# it predicts. Under 0-1 loss bias and variance do not add up like this: an estimate on the
# right side of 1/2 costs nothing however far it is from $p(x)$ (Hastie, Tibshirani and
# Friedman, section 7.3.1 {cite}`hastie2009elements`). The 0-1 errors are in the last two
# columns of the table and in the right figure.
#
# With the training inputs held fixed, the variance has a simple form: $\hat p(x)$ averages
# $k$ labels, each with variance $p(1-p)$ at its own point, so its variance is about the
# noise divided by $k$ (the $\sigma^2/k$ of $k$-NN regression, Hastie et al., section 7.3).
# The same book gives $k$-NN $N/k$ *effective parameters*, $N$ the number of training
# points (section 2.3.2): 200 at $k=1$, one at $k=N$. A larger $k$ lowers the effective
# number of parameters, as a larger penalty does in statement 3 of (b).
#
# In the simulation the noise term is exact ($p$ is known); bias² and variance are Monte
# Carlo estimates from $R$ training sets. The variance is the sample variance over the $R$
# fits. The bias² needs a correction: the average of $R$ noisy estimates is itself noisy,
# so the plug-in $(p - \text{average})^2$ overstates the bias² by variance$/R$ on average,
# and that is subtracted. The column *measured* estimates the left side directly, from
# fresh labels, as a check on the decomposition. The query points are 5,000 fixed points,
# the same for every training set (bias and variance are defined point by point).

# %%
ks = (1, 3, 5, 9, 15, 25, 51, 101, 199)
bv = knn_bias_variance(
    ks,
    n_train=N_TRAIN,
    n_test=cfg["knn_query_points"],
    resamples=cfg["knn_training_sets"],
    seed=1,
)
total = bv["bias2"] + bv["variance"] + bv["noise"]
print(
    f"{cfg['knn_training_sets']} training sets of {N_TRAIN} points, "
    f"{cfg['knn_query_points']} query points\n"
)
print(
    f"{'k':>4} {'bias^2':>8} {'variance':>9} {'noise/k':>8} {'noise':>7} {'sum':>7} "
    f"{'measured':>9} {'train err':>10} {'val err':>8}"
)
for i, k in enumerate(bv["k"]):
    print(
        f"{k:>4} {bv['bias2'][i]:>8.4f} {bv['variance'][i]:>9.4f} "
        f"{bv['noise'][i] / k:>8.4f} {bv['noise'][i]:>7.4f} {total[i]:>7.4f} "
        f"{bv['measured'][i]:>9.4f} {bv['train_error'][i]:>10.3f} "
        f"{bv['val_error'][i]:>8.3f}"
    )
above = bool(np.all(bv["val_error"] > bv["train_error"]))
print(f"\nbias^2 grows at every step of k: {bool(np.all(np.diff(bv['bias2']) > 0))}")
print(f"variance falls at every step of k: {bool(np.all(np.diff(bv['variance']) < 0))}")
print(f"lowest bias^2 + variance at k = {bv['k'][np.argmin(total)]}")
print(f"largest |sum - measured|: {np.max(np.abs(total - bv['measured'])):.4f}")
print(f"validation error above training error at every k: {above}")
correction = bv["variance"][0] / cfg["knn_training_sets"]
print(
    f"k = 1: plug-in bias^2 {bv['bias2'][0] + correction:.5f}, "
    f"correction variance/R {correction:.5f}, estimate {bv['bias2'][0]:.5f}"
)

# %% tags=["hide-input"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.3))
ax1.plot(bv["k"], bv["bias2"], "o-", label="bias$^2$ (estimated)")
ax1.plot(bv["k"], bv["variance"], "s-", label="variance (estimated)")
ax1.plot(bv["k"], total, "k^-", label="bias$^2$ + variance + noise")
ax1.plot(
    bv["k"],
    bv["measured"],
    "x",
    color="orange",
    markersize=9,
    label="squared error against fresh labels",
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
# The table and the left figure are the answer to (a), estimated:
#
# - **Bias² grows with $k$** at every step: 0.0006 at $k=1$, 0.0120 at $k=15$, 0.1878 at
#   $k=199$. **Variance shrinks with $k$** at every step: 0.0687 at $k=1$, 0.0071 at $k=15$,
#   0.0013 at $k=199$. Small $k$ is low bias, high variance; large $k$ is high bias, low
#   variance, the opposite of what the original answer sheet says.
# - The variance is above noise$/k$ at every $k$, and increasingly so: 0.0687 against
#   0.0607 at $k=1$, 0.0247 against 0.0202 at $k=3$, 0.0013 against 0.0003 at $k=199$.
#   Here the training inputs are redrawn too, so *which* points fall in a neighbourhood varies as well as
#   their labels.
# - Their sum (plus the noise at these query points, 0.0607, which no model can remove) is
#   lowest in between, at $k=9$: the bias-variance trade-off. The *measured* column agrees
#   with the sum within 0.0002 at every $k$, so the three terms account for the whole
#   error. (The correction of the bias² matters only where the bias is tiny: at $k=1$ it
#   takes the plug-in 0.00091 down to 0.00057.)
# - The right figure shows the same from the outside: at $k=1$ the training error is 0.000
#   while the validation error is 0.130 (overfitting); at $k=199$ both are near 0.5
#   (underfitting: the model predicts nearly the same class everywhere). The validation
#   error is above the training error at every $k$.

# %% [markdown]
# ### Exercises

# %% [markdown]
# :::{exercise}
# :label: q2-knn-exact
# The simulation above redraws whole training sets. Hold the 200 training inputs
# `X_train` fixed instead and redraw only their labels, each $y_i$ being 1 with
# probability $p_i = p(x_i)$. At a training point, $k$-NN's estimate $\hat p(x_i)$ is the
# average of the labels of its $k$ nearest training points ($x_i$ itself among them), so
# its mean and its variance follow from the $p_j$ of those neighbours: no simulation is
# needed. Write `knn_exact_bias_variance(X, p, k)`, which returns the bias² and the
# variance of $\hat p$ at the points of `X`, each averaged over the points, for labels
# drawn with the probabilities `p`. Store both for $k$ = 1, 3, 9, 27, 81 and 200 ($= n$),
# on `X_train` with `true_probability(X_train)`, in the arrays `exact_bias2` and
# `exact_variance`. Predict first: which of the two is exactly zero at $k = 1$, and what
# does the estimate become at $k = n$?
# :::

# %% [markdown]
# :::{solution-start} q2-knn-exact
# :class: dropdown
# :::


# %%
def knn_exact_bias_variance(X, p, k):
    """Bias^2 and variance of k-NN's estimate at its own training points X,
    inputs fixed and labels redrawn, each averaged over the points."""
    search = NearestNeighbors(n_neighbors=k).fit(X)
    nearest = search.kneighbors(X, return_distance=False)  # x_i itself first
    p_near = p[nearest]  # (points, k): the neighbours' true probabilities
    bias2 = (p - p_near.mean(axis=1)) ** 2  # the mean estimate: their mean p
    variance = np.sum(p_near * (1 - p_near), axis=1) / k**2  # k labels
    return float(bias2.mean()), float(variance.mean())


exact_ks = (1, 3, 9, 27, 81, 200)
p_train = true_probability(X_train)
exact_bias2, exact_variance = np.array(
    [knn_exact_bias_variance(X_train, p_train, k) for k in exact_ks]
).T
noise_train = np.mean(p_train * (1 - p_train))
print(f"{'k':>4} {'bias^2':>8} {'variance':>9} {'noise/k':>8}")
for k, b2, var in zip(exact_ks, exact_bias2, exact_variance):
    print(f"{k:>4} {b2:>8.4f} {var:>9.4f} {noise_train / k:>8.4f}")
grows = bool(np.all(np.diff(exact_bias2) > 0))
falls = bool(np.all(np.diff(exact_variance) < 0))
print(f"\nk = 1: bias^2 exactly 0: {exact_bias2[0] == 0}")
print(f"bias^2 grows at every step of k: {grows}")
print(f"variance falls at every step of k: {falls}")
print("k = n: bias^2 is the variance of p over the points, variance noise / n:")
print(
    f"  {np.isclose(exact_bias2[-1], p_train.var())}, "
    f"{np.isclose(exact_variance[-1], noise_train / len(X_train))}"
)

# %% [markdown]
# A check by simulation: redraw the 200 labels many times, fit $k$-NN to each draw, and
# measure the bias² and the variance of its estimates at the training points.

# %%
label_draws = 4000
uniforms = np.random.default_rng(5).uniform(size=(label_draws, len(X_train)))
Y_redrawn = (uniforms < p_train).astype(float)  # one row per draw of labels
for k in (1, 9, 27):
    search = NearestNeighbors(n_neighbors=k).fit(X_train)
    nearest = search.kneighbors(X_train, return_distance=False)
    estimates = Y_redrawn[:, nearest].mean(axis=2)  # (draws, points)
    sim_bias2, sim_variance = bias_variance_estimates(estimates, p_train)
    sim_bias2 = round(sim_bias2, 4) + 0.0  # prints -0.00001 as 0.0000
    exact = knn_exact_bias_variance(X_train, p_train, k)
    print(
        f"k = {k:>2}: bias^2 {exact[0]:.4f} exact, {sim_bias2:.4f} simulated;"
        f" variance {exact[1]:.4f} exact, {sim_variance:.4f} simulated"
    )

# %% [markdown]
# At $k = 1$ every training point is its own nearest neighbour, so $\hat p(x_i) = y_i$:
# its mean is $p_i$ and the bias is exactly zero, while its variance is the whole label
# noise $p_i(1 - p_i)$, 0.0638 on average. That is the low-bias, high-variance end. At
# $k = n$ every point has all 200 as neighbours, and the estimate is the share of class 1
# in the whole training set, the same everywhere: its bias² is the variance of $p$ over
# the points (0.1859) and its variance the noise divided by $n$ (0.0003), the high-bias,
# low-variance end. In between, the bias² grows and the variance falls at every step, and
# the variance stays close to noise$/k$: averaging $k$ independent labels divides their
# average variance by $k$. So the direction is the corrected one, not the answer sheet's: small
# $k$, low bias and high variance; large $k$, high bias and low variance.
#
# The numbers differ from the simulation's table above, because what is random differs.
# There the inputs were redrawn too, so *which* points are the neighbours varied as well:
# that table's variance is 0.0013 at $k = 199$, against 0.0003 here at $k = 200$. The own
# label's weight, $1/k$ in each fitted value, is also why $k$-NN counts as $n/k$ effective
# parameters; the exercise after (b) measures it.

# %% [markdown]
# :::{solution-end}
# :::

# %% [markdown]
# ## (b) True or false
#
# ### 1. "Regularization may hurt the model's performance." **True.**
#
# **Short answer.** A penalty trades training fit for simplicity. A larger coefficient never
# lowers the training error of the penalized optimum, and too strong a penalty underfits:
# the validation error rises too. Whether a penalty helps or hurts depends on its strength,
# which is why the coefficient is chosen on validation data.
#
# Why the training error cannot fall. Let $w_a$ minimize $L(w) + a\,R(w)$ and $w_b$ minimize
# $L(w) + b\,R(w)$, with $b > a \ge 0$, $L$ the training loss and $R$ the penalty. Each is
# optimal for its own objective:
#
# $$
# L(w_a) + a R(w_a) \le L(w_b) + a R(w_b), \qquad L(w_b) + b R(w_b) \le L(w_a) + b R(w_a).
# $$
#
# Adding the two gives $(b - a)\big(R(w_b) - R(w_a)\big) \le 0$: the penalty term of the
# solution (its norm) never grows with the coefficient. Put back into the first inequality,
# $L(w_b) \ge L(w_a) + a\big(R(w_a) - R(w_b)\big) \ge L(w_a)$. The argument needs the exact
# minimiser; for a network trained for a fixed number of SGD steps it does not apply as
# stated.
#
# The experiment: Ridge regression on data with a known truth. 100 samples of 60 independent
# standard-normal features; 10 of them carry weights drawn from $\mathcal N(0, 4^2)$, the
# other 50 weight 0; noise $\sigma = 3$, so no model can have an expected squared error
# below $\sigma^2$. Each fold of the cross-validation fits 61 parameters from 80 samples, so
# least squares has plenty of noise to fit. Because the truth is known, one more column
# needs no validation data: the **true error** of the model fitted on all 100 samples,
# $\mathbb E\big[(y - \hat y)^2\big] = \sigma^2 + \lVert \hat w - \beta\rVert^2 + \hat b^2$
# for new inputs $x \sim \mathcal N(0, I)$ ($\beta$ the true weights, $\hat b$ the fitted
# intercept).

# %% tags=["definitions"]
# tests/test_q2_facts.py runs this cell on its own, so it imports what it uses.
import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold


def ridge_problem(
    n: int = 100,
    n_features: int = 60,
    n_informative: int = 10,
    weight_scale: float = 4.0,
    noise: float = 3.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """y = X beta + noise with X ~ N(0, I); returns X, y and the true weights beta."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    beta = np.zeros(n_features)
    beta[:n_informative] = weight_scale * rng.normal(size=n_informative)
    y = X @ beta + noise * rng.normal(size=n)
    return X, y, beta


def expected_error(model, beta: np.ndarray, noise: float) -> float:
    """E[(y - model(x))^2] for new x ~ N(0, I), y = x beta + noise, in closed form."""
    return noise**2 + np.sum((model.coef_ - beta) ** 2) + model.intercept_**2


def ridge_hat_matrix(X: np.ndarray, alpha: float) -> np.ndarray:
    """S with fitted values S @ y of Ridge(alpha) (intercept not penalized).

    With d_j the singular values and U the left singular vectors of the centred inputs,
    S = 11^T / n + U diag(d_j^2 / (d_j^2 + alpha)) U^T; its trace, the effective number
    of parameters, is 1 + sum_j d_j^2 / (d_j^2 + alpha).
    """
    n = len(X)
    U, d, _ = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return np.full((n, n), 1.0 / n) + (U * (d**2 / (d**2 + alpha))) @ U.T


def in_sample_optimism(
    X: np.ndarray, f: np.ndarray, noise: float, alphas, draws: int, seed: int = 0
) -> dict[str, np.ndarray]:
    """How much Ridge's training error underestimates its error on fresh labels.

    The inputs X stay fixed; `draws` label vectors y = f + noise are drawn. For each,
    the in-sample error (the expected error on fresh labels at the same inputs, which is
    noise^2 + mean((f - y_hat)^2) because f is known) minus the training error is one
    draw of the optimism. Returned: its mean and standard error over the draws, and the
    value 2 noise^2 df / n that the theory predicts (df = trace of the hat matrix).
    """
    rng = np.random.default_rng(seed)
    n = len(X)
    Y = f[:, None] + noise * rng.normal(size=(n, draws))
    mean, stderr, formula = [], [], []
    for alpha in alphas:
        S = ridge_hat_matrix(X, alpha)
        fitted = S @ Y
        in_sample = noise**2 + np.mean((f[:, None] - fitted) ** 2, axis=0)
        optimism = in_sample - np.mean((Y - fitted) ** 2, axis=0)
        mean.append(optimism.mean())
        stderr.append(optimism.std(ddof=1) / np.sqrt(draws))
        formula.append(2 * noise**2 * np.trace(S) / n)
    return {
        "measured": np.array(mean),
        "stderr": np.array(stderr),
        "formula": np.array(formula),
    }


def cv_gaps(X: np.ndarray, Y: np.ndarray, alphas, folds: int) -> np.ndarray:
    """Ridge's validation MSE minus its training MSE, averaged over `folds` folds
    (KFold without shuffling, as validation_curve uses): an array (alphas, columns
    of Y). Y may hold many label vectors as its columns; Ridge fits them all at once.
    """
    Y = Y.reshape(len(X), -1)

    def mse(model, rows):
        predicted = model.predict(X[rows]).reshape(len(rows), -1)
        return np.mean((Y[rows] - predicted) ** 2, axis=0)

    gaps = np.zeros((len(alphas), Y.shape[1]))
    for fit, held_out in KFold(n_splits=folds).split(X):
        for i, alpha in enumerate(alphas):
            model = Ridge(alpha=alpha).fit(X[fit], Y[fit])
            gaps[i] += mse(model, held_out) - mse(model, fit)
    return gaps / folds


# %%
NOISE = 3.0
X_reg, y_reg, beta_reg = ridge_problem(noise=NOISE)
alphas = np.logspace(-2, 4, 13)
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
true_err = np.array(
    [expected_error(Ridge(alpha=a).fit(X_reg, y_reg), beta_reg, NOISE) for a in alphas]
)
print(f"{'alpha':>8} {'train MSE':>10} {'val MSE':>9} {'true error':>11}")
for a, tr, va, te in zip(alphas, train_mse, val_mse, true_err):
    print(f"{a:>8.3g} {tr:>10.1f} {va:>9.1f} {te:>11.1f}")
best = np.argmin(val_mse)
print(f"\nlowest possible expected error (noise variance): {NOISE**2:.1f}")
print(
    f"training MSE never falls as alpha grows: {bool(np.all(np.diff(train_mse) >= 0))}"
)
print(
    f"best alpha by validation: {alphas[best]:.3g}; validation MSE {val_mse[best]:.1f} "
    f"against {val_mse[0]:.1f} at alpha {alphas[0]:.3g}"
)
print(
    f"true error at alpha {alphas[0]:.3g}: {true_err[0]:.1f}, at the best alpha: "
    f"{true_err[best]:.1f}, at alpha {alphas[-1]:.3g}: {true_err[-1]:.1f}"
)
n_parameters = X_reg.shape[1] + 1  # weights and the intercept
print(
    f"\nleast squares with p = {n_parameters} parameters on n Gaussian samples, "
    "expected error on new inputs"
)
for n_fit in (len(X_reg) * (cfg["cv_folds"] - 1) // cfg["cv_folds"], len(X_reg)):
    theory = NOISE**2 * (1 + n_parameters / (n_fit - n_parameters - 1))
    print(f"  sigma^2 (1 + p / (n - p - 1)) at n = {n_fit}: {theory:.1f}")
print(
    f"variance of y: {y_reg.var():.1f} in this sample, "
    f"{NOISE**2 + beta_reg @ beta_reg:.1f} in the population (sigma^2 + |beta|^2)"
)

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(7.5, 4.4))
ax.plot(alphas, train_mse, "o--", label="training MSE (cross-validation folds)")
ax.plot(alphas, val_mse, "o-", label=f"validation MSE ({cfg['cv_folds']}-fold)")
ax.plot(alphas, true_err, "s:", color="purple", label="true error (fit on all data)")
ax.axhline(
    NOISE**2, color="gray", linestyle=":", label="lowest possible MSE ($\\sigma^2$)"
)
ax.axvline(
    alphas[best], color="green", alpha=0.4, label=f"best alpha ({alphas[best]:.3g})"
)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("regularization coefficient alpha (Ridge, log scale)")
ax.set_ylabel("mean squared error (log scale)")
ax.set_title("A moderate penalty helps, a strong one hurts")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The training error never falls as the penalty grows (2.2 at the smallest alpha, 147.7 at
# the largest): a penalty costs training fit, as the argument above says. The validation
# error first falls, from 39.2 at alpha 0.01 to 27.5 at alpha 3.16, and then climbs
# steeply (151.9 at the largest alpha). That minimum flatters the chosen alpha a little:
# the same folds chose it and score it. The true error was not used for the choice and
# needs no validation data, and it tells the same story: 24.0 with a negligible penalty,
# 20.7 at the alpha chosen by validation, 136.4 at the largest. So the statement is
# **true**: regularization *may* hurt; a well-chosen coefficient helps, too large a one
# underfits.
#
# Why the two columns differ. For small alpha the true error is lower than the validation
# error because the model behind it is fitted on all 100 samples, each fold's on 80: for
# least squares with $p$ parameters on $n$ samples of Gaussian inputs, the expected error
# on new inputs is about $\sigma^2\big(1 + p/(n-p-1)\big)$ (exact for weights without an
# intercept, from the mean of the inverse of $X^\top X$), which gives 39.5 for $n = 80$ and
# 23.4 for $n = 100$, against the 39.2 and 24.0 measured at alpha 0.01. At large alpha the
# model predicts little more than the mean of $y$, and the validation error reflects this
# sample's variance of $y$, 151.5, while the true error (136.4) sits near the population's,
# 138.9.
#
#
# ### 2. "Adding many new features prevents overfitting." **False.**
#
# **Short answer.** Features that carry no information add capacity: more ways to fit the
# training sample, including its noise. The validation error rises, up to the point where
# there are as many parameters as samples. Features that do carry information can lower
# the error, because they remove bias, but each one still adds variance: they help only
# where what they explain outweighs the variance they add, so they do not *prevent*
# overfitting either. The experiment tests the clearest case, features without information.
#
# The experiment: a regression with 5 informative features (noise variance 1) and 100
# training samples, to which $m$ features of pure noise are added; least squares is fitted,
# and the errors are averaged over 20 random draws. Two penalized fits show what a remedy
# does: Ridge and Lasso, each with its coefficient chosen by cross-validation *on the
# training samples only* (leave-one-out for Ridge, 3-fold for Lasso).

# %% tags=["definitions"]
# tests/test_q2_facts.py runs this cell on its own, so it imports what it uses.
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LassoCV, LinearRegression, RidgeCV


def noise_feature_experiment(
    extra_features,
    repeats: int,
    n_train: int = 100,
    n_val: int = 1000,
    n_informative: int = 5,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Validation MSE with `m` pure-noise features added, averaged over `repeats` draws.

    Least squares (training and validation MSE), and Ridge and Lasso with the
    coefficient chosen by cross-validation on the training samples; also how many noise
    features Lasso keeps (non-zero weight), and the variance of y (the error of always
    predicting its mean), averaged over the draws.
    """
    rng = np.random.default_rng(seed)
    shape = (len(extra_features), repeats)
    results = {
        key: np.zeros(shape) for key in ("train", "val", "ridge", "lasso", "kept")
    }
    variance_of_y = np.zeros(repeats)
    for r in range(repeats):
        coef = rng.normal(size=n_informative)
        variance_of_y[r] = coef @ coef + 1.0  # signal plus noise variance
        X_all = rng.normal(size=(n_train + n_val, n_informative + max(extra_features)))
        y_all = X_all[:, :n_informative] @ coef + rng.normal(size=n_train + n_val)
        y_fit, y_val = y_all[:n_train], y_all[n_train:]
        for i, m in enumerate(extra_features):
            X_fit, X_val = (
                X_all[:n_train, : n_informative + m],
                X_all[n_train:, : n_informative + m],
            )
            least_squares = LinearRegression().fit(X_fit, y_fit)
            ridge = RidgeCV(alphas=np.logspace(-2, 4, 25)).fit(X_fit, y_fit)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                lasso = LassoCV(alphas=20, cv=3).fit(X_fit, y_fit)
            results["train"][i, r] = np.mean(
                (least_squares.predict(X_fit) - y_fit) ** 2
            )
            for key, model in (
                ("val", least_squares),
                ("ridge", ridge),
                ("lasso", lasso),
            ):
                results[key][i, r] = np.mean((model.predict(X_val) - y_val) ** 2)
            results["kept"][i, r] = np.count_nonzero(lasso.coef_[n_informative:])
    return {"m": np.asarray(extra_features), "var_y": variance_of_y.mean()} | {
        k: v.mean(axis=1) for k, v in results.items()
    }


# %%
noise = noise_feature_experiment(
    cfg["noise_feature_counts"], repeats=cfg["noise_feature_repeats"]
)
print(
    f"{'noise features':>14} {'train MSE':>10} {'val MSE':>9} {'gap':>8} "
    f"{'Ridge val':>10} {'Lasso val':>10} {'kept by Lasso':>14}"
)
for i, m in enumerate(noise["m"]):
    print(
        f"{m:>14} {noise['train'][i]:>10.3f} {noise['val'][i]:>9.3f} "
        f"{noise['val'][i] - noise['train'][i]:>8.3f} {noise['ridge'][i]:>10.3f} "
        f"{noise['lasso'][i]:>10.3f} {noise['kept'][i]:>14.1f}"
    )
print(f"\nvariance of y (the error of predicting its mean): {noise['var_y']:.3f}")

# %% tags=["hide-input"]
FLOOR = 1e-2  # training MSE below this (interpolation: ~1e-29) is drawn on the floor
interpolates = noise["train"] < FLOOR
parameters = 5 + noise["m"] + 1  # informative weights, noise weights, intercept
fig, ax = plt.subplots(figsize=(8.5, 4.8))
ax.plot(parameters, np.maximum(noise["train"], FLOOR), "o--", label="training MSE")
ax.plot(parameters, noise["val"], "o-", label="validation MSE (least squares)")
ax.plot(parameters, noise["ridge"], "s-", label="validation MSE, Ridge (CV)")
ax.plot(parameters, noise["lasso"], "^-", label="validation MSE, Lasso (CV)")
ax.axhline(1.0, color="gray", linestyle=":", label="lowest possible validation MSE")
ax.axhline(
    noise["var_y"],
    color="brown",
    linestyle="-.",
    label="variance of y (predict the mean)",
)
ax.axvline(100, color="black", alpha=0.4, label="parameters = samples (5 + 94 + 1)")
if interpolates.any():
    ax.annotate(
        "training MSE ≈ 0 (least squares interpolates)",
        xy=(parameters[interpolates][0], FLOOR),
        xytext=(130, 0.04),
        arrowprops=dict(arrowstyle="->"),
        fontsize=8,
    )
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_ylim(FLOOR / 1.3, 100)
ax.set_xlabel("parameters: 5 informative + m noise weights + intercept (log scale)")
ax.set_ylabel("mean squared error (log scale)")
ax.set_title("Least squares with pure-noise features (100 training samples)")
ax.legend(fontsize=8, loc="lower left")
fig.tight_layout()
plt.show()

# %% [markdown]
# Up to the point where parameters and samples are equal (94 noise features: 5 + 94
# weights and the intercept make 100 parameters for 100 samples), each block of noise
# features lowers the training error and raises the validation error of least squares: the
# gap grows from 0.150 with no noise features to 0.770 with 25, 4.899 with 75, and 30.431
# with 90 (96 parameters for 100 samples, where least squares can almost interpolate the
# training data). The statement is **false**: these features carry no information, only
# more freedom to fit noise.
#
# Past the threshold the training error is 0 (the fit passes through every training point)
# and the validation error *falls* again (7.992 at 110 noise features, 4.145 at 200). This
# shape is called double descent; {cite:t}`belkin2019reconciling` showed it for models
# whose features are random functions of the input (random Fourier features), for neural
# networks and for forests of trees. Here the added features carry nothing about $y$, and
# the second descent is temporary: with more of them the validation error rises again, to
# 4.438 at 400 and 4.838 at 1000, towards 5.157, the variance of $y$ (the error of always
# predicting its mean). The closer account is {cite:t}`kobak2020optimal`. With more
# parameters than samples there are many interpolating solutions; scikit-learn's least
# squares returns the one of minimum norm, which is Ridge's solution in the limit of a
# vanishing penalty (part (c) shows this); and with that choice, pure-noise features act on
# the informative weights like a ridge penalty, here of about $m$ (the dropdown below
# checks it). More noise features shrink the informative weights harder, towards predicting
# the mean. None of this rescues the statement: the best validation error past the
# threshold, 4.145, is far above the 1.081 without noise features.
#
# :::{dropdown} Why pure-noise features act like a ridge penalty
# Write the centred inputs as $[X, Z]$, with $X$ the 5 informative columns and $Z$ the $m$
# noise columns, and the weights as $(u, v)$. The minimum-norm interpolating solution
# minimises $\lVert u\rVert^2 + \lVert v\rVert^2$ subject to $Xu + Zv = y$. For a given $u$
# the smallest $v$ that fits has $\lVert v\rVert^2 = (y - Xu)^\top (ZZ^\top)^{-1} (y - Xu)$,
# and with many more noise features than samples $ZZ^\top \approx m I$ (each entry of $Z$
# has variance 1). So $u$ minimises about $\lVert y - Xu\rVert^2/m + \lVert u\rVert^2$:
# Ridge on the informative features alone, with alpha $= m$
# {cite}`kobak2020optimal`. The cell below checks it on one draw with $m = 1000$: the
# informative weights of the minimum-norm fit are close to those of `Ridge(alpha=1000)` on
# the 5 informative features, and both are far smaller than the true weights.
# :::

# %% tags=["definitions", "hide-cell"]
# tests/test_q2_facts.py runs this cell on its own, so it imports what it uses.
import numpy as np
from sklearn.linear_model import LinearRegression, Ridge


def implicit_ridge(m_noise: int, seed: int = 3):
    """One draw: 5 informative features plus `m_noise` pure-noise ones, 100 samples.
    Returns the true weights, the minimum-norm least-squares weights of the 5
    informative features, and Ridge(alpha=m_noise) fitted on those 5 features alone."""
    rng = np.random.default_rng(seed)
    true_weights = rng.normal(size=5)
    X = rng.normal(size=(100, 5 + m_noise))
    y = X[:, :5] @ true_weights + rng.normal(size=100)
    minimum_norm = LinearRegression().fit(X, y).coef_[:5]
    implicit = Ridge(alpha=m_noise).fit(X[:, :5], y).coef_
    return true_weights, minimum_norm, implicit


# %% tags=["hide-cell"]
m_noise = 1000
true_weights, minimum_norm_weights, implicit = implicit_ridge(m_noise)
print(f"one draw, {m_noise} noise features: the 5 informative weights")
for name, w in (
    ("true weights", true_weights),
    ("minimum-norm least squares", minimum_norm_weights),
    (f"Ridge(alpha={m_noise}), informative only", implicit),
):
    print(f"  {name:<38}" + " ".join(f"{v:>6.2f}" for v in w))

# %% [markdown]
# The penalized fits show what a remedy does. Lasso, which can set weights exactly to zero,
# keeps only a few noise features (10.2 of 200 on average, 25.5 of 1000), and its
# validation MSE, 1.302 with 200 noise features and 1.465 with 1000, rises only slowly
# above the 1.080 it has without them. Ridge helps most near the threshold (2.775 against
# 30.469 at 90) but keeps every feature with a small weight. At 200 noise features its
# 3.762 is not far from the minimum-norm solution's 4.145, and at 1000 the two are nearly
# equal (4.832 and 4.838): consistent with the implicit penalty, already about 1000 there,
# being stronger than any the cross-validation would add.
#
#
# ### 3. "A larger regularization coefficient makes overfitting more likely." **False.**
#
# **Short answer.** The coefficient scales the penalty; a larger one leaves the model fewer
# directions it can fit freely, so it can fit less of the training noise: it overfits
# *less*. What a too-large coefficient causes is *underfitting* (statement 1).
#
# The measure of "how much the model can fit" is the **effective number of parameters**,
# also called the *effective degrees of freedom*. Ridge's fitted values are a linear
# function of the labels, $\hat y = S_\alpha y$, and the effective number of parameters is
# the trace of this *hat matrix*,
# $\mathrm{df}(\alpha) = \operatorname{tr} S_\alpha = 1 + \sum_j d_j^2/(d_j^2 + \alpha)$, with
# $d_j$ the singular values of the centred inputs {cite}`hastie2009elements`. The 1 counts
# the unpenalized intercept; the sum alone is the form usually quoted for the weights. Here
# df is 61 with no penalty (60 weights and the intercept) and falls towards 1 as
# $\alpha \to \infty$. The training error $\overline{\mathrm{err}}$ underestimates the
# *in-sample error* $\mathrm{Err}_{\text{in}}$, the expected error on fresh labels at the
# same inputs, and the expected difference, the **optimism**, is
#
# $$
# \mathbb E\big[\mathrm{Err}_{\text{in}} - \overline{\mathrm{err}}\big]
# = \frac{2}{n}\sum_{i} \operatorname{Cov}(\hat y_i, y_i)
# = \frac{2\sigma^2\,\mathrm{df}(\alpha)}{n}
# $$
#
# for any linear smoother with noise variance $\sigma^2$ (Hastie, Tibshirani and Friedman,
# sections 7.4 to 7.6 {cite}`hastie2009elements`). So df measures what fitting the noise
# costs: each effective parameter makes the training error look better than the in-sample
# error by $2\sigma^2/n$ on average. The experiment, on the data of statement 1 (all 100
# samples): df at every alpha, and the optimism measured by simulation (fresh noise on the
# labels, many times) next to the formula.

# %%
f_reg = X_reg @ beta_reg  # the noise-free targets
dof = np.array([np.trace(ridge_hat_matrix(X_reg, a)) for a in alphas])
opt = in_sample_optimism(
    X_reg, f_reg, NOISE, alphas, draws=cfg["optimism_noise_draws"], seed=1
)
print(f"{'alpha':>8} {'df':>6} {'optimism (simulated)':>21} {'2 s^2 df/n':>11}")
for i, a in enumerate(alphas):
    simulated = f"{opt['measured'][i]:.2f} ± {opt['stderr'][i]:.2f}"
    print(f"{a:>8.3g} {dof[i]:>6.1f} {simulated:>21} {opt['formula'][i]:>11.2f}")
within = np.abs(opt["measured"] - opt["formula"]) <= 3 * opt["stderr"]
print(f"\ndf falls at every step of alpha: {bool(np.all(np.diff(dof) < 0))}")
print(
    f"simulation within 3 standard errors of 2 s^2 df/n at every alpha: {within.all()}"
)

# %% tags=["hide-input"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.4))
ax1.plot(alphas, dof, "o-", color="tab:blue")
ax1.set_xscale("log")
ax1.set_xlabel("regularization coefficient alpha (log scale)")
ax1.set_ylabel("effective number of parameters df(alpha)")
ax1.set_title("A larger coefficient leaves fewer parameters free")
ax2.errorbar(
    alphas,
    opt["measured"],
    yerr=2 * opt["stderr"],
    fmt="o",
    color="black",
    label="optimism, simulated (± 2 standard errors)",
)
ax2.plot(alphas, opt["formula"], "-", color="tab:orange", label="$2\\sigma^2\\,df/n$")
ax2.set_xscale("log")
ax2.set_xlabel("regularization coefficient alpha (log scale)")
ax2.set_ylabel("in-sample error - training error")
ax2.set_title("The optimism falls with the coefficient")
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The effective number of parameters falls at every step, from 61.0 to 1.6, and with it the
# optimism: the simulated values agree with $2\sigma^2\,\mathrm{df}/n$ (10.98 at the
# smallest alpha, 0.28 at the largest) within three Monte Carlo standard errors. A larger
# coefficient leaves less room to fit noise, so overfitting becomes *less* likely; the
# statement is **false**.
#
# Chapter Q1 reads overfitting off the *gap* between validation and training error. On
# these data that gap does not fall steadily with alpha: it has a local minimum near the
# best alpha, rises to a peak at alpha 100 and only then falls. The dropdown explains why, and why the gap must
# be read together with the level of the training error.
#
# :::{dropdown} The validation-training gap, and chapter Q1
# The cross-validation gap of statement 1 (validation minus training MSE) falls from 37.0
# at alpha 0.01 to 24.6 at the best alpha, and then *grows* again, to 39.2 at alpha 100,
# before falling again at the largest penalties, although df and the optimism fell at
# every step. The hidden cells below print its parts
# and draw them. Two things separate the gap from the optimism.
#
# **New inputs.** The optimism is *in-sample*: it compares errors at the same inputs, and
# the in-sample error is not the error on new inputs (Hastie et al., section 7.4).
# Cross-validation scores new inputs. For least squares on Gaussian inputs the expected gap
# between the error on new inputs and the training error is about
# $\sigma^2\big(p/(n-p-1) + p/n\big)$, with $p = 61$ parameters and $n = 80$ samples per
# fold: 37.4, against 37.0 in this draw of the noise and 38.7 on average over 500 draws of
# the noise at these inputs (the formula also averages over random inputs, so it need not
# match these exactly). Most of it is the first term, which is large because $p$ is close
# to $n$; the in-sample optimism, $2\sigma^2 p/n$ for least squares, has no such term.
#
# **A gap without noise.** Fitted to the noise-free targets $X\beta$, the model has no label
# noise to fit, yet its gap grows from 0.0 at alpha 0.01 to 28.8 at alpha 100. A shrunk
# model fits the targets as well as it can *at the training inputs*, so its systematic
# error is smaller there than at new inputs. This is an effect of the particular random
# sample of inputs, and it is large here because there are 60 features for 80 samples:
# with the same true weights and alpha $= n$ (alpha$/n$ fixed), the noise-free gap is 28.8
# with 100 samples, 7.6 with 400 and 1.4 with 2000.
#
# **The part the noise adds**, the gap minus the noise-free gap, falls with alpha: on
# average over the draws it falls at every step (from 38.7 to 0.35), as the optimism does. A
# single draw is noisy: in this one it falls at every step too, but only 88% of the draws
# do, and at alpha 100 this draw's 10.4 compares with an average of 5.1 (standard
# deviation 2.8).
#
# So the gap measures overfitting well only where the model is not underfitting and
# features are few per sample. With no penalty the training error (2.2) is far below the
# noise variance (9.0) while the validation error is far above it: the model has fitted
# noise, and the gap shows it. At alpha 100 the training error itself is 41.0, far above
# the noise variance: the model underfits, and most of its gap (28.8 of 39.2) is there
# without any label noise. Read the gap together with the level of the training error,
# especially when there are many features per sample.
# :::

# %% tags=["hide-cell"]
folds = cfg["cv_folds"]
gap = cv_gaps(X_reg, y_reg, alphas, folds)[:, 0]  # this draw: statement 1's labels
gap_free = cv_gaps(X_reg, f_reg, alphas, folds)[:, 0]
noise_draws = f_reg[:, None] + NOISE * np.random.default_rng(2).normal(
    size=(len(f_reg), cfg["gap_noise_draws"])
)
noise_part = cv_gaps(X_reg, noise_draws, alphas, folds) - gap_free[:, None]
part_mean, part_sd = noise_part.mean(axis=1), noise_part.std(axis=1, ddof=1)
part_se = part_sd / np.sqrt(noise_part.shape[1])
print(
    f"{'alpha':>8} {'train MSE':>10} {'CV gap':>7} {'no noise':>9} {'noise part':>11} "
    f"{'mean over draws ± se':>21} {'sd':>5}"
)
for i, a in enumerate(alphas):
    average = f"{part_mean[i]:.2f} ± {part_se[i]:.2f}"
    print(
        f"{a:>8.3g} {train_mse[i]:>10.1f} {gap[i]:>7.1f} {gap_free[i]:>9.1f} "
        f"{gap[i] - gap_free[i]:>11.1f} {average:>21} {part_sd[i]:>5.1f}"
    )
falls_here = bool(np.all(np.diff(gap - gap_free) < 0))
falls_each = np.all(np.diff(noise_part, axis=0) < 0, axis=0)
print("\nthe noise part falls at every step of alpha:")
print(f"  in this draw: {falls_here}")
print(f"  on average over the draws: {bool(np.all(np.diff(part_mean) < 0))}")
print(f"  in {falls_each.mean():.0%} of the {len(falls_each)} single draws")
n_fold, p = len(X_reg) * (folds - 1) // folds, n_parameters
print(
    f"least squares, new inputs: sigma^2 (p / (n - p - 1) + p / n) at n = {n_fold}: "
    f"{NOISE**2 * (p / (n_fold - p - 1) + p / n_fold):.1f}"
)
print("\nnoise-free gap with the same true weights, alpha = n (alpha / n fixed):")
more_rows = np.random.default_rng(4)
X_grown = X_reg
for n_samples in cfg["design_sizes"]:
    extra = n_samples - len(X_grown)
    X_grown = np.vstack([X_grown, more_rows.normal(size=(extra, X_reg.shape[1]))])
    free = cv_gaps(X_grown, X_grown @ beta_reg, [float(n_samples)], folds)[0, 0]
    print(f"  n = {n_samples:>4}: {free:.1f}")

# %% tags=["hide-cell"]
fig, ax = plt.subplots(figsize=(8.5, 4.6))
ax.plot(alphas, gap, "o-", label="CV gap: validation - training MSE (this draw)")
ax.plot(alphas, gap_free, "s--", label="the same gap with noise-free labels")
ax.plot(alphas, gap - gap_free, "^:", label="the part the noise adds (this draw)")
ax.plot(
    alphas, part_mean, "k-", label=f"the part the noise adds ({len(falls_each)} draws)"
)
ax.fill_between(
    alphas,
    part_mean - part_sd,
    part_mean + part_sd,
    color="gray",
    alpha=0.25,
    label="± one standard deviation over the draws",
)
ax.plot(
    alphas,
    opt["formula"],
    "--",
    color="tab:purple",
    label="in-sample optimism $2\\sigma^2 df/n$ (n = 100)",
)
ax.axvline(alphas[best], color="green", alpha=0.4, label="best alpha (statement 1)")
ax.set_xscale("log")
ax.set_xlabel("regularization coefficient alpha (log scale)")
ax.set_ylabel("difference of mean squared errors")
ax.set_title("What the cross-validation gap is made of")
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
fig.tight_layout()
plt.show()

# %% [markdown]
# ### Exercises

# %% [markdown]
# :::{exercise}
# :label: q2-hat-matrix
# Ridge and $k$-NN regression are both *linear smoothers*: their fitted values are
# $\hat y = S y$ for a matrix $S$ that depends on the inputs and on the setting (alpha or
# $k$), not on the labels. Write `hat_matrix(model, X)`, which returns $S$ for such a
# scikit-learn regressor using only the model's `fit` and `predict`, not a formula. (What
# does the model predict at `X` when it is trained on the labels $e_i$, all 0 but a 1 in
# place $i$?) With it, on statement 1's inputs `X_reg`, compute the effective number of
# parameters $\operatorname{tr} S$ of `KNeighborsRegressor(n_neighbors=k)` for $k$ = 1, 4,
# 10, 25 and 100, in the array `knn_df`, and of `Ridge(alpha=a)` for every `a` in
# `alphas`, in the array `ridge_df`. Which setting of each model leaves the most
# parameters free, and what does that say about statement 3?
# :::

# %% [markdown]
# :::{solution-start} q2-hat-matrix
# :class: dropdown
# :::

# %%
from sklearn.base import clone
from sklearn.neighbors import KNeighborsRegressor


def hat_matrix(model, X):
    """S with model.fit(X, y).predict(X) == S @ y, for a model whose fitted
    values are linear in the labels."""
    unit_labels = np.eye(len(X))  # column i: the labels e_i
    # one fit to n label columns: prediction column i is S e_i, column i of S
    return clone(model).fit(X, unit_labels).predict(X)


def knn(k):
    return KNeighborsRegressor(n_neighbors=k)


hat_ks = (1, 4, 10, 25, 100)
knn_df = np.array([np.trace(hat_matrix(knn(k), X_reg)) for k in hat_ks])
ridge_df = np.array([np.trace(hat_matrix(Ridge(a), X_reg)) for a in alphas])
S_ridge = hat_matrix(Ridge(alpha=alphas[best]), X_reg)
fitted = Ridge(alpha=alphas[best]).fit(X_reg, y_reg).predict(X_reg)
agrees = bool(np.abs(S_ridge @ y_reg - fitted).max() < 1e-8)
print(f"S @ y is Ridge's fit (to 1e-8): {agrees}")
S_least_squares = hat_matrix(LinearRegression(), X_reg)
print(f"least squares: tr S = {np.trace(S_least_squares):.1f}")
print(f"\nk-NN on {len(X_reg)} points:")
for k, df in zip(hat_ks, knn_df):
    print(f"  k = {k:>3}: tr S = {df:.1f}   n / k = {len(X_reg) / k:.1f}")
print("Ridge:")
for a, df in zip(alphas, ridge_df):
    print(f"  alpha {a:>8.3g}: tr S = {df:.1f}")
same = bool(np.abs(ridge_df - dof).max() < 1e-8)
print(f"Ridge's traces equal statement 3's SVD formula (to 1e-8): {same}")

# %% [markdown]
# The two knobs turn the same way. $k$-NN's trace is exactly $n/k$: each fitted value
# gives its own label the weight $1/k$, so at $k = 1$ every fitted value *is* its own
# label (100 parameters for 100 points) and at $k = n$ every fitted value is the mean of
# all labels (one parameter). Ridge's trace, computed here from fits alone, equals the
# formula of statement 3 and falls from 61.0, least squares' count, to 1.6 as alpha
# grows. So the most parameters are free at $k = 1$ and at the smallest alpha; the larger
# $k$ or alpha, the fewer, and by the optimism formula $2\sigma^2\,\mathrm{tr}\,S/n$ the
# less the training error flatters the model. A larger coefficient makes overfitting
# *less* likely: statement 3 is false. The trace can also be read as
# $\sum_i \partial \hat y_i/\partial y_i$, how strongly each fitted value follows its own
# label; following one's own label, noise included, is what fitting the noise means.

# %% [markdown]
# :::{solution-end}
# :::

# %% [markdown]
# ## (c) Which regularization made which weights?
#
# | Experiment | Weights | Regularization | Why |
# |---|---|---|---|
# | 1 | `[0.26, 0.25, 0.25, 0.25]` | **L2** | small, spread almost evenly, none exactly zero: the L2 penalty $\lambda\sum w_i^2$ prefers many small weights to one large one |
# | 2 | `[1, 0, 0, 0]` | **L1** | all but one *exactly* zero: the L1 penalty $\lambda\sum \lvert w_i\rvert$ sets weights exactly to zero |
# | 3 | `[13.3, 23.5, 53.2, 5.1]` | **none** (or a negligible one) | the largest weights: both its L1 and its L2 norm are the largest of the four, as the unpenalized fit's must be (below) |
# | 4 | `[0.5, 1.2, 8.5, 0]` | **L1, weaker coefficient** | an exact zero (L1's signature) with a larger L1 norm than experiment 2 |
#
# The four weight vectors, read by a cell:

# %% tags=["definitions"]
# tests/test_q2_facts.py runs this cell on its own, so it imports what it uses.
import numpy as np

HOMEWORK_WEIGHTS = {
    1: [0.26, 0.25, 0.25, 0.25],
    2: [1, 0, 0, 0],
    3: [13.3, 23.5, 53.2, 5.1],
    4: [0.5, 1.2, 8.5, 0],
}


def read_weights(w) -> dict[str, float]:
    """What a weight vector says about its penalty: exact zeros, size, evenness."""
    w = np.asarray(w, dtype=float)
    nonzero = np.abs(w[w != 0])
    return {
        "exact zeros": int(np.sum(w == 0)),
        "L1 norm": float(np.sum(np.abs(w))),
        "L2 norm": float(np.sqrt(np.sum(w**2))),
        "largest / smallest non-zero": float(nonzero.max() / nonzero.min()),
    }


# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: it depends on no mode or machine.
print(
    f"{'exp':>3} {'weights':<26} {'zeros':>5} {'L1 norm':>8} {'L2 norm':>8} "
    f"{'max/min':>8}"
)
for exp, w in HOMEWORK_WEIGHTS.items():
    r = read_weights(w)
    print(
        f"{exp:>3} {str(w):<26} {r['exact zeros']:>5} {r['L1 norm']:>8.1f} "
        f"{r['L2 norm']:>8.1f} {r['largest / smallest non-zero']:>8.2f}"
    )

# %% [markdown]
# The sizes decide rows 3 and 4, through the argument of statement 1: on the same data the
# penalty term of the solution never grows with the coefficient. With the smaller
# coefficient $a = 0$ it says that the unpenalized fit (any least-squares solution) has an
# L1 norm at least as large as every Lasso solution's and an L2 norm at least as large as
# every Ridge solution's. Experiment 3 has the largest norms of the four in both, 95.1 and
# 59.9, as the unpenalized fit must. Experiment 4 has an L1 norm of 10.2 against
# experiment 2's 1.0, so its L1 coefficient cannot be the larger one.
#
# The reading assumes what the question implies: the same data in all four experiments,
# each regularization used once, and distinct features. Taken alone, experiment 1's even
# weights could also come from no penalty: on *exact* copies of one feature, minimum-norm
# least squares shares the weight evenly (0.26 each, in the dropdown on exact copies
# below). The one-to-one matching rules that out: experiments 2 and 4, with their exact
# zeros, are the L1 pair, so if experiment 1 were the unpenalized one, the Ridge experiment
# would be 3, whose L2 norm (59.9) is larger than experiment 1's (0.5), which the argument
# forbids. So experiment 3 is the one without a penalty, and experiment 1 the L2 one.

# %% [markdown]
# ### Why L1 gives exact zeros and L2 does not
#
# Two pictures {cite}`tibshirani1996lasso,hastie2009elements`.
#
# **Geometry.** Minimizing *loss + λ · penalty* gives the same solution as minimizing the
# loss inside a region *penalty ≤ t* for a matching budget $t$. The loss has elliptical
# contours around the least-squares weights; the solution is the point where the smallest
# contour touches the region. The L2 region is a disc: round, without corners, so the
# touching point has, in general, every coordinate non-zero. The L1 region is a diamond
# with its corners on the axes, and a contour coming from outside often touches a corner
# first; at a corner the other weights are *exactly* zero.
#
# **Gradient.** The penalty pulls each weight towards zero. L2's pull, the gradient of
# $\lambda w^2$, is $2\lambda w$: proportional to the weight, so it fades as the weight
# shrinks, and a weight stops short of zero unless the loss's own gradient there is zero.
# L1's pull, $\lambda\,\mathrm{sign}(w)$, keeps its full strength all the way down to zero:
# any weight whose loss gradient at zero is at most $\lambda$ in size is pulled to zero and
# held there. In one dimension, with the loss $\tfrac12 (w - a)^2$, L2 gives
# $w = a/(1 + 2\lambda)$ (shrunk, never zero unless $a$ is), and L1 gives
# $w = \mathrm{sign}(a)\max(\lvert a\rvert - \lambda, 0)$, exactly zero whenever
# $\lvert a\rvert \le \lambda$ (soft thresholding).

# %% tags=["hide-input"]
H = np.array([[1.0, 0.7], [0.7, 1.0]])  # loss curvature: two correlated features
w_ls = np.array([2.0, 0.8])  # the least-squares weights


def quadratic_loss(W):
    D = W - w_ls
    return 0.5 * np.einsum("...i,ij,...j->...", D, H, D)


theta = np.linspace(0, 2 * np.pi, 4001)
circle = np.c_[np.cos(theta), np.sin(theta)]  # ||w||_2 = 1
diamond = circle / np.abs(circle).sum(axis=1, keepdims=True)  # ||w||_1 = 1
g1, g2 = np.meshgrid(np.linspace(-1.6, 2.6, 300), np.linspace(-1.6, 2.2, 300))
loss_grid = quadratic_loss(np.stack([g1, g2], axis=-1))
fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
regions = (
    (axes[0], circle, "L2 region: $w_1^2 + w_2^2 \\leq 1$", "tab:blue"),
    (axes[1], diamond, "L1 region: $|w_1| + |w_2| \\leq 1$", "tab:red"),
)
for ax, region, name, colour in regions:
    touch = region[np.argmin(quadratic_loss(region))]
    level = quadratic_loss(touch)
    ax.fill(*region.T, color=colour, alpha=0.25, label=name)
    ax.contour(g1, g2, loss_grid, levels=[0.3 * level, 2 * level], colors="gray")
    ax.contour(g1, g2, loss_grid, levels=[level], colors="black", linewidths=1.5)
    ax.plot(*w_ls, "k*", markersize=12, label="least-squares weights")
    solution = f"solution ({touch[0]:.2f}, {touch[1]:.2f})"
    ax.plot(*touch, "o", color=colour, markersize=9, label=solution)
    ax.axhline(0, color="black", linewidth=0.5)
    ax.axvline(0, color="black", linewidth=0.5)
    ax.set_aspect("equal")
    ax.set_xlim(-1.6, 2.6)
    ax.set_ylim(-1.6, 2.2)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend(fontsize=8, loc="lower left")
axes[0].set_title("L2: the contour touches the disc off the axes")
axes[1].set_title("L1: the contour touches the diamond at a corner")
w = np.linspace(-1.5, 1.5, 601)
axes[2].plot(w, 2 * w, label="L2: $2\\lambda w$ (fades near 0)")
axes[2].plot(w, np.sign(w), label="L1: $\\lambda\\,\\mathrm{sign}(w)$ (constant)")
axes[2].axhline(0, color="black", linewidth=0.5)
axes[2].set_xlabel("weight $w$")
axes[2].set_ylabel("gradient of the penalty ($\\lambda = 1$)")
axes[2].set_title("The pull towards zero")
axes[2].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### Strongly correlated features: L2 spreads, L1 selects
#
# The homework's pattern needs features that carry nearly the same information. One
# feature $x$ and $y = x + \text{noise}$; the four inputs are $x$ plus a little independent
# noise each, so they are strongly correlated but distinct measurements of $x$. On such
# data Ridge and Lasso each have a single solution. For Ridge this holds always (its
# objective is strictly convex). For Lasso it holds when the columns of the inputs are in
# *general position*, which they are with probability one when the features are drawn from
# a continuous distribution, as the jittered copies here are {cite}`tibshirani2013lasso`.
# The cell adds a check consistent with this (evidence, not a proof): the solver, started
# from three different points, ends at the same weights. So what the solver returns is the
# penalty at work, not the solver's preference. Least squares is shown too.

# %% tags=["definitions"]
# tests/test_q2_facts.py runs this cell on its own, so it imports what it uses.
import numpy as np
from sklearn.linear_model import Lasso


def copies_problem(
    n: int = 100,
    copies: int = 4,
    jitter: float = 0.0,
    seed: int = 0,
    jitter_seed: int = 10,
) -> tuple[np.ndarray, np.ndarray]:
    """y = x + noise; the features are `copies` copies of x, each + jitter * N(0, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = x + 0.5 * rng.normal(size=n)
    X = np.repeat(x[:, None], copies, axis=1)
    if jitter > 0:
        X = X + jitter * np.random.default_rng(jitter_seed).normal(size=X.shape)
    return X, y


def fit_weights(model, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return model.fit(X, y).coef_


def lasso_from(X: np.ndarray, y: np.ndarray, alpha: float, start) -> Lasso:
    """Lasso(alpha) by coordinate descent started from the weights `start`, run to a
    tight tolerance (so that where it stops is a solution, not an early exit)."""
    model = Lasso(alpha=alpha, warm_start=True, tol=1e-12, max_iter=1_000_000)
    model.coef_ = np.array(start, dtype=float)
    return model.fit(X, y)


def lasso_objective(X: np.ndarray, y: np.ndarray, model, alpha: float) -> float:
    """What scikit-learn's Lasso minimizes: ||y - Xw - b||^2 / (2n) + alpha ||w||_1."""
    residual = y - X @ model.coef_ - model.intercept_
    return np.sum(residual**2) / (2 * len(y)) + alpha * np.sum(np.abs(model.coef_))


# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: it depends on no mode or machine.
JITTER = 0.03
X_near, y_near = copies_problem(jitter=JITTER, jitter_seed=0)
corr = np.corrcoef(X_near.T)[np.triu_indices(4, k=1)]
print(f"four copies of x, each plus noise of sd {JITTER}")
print(f"pairwise correlations from {corr.min():.4f} to {corr.max():.4f}\n")
starts = ([0.25] * 4, [1, 0, 0, 0], [0, 0, 0, 1])
rows = [
    ("no penalty (least squares)", fit_weights(LinearRegression(), X_near, y_near)),
    ("L2: Ridge(alpha=1)", fit_weights(Ridge(alpha=1.0), X_near, y_near)),
    ("L2: Ridge(alpha=10)", fit_weights(Ridge(alpha=10.0), X_near, y_near)),
    ("L1: Lasso(alpha=0.1)", lasso_from(X_near, y_near, 0.1, starts[0]).coef_),
    (
        "L1, weaker: Lasso(alpha=0.01)",
        lasso_from(X_near, y_near, 0.01, starts[0]).coef_,
    ),
]
print(
    f"{'fit':<31} {'w1':>6} {'w2':>6} {'w3':>6} {'w4':>6} {'sum':>6} {'L1 norm':>8} "
    f"{'zeros':>6}"
)
for name, w in rows:
    # round(v, 2) + 0.0 prints -0.001 as 0.00, not -0.00, on every machine
    weights = " ".join(f"{round(v, 2) + 0.0:>6.2f}" for v in w)
    print(
        f"{name:<31} {weights} {w.sum():>6.2f} {np.abs(w).sum():>8.2f} "
        f"{int(np.sum(w == 0)):>6}"
    )
for alpha in (0.1, 0.01):
    ends = [lasso_from(X_near, y_near, alpha, s).coef_ for s in starts]
    same = all(np.abs(e - ends[0]).max() < 1e-6 for e in ends)
    print(
        f"Lasso(alpha={alpha}) from the three starts ends at the same weights: {same}"
    )

zeros = {"lasso": [], "lasso weak": [], "ridge": []}
kept = set()
for draw in range(20):
    X_d, y_d = copies_problem(jitter=JITTER, jitter_seed=100 + draw)
    w_lasso = lasso_from(X_d, y_d, 0.1, starts[0]).coef_
    zeros["lasso"].append(np.sum(w_lasso == 0))
    zeros["lasso weak"].append(np.sum(lasso_from(X_d, y_d, 0.01, starts[0]).coef_ == 0))
    zeros["ridge"].append(np.sum(Ridge(alpha=10.0).fit(X_d, y_d).coef_ == 0))
    kept.add(tuple(int(j) + 1 for j in np.flatnonzero(w_lasso)))
print("\n20 more draws of the noise in the copies; exact zeros per fit:")
for name, z in zeros.items():
    print(f"  {name:<11} min {min(z)}, mean {np.mean(z):.2f}, max {max(z)}")
print(f"Lasso(alpha=0.1) kept {len(kept)} different sets of copies:")
print(" ", ", ".join(str(k) for k in sorted(kept)))

# %% [markdown]
# Ridge keeps all four weights, none exactly zero, and the stronger the penalty the more
# evenly it shares them (0.24 to 0.26 each with alpha 10): experiment 1's pattern. Lasso
# with alpha 0.1 puts the whole weight on one copy and sets the other three exactly to
# zero, and it reaches this same solution from each of the three starts: experiment 2's
# pattern, as the penalty's doing. The weaker alpha 0.01 also leaves exact zeros, with a
# larger L1 norm (1.02 against 0.92; not every weight is larger: the last is 0.87 against
# 0.92): experiment 4's pattern. Over 20 more draws of the copies' noise, Lasso zeroed
# between 1 and 3 of the 4 weights in every draw (2.40 on average with alpha 0.1, 2.25
# with alpha 0.01); Ridge zeroed none in any draw. *Which* copies Lasso keeps changes from
# draw to draw (9 different sets in 20 draws). Zou and Hastie describe this trait of the
# Lasso: given a group of variables with very high pairwise correlations, it "tends to
# select only one variable from the group and does not care which one is selected"
# {cite}`zou2005regularization`; here it kept one to three. Least squares, without a
# penalty, gives weights of both signs (from -1.51 to 1.44): the data pin down their sum,
# 1.03, not the split.
#
# :::{dropdown} Exact copies: a tie for L1, and the even split without a penalty
# With *exact* copies the predictions depend only on the sum of the weights. For weights of
# one sign the L1 penalty $\sum_i \lvert w_i\rvert$ is the size of that sum, so the Lasso
# objective is the same for every split of the sum: `[0.92, 0, 0, 0]`, the even split and
# any other non-negative split are all minimisers. The solver's answer is a tie-break.
# Started from zero, scikit-learn's coordinate descent gives the whole weight to the first
# copy; the loss then pulls on each other copy with exactly $\lambda$, which L1's pull just
# balances, so they stay at zero. Started from the even split or any other split of the
# same sum, it stays there. L2 has no such tie: its objective is strictly convex, and its
# single optimum is the even split. So `[0.26, 0.25, 0.25, 0.25]` *could* in principle be
# an L1 tie broken near the even split, but only with exact copies and a start there; on
# distinct features (above) L1 returns exact zeros.
#
# Without a penalty every split with the right sum fits exactly as well. scikit-learn's
# least squares returns the split of minimum norm, the even one, 0.26 each: experiment 1's
# pattern, with no penalty at all. (Part (c)'s answer rules this reading out only through
# the one-to-one matching and distinct features, as said above.) The even split is not
# chance: the ridge solution $(X^\top X + \alpha I)^{-1}X^\top y$ tends to the minimum-norm
# least-squares solution as $\alpha \to 0^+$.
#
# A side remark on collinearity: when the copies are perturbed by only 0.1%, the
# unpenalized weights jump to large values of both signs that change with the perturbation
# (from -47.91 to 22.16 in one draw, from -32.84 to 31.63 in another), while their sum stays
# 1.03. That is not experiment 3's pattern, whose weights are all positive and sum to
# 95.1; the argument from the norms above, not this blow-up, is what places experiment 3.
# The cell below (click to show) prints these fits.
# :::

# %% tags=["hide-cell"]
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: it depends on no mode or machine.
X_copies, y_copies = copies_problem()
cold = Lasso(alpha=0.1).fit(X_copies, y_copies)
total = cold.coef_.sum()
fits = {
    "Lasso(alpha=0.1) from zero": cold,
    "Lasso(alpha=0.1) from the even split": lasso_from(
        X_copies, y_copies, 0.1, [total / 4] * 4
    ),
    "Lasso(alpha=0.1) from another split": lasso_from(
        X_copies, y_copies, 0.1, total * np.array([0.1, 0.2, 0.3, 0.4])
    ),
}
print(f"{'exact copies':<38} {'w1':>6} {'w2':>6} {'w3':>6} {'w4':>6} {'objective':>10}")
objectives = []
for name, model in fits.items():
    objectives.append(lasso_objective(X_copies, y_copies, model, 0.1))
    weights = " ".join(f"{round(v, 2) + 0.0:>6.2f}" for v in model.coef_)
    print(f"{name:<38} {weights} {objectives[-1]:>10.5f}")
print(f"same objective (to 1e-9): {bool(np.ptp(objectives) < 1e-9)}\n")

minimum_norm = LinearRegression().fit(X_copies, y_copies).coef_
rows = [
    ("no penalty: minimum-norm least squares", minimum_norm),
    ("Ridge(alpha=1e-6)", fit_weights(Ridge(alpha=1e-6), X_copies, y_copies)),
    ("Ridge(alpha=1)", fit_weights(Ridge(alpha=1.0), X_copies, y_copies)),
]
for jitter_seed in (10, 11):
    X_tiny, _ = copies_problem(jitter=1e-3, jitter_seed=jitter_seed)
    rows.append(
        (
            f"no penalty, copies + 0.1% noise ({jitter_seed - 9})",
            fit_weights(LinearRegression(), X_tiny, y_copies),
        )
    )
print(f"{'fit':<38} {'w1':>6} {'w2':>6} {'w3':>6} {'w4':>6} {'sum':>10}")
for name, w in rows:
    weights = " ".join(f"{round(v, 2) + 0.0:>6.2f}" for v in w)
    print(f"{name:<38} {weights} {w.sum():>10.2f}")
ridge_limit = fit_weights(Ridge(alpha=1e-6), X_copies, y_copies)
print(
    "Ridge(alpha=1e-6) equals the minimum-norm solution (to 1e-6): "
    f"{bool(np.abs(ridge_limit - minimum_norm).max() < 1e-6)}"
)

# %% [markdown]
# ### Regularization paths on real data
#
# The same contrast on a real data set, scikit-learn's diabetes data (442 patients, 10
# standardized features): the weights of Lasso (L1) and Ridge (L2) as the penalty grows,
# and the size of the whole weight vector (its L1 norm for Lasso, its L2 norm for Ridge:
# the penalty term of each). The two alphas are on different scales: scikit-learn's Lasso
# minimises $\lVert y - Xw\rVert^2/(2n) + \alpha\lVert w\rVert_1$, its Ridge
# $\lVert y - Xw\rVert^2 + \alpha\lVert w\rVert_2^2$, so against the same squared loss a
# Lasso alpha weighs $2n = 884$ times as much as the same number does for Ridge. Where the
# two are compared below, Ridge's alpha is taken $2n$ times Lasso's. (The penalties still
# differ in kind, so no alpha makes them "equally strong".)

# %% tags=["definitions"]
# tests/test_q2_facts.py runs this cell on its own, so it imports what it uses.
import numpy as np
from sklearn.linear_model import Ridge


def ridge_path(X: np.ndarray, y: np.ndarray, alphas) -> np.ndarray:
    """Ridge weights for each alpha: an array (features, alphas)."""
    return np.array([Ridge(alpha=a).fit(X, y).coef_ for a in alphas]).T


# %%
X_dia, y_dia = load_diabetes(return_X_y=True)
X_dia = StandardScaler().fit_transform(X_dia)
names = load_diabetes().feature_names
lasso_alphas, lasso_coefs, _ = lasso_path(X_dia, y_dia, alphas=np.logspace(-2, 2, 60))
ridge_alphas = np.logspace(-1, 5, 60)
ridge_coefs = ridge_path(X_dia, y_dia, ridge_alphas)

# %% tags=["hide-input"]
fig, axes = plt.subplots(2, 2, figsize=(13, 8), sharex="col")
paths = (
    (0, lasso_alphas, lasso_coefs, np.abs(lasso_coefs).sum(axis=0), "Lasso", "1"),
    (1, ridge_alphas, ridge_coefs, np.linalg.norm(ridge_coefs, axis=0), "Ridge", "2"),
)
for col, path_alphas, coefs, norm, model_name, order in paths:
    for i, name in enumerate(names):
        axes[0, col].plot(path_alphas, coefs[i], label=name)
    axes[1, col].plot(path_alphas, norm, "k-")
    axes[0, col].set_ylabel("weight")
    axes[1, col].set_ylabel(f"$\\|w\\|_{order}$ ({'L' + order} norm)")
    axes[1, col].set_xlabel(f"alpha of scikit-learn's {model_name} (log scale)")
    axes[1, col].set_title(
        f"{model_name}: the L{order} norm of the solution never grows"
    )
    axes[0, col].legend(fontsize=7, ncol=2)
    for ax in axes[:, col]:
        ax.set_xscale("log")
        ax.axhline(0, color="black", linewidth=0.5)
axes[0, 0].set_title("L1 (Lasso): weights reach exactly zero")
axes[0, 1].set_title("L2 (Ridge): single weights may grow or change sign")
fig.suptitle(
    "Regularization paths on the diabetes data (standardized features; "
    "the two alpha axes are on different scales)"
)
fig.tight_layout()
plt.show()

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: it depends on no mode or machine.
ridge_norm = np.linalg.norm(ridge_coefs, axis=0)
lasso_norm = np.abs(lasso_coefs[:, ::-1]).sum(axis=0)  # lasso_path: alphas descending
print(
    "Lasso: the L1 norm never grows as alpha grows: "
    f"{bool(np.all(np.diff(lasso_norm) <= 0))}"
)
print(
    "Ridge: the norm falls at every step of alpha: "
    f"{bool(np.all(np.diff(ridge_norm) < 0))}"
)
unpenalized = LinearRegression().fit(X_dia, y_dia).coef_
ls_l1, ls_l2 = np.abs(unpenalized).sum(), np.linalg.norm(unpenalized)
print(f"no penalty: L1 norm {ls_l1:.1f}, Lasso path at most {lasso_norm.max():.1f}")
print(f"no penalty: L2 norm {ls_l2:.1f}, Ridge path at most {ridge_norm.max():.1f}")
signs = np.sign(ridge_coefs)
flipped = [n for n, s in zip(names, signs) if np.any(s[1:] != s[:-1])]
print(f"Ridge: weights that change sign along the path: {flipped}")
growth = np.abs(ridge_coefs).max(axis=1) / np.abs(ridge_coefs[:, 0])
grown = {n: round(float(g), 1) for n, g in zip(names, growth) if g > 1.05}
print("Ridge: weights that grow by more than 5% beyond their smallest-alpha size,")
print(f"  with the factor: {grown}")
print(f"Ridge: exact zeros anywhere on the path: {int(np.sum(ridge_coefs == 0))}\n")

scale = 2 * len(y_dia)  # Lasso divides the squared loss by 2n, Ridge does not
print(
    f"{'Lasso alpha':>11} {'zero weights':>13}   "
    f"{'Ridge alpha (x 2n)':>18} {'zero weights':>13}"
)
for a in (0.01, 1.0, 5.0, 20.0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        lasso_w = Lasso(alpha=a).fit(X_dia, y_dia).coef_
    ridge_w = Ridge(alpha=scale * a).fit(X_dia, y_dia).coef_
    print(
        f"{a:>11} {int(np.sum(lasso_w == 0)):>13}   {scale * a:>18g} "
        f"{int(np.sum(ridge_w == 0)):>13}"
    )
s3 = names.index("s3")
print("\nLasso weight of s3 as alpha grows:")
for a in (0.01, 0.1, 1.0, 20.0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        s3_weight = Lasso(alpha=a).fit(X_dia, y_dia).coef_[s3]
    print(f"  alpha {a:>5}: {round(s3_weight, 1) + 0.0}")

# %% [markdown]
# Lasso's weights reach exactly zero as the penalty grows (3 of 10 at alpha 1, 7 of 10 at
# alpha 20), so Lasso also *selects features*. Not strictly one at a time, though: s3 goes
# to zero, comes back with the opposite sign, and goes to zero again. Ridge sets no weight
# exactly to zero anywhere on its path, nor at the alphas $2n$ times Lasso's in the table.
# What Ridge shrinks is the *norm* of the weight vector, which falls at every step (and
# Lasso's L1 norm never grows), as the argument of statement 1 promised; both stay below
# the norms of the unpenalized fit (164.6 and 65.5), as part (c) used. Single weights need not
# shrink. Along the path five weights change sign (age, sex, s1, s2, s3) and three grow by
# more than 5% beyond their size at the smallest penalty (age to 3.4 times, s3 to 2.1
# times, s6 to 1.7 times). Possibly this is the correlation between the features at work:
# as the penalty shrinks one weight, a correlated feature can take over part of its job. A
# weaker L1 coefficient sits to the left on the Lasso path: usually fewer exact zeros
# (though a weight can leave and re-enter the path, as s3 does) and a larger L1 norm, as
# in experiment 4 (single weights need not be larger, as s3 shows).
#
#
# :::{admonition} Takeaways
# :class: tip
# - $k$ in $k$-NN is a capacity knob turned backwards: small $k$ = low bias, high variance
#   (training error 0 at $k = 1$); large $k$ = high bias, low variance (the majority class at
#   $k = n$), with about $N/k$ effective parameters. The best $k$ balances the two.
# - At the optimum of the penalized loss, a larger coefficient never lowers the training
#   error; a moderate penalty can lower the validation error and a strong one raises it
#   (statement 1: true). Features without information add room to fit noise (statement 2:
#   false); a penalty that can drop them, like Lasso, is a remedy. A larger coefficient
#   lowers the effective number of parameters and the optimism $2\sigma^2\mathrm{df}/n$: less
#   overfitting, not more (statement 3: false).
# - The validation-training gap is not a pure measure of overfitting: read it together with
#   the level of the training error, especially when there are many features per sample.
# - Weights tell the penalty: L2 gives small weights shared across correlated features and
#   none exactly zero (it shrinks the norm, not every weight); L1 gives exact zeros (the
#   diamond's corners, the constant pull); no penalty gives the largest norms, since a
#   penalty only ever shrinks its own norm. With *exact* copies, L1's choice is a tie and
#   even no penalty splits the weight evenly.
# :::

# %% [markdown]
# ### Exercises

# %% [markdown]
# :::{exercise}
# :label: q2-lasso-pair
# Predict, then check: what does Lasso do to *two* strongly correlated features? Take 20
# draws of two near-copies of one feature,
# `copies_problem(copies=2, jitter=JITTER, jitter_seed=s)` for `s` = 0, ..., 19. First
# write down your prediction: in how many of the 20 draws will `Lasso(alpha=0.1)` set one
# of the two weights exactly to zero? Then fit it to each draw with the chapter's
# `lasso_from`, started from zero weights (plain `Lasso` stops too early on such
# features), and store the 20 × 2 weights in `pair_lasso_weights` and the number of draws
# with an exact zero in `pair_zero_draws`. In the draws where Lasso keeps both features,
# what do the two least-squares weights have in common?
# :::

# %% [markdown]
# :::{solution-start} q2-lasso-pair
# :class: dropdown
# :::


# %%
def two_copies(seed):
    return copies_problem(copies=2, jitter=JITTER, jitter_seed=seed)


pair_draws = range(20)
pair_data = [two_copies(s) for s in pair_draws]
pair_lasso_weights = np.array(
    [lasso_from(*d, 0.1, [0.0, 0.0]).coef_ for d in pair_data]
)
pair_zero_draws = int(np.sum(np.any(pair_lasso_weights == 0, axis=1)))
pair_ls = np.array([fit_weights(LinearRegression(), *d) for d in pair_data])
pair_ridge = np.array([fit_weights(Ridge(alpha=1.0), *d) for d in pair_data])
pair_corr = [np.corrcoef(X_two.T)[0, 1] for X_two, _ in pair_data]
low, high = min(pair_corr), max(pair_corr)
print(f"correlation of the two features: {low:.4f} to {high:.4f}\n")
print(f"{'draw':>4} {'least squares':>15} {'Lasso(0.1)':>15} {'Ridge(1)':>15}")
for s in pair_draws:
    fits = (pair_ls[s], pair_lasso_weights[s], pair_ridge[s])
    # round(v, 2) + 0.0 prints -0.001 as 0.00, not -0.00
    shown = [" ".join(f"{round(v, 2) + 0.0:>7.2f}" for v in w) for w in fits]
    print(f"{s:>4} " + " ".join(f"{text:>15}" for text in shown))
opposite = pair_ls[:, 0] * pair_ls[:, 1] < 0
has_zero = np.any(pair_lasso_weights == 0, axis=1)
print(f"\nLasso(alpha=0.1): an exact zero in {pair_zero_draws} of 20 draws")
print(f"least squares: weights of opposite signs in {opposite.sum()} draws")
print(f"  Lasso zeroes a weight in each of them: {all(has_zero[opposite])}")
print(f"  where Lasso keeps both, same signs: {not any(opposite[~has_zero])}")
print(f"Ridge(alpha=1): exact zeros in all draws: {np.sum(pair_ridge == 0)}")
for name, w in (("least squares", pair_ls), ("Lasso", pair_lasso_weights)):
    sums = w.sum(axis=1)
    print(f"sum of the two weights, {name}: {min(sums):.2f} to {max(sums):.2f}")
print("\ndraws with an exact zero, by Lasso's alpha:")
for alpha in (0.01, 0.1, 0.3, 0.5):
    weights = [lasso_from(*d, alpha, [0.0, 0.0]).coef_ for d in pair_data]
    zero_here = np.any(np.array(weights) == 0, axis=1)
    print(
        f"  alpha {alpha:>4}: {zero_here.sum()} of 20; all the opposite-sign"
        f" draws among them: {all(zero_here[opposite])}"
    )

# %% [markdown]
# The common prediction, one weight exactly zero in every draw ("Lasso picks one feature
# of a correlated group"), holds in 14 of the 20 draws. In every one of the 11 draws where
# least squares gave the two weights opposite signs, Lasso set one of them to zero; the
# draws where it keeps both are all draws with least-squares weights of the same sign.
#
# Why the signs matter. The near-copies pin down the *sum* of the two weights (least
# squares: 1.02 to 1.04 in every draw), but barely how it is split: least squares' splits
# run from -2.42 and 3.44 to 1.61 and -0.59. For two weights of the same sign, the L1
# penalty $\lvert w_1\rvert + \lvert w_2\rvert$ is just the size of their sum: it shrinks
# the sum (to 0.91 to 0.92, in every draw) and has no reason to move the split to an
# axis. For weights of opposite signs, $\lvert w_1\rvert + \lvert w_2\rvert$ is larger than
# $\lvert w_1 + w_2\rvert$: sliding the split until the negative weight is exactly zero
# lowers the penalty and costs almost nothing in fit, because the data hardly care about
# the split. That is the corner of the diamond, and it is reached even with alpha 0.01,
# which zeroes a weight in exactly those 11 draws. A larger alpha zeroes one in more
# draws (17 of 20 at alpha 0.3, 19 at 0.5): the copies are not exact, so shrinking the
# sum moves the split too, until one weight reaches zero. Ridge sets no weight to zero in
# any draw and splits the sum far more evenly than least squares (at worst 0.30 and 0.72,
# draw 10).
#
# So Zou and Hastie's "tends to select only one variable from the group" is a tendency,
# which a stronger penalty makes more certain, not a rule: with a moderate penalty, a
# Lasso fit that keeps both of two correlated features is no sign that they carry
# different information.

# %% [markdown]
# :::{solution-end}
# :::

# %% [markdown]
# :::{exercise}
# :label: q2-read-penalty
# Part (c) had only the weights. With the data as well, the weights give away both the
# penalty and its coefficient, exact zeros or not. Write `identify_penalty(w, b, X, y)`,
# which takes the weights `w` and the intercept `b` that scikit-learn's `Lasso(alpha)`,
# `Ridge(alpha)` or `LinearRegression()` fitted to inputs `X` and labels `y` (the two
# objectives are stated at the start of the paths section), and returns `("L1", alpha)`,
# `("L2", alpha)` or `("none", 0.0)`. Hint: at the optimum the gradient of the loss
# balances the penalty's pull; recall how the two pulls differ. Try it on fits to the
# diabetes data, including a Lasso fit without exact zeros.
# :::

# %% [markdown]
# :::{solution-start} q2-read-penalty
# :class: dropdown
# :::


# %%
def identify_penalty(w, b, X, y):
    """("L1", alpha), ("L2", alpha) or ("none", 0.0): the penalty that made
    the weights w and intercept b of a scikit-learn fit to (X, y), read from
    the conditions that hold at the optimum."""
    w = np.asarray(w, dtype=float)
    pull = X.T @ (y - X @ w - b)  # minus the loss's gradient, up to a factor
    if np.abs(pull).max() <= 1e-6 * np.abs(X.T @ (y - y.mean())).max():
        return "none", 0.0  # the loss alone is at its minimum
    active = w != 0
    as_lasso = np.abs(pull[active]) / len(y)  # Lasso: alpha for every j
    as_ridge = pull[active] / w[active]  # Ridge: alpha for every j

    def spread(values):
        return np.ptp(values) / np.abs(values).mean()

    if spread(as_lasso) <= spread(as_ridge):
        return "L1", float(as_lasso.mean())
    return "L2", float(as_ridge.mean())


def tight_lasso(alpha):
    return Lasso(alpha=alpha, tol=1e-12, max_iter=1_000_000)


read_fits = [
    ("no penalty", LinearRegression()),
    ("Ridge(alpha=8.84)", Ridge(alpha=8.84)),
    ("Ridge(alpha=884)", Ridge(alpha=884.0)),
    ("Lasso(alpha=0.01)", tight_lasso(0.01)),
    ("Lasso(alpha=1)", tight_lasso(1.0)),
    ("Lasso(alpha=20)", tight_lasso(20.0)),
    ("Lasso(alpha=0.01), default tolerance", Lasso(alpha=0.01)),
]
print(f"{'diabetes data, fit':<37} {'zeros':>5}  read as")
for name, model in read_fits:
    model.fit(X_dia, y_dia)
    found = identify_penalty(model.coef_, model.intercept_, X_dia, y_dia)
    zeros = np.sum(model.coef_ == 0)
    print(f"{name:<37} {zeros:>5}  {found[0]}, alpha {found[1]:.6g}")

# %% [markdown]
# Each objective is at its minimum where its gradient with respect to the weights is
# zero (for Lasso, where zero is among its subgradients). Write $r = y - Xw - b$ for the
# residuals and $X^\top r$ for the loss's pull on the weights (minus its gradient, up to
# a factor). Then:
#
# - **no penalty**: $X^\top r = 0$, nothing balances the loss;
# - **Ridge**, $\lVert r\rVert^2 + \alpha\lVert w\rVert^2$: $X^\top r = \alpha w$, a pull
#   *proportional to each weight*, so $(X^\top r)_j / w_j$ is the same for every weight,
#   and it is alpha;
# - **Lasso**, $\lVert r\rVert^2/(2n) + \alpha\lVert w\rVert_1$:
#   $(X^\top r)_j / n = \alpha\,\mathrm{sign}(w_j)$ for every non-zero weight, a pull *of
#   the same size for all*, and at most alpha in size for a weight at zero.
#
# These are the two pulls of the gradient picture, L2's fading with the weight and L1's
# constant, now measured through the residuals. Whichever ratio is constant names the
# penalty and gives its alpha. The intercept is not penalized, so the residuals sum to
# zero and centring $X$ changes nothing. The reading needs no exact zero (the Lasso fit
# with alpha 0.01 has none), but it needs two things. The solver must have converged:
# with scikit-learn's default tolerance the conditions hold only roughly, and the same
# fit reads as 0.0100179. And there must be two weights off zero to compare: with a single
# feature, one Ridge fit and one Lasso fit can produce the same weight.

# %% [markdown]
# :::{solution-end}
# :::
