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
# A network is trained to do well on data it has **not** seen. This chapter answers the
# homework's three parts with experiments that run in seconds:
#
# - **(a)** What are overfitting and underfitting, how do they show in training and validation
#   error, and what helps?
# - **(b)** Given a trained model, how do you *detect* overfitting? Four ways, each run on a
#   real network.
# - **(c)** The dropout worked example: compute a layer's output at training and at test time
#   from the homework's tables, then check the arithmetic against `torch.nn.Dropout`.
#
# Every number quoted in the text comes from the outputs printed right above it.

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
import torch
from numpy.polynomial.legendre import legvander
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import cross_validate, learning_curve, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import helpers

ctx = helpers.setup(seed=0)
# This chapter's sizes: full mode (the numbers in the text) and fast mode (the tests).
cfg = helpers.by_mode(
    full=dict(
        digits_mlp_epochs=150, sklearn_mlp_iterations=200, curve_sizes=5, cv_folds=5
    ),
    fast=dict(
        digits_mlp_epochs=15, sklearn_mlp_iterations=20, curve_sizes=3, cv_folds=3
    ),
)

# %% [markdown]
# ## (a) Overfitting and underfitting
#
# **Short answer.** A model *underfits* when it is too simple (or trained too little) to
# capture the pattern: the error is high on the training data **and** on new data. It
# *overfits* when it has so much capacity that it also learns the noise of its particular
# training sample: the training error is low but the error on new data is much higher. The
# symptom is the **gap** between training and validation error. Remedies for overfitting:
# more (or augmented) data, regularization (weight decay, dropout), early stopping, a smaller
# model; for underfitting: a larger model, longer training, better features, less
# regularization. Which side you are on is a question you answer with a validation set.
#
# A toy problem makes this visible. Fifteen noisy samples of $y = \sin(2\pi x) + \varepsilon$,
# $\varepsilon \sim \mathcal N(0, 0.3^2)$, one in each fifteenth of $[0, 1]$, fitted by
# polynomials of growing degree (the degree is the model's *capacity*; degree 14 has as many
# coefficients as there are points). 2,000 independent samples measure the error on new data.


# %%
def make_sine_data(
    n: int, rng: np.random.Generator, spread: bool, noise: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    """n noisy samples of sin(2 pi x); spread=True puts one x in each of n equal bins of [0, 1]."""
    x = (np.arange(n) + rng.uniform(0, 1, n)) / n if spread else rng.uniform(0, 1, n)
    return x[:, None], np.sin(2 * np.pi * x) + rng.normal(0, noise, n)


def polynomial(degree: int, alpha: float = 0.0):
    """Polynomial regression of a given degree; alpha > 0 adds an L2 (ridge) penalty.

    The features are Legendre polynomials of 2x - 1 (a well-conditioned basis of the same
    polynomials as 1, x, ..., x^degree), so even high degrees are fitted exactly.
    """
    features = FunctionTransformer(lambda x: legvander(2 * x[:, 0] - 1, degree)[:, 1:])
    return make_pipeline(
        features, Ridge(alpha=alpha) if alpha > 0 else LinearRegression()
    )


N_POINTS = 15  # the same in both modes: the toy problem is tiny
rng = np.random.default_rng(0)
x_train, y_train = make_sine_data(N_POINTS, rng, spread=True)
x_val, y_val = make_sine_data(2_000, rng, spread=False)

rows = []
for d in range(1, N_POINTS):
    model = polynomial(d).fit(x_train, y_train)
    train_mse = mean_squared_error(y_train, model.predict(x_train))
    val_mse = mean_squared_error(y_val, model.predict(x_val))
    rows.append((d, train_mse, val_mse))

print(f"{'degree':>6} {'train MSE':>10} {'val MSE':>10}")
for d, tr, va in rows:
    print(f"{d:>6} {tr:>10.3f} {va:>10.3f}")
best_degree = min(rows, key=lambda r: r[2])[0]
max_degree = rows[-1][0]
print(
    f"lowest validation error at degree {best_degree}; noise variance (the floor) = {0.3**2:.3f}"
)

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
d_axis = [r[0] for r in rows]
ax.plot(d_axis, [r[1] for r in rows], "o--", label="training error")
ax.plot(d_axis, [r[2] for r in rows], "o-", label="validation error")
ax.axhline(0.3**2, color="gray", linestyle=":", label="noise variance (best possible)")
ax.axvline(best_degree, color="green", alpha=0.4, label=f"best degree ({best_degree})")
ax.set_yscale("log")
ax.set_xlabel("polynomial degree (capacity)")
ax.set_ylabel("mean squared error (log scale)")
ax.set_title(
    "Error against capacity: underfitting on the left, overfitting on the right"
)
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The training error falls every time the degree grows: a bigger model can always fit its
# own training points at least as well. The validation error first falls (the model stops
# underfitting), reaches its minimum near the noise floor, and then climbs again (the
# model starts fitting the noise). The three regimes side by side:

# %%
grid = np.linspace(0, 1, 400)[:, None]


def plot_fits(fits: dict, title: str) -> None:
    """One panel per fitted model: the true function, its training points, its curve."""
    fig, axes = plt.subplots(1, len(fits), figsize=(13, 3.8), sharey=True)
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
# model's weight decay). Both bring the validation error back down without touching the
# model's size.

# %%
x_more, y_more = make_sine_data(10 * N_POINTS, np.random.default_rng(1), spread=True)
n, d = len(x_train), max_degree
remedies = {
    f"degree {d}, {n} points": (polynomial(d), x_train, y_train),
    f"degree {d}, {10 * n} points (more data)": (polynomial(d), x_more, y_more),
    f"degree {d}, {n} points, L2 penalty": (polynomial(d, alpha=0.1), x_train, y_train),
}
print(f"{'setting':<38} {'train MSE':>9} {'val MSE':>9}")
for name, (model, xs, ys) in remedies.items():
    model.fit(xs, ys)
    print(
        f"{name:<38} {mean_squared_error(ys, model.predict(xs)):>9.3f} "
        f"{mean_squared_error(y_val, model.predict(x_val)):>9.3f}"
    )
plot_fits(remedies, title=f"Two remedies for the overfitting degree-{d} model")

# %% [markdown]
# ## (b) Detecting overfitting in a trained model
#
# **Short answer.** Overfitting is a *comparison*: performance on the data the model was
# trained on against performance on data it was not. So every method keeps some data away
# from training:
#
# 1. **Hold-out split** into training, validation and test sets; a large train-validation
#    difference is the sign. The test set is touched once, at the very end.
# 2. **The loss gap over training**: training loss keeps falling while validation loss
#    stops falling and rises. The epoch of the lowest validation loss is where *early
#    stopping* would stop.
# 3. **Learning curves** against the training-set size: an overfitting model has a large
#    gap that shrinks as data is added.
# 4. **k-fold cross-validation**: the same comparison averaged over k splits, so one lucky
#    split cannot hide it, with a spread that says how much to trust it.
#
# All four on one real network: a multilayer perceptron (64-256-256-10) on scikit-learn's
# handwritten digits (8x8 images, 1,797 samples, bundled with scikit-learn so it runs
# offline), with a deliberately small training set of 500 images.

# %%
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)  # pixel values 0..16 -> [0, 1]
X_train, X_rest, y_train_d, y_rest = train_test_split(
    X, y, train_size=500, stratify=y, random_state=0
)
X_val, X_test, y_val_d, y_test = train_test_split(
    X_rest, y_rest, train_size=0.5, stratify=y_rest, random_state=0
)
print(f"train {len(X_train)}, validation {len(X_val)}, test {len(X_test)} images")

train_t = (torch.from_numpy(X_train), torch.from_numpy(y_train_d))
val_t = (torch.from_numpy(X_val), torch.from_numpy(y_val_d))
test_t = (torch.from_numpy(X_test), torch.from_numpy(y_test))


def train_digits_mlp(
    dropout: float, label: str
) -> tuple[torch.nn.Module, helpers.History]:
    helpers.seed_everything(0)
    model = helpers.mlp([64, 256, 256, 10], dropout=dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    history = helpers.fit(
        model,
        train_t,
        val_t,
        optimizer=optimizer,
        epochs=cfg["digits_mlp_epochs"],
        batch_size=32,
        eval_train=True,
        label=label,
    )
    return model, history


mlp_plain, hist_plain = train_digits_mlp(0.0, "no dropout")

# %% [markdown]
# ### 1. Hold-out split

# %%
for name, (xs, ys) in {"train": train_t, "validation": val_t}.items():
    loss, acc = helpers.evaluate(mlp_plain, xs, ys)
    print(f"{name:<10}  loss {loss:.3f}  accuracy {acc:.3f}")

# %% [markdown]
# Perfect (or nearly perfect) training accuracy next to a clearly lower validation accuracy,
# and a validation loss many times the training loss: the network has memorised its 500
# training images. (The test set stays untouched until the very end of this section.)
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
print(
    f"lowest validation loss {min(hist_plain.val_loss):.3f} at epoch {best}; "
    f"at the last epoch ({len(hist_plain)}): train loss {hist_plain.train_loss[-1]:.4f}, "
    f"validation loss {hist_plain.val_loss[-1]:.3f}"
)

# %% [markdown]
# The training loss falls towards zero for the whole run. The validation loss reaches its
# minimum early (the dotted line) and then *rises* while the training loss keeps falling:
# from there on, what the network learns is specific to its training images. Early stopping
# would keep the weights of the dotted epoch.
#
# ### 3. Learning curves (error against training-set size)
#
# scikit-learn's `learning_curve` retrains a model on growing subsets and scores each on
# held-out folds. Here the model is scikit-learn's own MLP with the same hidden layers
# (without weight decay: `alpha=0`) on the training and validation images together.

# %%
X_pool = np.vstack([X_train, X_val])
y_pool = np.concatenate([y_train_d, y_val_d])
sk_mlp = MLPClassifier(
    hidden_layer_sizes=(256, 256),
    alpha=0.0,
    max_iter=cfg["sklearn_mlp_iterations"],
    random_state=0,
)
with warnings.catch_warnings():
    # a fixed iteration budget is the point here, not convergence to a tolerance
    warnings.simplefilter("ignore", ConvergenceWarning)
    sizes, train_scores, val_scores = learning_curve(
        sk_mlp,
        X_pool,
        y_pool,
        train_sizes=np.linspace(0.1, 1.0, cfg["curve_sizes"]),
        cv=cfg["cv_folds"],
        shuffle=True,
        random_state=0,
    )
train_err, val_err = 1 - train_scores.mean(axis=1), 1 - val_scores.mean(axis=1)
print(f"{'train size':>10} {'train error':>11} {'val error':>9} {'gap':>7}")
for n, tr, va in zip(sizes, train_err, val_err):
    print(f"{n:>10} {tr:>11.3f} {va:>9.3f} {va - tr:>7.3f}")

fig, ax = plt.subplots(figsize=(6.5, 4))
ax.plot(sizes, train_err, "o--", label="training error")
ax.plot(sizes, val_err, "o-", label="validation error (held-out folds)")
ax.fill_between(sizes, train_err, val_err, alpha=0.15, label="gap")
ax.set_xlabel("number of training images")
ax.set_ylabel("error rate (1 - accuracy)")
ax.set_title("Learning curves of the digits MLP")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The training error is zero at every size: the network can memorise any of these sets. The
# validation error is far above it with few images and falls as images are added, so the
# gap narrows. A gap that closes with more data says *variance* (overfitting) and that more
# data would help; two curves that meet at a high error would say *bias* (underfitting),
# where more data would not.
#
# ### 4. k-fold cross-validation

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    cv = cross_validate(
        sk_mlp, X_pool, y_pool, cv=cfg["cv_folds"], return_train_score=True
    )
print(f"{'fold':>4} {'train acc':>9} {'val acc':>8}")
for i, (tr, va) in enumerate(zip(cv["train_score"], cv["test_score"]), start=1):
    print(f"{i:>4} {tr:>9.3f} {va:>8.3f}")
print(
    f"mean {cv['train_score'].mean():>9.3f} {cv['test_score'].mean():>8.3f}"
    f"   (validation spread: std {cv['test_score'].std():.3f})"
)

# %% [markdown]
# Every fold tells the same story (training accuracy 1.000, validation clearly lower), so
# the gap is a property of the model and not of one split; the standard deviation across
# folds says how precisely the validation accuracy is known.
#
# ### A remedy on the same network: dropout
#
# Part (c) works through dropout by hand. Here it is at work: the same network, seed and
# epochs, with `nn.Dropout(0.5)` after each hidden layer.

# %%
mlp_drop, hist_drop = train_digits_mlp(0.5, "dropout 0.5")
fig = helpers.plot_history(
    {"no dropout": hist_plain, "dropout 0.5": hist_drop},
    title="Digits MLP with and without dropout",
    logy=True,
)
plt.show()
print(
    f"{'model':<12} {'best val loss':>13} {'final val loss':>14} {'final val acc':>13} {'test acc':>8}"
)
for name, model, h in [
    ("no dropout", mlp_plain, hist_plain),
    ("dropout 0.5", mlp_drop, hist_drop),
]:
    _, test_acc = helpers.evaluate(model, *test_t)
    print(
        f"{name:<12} {min(h.val_loss):>13.3f} {h.val_loss[-1]:>14.3f} {h.val_acc[-1]:>13.3f} {test_acc:>8.3f}"
    )

# %% [markdown]
# With dropout the validation loss rises much less after its minimum and the final network
# is better on both the validation and the (now, once) test set. Chapter Q5 uses the same
# remedy on Fashion-MNIST.
#
# ## (c) The dropout worked example
#
# The homework gives a layer's 4x4 output (table 1) and a dropout mask (table 2; 1 keeps
# a unit, 0 drops it), and asks for the output during training and at test time. The
# original tables are partly garbled in the answer sheet; the values below are
# pinned down by its tables 3 and 4.
#
# **Training.** Dropout multiplies each unit by its mask entry:
# $\tilde h = h \odot m$.
#
# **p is not given.** The drop probability $p$ can only be *estimated* from the mask, as
# the fraction of zeros: $\hat p = 8/16 = 0.5$. (With only 16 units, the estimate is rough:
# its standard error is $\sqrt{p(1-p)/16} = 0.125$.) Careful with conventions: here $p$ is
# the probability of *dropping* a unit, as in `torch.nn.Dropout(p)`; the original dropout
# paper {cite}`srivastava2014dropout` writes $p$ for the probability of *keeping* one.
#
# **Test time (classic dropout).** No unit is dropped, so every unit is on, while during
# training only a fraction $1-p$ was. To give the next layer the same *expected* input it
# saw in training, the output is scaled: $h_{\text{test}} = (1-p)\,h$.

# %% tags=["definitions"]
# tests/test_q1_dropout.py runs this cell on its own, so it imports what it uses.
import torch


def dropout_train(h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Classic dropout at training time: drop the units where the mask is 0."""
    return h * mask


def dropout_test(h: torch.Tensor, p: float) -> torch.Tensor:
    """Classic dropout at test time: keep every unit, scale by the keep probability 1 - p."""
    return h * (1 - p)


def inverted_dropout_train(
    h: torch.Tensor, mask: torch.Tensor, p: float
) -> torch.Tensor:
    """Inverted dropout (what torch.nn.Dropout does): scale the kept units by 1 / (1 - p)
    during training, so that nothing changes at test time."""
    return h * mask / (1 - p)


def estimate_p(mask: torch.Tensor) -> float:
    """The drop probability estimated from one mask: the fraction of zeros."""
    return float((mask == 0).float().mean())


# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: nothing here depends on mode or machine.
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
p = estimate_p(mask)
train_out = dropout_train(output, mask)
test_out = dropout_test(output, p)
answer_sheet_test = torch.tensor(
    [
        [0.8, -0.35, -0.1, 0.95],
        [-1.15, 1.25, 1.25, -0.45],
        [-0.25, 1.6, 1.85, -0.2],
        [0.65, -0.2, -1.3, 0.6],
    ]
)
torch.set_printoptions(precision=2)
print(f"estimated p = {int((mask == 0).sum())}/{mask.numel()} = {p}")
print("training output (output * mask):\n", train_out + 0.0)  # + 0.0 prints -0.0 as 0.0
print("test output (output * (1 - p)):\n", test_out)
print(
    "test output equals the answer sheet's table 4:",
    torch.allclose(test_out, answer_sheet_test),
)

# %% [markdown]
# Both tables match the homework's: during training the dropped units are exactly zero and
# the kept ones pass unchanged; at test time every unit passes, halved.
#
# **Inverted dropout**, what `torch.nn.Dropout` implements, moves the scaling to training
# time: kept units are multiplied by $1/(1-p)$ (here 2) and the layer is the identity at
# test time, so a deployed network needs no change. Below, `nn.Dropout(0.5)` draws its own
# mask in training mode; the hand formula with *that* mask must reproduce its output
# exactly, and in evaluation mode the layer must return its input.

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: nothing here depends on mode or machine.
torch.manual_seed(0)
drop = torch.nn.Dropout(p=0.5)
drop.train()
torch_train = drop(output)
torch_mask = (
    torch_train != 0
).float()  # output has no zeros, so the mask is recoverable
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

# %% [markdown]
# **Same expectation.** Each mask entry is 1 with probability $1-p$, so
# $\mathbb E[h \odot m] = (1-p)\,h$: the classic test-time output is the *average* training
# output. For inverted dropout, $\mathbb E[h \odot m/(1-p)] = h$, again the test-time output.
# A Monte-Carlo check with 20,000 random masks, both conventions:

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: nothing here depends on mode or machine.
generator = torch.Generator().manual_seed(0)
trials = 20_000
masks = (
    torch.rand(trials, 4, 4, generator=generator) >= 0.5
).float()  # keep with probability 1 - p
classic_mean = dropout_train(output, masks).mean(dim=0)
inverted_mean = inverted_dropout_train(output, masks, 0.5).mean(dim=0)
# standard error of each mean: |h| * sqrt(p (1 - p) / trials) (times 1/(1-p) when inverted)
se_classic = output.abs() * (0.25 / trials) ** 0.5
se_inverted = se_classic / 0.5
print(
    "classic: mean training output within 4 standard errors of the test output (1-p)h:",
    bool(((classic_mean - dropout_test(output, 0.5)).abs() <= 4 * se_classic).all()),
)
print(
    "inverted: mean training output within 4 standard errors of the test output h:",
    bool(((inverted_mean - output).abs() <= 4 * se_inverted).all()),
)
print(
    "largest deviation, classic:",
    round(float((classic_mean - 0.5 * output).abs().max()), 2),
    "| inverted:",
    round(float((inverted_mean - output).abs().max()), 2),
)
print("mean training output, classic:\n", classic_mean)

# %% [markdown]
# Averaged over many masks, the training-time outputs converge to the test-time outputs of
# their convention (every deviation is within sampling noise): the two conventions differ
# only in *where* the factor $1-p$ is applied, not in what the next layer sees on average.
#
# :::{admonition} Takeaways
# :class: tip
# - Overfitting is a gap: low training error, higher error on held-out data. Underfitting is
#   high error on both. Capacity moves a model from one to the other (part (a)).
# - Detect it by keeping data away from training: a hold-out split, the train-validation loss
#   gap over epochs, learning curves over training-set size, k-fold cross-validation
#   (part (b)).
# - Remedies that were measured here: more data and an L2 penalty (polynomials), dropout (the
#   digits network). Early stopping is read off the validation curve.
# - Dropout arithmetic: training output $h \odot m$, test output $(1-p)h$ with $p$ the drop
#   probability (here estimated as 0.5); inverted dropout, as in PyTorch, scales by $1/(1-p)$
#   during training instead, and both have the same expectation (part (c)).
# :::
