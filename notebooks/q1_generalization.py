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
# # Q1 · Generalization and dropout
#
# *Run it yourself:* the rocket button above opens this chapter in Colab; or download the {download}`notebook <q1_generalization.ipynb>` or its {download}`Python source <q1_generalization.py>` (Jupytext percent format, the file this page is built from).
#
# **The question.**
# - **(a)** What are overfitting and underfitting in a neural network, how do they show in
#   the training and validation error, and what can be done about each?
# - **(b)** Given a trained model, how do you detect that it overfits?
# - **(c)** A layer's 4x4 output (table 1) and a dropout mask (table 2) are given. Compute
#   the layer's output during training and at test time.
#
# **Short answers.**
# - **(a)** Underfitting: high error on the training data *and* on new data. Overfitting:
#   the error on new data is much higher than on the training data. Some gap between the
#   two is normal; overfitting is when more capacity or more training widens the gap while
#   the validation error rises. Against overfitting: more data, regularization (weight
#   decay, dropout), early stopping, a smaller model; against underfitting: a larger model,
#   longer training, better features, less regularization (more data alone does not help).
# - **(b)** Compare the model on data it was trained on with data it was not: a validation
#   split, the training and validation loss over the epochs, learning curves over the
#   training-set size, k-fold cross-validation. The test set is kept for the end.
# - **(c)** The mask has 8 zeros in 16 entries, so the drop probability is *estimated* as
#   $\hat p = 0.5$. Training: $h \odot m$ (the dropped units become 0). Test, with classic
#   dropout: $(1-\hat p)\,h = 0.5\,h$. With inverted dropout (PyTorch's `nn.Dropout`):
#   $h \odot m / (1-\hat p)$ in training and $h$ itself at test time.
#
# :::{admonition} Corrections to the original answer sheet
# :class: warning
# Its numbers for (c) (tables 3 and 4) are right; a cell below checks both. What it gets
# wrong:
# - **(a)** Among the remedies for underfitting it lists more training data. More data
#   does not cure a model that is too simple for the pattern: section (a) fits a straight
#   line to 15 and to 150 points, and the validation error is 0.285 both times. Against
#   underfitting, add capacity, train longer, find better features or regularize less.
# - **(b)** Its first method detects overfitting by comparing the training score with the
#   **test** score.
#   A test set that is used to find (and then to fix) overfitting stops being a test set:
#   the comparison belongs on a validation set or in cross-validation, and the test set
#   is scored once, at the end. Section (b) shows how a choice made on a data set
#   inflates that set's score.
# - **(c)** Its test-time answer holds for *classic* dropout only. The frameworks use
#   *inverted* dropout: a PyTorch network with `nn.Dropout(0.5)` outputs $h$ at test time,
#   not table 4's $0.5\,h$ (shown below).
#
# Two notes on (c), not errors:
# - The question does not give $p$, and the sheet derives it from the mask as the fraction
#   of zeros, as intended. That fraction is the natural (maximum-likelihood) estimate of
#   the drop probability from one mask; section (c) shows how rough it is with 16 units.
# - It gives one sentence on *why* dropout regularizes (the network relies less on
#   particular inputs and learns more robust features); section (c) adds the ensemble
#   view and checks where the test-time scaling is exact.
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
import math
import warnings

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import learning_curve, train_test_split
from sklearn.neural_network import MLPClassifier

import helpers

ctx = helpers.setup(seed=0)
# This chapter's sizes: full mode (the numbers in the text) and fast mode (the tests).
cfg = helpers.by_mode(
    full=dict(
        digits_mlp_epochs=150,
        early_stopping_patience=10,
        dropout_comparison_seeds=(0, 1, 2),
        sklearn_mlp_iterations=200,
        learning_curve_sizes=5,
        cv_folds=5,
        sampled_thinned_networks=100,
        mask_sampling_seeds=5,
    ),
    fast=dict(
        digits_mlp_epochs=15,
        early_stopping_patience=3,
        dropout_comparison_seeds=(0,),
        sklearn_mlp_iterations=20,
        learning_curve_sizes=3,
        cv_folds=3,
        sampled_thinned_networks=10,
        mask_sampling_seeds=2,
    ),
)

# %% [markdown]
# ## (a) Overfitting and underfitting
#
# **Question.** What are overfitting and underfitting, how do they show in training and
# validation error, and what are the remedies?
#
# **Short answer.** A model *underfits* when it is too simple (or trained too little) to
# capture the pattern: the error is high on the training data **and** on new data. It
# *overfits* when it has so much capacity that it also learns the noise of its particular
# training sample: the training error is low but the error on new data is much higher.
# Some gap between training and validation error is normal, since a model always fits its
# own training points better than new ones; the sign of overfitting is a gap that **widens**
# with more capacity (or more training) while the validation error **rises**. Remedies for
# overfitting: more (or augmented) data, regularization (weight decay, dropout), early
# stopping, a smaller model; for underfitting: a larger model, longer training, better
# features, less regularization. Which side you are on is a question you answer with a
# validation set.
#
# A toy problem makes this visible. Fifteen noisy samples of $y = \sin(2\pi x) + \varepsilon$,
# $\varepsilon \sim \mathcal N(0, 0.3^2)$, one in each fifteenth of $[0, 1]$, fitted by
# polynomials of growing degree (the degree is the model's *capacity*; degree 14 has as many
# coefficients as there are points). 2,000 independent samples measure the error on new data.

# %% tags=["definitions"]
# tests/test_q1_generalization.py runs this cell on its own, so it imports what it uses.
import numpy as np
from numpy.polynomial.legendre import legvander
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer


def make_sine_data(
    n: int, rng: np.random.Generator, spread: bool, noise: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    """n noisy samples of sin(2 pi x); spread=True: one x in each of n equal bins."""
    x = (np.arange(n) + rng.uniform(0, 1, n)) / n if spread else rng.uniform(0, 1, n)
    return x[:, None], np.sin(2 * np.pi * x) + rng.normal(0, noise, n)


def polynomial(degree: int, alpha: float = 0.0):
    """Polynomial regression of a given degree; alpha > 0 adds an L2 (ridge) penalty.

    The features are Legendre polynomials of 2x - 1 (a well-conditioned basis of the
    same polynomials as 1, x, ..., x^degree), so even high degrees are fitted exactly.
    """
    features = FunctionTransformer(lambda x: legvander(2 * x[:, 0] - 1, degree)[:, 1:])
    return make_pipeline(
        features, Ridge(alpha=alpha) if alpha > 0 else LinearRegression()
    )


def train_and_val_mse(model, train: tuple, val: tuple) -> tuple[float, float]:
    """Fit ``model`` on ``train = (x, y)``; its mean squared errors on train and val."""
    model.fit(*train)
    return (
        mean_squared_error(train[1], model.predict(train[0])),
        mean_squared_error(val[1], model.predict(val[0])),
    )


# %%
N_POINTS = 15  # the same in both modes: the toy problem is tiny
NOISE_VARIANCE = 0.3**2  # the best any model can do on new data
rng = np.random.default_rng(0)
x_train, y_train = make_sine_data(N_POINTS, rng, spread=True)
x_val, y_val = make_sine_data(2_000, rng, spread=False)

rows = []
for d in range(1, N_POINTS):
    train_mse, val_mse = train_and_val_mse(
        polynomial(d), (x_train, y_train), (x_val, y_val)
    )
    rows.append((d, train_mse, val_mse))

print(f"{'degree':>6} {'train MSE':>10} {'val MSE':>10} {'gap':>10}")
for d, tr, va in rows:
    print(f"{d:>6} {tr:>10.3f} {va:>10.3f} {va - tr:>10.3f}")
best_degree = min(rows, key=lambda r: r[2])[0]
max_degree = rows[-1][0]
print(f"lowest validation error at degree {best_degree}")
print(f"noise variance (the floor) = {NOISE_VARIANCE:.3f}")

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(6.5, 4))
d_axis = [r[0] for r in rows]
ax.plot(d_axis, [r[1] for r in rows], "o--", label="training error")
ax.plot(d_axis, [r[2] for r in rows], "o-", label="validation error")
ax.axhline(NOISE_VARIANCE, color="gray", linestyle=":", label="noise variance")
ax.axvline(best_degree, color="green", alpha=0.4, label=f"best degree ({best_degree})")
ax.set_yscale("log")
ax.set_ylim(1e-3, 1e5)  # degree 14's training error is float round-off, about 1e-27
ax.annotate(
    f"degree {max_degree}: training error ≈ 0\n(interpolates all {N_POINTS} points)",
    xy=(max_degree, 1e-3),
    xytext=(max_degree - 7, 1.4e-3),
    fontsize=8,
    arrowprops=dict(arrowstyle="->", color="gray"),
)
ax.set_xlabel("polynomial degree (capacity)")
ax.set_ylabel("mean squared error (log scale)")
ax.set_title(
    "Error against capacity: underfitting on the left, overfitting on the right"
)
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown]
# The training error never rises as the degree grows: each polynomial family contains the
# smaller ones, so a bigger model fits its own training points at least as well, and
# degree 14 passes through all 15 exactly. The validation error first falls (the model
# stops underfitting), reaches its minimum at degree 5, a little above the noise floor, and
# then climbs by orders of magnitude (the model fits the noise).
#
# Even the best model has a gap: degree 5 has training error 0.024 against validation
# error 0.112, a gap of 0.087. That gap alone is not overfitting; from degree 3 to 7 it
# stays between 0.087 and 0.094 while the validation error stays near its minimum. From
# degree 8 on, the gap and the validation error are both larger than anywhere from 3 to 7
# (at degree 8, a gap of 0.148 and a validation error of 0.165): more capacity now widens
# the gap *and* makes the model worse on new data. That is overfitting. The three regimes
# side by side:

# %% tags=["hide-input"]
grid = np.linspace(0, 1, 400)[:, None]


def plot_fits(fits: dict, title: str) -> None:
    """One panel per fitted model: the true function, its training points, its curve."""
    fig, axes = plt.subplots(1, len(fits), figsize=(4.4 * len(fits), 3.8), sharey=True)
    for ax, (name, (model, xs, ys)) in zip(axes, fits.items()):
        val_mse = mean_squared_error(y_val, model.predict(x_val))
        ax.plot(
            grid,
            np.sin(2 * np.pi * grid),
            color="gray",
            linestyle=":",
            label="true function",
        )
        ax.scatter(
            xs,
            ys,
            s=8 if len(xs) > 50 else 18,
            color="black",
            alpha=0.7,
            label="training points",
        )
        ax.plot(
            grid,
            np.clip(model.predict(grid), -3, 3),
            color="crimson",
            label="fitted polynomial",
        )
        ax.set_title(f"{name}\nvalidation MSE {val_mse:.2f}", fontsize=10)
        ax.set_xlabel("x")
        ax.set_ylim(-2.5, 2.5)
    axes[0].set_ylabel("y")
    axes[0].legend(loc="lower left", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


plot_fits(
    {
        f"{name}: degree {d}": (polynomial(d).fit(x_train, y_train), x_train, y_train)
        for d, name in [
            (1, "underfit"),
            (best_degree, "good fit"),
            (max_degree, "overfit"),
        ]
    },
    title=f"The same {len(x_train)} points fitted by three polynomials",
)

# %% [markdown]
# **Remedies, tested.** Keep the degree-14 model that overfits and change one thing at a
# time: ten times more data, or an L2 penalty on the weights (ridge regression, the linear
# model's weight decay) of a fixed strength, not tuned. Then give the same ten times more
# data to the degree-1 model that underfits.

# %%
RIDGE_ALPHA = 0.1
x_more, y_more = make_sine_data(10 * N_POINTS, np.random.default_rng(1), spread=True)
n, d = len(x_train), max_degree
remedies = {
    f"degree {d}, {n} points": (polynomial(d), x_train, y_train),
    f"degree {d}, {10 * n} points": (polynomial(d), x_more, y_more),
    f"degree {d}, {n} points, L2 alpha={RIDGE_ALPHA}": (
        polynomial(d, alpha=RIDGE_ALPHA),
        x_train,
        y_train,
    ),
}
more_data_when_underfitting = {
    f"degree 1, {n} points": (polynomial(1), x_train, y_train),
    f"degree 1, {10 * n} points": (polynomial(1), x_more, y_more),
}
print(f"{'setting':<34} {'train MSE':>9} {'val MSE':>9} {'gap':>9}")
for name, (model, xs, ys) in (remedies | more_data_when_underfitting).items():
    train_mse, val_mse = train_and_val_mse(model, (xs, ys), (x_val, y_val))
    print(f"{name:<34} {train_mse:>9.3f} {val_mse:>9.3f} {val_mse - train_mse:>9.3f}")

# %% tags=["hide-input"]
plot_fits(remedies, title=f"Two remedies for the overfitting degree-{d} model")
plot_fits(
    more_data_when_underfitting,
    title="More data for the underfitting degree-1 model",
)

# %% [markdown]
# Both remedies bring the validation error of the same degree-14 model from thousands
# down to about the level of the best small polynomial, without making the model smaller.
# With 150 points, 15 coefficients can no longer pass through every point, so the fit
# follows the trend instead of the noise, and the gap nearly closes: training error 0.080
# against validation error 0.097. The penalty keeps the coefficients small, so the curve
# swings less between the points; but the model still fits its 15 points far better than
# new ones (0.014 against 0.123, a gap of 0.109, larger than the best model's 0.087).
#
# More data does nothing for the straight line: its validation error is 0.285 with 15
# points and 0.285 with 150. A line cannot follow a sine however many points it sees: the
# error above the noise floor is *bias*, the model's systematic misfit, and only a more
# flexible model (or better features) removes it.
#
# A neural network shows the same two regimes, and section (b) shows both on one network
# for handwritten digits: after one epoch of training it underfits (high error on the
# training and the validation images alike), after 150 it overfits.
#
# :::{admonition} Takeaway (a)
# :class: tip
# Underfitting is high error everywhere; overfitting is a gap that widens with capacity
# while the error on new data rises. Some gap is normal (the best model here has one).
# Capacity moves a model from one regime to the other. For the overfitting model, more data
# and a weight penalty both brought the validation error down to the best small model's
# level; more data also closed the gap (0.080 against 0.097). For the underfitting model,
# more data changed nothing.
# :::

# %% [markdown]
# ### Exercises

# %% [markdown]
# :::{exercise}
# :label: q1-cv-degree
# The large validation set above is a luxury: usually the training points are all there
# is. Choose the degree by 5-fold cross-validation on the 15 training points alone
# (`KFold(n_splits=5)` from scikit-learn, without shuffling, and the chapter's
# `polynomial`), over degrees 1 to 13. Store the degree with the lowest mean validation
# error in `cv_degree`. Does it agree with the degree the 2,000 validation points chose?
# :::

# %% [markdown]
# :::{solution-start} q1-cv-degree
# :class: dropdown
# :::

# %%
from sklearn.model_selection import KFold

cv_errors = {}
for degree in range(1, 14):
    fold_errors = []
    for fit_idx, held_idx in KFold(n_splits=5).split(x_train):
        model = polynomial(degree).fit(x_train[fit_idx], y_train[fit_idx])
        held_out = model.predict(x_train[held_idx])
        fold_errors.append(np.mean((held_out - y_train[held_idx]) ** 2))
    cv_errors[degree] = float(np.mean(fold_errors))
cv_degree = min(cv_errors, key=cv_errors.get)
for degree in (1, 3, cv_degree, 9, 13):
    print(f"degree {degree:>2}: 5-fold CV error {cv_errors[degree]:.3f}")
print(f"chosen by 5-fold CV: degree {cv_degree}")
print(f"chosen by the validation set: degree {best_degree}")

# %% [markdown]
# It does not agree here: 5-fold cross-validation picks degree 3, the 2,000 validation
# points degree 5. Each fold fits 12 points and scores 3, so the estimates are noisy, and
# high degrees fit 12 points almost exactly and explode on the 3 left out. The training
# inputs are sorted and `KFold` does not shuffle, so the 3 held-out points are neighbours
# (at the ends, an extrapolation), which possibly penalizes flexible polynomials more than
# the evenly spread validation points do (not tested here). The point of the exercise is
# the procedure: every point is used for validation exactly once, and no point outside the
# training set is needed.

# %% [markdown]
# :::{solution-end}
# :::

# %% [markdown]
# ## (b) Detecting overfitting in a trained model
#
# **Question.** Given a trained model, how do you find out whether it overfits?
#
# **Short answer.** Overfitting is a *comparison*: performance on the data the model was
# trained on against performance on data it was not. So every method keeps some data away
# from training:
#
# 1. **Hold-out split** into training, validation and test sets; a large train-validation
#    difference is the sign. The test set is touched once, at the very end.
# 2. **The loss gap over training**: training loss keeps falling while validation loss
#    stops falling and rises.
# 3. **Learning curves** against the training-set size: an overfitting model has a large
#    gap that shrinks as data is added.
# 4. **k-fold cross-validation**: split the data into k disjoint folds of (nearly) equal
#    size; train on k-1 folds and validate on the one left out; rotate until every fold has
#    been left out once; average the k scores. Every example is used for validation exactly
#    once, so the verdict does not hang on one lucky or unlucky split.
#
# Detecting is not curing: after the four methods, the section tries two remedies on the
# same network (early stopping and dropout) and scores the chosen network on the test set.
#
# **What each experiment uses.** Methods 1 and 2, and the remedies, use a PyTorch
# multilayer perceptron (64-256-256-10, Adam, batches of 32) on scikit-learn's handwritten
# digits (8x8 images, 1,797 samples, bundled with scikit-learn so it runs offline), trained
# on a deliberately small set of 500 images and validated on 648 others. Methods 3 and 4
# retrain a model many times, so they use scikit-learn's `MLPClassifier` with the same
# hidden layers (Adam, no weight decay) on the training and validation images pooled. The
# remaining 649 images are the test set, scored once at the end of the section.

# %%
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)  # pixel values 0..16 -> [0, 1]
X_train, X_rest, y_train_d, y_rest = train_test_split(
    X, y, train_size=500, stratify=y, random_state=0
)
X_val, X_test, y_val_d, y_test = train_test_split(
    X_rest, y_rest, train_size=0.5, stratify=y_rest, random_state=0
)
print(f"{len(X)} images of 8x8 pixels")
print(f"train {len(X_train)}, validation {len(X_val)}, test {len(X_test)} images")

train_t = (torch.from_numpy(X_train), torch.from_numpy(y_train_d))
val_t = (torch.from_numpy(X_val), torch.from_numpy(y_val_d))
test_t = (torch.from_numpy(X_test), torch.from_numpy(y_test))


def train_digits_mlp(
    dropout: float,
    seed: int = 0,
    label: str = "",
    restore_best: str | None = None,
    patience: int | None = None,
) -> tuple[torch.nn.Module, helpers.History]:
    """The digits MLP trained on the 500 training images; seed: weights and batches."""
    helpers.seed_everything(seed)
    model = helpers.mlp([64, 256, 256, 10], dropout=dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    history = helpers.fit(
        model,
        train_t,
        val_t,
        optimizer=optimizer,
        epochs=cfg["digits_mlp_epochs"],
        batch_size=32,
        seed=seed,
        eval_train=True,
        restore_best=restore_best,
        patience=patience,
        label=label,
    )
    return model, history


mlp_plain, hist_plain = train_digits_mlp(0.0, label="no dropout")

# %% [markdown]
# ### 1. Hold-out split

# %%
for name, (xs, ys) in {"train": train_t, "validation": val_t}.items():
    loss, acc = helpers.evaluate(mlp_plain, xs, ys)
    print(f"{name:<10}  loss {loss:.3f}  accuracy {acc:.3f}")

# %% [markdown]
# Perfect training accuracy next to a clearly lower validation accuracy, and a validation
# loss many times the training loss: the network has memorised its 500 training images.
#
# **Why not compare with the test set instead**, as the answer sheet does? Because the
# moment a data set is used to *decide* something (is the model overfitting, so change
# it? which of these models is best?), its score is no longer an unbiased estimate. An
# extreme case makes it visible: 100 "models" that guess at random, and the one that
# scores best on the set used to choose it.

# %% tags=["definitions"]
# tests/test_q1_generalization.py runs this cell on its own, so it imports what it uses.
import numpy as np


def best_guesser_scores(
    rng: np.random.Generator,
    repetitions: int,
    n_guessers: int,
    n_images: int,
    n_classes: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per repetition: the accuracy of the best of ``n_guessers`` random guessers on the
    labelled images used to choose it, and the same guesser's accuracy on new images.

    A guesser has learned nothing, so on new images it simply guesses afresh.
    """
    chosen, new = [], []
    for _ in range(repetitions):
        labels = rng.integers(0, n_classes, n_images)
        guesses = rng.integers(0, n_classes, (n_guessers, n_images))
        chosen.append((guesses == labels).mean(axis=1).max())
        new_labels = rng.integers(0, n_classes, n_images)
        new_guesses = rng.integers(0, n_classes, n_images)
        new.append((new_guesses == new_labels).mean())
    return np.array(chosen), np.array(new)


# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: seeded NumPy draws, nothing else.
repetitions, n_guessers, n_images, n_classes = 200, 100, 649, 10
chosen_scores, new_scores = best_guesser_scores(
    np.random.default_rng(0), repetitions, n_guessers, n_images, n_classes
)
print(f"averages over {repetitions} repetitions; chance level {1 / n_classes:.3f}")
print(
    f"best of {n_guessers} guessers, on the {n_images} images used to choose it: "
    f"{chosen_scores.mean():.3f} (lowest {chosen_scores.min():.3f})"
)
print(f"the same guesser on {n_images} new images: {new_scores.mean():.3f}")

# %% [markdown]
# The guesser chosen as the best of 100 "scores" 0.130 on the images it was chosen on
# (never less than 0.120 in 200 repetitions), and 0.101 on new images: choosing on a set
# inflates that set's score, even when nothing was learned. Choosing among real models
# inflates the score in the same direction, by an amount nobody knows in advance, which
# is why the test set only ever scores a model that has already been chosen.
#
# ### 2. The loss gap during training

# %%
best = hist_plain.best_epoch("val_loss")
fig = helpers.plot_history(
    hist_plain,
    title="Digits MLP without regularization",
    mark_best="val_loss",
    logy=True,
)
plt.show()
last = len(hist_plain)
print(
    f"epoch 1: train loss {hist_plain.train_loss[0]:.3f}, "
    f"accuracy {hist_plain.train_acc[0]:.3f}; "
    f"validation loss {hist_plain.val_loss[0]:.3f}, "
    f"accuracy {hist_plain.val_acc[0]:.3f}"
)
print(
    f"lowest validation loss {min(hist_plain.val_loss):.3f} at epoch {best}; "
    f"validation accuracy there {hist_plain.val_acc[best - 1]:.3f}"
)
print(
    f"last epoch ({last}): train loss {hist_plain.train_loss[-1]:.4f}, "
    f"validation loss {hist_plain.val_loss[-1]:.3f}, "
    f"validation accuracy {hist_plain.val_acc[-1]:.3f}"
)

# %% [markdown]
# The curves show both regimes of part (a) on one network. After the first epoch it
# *underfits*: it gets a quarter of its own training images wrong (training accuracy
# 0.750, validation accuracy 0.722, and losses of 1.963 and 1.977, close together and
# high), because it has been trained too little. Then the training loss falls
# towards zero for the whole run. The validation loss reaches its minimum at epoch 22 (the
# dotted line) and then *rises*, from 0.154 to 0.210, while the validation accuracy (right
# panel) hardly moves: 0.965 at epoch 22, 0.957 at the end. A loss that rises while the
# training loss keeps falling is the sign of overfitting this method looks for. (Why the
# loss can get worse by more than a third while the accuracy barely changes is taken up
# below, under *Remedies*.)
#
# ### 3. Learning curves (error against training-set size)
#
# The name is used for two plots. In method 2 the curves are error against *epochs*, and
# that is what the answer sheet's item 3 means by learning curves; here it means error
# against the *training-set size*. Both compare training with validation error.
# scikit-learn's `learning_curve` retrains the model on growing subsets of each training
# fold and scores it on the fold left out. The model is scikit-learn's `MLPClassifier`,
# not the PyTorch network above (see *What each experiment uses*).

# %%
X_pool = np.vstack([X_train, X_val])
y_pool = np.concatenate([y_train_d, y_val_d])
sk_mlp = MLPClassifier(
    hidden_layer_sizes=(256, 256),
    alpha=0.0,
    max_iter=cfg["sklearn_mlp_iterations"],
    random_state=0,
)
print(f"pooled training + validation images: {len(X_pool)}")
with warnings.catch_warnings():
    # a fixed iteration budget is the point here, not convergence to a tolerance
    warnings.simplefilter("ignore", ConvergenceWarning)
    sizes, train_scores, val_scores = learning_curve(
        sk_mlp,
        X_pool,
        y_pool,
        train_sizes=np.linspace(0.1, 1.0, cfg["learning_curve_sizes"]),
        cv=cfg["cv_folds"],
        shuffle=True,
        random_state=0,
    )
train_err, val_err = 1 - train_scores.mean(axis=1), 1 - val_scores.mean(axis=1)
print(f"{'train size':>10} {'train error':>11} {'val error':>9} {'gap':>7}")
for n, tr, va in zip(sizes, train_err, val_err):
    print(f"{n:>10} {tr:>11.3f} {va:>9.3f} {va - tr:>7.3f}")

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(6.5, 4))
ax.plot(sizes, train_err, "o--", label="training error")
ax.plot(sizes, val_err, "o-", label="validation error (held-out folds)")
ax.fill_between(sizes, train_err, val_err, alpha=0.15, label="gap")
ax.set_xlabel("number of training images")
ax.set_ylabel("error rate (1 - accuracy)")
ax.set_title("Learning curves of scikit-learn's MLP on the digits")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The training error is zero at every size: the network can memorise any of these sets.
# The validation error falls from 0.100 with 91 images to 0.027 with 918, so the gap
# narrows. A gap that closes as data is added points to *variance* (overfitting), and
# suggests that more data would still help; two curves that meet at a high error would
# point to *bias* (underfitting), where more data would not.
#
# ### 4. k-fold cross-validation
#
# The procedure of the short answer, written out: the folds, then the loop.

# %% tags=["definitions"]
# tests/test_q1_generalization.py runs this cell on its own, so it imports what it uses.
import numpy as np
from sklearn.base import clone


def k_fold_splits(n: int, k: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(training indices, validation indices) for each of k disjoint folds of range(n).

    The indices are shuffled once, then cut into k folds whose sizes differ by at most
    1; split i validates on fold i and trains on the other k - 1 folds.
    """
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n={n}, got {k}")
    folds = np.array_split(np.random.default_rng(seed).permutation(n), k)
    return [
        (np.concatenate(folds[:i] + folds[i + 1 :]), fold)
        for i, fold in enumerate(folds)
    ]


def cross_validate_by_hand(model, X, y, k: int, seed: int = 0) -> np.ndarray:
    """k-fold cross-validation: a row (training accuracy, validation accuracy) per fold.

    Each fold trains a fresh copy of ``model`` (``sklearn.base.clone``) on the others.
    """
    scores = []
    for train_idx, val_idx in k_fold_splits(len(X), k, seed):
        fitted = clone(model).fit(X[train_idx], y[train_idx])
        scores.append(
            (
                fitted.score(X[train_idx], y[train_idx]),
                fitted.score(X[val_idx], y[val_idx]),
            )
        )
    return np.array(scores)


# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    fold_scores = cross_validate_by_hand(sk_mlp, X_pool, y_pool, k=cfg["cv_folds"])
fold_sizes = [len(v) for _, v in k_fold_splits(len(X_pool), cfg["cv_folds"])]
print(f"{len(X_pool)} images in {cfg['cv_folds']} folds of {fold_sizes} images")
print(f"{'fold':>4} {'train acc':>9} {'val acc':>8}")
for i, (tr, va) in enumerate(fold_scores, start=1):
    print(f"{i:>4} {tr:>9.3f} {va:>8.3f}")
train_mean, val_mean = fold_scores.mean(axis=0)
val_spread = fold_scores[:, 1].std(ddof=1)
print(f"mean {train_mean:>9.3f} {val_mean:>8.3f}")
print(f"spread of the single-fold validation accuracies: std {val_spread:.3f}")

# %% [markdown]
# Every fold tells the same story: training accuracy 1.000, validation accuracy clearly
# lower. The gap is a property of the model and the amount of data, not of one split.
# The cross-validated estimate is the mean of the five, 0.966. The standard deviation,
# 0.014, is the *spread of single-fold estimates*: how far one hold-out split of 230
# images could land from another (here from 0.948 to 0.987). It is **not** the
# uncertainty of the mean, and dividing it by $\sqrt{k}$ does not give one: the k training
# sets overlap (any two share k-2 of their k-1 folds), so the fold scores are correlated,
# and there is no unbiased estimator of the variance of the k-fold estimate that holds for
# every data distribution {cite}`bengio2004no`.
#
# ### Remedies on the same network
#
# Methods 1 to 4 *detect* overfitting. What follows acts on it, on the PyTorch digits
# network of methods 1 and 2, judged on the validation set: early stopping, then dropout,
# then the choice among the three networks, which alone meets the test set.
#
# #### Early stopping
#
# The same network, seed and batches, trained with
# `helpers.fit(..., restore_best="val_loss", patience=10)`: stop after 10 epochs without a
# new lowest validation loss, and restore the weights of the epoch that had it.

# %%
mlp_early, hist_early = train_digits_mlp(
    0.0,
    label="early stopping",
    restore_best="val_loss",
    patience=cfg["early_stopping_patience"],
)
early_val_loss, early_val_acc = helpers.evaluate(mlp_early, *val_t)
print(
    f"stopped after epoch {len(hist_early)} of {cfg['digits_mlp_epochs']}; "
    f"restored the weights of epoch {hist_early.restored_epoch}"
)
print(
    f"restored network: validation loss {early_val_loss:.3f}, "
    f"accuracy {early_val_acc:.3f}"
)
print(
    "same as the full run at that epoch:",
    math.isclose(early_val_loss, hist_plain.val_loss[hist_early.restored_epoch - 1]),
)

# %% [markdown]
# Early stopping ended the run after 32 of the 150 epochs and handed back the network of
# epoch 22: the full run's network at that epoch (same seed, same batches, and the same
# validation loss).
#
# **Why the loss rose while the accuracy barely moved.** The two networks side by side, on
# the validation images: how much of the mean cross-entropy comes from the images each
# gets wrong, and how sure it is of those wrong answers.


# %%
def confidence_report(model: torch.nn.Module, images, labels) -> dict:
    """Accuracy, mean loss, how the wrong predictions contribute to it, and which
    images are wrong (a boolean tensor)."""
    logits = helpers.predict(model, images)
    losses = F.cross_entropy(logits, labels, reduction="none")
    wrong = logits.argmax(dim=1) != labels
    confidence = logits.softmax(dim=1).max(dim=1).values
    return {
        "wrong": int(wrong.sum()),
        "mean loss": float(losses.mean()),
        "loss from wrong": float(losses[wrong].sum() / len(labels)),
        "loss per wrong": float(losses[wrong].mean()),
        "conf. wrong": float(confidence[wrong].mean()),
        "loss per right": float(losses[~wrong].mean()),
        "wrong images": wrong,
    }


early_name, late_name = f"epoch {hist_early.restored_epoch}", f"epoch {len(hist_plain)}"
early = confidence_report(mlp_early, *val_t)
late = confidence_report(mlp_plain, *val_t)
print(f"{'validation images':<40}{early_name:>10}{late_name:>10}")
descriptions = {
    "wrong": f"wrong predictions (of {len(val_t[1])})",
    "mean loss": "mean cross-entropy (all images)",
    "loss from wrong": "  of which from the wrong predictions",
    "loss per wrong": "mean loss of a wrong prediction",
    "conf. wrong": "mean confidence of a wrong prediction",
    "loss per right": "mean loss of a right prediction",
}
for key, description in descriptions.items():
    values = [early[key], late[key]]
    cells = [f"{v:>10}" if isinstance(v, int) else f"{v:>10.3f}" for v in values]
    print(f"{description:<40}" + "".join(cells))

both = int((early["wrong images"] & late["wrong images"]).sum())
print(f"images wrong at both epochs: {both}")
# the rise of the wrong answers' share, (w2 c2 - w1 c1) / n, split exactly in two:
# more errors at the old cost, (w2 - w1) c1 / n, and a higher cost, w2 (c2 - c1) / n
n_val = len(val_t[1])
more_errors = (late["wrong"] - early["wrong"]) * early["loss per wrong"] / n_val
higher_cost = late["wrong"] * (late["loss per wrong"] - early["loss per wrong"]) / n_val
right_share = [r["mean loss"] - r["loss from wrong"] for r in (early, late)]
print(f"rise of the loss from wrong predictions: {more_errors + higher_cost:.3f}")
print(f"  from more errors, at {early_name}'s cost per error: {more_errors:.3f}")
print(f"  from a higher cost per error, on all {late['wrong']}: {higher_cost:.3f}")
print(
    f"change of the loss from right predictions: {right_share[1] - right_share[0]:.3f}"
)

# %% [markdown]
# The full run gets 28 of 648 validation images wrong, early stopping 23: five more
# errors, which is all the accuracy sees. They are not simply the old errors plus five:
# 21 images are wrong at both epochs, so the longer run fixed 2 of the early-stopped
# network's errors and made 7 new ones. The loss sees more. Cross-entropy charges
# $-\log q$ for the probability $q$ given to the true class, without bound. On the images
# it gets wrong, the longer-trained network is on average *surer* of its wrong answer
# (mean confidence 0.804 against 0.722) and pays 4.603 per wrong image instead of 3.156.
# The wrong answers' share of the mean loss rises from 0.112 to 0.199, by 0.087: five
# more errors at the old cost per error would add 0.024, and the higher cost per error adds
# 0.063 (one of two ways to split the rise: the split depends on which of the two changes
# is taken first). The average wrong answer costs more, which is most of the rise here; the right answers,
# surer still (0.011 per image instead of 0.044), take 0.032 off. This is
# **over-confidence**: while the training loss is pushed towards zero, the network's
# outputs grow more certain, and on new images the wrong ones among them cost more. Loss
# and error measure different things: the loss shows an overfitting that the error barely
# registers, and the error is what a user of the classifier experiences.
#
# #### Dropout
#
# Part (c) works through dropout by hand. Here it is at work: the PyTorch network again,
# with `nn.Dropout(0.5)` after each hidden layer, the same epochs, and three seeds for
# each variant (the seed sets the initial weights, the batch order and the dropout masks),
# so that a difference can be told apart from seed noise. Everything is judged on the
# validation set.

# %%
runs = {(0.0, 0): (mlp_plain, hist_plain)}  # already trained above
for seed in cfg["dropout_comparison_seeds"]:
    for dropout in (0.0, 0.5):
        if (dropout, seed) not in runs:
            runs[dropout, seed] = train_digits_mlp(dropout, seed, f"dropout {dropout}")
mlp_drop, hist_drop = runs[0.5, 0]
fig = helpers.plot_history(
    {"no dropout": hist_plain, "dropout 0.5": hist_drop},
    title="Digits MLP with and without dropout (seed 0)",
    logy=True,
)
plt.show()
print(f"{'':>12} {'validation':-^38} {'training, final':-^21}")
print(
    f"{'dropout':>7} {'seed':>4} {'best loss':>12} {'final loss':>12} {'final acc':>12}"
    f" {'loss':>10} {'acc':>10}"
)
for (dropout, seed), (_, h) in sorted(runs.items()):
    print(
        f"{dropout:>7} {seed:>4} {min(h.val_loss):>12.3f} {h.val_loss[-1]:>12.3f} "
        f"{h.val_acc[-1]:>12.3f} {h.train_loss[-1]:>10.4f} {h.train_acc[-1]:>10.3f}"
    )


def final(dropout: float, key: str) -> list[float]:
    """The last epoch's value of `key` in every seed's run with this dropout rate."""
    return [
        getattr(h, key)[-1] for (rate, _), (_, h) in runs.items() if rate == dropout
    ]


print(
    "final validation loss lower with dropout in every seed:",
    max(final(0.5, "val_loss")) < min(final(0.0, "val_loss")),
)
print(
    "final validation accuracy higher with dropout in every seed:",
    min(final(0.5, "val_acc")) > max(final(0.0, "val_acc")),
)
n_seeds = len(cfg["dropout_comparison_seeds"])
print(
    f"chance that {n_seeds} of {2 * n_seeds} interchangeable runs hold the {n_seeds} "
    f"lowest losses: 1/{math.comb(2 * n_seeds, n_seeds)} "
    f"= {1 / math.comb(2 * n_seeds, n_seeds):.3f}"
)

# %% [markdown]
# With dropout the validation loss rises less after its minimum, and the final
# validation loss is lower in every seed (0.131 to 0.159, against 0.202 to 0.210). With
# three seeds per variant this is a weak test: if dropout made no difference, the
# six runs would be interchangeable, and the three dropout runs would hold the three
# lowest losses by chance with probability 1/20 = 0.050, the smallest that three seeds per
# variant can give. The final validation *accuracy* is not consistently better: over the
# three seeds, with dropout it ranges from 0.961 to 0.974, without from 0.957 to 0.963,
# and the ranges overlap. On 648 validation images, dropout's effect on accuracy is within
# seed noise here.
#
# Dropout did not stop the network from memorising its training images either: every
# dropout run ends at training accuracy 1.000, with a training loss (measured without
# dropout, after the epoch) of at most 0.0010.
#
# #### Choosing a model, then testing it once
#
# Three candidates, all seed 0: the network trained for 150 epochs, the same network
# early-stopped, and the dropout network. The choice is made on validation loss; only the
# chosen network meets the test set. (The early-stopped network's validation loss is
# slightly flattering, since its epoch was itself chosen on the validation set.)

# %%
candidates = {
    "no regularization": mlp_plain,
    "early stopping": mlp_early,
    "dropout 0.5": mlp_drop,
}
print(f"{'candidate':<18} {'val loss':>8} {'val acc':>7}")
val_losses = {}
for name, model in candidates.items():
    val_losses[name], acc = helpers.evaluate(model, *val_t)
    print(f"{name:<18} {val_losses[name]:>8.3f} {acc:>7.3f}")
chosen_name = min(val_losses, key=val_losses.get)
test_loss, test_acc = helpers.evaluate(candidates[chosen_name], *test_t)
print(f"chosen on validation loss: {chosen_name}")
print(
    f"its test set score, measured once: loss {test_loss:.3f}, accuracy {test_acc:.3f}"
)

# %% [markdown]
# The dropout network has the lowest validation loss and is the one chosen; on the test
# set it scores a loss of 0.114 and an accuracy of 0.977. These two numbers are the
# section's only measurements on the test set. The other two candidates are not scored
# there: comparing them on the test set would turn it into a second validation set.
#
# :::{admonition} Takeaway (b)
# :class: tip
# Detect overfitting by comparing training data with held-out data: a validation split,
# the loss curves over epochs, learning curves over training-set size, k-fold
# cross-validation. Here a rising validation loss with an almost flat validation accuracy
# came mostly from over-confidence: the average wrong answer cost more. Early stopping
# keeps the network of the lowest validation loss; dropout lowered the final validation
# loss in every seed (a weak test with three seeds), did not change the accuracy beyond
# seed noise, and did not stop the network from memorising its training set. Choose on
# validation data; score the chosen model on the test set once.
# :::

# %% [markdown]
# ### Exercises

# %% [markdown]
# :::{exercise}
# :label: q1-patience
# Early stopping's patience is a setting too. From the validation losses of the network
# without dropout, `hist_plain.val_loss` (one per epoch, epochs numbered from 1), find the
# epoch after which early stopping with a patience of 3 would stop, and the epoch whose
# weights it would restore. Store them in `stop_epoch` and `restored_epoch`. Is the
# restored epoch the same as with the patience of 10 used above?
# :::

# %% [markdown]
# :::{solution-start} q1-patience
# :class: dropdown
# :::


# %%
def early_stopping(val_losses, patience):
    """(epoch training stops after, epoch restored), epochs numbered from 1."""
    best, since = 1, 0
    for epoch in range(2, len(val_losses) + 1):
        if val_losses[epoch - 1] < val_losses[best - 1]:
            best, since = epoch, 0
        else:
            since += 1
            if since == patience:
                return epoch, best
    return len(val_losses), best


stop_epoch, restored_epoch = early_stopping(hist_plain.val_loss, patience=3)
print(f"patience 3: stops after epoch {stop_epoch}, restores {restored_epoch}")
print("patience 10: stops after epoch {}, restores epoch {}".format(
    *early_stopping(hist_plain.val_loss, patience=10)))  # fmt: skip

# %% [markdown]
# Here both restore epoch 22: patience 3 stops after epoch 25, patience 10 after epoch 32,
# so the longer patience only cost 7 more epochs. In general, a short patience stops at
# the first plateau of the validation loss, which can come before its true minimum; a long
# one costs more epochs but is less easily fooled by the epoch-to-epoch noise of the
# validation loss.

# %% [markdown]
# :::{solution-end}
# :::

# %% [markdown]
# ## (c) The dropout worked example
#
# **Question.** The homework gives a layer's 4x4 output $h$ (table 1) and a dropout mask
# $m$ (table 2; 1 keeps a unit, 0 drops it), and asks for the output during training and
# at test time. The original tables are partly garbled in the answer sheet; the values
# below are pinned down by its tables 3 and 4.
#
# **Short answer.** Training: $h \odot m$. Test time, classic dropout: $(1-p)\,h$ with $p$
# the drop probability, estimated from the mask as $\hat p = 8/16$, so $0.5\,h$. Inverted
# dropout (PyTorch) scales the kept units by $1/(1-p)$ during training instead and leaves
# $h$ unchanged at test time.
#
# ### The arithmetic
#
# **p is not given.** The drop probability $p$ can only be *estimated* from the mask, as
# the fraction of zeros: $\hat p = 8/16 = 0.5$. With only 16 units the estimate is rough:
# if each unit is dropped independently with $p = 0.5$, its standard error is
# $\sqrt{p(1-p)/16} = 0.125$, and only about one mask in five has exactly 8 zeros (both
# printed below). Mind the convention: here $p$ is the probability of *dropping* a unit, as
# in `torch.nn.Dropout(p)`. The first dropout paper {cite}`hinton2012improving` speaks of
# omitting each hidden unit with probability 0.5; the JMLR dropout paper
# {cite}`srivastava2014dropout` writes $p$ for the probability of *retaining* a unit.
#
# **Training.** Dropout multiplies each unit by its mask entry: $\tilde h = h \odot m$.
#
# **Test time (classic dropout).** No unit is dropped, so every unit is on, while during
# training only a fraction $1-p$ was. To give the next layer the input it received *on
# average* in training, the output is scaled: $h_{\text{test}} = (1-p)\,h$.

# %% tags=["definitions"]
# tests/test_q1_generalization.py runs this cell on its own, so it imports what it uses.
import math
from collections.abc import Callable

import torch


def dropout_train(h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Classic dropout at training time: drop the units where the mask is 0."""
    return h * mask


def dropout_test(h: torch.Tensor, p: float) -> torch.Tensor:
    """Classic dropout at test time: keep every unit, scale by the keep probability."""
    return h * (1 - p)


def inverted_dropout_train(
    h: torch.Tensor, mask: torch.Tensor, p: float
) -> torch.Tensor:
    """Inverted dropout (what torch.nn.Dropout does): scale the kept units by
    1 / (1 - p) during training, so that nothing changes at test time."""
    return h * mask / (1 - p)


def inverted_dropout_test(h: torch.Tensor, p: float) -> torch.Tensor:
    """Inverted dropout at test time: the identity (p is accepted for symmetry)."""
    return h


def estimate_p(mask: torch.Tensor) -> float:
    """The drop probability estimated from one mask: the fraction of zeros."""
    return float((mask == 0).float().mean())


def expected_over_masks(
    f: Callable[[torch.Tensor], torch.Tensor], shape: tuple[int, ...], p: float
) -> torch.Tensor:
    """The exact average of f(mask) over all 2^n masks of the given shape (n entries),
    each entry 1 (keep) with probability 1 - p, independently; computed in float64.

    f receives all masks at once, stacked along a new first dimension.
    """
    n = math.prod(shape)
    if n > 20:
        raise ValueError(f"2^n masks are enumerated; n must be at most 20, got {n}")
    codes = torch.arange(2**n)
    masks = ((codes[:, None] >> torch.arange(n)) & 1).to(torch.float64)
    kept = masks.sum(dim=1)
    weights = (1 - p) ** kept * p ** (n - kept)  # the probability of each mask
    values = f(masks.reshape(2**n, *shape)).to(torch.float64)
    return torch.tensordot(weights, values, dims=1)


# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: exact, the same in every mode.
output = torch.tensor(
    [
        [1.6, -0.7, -0.2, 1.9],
        [-2.3, 2.5, 2.5, -0.9],
        [-0.5, 3.2, 3.7, -0.4],
        [1.3, -0.4, -2.6, 1.2],
    ]
)
mask = torch.tensor(
    [
        [1.0, 0.0, 0.0, 1.0],
        [0.0, 1.0, 1.0, 0.0],
        [0.0, 1.0, 1.0, 0.0],
        [1.0, 0.0, 0.0, 1.0],
    ]
)
answer_sheet_train = torch.tensor(  # its table 3
    [
        [1.6, 0.0, 0.0, 1.9],
        [0.0, 2.5, 2.5, 0.0],
        [0.0, 3.2, 3.7, 0.0],
        [1.3, 0.0, 0.0, 1.2],
    ]
)
answer_sheet_test = torch.tensor(  # its table 4
    [
        [0.8, -0.35, -0.1, 0.95],
        [-1.15, 1.25, 1.25, -0.45],
        [-0.25, 1.6, 1.85, -0.2],
        [0.65, -0.2, -1.3, 0.6],
    ]
)
p = estimate_p(mask)
train_out = dropout_train(output, mask)
test_out = dropout_test(output, p)
torch.set_printoptions(precision=2)
print(f"estimated p = {int((mask == 0).sum())}/{mask.numel()} = {p}")
print(f"its standard error if p = 0.5: sqrt(0.5 * 0.5 / 16) = {(0.25 / 16) ** 0.5}")
print(f"P(exactly 8 zeros in 16 | p = 0.5) = {math.comb(16, 8) / 2**16:.3f}")
print("training output (output * mask):\n", train_out + 0.0)  # + 0.0: no -0.0
print("test output (output * (1 - p)):\n", test_out)
print(
    "training output equals the answer sheet's table 3:",
    torch.allclose(train_out, answer_sheet_train),
)
print(
    "test output equals the answer sheet's table 4:",
    torch.allclose(test_out, answer_sheet_test),
)

# %% [markdown]
# Both tables match the answer sheet's: during training the dropped units are exactly zero
# and the kept ones pass unchanged; at test time every unit passes, halved.
#
# **Drop or keep?** With $p = 0.5$ the drop probability and the keep probability are both
# 0.5, so mixing them up gives the same table 4, and this example cannot tell a right
# reasoning from a wrong one. A mask that keeps 12 of the 16 units can:

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: exact, the same in every mode.
mask_12_kept = mask.clone()
mask_12_kept[0] = 1.0  # keep the first and last rows entirely
mask_12_kept[3] = 1.0
p_12 = estimate_p(mask_12_kept)
factor = dropout_test(torch.ones(()), p_12).item()
print(f"units kept: {int(mask_12_kept.sum())} of 16, estimated drop probability {p_12}")
print(f"classic test-time factor (keep probability 1 - p): {factor}")
print(f"the factor if drop and keep are confused: {p_12}")
print(
    "test output equals 0.75 * output:",
    torch.allclose(dropout_test(output, p_12), 0.75 * output),
)

# %% [markdown]
# With 12 units of 16 kept, $\hat p = 0.25$ and the test-time output is $0.75\,h$, not
# $0.25\,h$: the factor is the probability of *keeping* a unit.
#
# ### Inverted dropout, as in PyTorch
#
# `torch.nn.Dropout` implements **inverted dropout**: it moves the scaling to training
# time. Kept units are multiplied by $1/(1-p)$ (here 2), and the layer is the identity at
# test time, so a deployed network needs no change. Below, `nn.Dropout(0.5)` draws its
# own mask in training mode; the hand formula with *that* mask must reproduce its output
# exactly, and in evaluation mode the layer must return its input, which is *not* the
# answer sheet's table 4.

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: exact, the same in every mode.
torch.manual_seed(0)
drop = torch.nn.Dropout(p=0.5)
drop.train()
torch_train = drop(output)
torch_mask = (torch_train != 0).float()  # output has no zeros: the mask is recoverable
drop.eval()
torch_eval = drop(output)
print(
    "inverted training output (output * mask / (1 - p)) with the homework's mask:\n",
    inverted_dropout_train(output, mask, p) + 0.0,
)
print(
    "nn.Dropout(0.5) in train mode equals output * its mask / (1 - p):",
    torch.equal(torch_train, inverted_dropout_train(output, torch_mask, 0.5)),
)
print(
    "kept units scaled by exactly 2:",
    torch.equal(torch_train[torch_mask.bool()], 2 * output[torch_mask.bool()]),
)
print("nn.Dropout in eval mode is the identity:", torch.equal(torch_eval, output))
print(
    "nn.Dropout in eval mode gives the answer sheet's table 4:",
    torch.allclose(torch_eval, answer_sheet_test),
)

# %% [markdown]
# ### What the next layer sees
#
# Each mask entry is 1 with probability $1-p$, so $\mathbb E[h \odot m] = (1-p)\,h$ and
# $\mathbb E[h \odot m/(1-p)] = h$. Within each convention, the training-time output *on
# average* equals the test-time output. The two conventions do **not** give the next layer
# the same input: under classic dropout it sees $(1-p)\,h$, on average in training and
# exactly at test time; under inverted dropout it sees $h$ both times. The homework's
# layer has 16 units, so all $2^{16}$ masks can be enumerated and the expectations
# computed exactly, with no sampling:

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: exact, the same in every mode.
classic_mean = expected_over_masks(lambda m: dropout_train(output, m), (4, 4), p)
inverted_mean = expected_over_masks(
    lambda m: inverted_dropout_train(output, m, p), (4, 4), p
)
h64 = output.double()
print(f"masks enumerated: 2^16 = {2**16}")
print("  convention   training, on average   test time")
print(
    "  classic      (1-p)h:",
    torch.allclose(classic_mean, (1 - p) * h64),
    "           (1-p)h:",
    torch.allclose(dropout_test(h64, p), (1 - p) * h64),
)
print(
    "  inverted     h:     ",
    torch.allclose(inverted_mean, h64),
    "           h:     ",
    torch.equal(inverted_dropout_test(h64, p), h64),
)
print(
    "classic and inverted give the next layer the same average input:",
    torch.allclose(classic_mean, inverted_mean),
)

# %% [markdown]
# As *functions*, the two conventions are interchangeable up to the next layer's weights:
# dividing them by $1-p$ turns a network built for inverted dropout's input into one for
# classic dropout's, in training and at test time alike. As *training procedures* they
# differ: the gradient with respect to the inverted network's weights is the classic one
# divided by $1-p$, so one SGD step with the same learning rate takes the two to different
# networks, and a weight decay $\lambda\lVert W\rVert^2$ on the inverted network's weights
# is a penalty $(1-p)^2$ times weaker on the equivalent classic weights. Below, a next
# layer of 3 units with fixed weights $W$ on the homework's 16 units, one squared-error
# loss, and one SGD step in each convention:

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: float64 results shown as booleans.
# fixed weights without any random number generator: the same on every machine
W = 0.5 * torch.cos(1.0 + 0.7 * torch.arange(48, dtype=torch.float64)).reshape(3, 16)
h_flat, m_flat = output.double().flatten(), mask.double().flatten()
target = torch.tensor([1.0, -1.0, 0.5], dtype=torch.float64)
W_inverted = W.clone().requires_grad_()  # the next layer's weights, inverted dropout
W_classic = (W / (1 - p)).requires_grad_()  # the same network, classic dropout
z_inverted = inverted_dropout_train(h_flat, m_flat, p) @ W_inverted.T
z_classic = dropout_train(h_flat, m_flat) @ W_classic.T
for z in (z_inverted, z_classic):
    ((z - target) ** 2).sum().backward()
lr = 0.1
with torch.no_grad():
    inverted_after = (W_inverted - lr * W_inverted.grad) / (1 - p)  # as classic weights
    classic_after = W_classic - lr * W_classic.grad
    classic_after_larger_lr = W_classic - lr / (1 - p) ** 2 * W_classic.grad
print("same output, as functions:", torch.allclose(z_inverted, z_classic))
print(
    "gradient for the inverted weights = classic gradient / (1 - p):",
    torch.allclose(W_inverted.grad, W_classic.grad / (1 - p)),
)
print(
    f"one SGD step with lr {lr} in both: the same network after it:",
    torch.allclose(inverted_after, classic_after),
)
print(
    f"the same network if classic uses lr / (1 - p)^2 = {lr / (1 - p) ** 2}:",
    torch.allclose(inverted_after, classic_after_larger_lr),
)

# %% [markdown]
# With plain SGD and the same learning rate, the weights that read the dropped units move
# as if classic dropout used a learning rate $1/(1-p)^2$ times larger, 4 times at
# $p = 0.5$. The cell checks that one layer of weights; the biases and the earlier layers
# get the same gradients in both conventions (the inverted weights are the classic ones
# divided by $1 - p$, which undoes the scaling of the kept units on the way back), so a
# learning rate $1/(1-p)^2$ times larger for the whole network would not reproduce
# inverted dropout. So a learning rate, weight decay or initialization tuned under one convention is a
# different setting under the other.
#
# ### Why dropout regularizes
#
# In every training step, dropout switches off a random subset of units (each with
# probability $p$, independently). Two explanations come from its authors
# {cite}`hinton2012improving,srivastava2014dropout`:
#
# - **Co-adaptation.** Without dropout, a unit can become useful only together with a few
#   specific other units, which correct its mistakes on the training data; such
#   combinations fit the training set and tend not to carry over to new data. With dropout,
#   a unit cannot rely on any particular partner being present, so it has to learn
#   something useful on its own or with many different partners. (This is the answer
#   sheet's sentence: less reliance on particular inputs, more robust features.)
# - **An implicit ensemble.** Each mask picks a *thinned* network: the units that survive.
#   A network with $n$ units that can be dropped has $2^n$ of them, all sharing one set of
#   weights. Every training example draws its own mask, so a step on a batch of $B$
#   examples trains up to $B$ thinned networks (32 for the digits network of part (b)), each
#   on one example; most are never sampled at all, but share their weights with those
#   that are. Averaging the predictions of many different models is a classic way to
#   reduce variance; dropout trains an exponentially large ensemble with the parameters of
#   a single network.
#
# The chapter does not test the first explanation; it checks the arithmetic behind the
# second.
#
# At test time, averaging $2^n$ thinned networks is out of reach. Dropout instead runs
# the full network once with each unit's output scaled by its keep probability $1-p$ (or,
# equivalently, trains with inverted dropout and leaves the test network alone). That is
# the *expected* input of the next layer. For a layer that is **linear** in its input it
# gives exactly the ensemble's average output, because the expectation of a linear
# function is the function of the expectation. After a nonlinearity it does not. For a
# **softmax** output on top of the dropped units it gives exactly another average, the
# *normalized geometric mean* of the thinned networks' class probabilities: Hinton et
# al. point this out for a network with one hidden layer and a softmax output
# {cite}`hinton2012improving`. With more nonlinear layers it is an approximation
# {cite}`goodfellow2016deep`.
#
# ### The test-time scaling and the ensemble average
#
# The next layer $W$ from above on the homework's 16 units, first **linear**,
# $z = W \tilde h$, then followed by a ReLU, $\max(0, W\tilde h)$, then by a softmax.
# The ensemble average is the average of the next layer's output over all $2^{16}$
# thinned versions of the input, each with its probability; the test-time rule computes
# the next layer once, from the scaled input $(1-p)\,h$. For the softmax there are two
# averages: the arithmetic mean of the probabilities, and their normalized geometric mean
# (the exponential of the average log-probability, rescaled to sum to 1).


# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: exact, the same in every mode.
def next_layer_linear(masks: torch.Tensor) -> torch.Tensor:
    return dropout_train(h_flat, masks.flatten(1)) @ W.T


def next_layer_relu(masks: torch.Tensor) -> torch.Tensor:
    return torch.relu(next_layer_linear(masks))


scaled_input = dropout_test(h_flat, p)
for name, layer, at_scaled_input in [
    ("linear", next_layer_linear, scaled_input @ W.T),
    ("ReLU", next_layer_relu, torch.relu(scaled_input @ W.T)),
]:
    ensemble = expected_over_masks(layer, (4, 4), p)
    print(f"{name:>6}, ensemble average:  {ensemble.numpy().round(2)}")
    print(f"{name:>6}, test-time scaling: {at_scaled_input.numpy().round(2)}")
    print(f"{name:>6}, equal: {torch.allclose(ensemble, at_scaled_input)}")

softmax_at_scaled_input = (scaled_input @ W.T).softmax(dim=0)
arithmetic = expected_over_masks(
    lambda m: next_layer_linear(m).softmax(dim=1), (4, 4), p
)
geometric = expected_over_masks(
    lambda m: next_layer_linear(m).log_softmax(dim=1), (4, 4), p
).softmax(dim=0)  # exp(mean log-probability), normalized
for name, values in [
    ("arithmetic mean", arithmetic),
    ("geometric mean", geometric),
    ("test-time scaling", softmax_at_scaled_input),
]:
    print(f"softmax, {name + ':':<18} {values.numpy().round(3)}")
print(
    "softmax, equal to the geometric mean:",
    torch.allclose(geometric, softmax_at_scaled_input),
    "| to the arithmetic mean:",
    torch.allclose(arithmetic, softmax_at_scaled_input),
)

# %% [markdown]
# For the linear layer the single scaled pass *is* the average over all 65536 thinned
# networks. After the ReLU it is not: the average of $\max(0, z)$ is at least
# $\max(0, \text{average of } z)$ (Jensen's inequality; the ReLU is convex), and here all
# three outputs of the ensemble average are larger than the scaled pass's. After the
# softmax, the scaled pass equals the normalized geometric mean exactly, and not the
# arithmetic mean. The reason is one line: $\log \operatorname{softmax}(z) = z -
# \log\sum_j e^{z_j}$, so the average log-probability is the average $z$ minus a term that
# is the same for every class, and normalizing removes it.
#
# In a deeper network the scaled pass is exact for neither average. On the digits network
# trained with dropout in part (b), two hidden ReLU layers each followed by dropout, it can
# be compared with the real thing: sample many thinned networks (dropout left on at test
# time, a fresh mask for each), average their predicted probabilities arithmetically and
# geometrically, and compare with one scaled pass (`model.eval()`). Sampling is repeated
# with several sets of masks, to see how much the averages move. Its authors compared the
# scaled pass with averaging sampled thinned networks on MNIST and found their test errors
# close {cite}`srivastava2014dropout`.


# %%
def thinned_log_probabilities(
    model: torch.nn.Module, images: torch.Tensor, samples: int, seed: int = 0
) -> torch.Tensor:
    """Log-softmax outputs of `samples` thinned networks (dropout on, a new mask each),
    stacked along a new first dimension."""
    torch.manual_seed(seed)
    model.eval()
    for layer in model.modules():
        if isinstance(layer, torch.nn.Dropout):
            layer.train()  # only the dropout layers sample masks
    with torch.no_grad():
        log_probs = torch.stack(
            [model(images).log_softmax(dim=1) for _ in range(samples)]
        )
    model.eval()
    return log_probs


averages = {
    "arithmetic": lambda lp: lp.exp().mean(dim=0).log(),
    "geometric": lambda lp: lp.mean(dim=0).log_softmax(dim=1),  # normalized
}
images, labels = val_t
samples, n_mask_sets = cfg["sampled_thinned_networks"], cfg["mask_sampling_seeds"]
scores = {name: [] for name in averages}  # (loss, right) per set of masks
for seed in range(n_mask_sets):
    log_probs = thinned_log_probabilities(mlp_drop, images, samples, seed)
    for name, average in averages.items():
        log_mean = average(log_probs)
        right = int((log_mean.argmax(dim=1) == labels).sum())
        scores[name].append((F.nll_loss(log_mean, labels).item(), right))
scaled_loss, scaled_acc = helpers.evaluate(mlp_drop, images, labels)
rows = {
    f"{name} mean of {samples} thinned networks": s[0] for name, s in scores.items()
}
rows["one scaled pass (eval mode)"] = (scaled_loss, round(scaled_acc * len(labels)))
print(
    f"{'validation set; masks of seed 0':<40} {'loss':>6} {'right':>5} {'accuracy':>8}"
)
for name, (loss, right) in rows.items():
    print(f"{name:<40} {loss:>6.3f} {right:>5} {right / len(labels):>8.3f}")
print(f"over {n_mask_sets} sets of masks (seeds 0 to {n_mask_sets - 1}):")
for name, s in scores.items():
    losses, rights = [loss for loss, _ in s], [right for _, right in s]
    print(
        f"  {name:<10} loss {min(losses):.3f} to {max(losses):.3f}, "
        f"right {min(rights)} to {max(rights)}"
    )

# %% [markdown]
# All three reach almost the same validation accuracy (629 to 631 of 648 images right).
# The losses differ, and mostly by *how* the thinned networks are averaged: the arithmetic
# mean of their probabilities has the lowest loss, 0.116 to 0.120 over the five sets of
# masks; the normalized geometric mean has 0.130 to 0.137; and the single scaled pass,
# 0.135, lies inside that range. So the scaled pass is a good, cheap stand-in for the geometric-mean
# ensemble, the average it computes exactly in the one-hidden-layer case, and it differs
# from it here by less than the sampling spread. Most of the gap to the arithmetic mean
# (0.116 for the masks of seed 0) comes from the choice of average, not from the scaling
# rule being approximate.
#
# :::{admonition} Takeaway (c)
# :class: tip
# - The homework's answer: training output $h \odot m$; test output $(1-\hat p)\,h$ with
#   $\hat p = 8/16$ the fraction of zeros, an *estimate* of the drop probability. The test
#   factor is the *keep* probability: 0.75 when 12 of 16 units are kept.
# - Inverted dropout (PyTorch) scales by $1/(1-p)$ during training and is the identity at
#   test time. Within each convention the average training output equals the test output;
#   the conventions differ by the factor $1-p$ in what the next layer sees. As functions
#   they are interchangeable; as training procedures they are not (the same learning rate
#   means a different step).
# - Its authors explain dropout's regularization by the co-adaptations it prevents and by
#   the ensemble of thinned networks with shared weights that it trains. The test-time
#   scaling gives that ensemble's average exactly for a linear layer, the normalized
#   geometric mean exactly for a softmax on the dropped units, and an approximation of the
#   geometric mean in deeper networks: on the digits network, within the sampling spread.
# :::

# %% [markdown]
# ### Exercises

# %% [markdown]
# :::{exercise}
# :label: q1-ten-of-sixteen
# Another mask keeps 10 of the 16 units of the homework's layer. Estimate the drop
# probability from it and compute the classic test-time output of the layer `output`.
# Store them in `p_hat` (a float) and `classic_test` (a 4x4 tensor). Which entries of
# `classic_test` would be wrong if you scaled by $\hat p$ instead of $1 - \hat p$?
# :::

# %% [markdown]
# :::{solution-start} q1-ten-of-sixteen
# :class: dropdown
# :::

# %%
ten_kept = torch.ones(16)
ten_kept[:6] = 0  # any 6 of the 16 dropped: only the count matters for p
p_hat = estimate_p(ten_kept.view(4, 4))
classic_test = dropout_test(output, p_hat)
print(f"p_hat = {p_hat}; test-time factor 1 - p_hat = {1 - p_hat}")
print("scaled by p_hat instead:", torch.allclose(classic_test, output * p_hat))

# %% [markdown]
# $\hat p = 6/16 = 0.375$, so every unit is multiplied by the keep probability 0.625 at
# test time. Scaling by $\hat p$ would make *every* entry wrong (too small by the factor
# 0.375/0.625); with $p = 0.5$, as in the homework, the two factors coincide and the
# mistake is invisible.

# %% [markdown]
# :::{solution-end}
# :::

# %% [markdown]
# :::{exercise}
# :label: q1-inverted-average
# Check by simulation that inverted dropout keeps the layer's average output at its
# test-time value: with `torch.Generator().manual_seed(0)`, draw 20,000 masks that keep
# each unit of `output` with probability 0.75 (so $p = 0.25$), average
# `inverted_dropout_train(output, masks, 0.25)` over the masks, and store the largest
# absolute difference between that average and `output` in `max_deviation`. How large may
# it be by chance?
# :::

# %% [markdown]
# :::{solution-start} q1-inverted-average
# :class: dropdown
# :::

# %%
generator = torch.Generator().manual_seed(0)
masks = (torch.rand(20_000, 4, 4, generator=generator) < 0.75).float()
average = inverted_dropout_train(output, masks, 0.25).mean(dim=0)
max_deviation = float((average - output).abs().max())
# one mask entry is Bernoulli(0.75): the average's standard error per unit
standard_error = output.abs() * (0.25 / 0.75 / 20_000) ** 0.5
print(f"largest deviation {max_deviation:.4f}")
print(f"largest standard error {standard_error.max():.4f}")
within = bool(((average - output).abs() <= 4 * standard_error).all())
print("every deviation within 4 standard errors:", within)

# %% [markdown]
# The average of $h \odot m/(1-p)$ is $h$, so the deviation is sampling noise only: each
# unit's average has a standard error of $|h|\sqrt{p/((1-p)\,n)}$ with $n$ masks, at most
# 0.0151 here, and every deviation lies within four of them.

# %% [markdown]
# :::{solution-end}
# :::
