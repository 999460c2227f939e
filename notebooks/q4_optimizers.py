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
# # Q4 · Optimizers from scratch
#
# *Run it yourself:* the rocket button above opens this chapter in Colab; or download the {download}`notebook <q4_optimizers.ipynb>` or its {download}`Python source <q4_optimizers.py>` (Jupytext percent format, the file this page is built from).
#
# **The question.** Write plain **SGD**, **SGD with momentum**, **RMSProp** and **Adam** by
# hand (autograd may compute the gradients, `torch.optim` may not be used). Train the
# homework's tiny regression network with each of them at the learning rates 0.001, 0.01,
# 0.1 and 1.0, stepping until the loss falls below 0.1 or 1,000 steps have passed; plot the
# loss curves and explain them.
#
# **Short answers.** A *draw* below is one seeded set of initial weights; draw 0 is the one
# the main experiment uses, and a later section repeats everything for 10 draws.
#
# - *The update rules* are a few lines of per-parameter state each; each one here takes the
#   same steps as its `torch.optim` counterpart (checked below, and in the tests).
# - *Too small a rate crawls:* at lr 0.001 plain SGD reaches the target from none of the 10
#   draws within 1,000 steps, and RMSProp and Adam from 2 each: their steps stay near
#   $\eta$ (median 1.43 and 1.65 times $\eta$ from draw 0; plain SGD's are similar, 1.11,
#   since its gradients here are of order 1), so 1,000 steps did not carry the weights far
#   enough. Momentum, whose velocity adds up many gradients (median 3.24), reaches it from 9.
# - *Too large a rate diverges:* at lr 1.0 SGD and momentum blow up within a few steps;
#   1.0 is far above 0.18, the stability bound $2/\lambda_{\max}$ that the loss's measured
#   curvature gives gradient descent at the start.
# - *RMSProp and Adam never diverge at lr 1.0, but do not escape unharmed:* RMSProp's loss
#   jumps to 149,326 after its first step and recovers, and their large early steps
#   usually leave "dead" ReLU units (zero on every sample). From draw 0, Adam stops at a
#   loss of 0.78, the best the network can do with its units in that state.
# - *Momentum* acts like SGD with a ten times larger rate while the gradient changes
#   slowly, and overshoots where the gradient turns.
# - *Fastest and most reliable are different questions:* lr 0.1 is the fastest rate in
#   almost every draw where it reaches the target (from draw 6 Adam is faster at lr 1.0),
#   but from many draws it does not. Only for momentum is a
#   smaller rate clearly more reliable (lr 0.001 reaches the target from 9 draws, lr 0.1
#   from 2).
#
# :::{admonition} Corrections to the original answer sheet
# :class: warning
# The answer sheet's code is run near the end of the chapter with its bugs kept, and each
# bug shows:
#
# - **`bias_2` is never updated**, and `weights_2` and `bias_1` are handed the state lists
#   named after other parameters (`moms_b1`, `moms_b2`). After training, `bias_2` is
#   exactly its random initial value. The misnaming by itself mixes no state, since each
#   list still serves one parameter: apart from the frozen `bias_2`, the sheet's
#   trajectory equals a correct one.
# - **`train()` never re-initialises the parameters or the state lists between learning
#   rates:** each rate starts where the previous one ended, so the four panels do not
#   compare the rates from one start. On this chapter's data and initial weights, the
#   sheet's SGD reaches the target during its lr 0.01 run and then takes a single step at
#   lr 0.1 and at lr 1.0; its momentum reaches it during the lr 0.001 run and takes a
#   single step at each larger rate. Its lr 1.0 panels therefore cannot show a
#   divergence. (The sheet's own momentum figure shows longer runs at every rate; its
#   data and initial weights are not in the text, so that figure cannot be reproduced
#   here.)
# - It implements **only SGD and momentum**, although it creates state lists (`RMSs_*`)
#   for the squared-gradient averages of RMSProp and Adam and then never uses them.
# - It describes the `RMSs` lists as computing "the accuracy and error of the
#   prediction". They are meant to hold running means of squared gradients (RMSProp's
#   $s$, Adam's $v$), which measure the size of the gradient, not the prediction.
# - It says that `requires_grad_()` makes the tensor "not track gradients". It does the
#   opposite: it turns tracking on, which is what lets `loss.backward()` fill `.grad`.
# - `all_losses.append(losses)` sits inside the step loop, so `all_losses` gets one entry
#   per step instead of one list per rate.
# - Its panels fix the loss axis to 0..30 (`set_ylim(0, 30)`, printed as `set_ylin`): a
#   diverging loss leaves the panel at its first value above 30, and its size cannot be
#   read. The figures here use a logarithmic axis.
# - `10F-4` (and the like) is not Python; the sheet's plot titles show that `10e-4`, that
#   is 0.001, was meant.
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
import statistics

import matplotlib.pyplot as plt
import torch
from matplotlib.ticker import MaxNLocator

import helpers

ctx = helpers.setup(seed=0)
# A 5-sample problem: the same sizes, and the same seconds, in both modes.
MAX_STEPS = 1_000  # the homework's limit per run
CHECK_STEPS = 200  # steps compared with torch.optim
N_DRAWS = 10  # initial draws (seeds 0, 1, ...) in the robustness check

# %% [markdown]
# ## The model and the data
#
# Five samples with four features each; the targets are a fixed linear combination of the
# features, $y = 2x_1 - 3x_2 + x_3 + 0.5x_4 + 1$ (the homework's `generate_fake_labels`
# does not survive in the answer sheet, so these coefficients are our choice). The network
# is the homework's: $\hat y = \mathrm{relu}(x W_1 + b_1) W_2 + b_2$ with a hidden layer of 3
# units, and the loss is the mean squared error. (The homework's `bias_1 = torch.randn(1)`
# shares one bias between the three hidden units; a bias per unit is the usual choice and
# is used here.) The initial weights are draw 0 of a seeded standard normal, as the
# homework's `torch.randn`.

# %% tags=["definitions"]
# tests/test_q4_optimizers.py runs this cell on its own, so it imports what it uses.
import math

import torch

COEFFICIENTS = torch.tensor([2.0, -3.0, 1.0, 0.5])
INTERCEPT = 1.0


def generate_fake_labels(x: torch.Tensor) -> torch.Tensor:
    """Targets: a fixed linear combination of the features, x @ COEFFICIENTS + 1."""
    return (x @ COEFFICIENTS + INTERCEPT).unsqueeze(1)


def make_data(n_samples: int = 5, n_features: int = 4, seed: int = 1):
    """The homework's small input (seeded standard normal) and its fake labels."""
    x = torch.randn(
        n_samples, n_features, generator=torch.Generator().manual_seed(seed)
    )
    return x, generate_fake_labels(x)


def init_parameters(
    n_features: int, hidden: int = 3, seed: int = 0
) -> dict[str, torch.Tensor]:
    """The homework's four parameters, from a seeded standard normal, gradients on."""
    g = torch.Generator().manual_seed(seed)
    shapes = {
        "weights_1": (n_features, hidden),
        "bias_1": (hidden,),
        "weights_2": (hidden, 1),
        "bias_2": (1,),
    }
    return {
        name: torch.randn(*shape, generator=g).requires_grad_()
        for name, shape in shapes.items()
    }


def hidden_activations(params: dict[str, torch.Tensor], x: torch.Tensor):
    """relu(x W1 + b1): one row per sample, one column per hidden unit."""
    return torch.relu(x @ params["weights_1"] + params["bias_1"])


def forward(params: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    return hidden_activations(params, x) @ params["weights_2"] + params["bias_2"]


def mse(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return ((prediction - target) ** 2).mean()


def dead_units(params: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """True for each hidden unit that outputs zero on every sample: it gets no gradient
    from any sample, so gradient steps alone cannot bring it back."""
    return (hidden_activations(params, x) == 0).all(dim=-2)


# %%
x, y = make_data()
params0 = init_parameters(n_features=4, seed=0)
print("coefficients:", COEFFICIENTS.tolist(), "intercept:", INTERCEPT)
print("x:\n", x.numpy().round(3))
print("y:", y.squeeze(1).numpy().round(3))
print("parameters:", {k: tuple(v.shape) for k, v in params0.items()})
print(f"loss at the initial parameters: {mse(forward(params0, x), y).item():.3f}")
print(f"loss of the best constant prediction, mean(y): {y.var(correction=0):.3f}")

# %% [markdown]
# ## The four update rules
#
# Write $g_t = \nabla_\theta L(\theta_{t-1})$ for the gradient of one parameter tensor at
# step $t$ and $\eta$ for the learning rate. Every rule below keeps its own state **per
# parameter tensor** (a list of dictionaries, one per parameter), so no parameter can pick
# up another one's state.
#
# | Optimizer | State | Update |
# |---|---|---|
# | SGD | none | $\theta_t = \theta_{t-1} - \eta\, g_t$ |
# | Momentum {cite}`polyak1964momentum,sutskever2013importance` | velocity $v$ | $v_t = \mu v_{t-1} + (1-\tau) g_t$ (but $v_1 = g_1$), $\quad \theta_t = \theta_{t-1} - \eta\, v_t$ |
# | RMSProp {cite}`tieleman2012rmsprop` | mean square $s$ | $s_t = \alpha s_{t-1} + (1-\alpha) g_t^2,\quad \theta_t = \theta_{t-1} - \eta\, \dfrac{g_t}{\sqrt{s_t} + \epsilon}$ |
# | Adam {cite}`kingma2015adam` | $m$, $v$, step $t$ | $m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2$ |
# | | | $\hat m_t = \dfrac{m_t}{1-\beta_1^t},\quad \hat v_t = \dfrac{v_t}{1-\beta_2^t},\quad \theta_t = \theta_{t-1} - \eta\, \dfrac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}$ |
#
# RMSProp's and Adam's state starts at zero. The momentum row is **PyTorch's** convention
# for `torch.optim.SGD(momentum=mu, dampening=tau, nesterov=False)`, in three details:
#
# - The velocity sums raw gradients and the learning rate multiplies it. Sutskever et al.
#   {cite}`sutskever2013importance` (with the opposite sign of $v$) write
#   $v_t = \mu v_{t-1} + \eta g_t$, $\theta_t = \theta_{t-1} - v_t$, and so, as
#   reconstructed, does the answer sheet: its text keeps only
#   `previous_momentum = moms[-1]` and `a.data -= mom`, and says that the new velocity
#   is computed from the last one, the gradient and the learning rate. With a constant
#   $\eta$ the two forms are the same method (their $v$ is $\eta$ times ours; a run of
#   the sheet's code confirms it); they differ only when $\eta$ changes during
#   training, since the old velocity then keeps the old rate.
# - The *dampening* $\tau$ (default 0) scales the new gradient, but the first velocity is
#   the first gradient itself, $v_1 = g_1$, not $(1-\tau) g_1$: a velocity started at
#   zero would give a different first step whenever $\tau \neq 0$.
# - *Nesterov* momentum (`nesterov=True`, which steps along $g_t + \mu v_t$) is off by
#   default and not used here.


# %% tags=["definitions"]
# tests/test_q4_optimizers.py runs this cell on its own, so it imports what it uses.
import math

import torch


class Optimizer:
    """What every hand-written optimizer shares: parameters, their state, zero_grad."""

    def __init__(self, params, lr: float):
        self.params = list(params)
        if not self.params:
            raise ValueError("params is empty: pass the tensors to optimize")
        if (
            not isinstance(lr, (int, float))
            or isinstance(lr, bool)
            or not math.isfinite(lr)
            or lr <= 0
        ):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        self.lr = float(lr)
        self.state = [{} for _ in self.params]  # one dictionary per parameter tensor

    @staticmethod
    def check_unit_interval(name: str, value: float) -> float:
        if not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
            raise ValueError(f"{name} must be in [0, 1), got {value!r}")
        return float(value)

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for p, state in zip(self.params, self.state):
            if p.grad is not None:
                self.update(p, p.grad, state)

    def update(self, p: torch.Tensor, g: torch.Tensor, state: dict) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    def update(self, p, g, state):
        p.add_(g, alpha=-self.lr)  # p = p - lr g


class Momentum(Optimizer):
    def __init__(
        self, params, lr: float, momentum: float = 0.9, dampening: float = 0.0
    ):
        super().__init__(params, lr)
        self.momentum = self.check_unit_interval("momentum", momentum)
        self.dampening = self.check_unit_interval("dampening", dampening)

    def update(self, p, g, state):
        if "velocity" not in state:
            state["velocity"] = g.clone()  # v_1 = g_1, undamped (PyTorch's choice)
        else:  # v = mu v + (1 - dampening) g
            state["velocity"].mul_(self.momentum).add_(g, alpha=1 - self.dampening)
        p.add_(state["velocity"], alpha=-self.lr)  # p = p - lr v


class RMSProp(Optimizer):
    def __init__(self, params, lr: float, alpha: float = 0.99, eps: float = 1e-8):
        super().__init__(params, lr)
        self.alpha = self.check_unit_interval("alpha", alpha)
        if eps <= 0:
            raise ValueError(f"eps must be positive, got {eps!r}")
        self.eps = eps

    def update(self, p, g, state):
        s = state.setdefault("mean_square", torch.zeros_like(p))
        s.mul_(self.alpha).addcmul_(g, g, value=1 - self.alpha)  # s = a s + (1-a) g^2
        p.addcdiv_(g, s.sqrt() + self.eps, value=-self.lr)  # p = p - lr g/(sqrt(s)+eps)


class Adam(Optimizer):
    def __init__(
        self,
        params,
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ):
        super().__init__(params, lr)
        self.beta1 = self.check_unit_interval("betas[0]", betas[0])
        self.beta2 = self.check_unit_interval("betas[1]", betas[1])
        if eps <= 0:
            raise ValueError(f"eps must be positive, got {eps!r}")
        self.eps = eps

    def update(self, p, g, state):
        m = state.setdefault("m", torch.zeros_like(p))
        v = state.setdefault("v", torch.zeros_like(p))
        state["t"] = t = state.get("t", 0) + 1
        m.lerp_(g, 1 - self.beta1)  # m = beta1 m + (1 - beta1) g
        v.mul_(self.beta2).addcmul_(g, g, value=1 - self.beta2)  # v = b2 v + (1-b2) g^2
        # sqrt(v_hat) + eps, then p = p - lr m_hat / (sqrt(v_hat) + eps)
        denominator = v.sqrt() / math.sqrt(1 - self.beta2**t) + self.eps
        p.addcdiv_(m, denominator, value=-self.lr / (1 - self.beta1**t))


def clone_parameters(params: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Independent copies (same values, own gradients): runs that start identically."""
    return {k: v.detach().clone().requires_grad_() for k, v in params.items()}


def run_steps(
    optimizer,
    params: dict[str, torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
    steps: int,
) -> list[float]:
    """Full-batch gradient steps; returns the loss before each step."""
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = mse(forward(params, x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


# %% [markdown]
# ## Checking each rule against `torch.optim`
#
# Each hand-written optimizer and its `torch.optim` counterpart start from identical copies
# of the parameters, with the same hyper-parameters, and take the same number of full-batch
# steps; after every step we take the largest absolute difference over all parameters.
# Our updates call the same fused in-place operations as PyTorch's own code (`add_(...,
# alpha=)`, `addcmul_`, `addcdiv_`, `lerp_`) in the same order, so float32 rounding is the
# same too, and the check asks the difference to stay below $10^{-6}$. That tolerance
# holds **only with the identical order of operations**: the same rule written in
# textbook order is just as correct, but rounds differently, and the appendix at the end
# shows such a textbook RMSProp drifting to 2.0e-05 from PyTorch's, which would fail this
# check. Momentum is checked twice, the second time with a dampening, which tests the
# undamped first step. Agreement on 200 steps of one problem is a check, not a proof; the
# tests repeat it with other data, seeds and hyper-parameters.

# %%
PAIRS_WITH_TORCH = {
    "SGD": (lambda p: SGD(p, lr=0.01), lambda p: torch.optim.SGD(p, lr=0.01)),
    "Momentum": (
        lambda p: Momentum(p, lr=0.01, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
    ),
    "Momentum, dampening 0.5": (
        lambda p: Momentum(p, lr=0.01, momentum=0.9, dampening=0.5),
        lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, dampening=0.5),
    ),
    "RMSProp": (
        lambda p: RMSProp(p, lr=0.01, alpha=0.99, eps=1e-8),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99, eps=1e-8),
    ),
    "Adam": (
        lambda p: Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8),
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8),
    ),
}


def largest_difference(make_ours, make_torch, steps: int) -> tuple[float, bool]:
    """Max |ours - torch| over all parameters and steps; did every parameter move?"""
    ours, theirs = clone_parameters(params0), clone_parameters(params0)
    opt_ours = make_ours(list(ours.values()))
    opt_torch = make_torch(list(theirs.values()))
    worst = 0.0
    for _ in range(steps):
        run_steps(opt_ours, ours, x, y, 1)
        run_steps(opt_torch, theirs, x, y, 1)
        worst = max(worst, max((ours[k] - theirs[k]).abs().max().item() for k in ours))
    moved = all(not torch.equal(ours[k], params0[k]) for k in ours)
    return worst, moved


differences = {
    name: largest_difference(*PAIRS_WITH_TORCH[name], CHECK_STEPS)
    for name in PAIRS_WITH_TORCH
}

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: booleans, the same on any machine.
print(f"{CHECK_STEPS} steps from the same initial parameters, lr 0.01:")
for name, (diff, moved) in differences.items():
    print(f"{name:<24} max |ours - torch.optim| < 1e-6: {diff < 1e-6}")
    print(f"{'':<24} every parameter updated: {moved}")

# %% [markdown]
# Every rule stays within $10^{-6}$ of PyTorch, and every parameter, `bias_2` included, was
# updated; the dampened run also confirms the undamped first step $v_1 = g_1$. The exact
# differences depend on the CPU and the PyTorch build, so they are printed in a cell that
# the regression tests do not compare:

# %%
for name, (diff, _) in differences.items():
    print(
        f"{name:<24} largest |ours - torch.optim| over {CHECK_STEPS} steps: {diff:.1e}"
    )

# %% [markdown]
# ## The learning-rate experiment
#
# As in the homework: for each optimizer and each learning rate, start from the same
# parameters (draw 0) and step until the loss falls below 0.1 or 1,000 steps have passed. A
# run whose loss becomes infinite, NaN, or larger than $10^6$ is stopped and marked as
# *diverged*. Each run also records the largest change of any single weight at each step.
# A rise of the loss is counted only when it exceeds $10^{-6}$ of the loss: float32 carries
# about seven significant digits (its machine epsilon, printed further down, is 1.2e-07),
# so smaller rises can be rounding noise on a flat loss rather than overshooting.

# %% tags=["definitions"]
# tests/test_q4_optimizers.py runs this cell on its own, so it imports what it uses.
import math

TARGET, DIVERGED_ABOVE = 0.1, 1e6


def train(make_optimizer, lr: float, start: dict, x, y, max_steps: int) -> dict:
    """Steps until loss < TARGET (converged), divergence, or max_steps. Also records the
    largest |change| of any weight at each step, and returns the final parameters."""
    params = clone_parameters(start)
    opt = make_optimizer(list(params.values()), lr)
    losses, largest_steps, status = [], [], "did not converge"
    for _ in range(max_steps):
        before = [p.detach().clone() for p in params.values()]
        loss = run_steps(opt, params, x, y, 1)[0]
        losses.append(loss)
        largest_steps.append(
            max(
                (p.detach() - b).abs().max().item()
                for p, b in zip(params.values(), before)
            )
        )
        if not math.isfinite(loss) or loss > DIVERGED_ABOVE:
            status = "diverged"
            break
        if loss < TARGET:
            status = "converged"
            break
    return {
        "losses": losses,
        "largest_steps": largest_steps,
        "status": status,
        "steps": len(losses),
        "params": params,
        "optimizer": opt,
    }


def increases(losses: list[float], rtol: float = 1e-6) -> int:
    """Steps at which the loss rose by more than rtol times its previous value."""
    return sum(b - a > rtol * abs(a) for a, b in zip(losses, losses[1:]))


# %%
LEARNING_RATES = (0.001, 0.01, 0.1, 1.0)
OPTIMIZERS = {
    "SGD": lambda p, lr: SGD(p, lr),
    "Momentum": lambda p, lr: Momentum(p, lr, momentum=0.9),
    "RMSProp": lambda p, lr: RMSProp(p, lr),
    "Adam": lambda p, lr: Adam(p, lr),
}
results = {
    (name, lr): train(make, lr, params0, x, y, MAX_STEPS)
    for name, make in OPTIMIZERS.items()
    for lr in LEARNING_RATES
}


def describe(r: dict, short: bool = False) -> str:
    """A run's outcome in words; `short` for a table cell."""
    if r["status"] == "converged":
        return f"{r['steps']} steps"
    if r["status"] == "diverged":
        return f"diverged (step {r['steps']})"
    if short:
        return f"loss {r['losses'][-1]:.2f} at {r['steps']}"
    return f"did not reach {TARGET} (loss {r['losses'][-1]:.2f})"


def print_table(title: str, cell) -> None:
    print(title + "\n")
    print(
        f"{'optimizer':<10}"
        + "".join(f"{'lr ' + str(lr):>19}" for lr in LEARNING_RATES)
    )
    for name in OPTIMIZERS:
        print(f"{name:<10}" + "".join(f"{cell(name, lr):>19}" for lr in LEARNING_RATES))
    print()


print_table(
    f"Steps to reach loss < {TARGET} (at most {MAX_STEPS}), draw 0"
    f" ('loss L at {MAX_STEPS}': not reached):",
    lambda name, lr: describe(results[name, lr], short=True),
)
print_table(
    "Steps at which the loss rose by more than 1e-6 of its value:",
    lambda name, lr: increases(results[name, lr]["losses"]),
)
print_table(
    "The same, counting every rise, however small:",
    lambda name, lr: increases(results[name, lr]["losses"], rtol=0.0),
)
r = results["RMSProp", 0.1]
print(
    f"RMSProp at lr 0.1: loss {r['losses'][0]:.2f} before step 1,"
    f" {r['losses'][1]:.2f} before step 2, {r['losses'][2]:.2f} before step 3;"
)
print(f"  its first step moves a weight by up to {r['largest_steps'][0]:.2f}")


# %% tags=["hide-input"]
def plot_grid(name: str):
    """The homework's 2x2 grid for one optimizer: one panel per learning rate."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5))
    for ax, lr in zip(axes.flat, LEARNING_RATES):
        r = results[name, lr]
        losses = [v if math.isfinite(v) else float("nan") for v in r["losses"]]
        steps = range(1, len(losses) + 1)
        ax.plot(steps, losses, color="tab:blue", label="training loss")
        ax.axhline(TARGET, color="gray", linestyle=":", label=f"target {TARGET}")
        if r["status"] == "diverged":
            finite = [v for v in losses if math.isfinite(v)]
            ax.plot(
                len(finite),
                finite[-1] if finite else 1.0,
                "rx",
                markersize=12,
                label="diverged",
            )
            ax.text(
                0.5,
                0.5,
                f"diverged at step {r['steps']}",
                transform=ax.transAxes,
                ha="center",
                color="red",
            )
        elif r["status"] == "converged":
            ax.plot(
                r["steps"],
                losses[-1],
                "go",
                label=f"loss < {TARGET} at step {r['steps']}",
            )
        else:
            ax.plot(r["steps"], losses[-1], "s", color="tab:orange", label=describe(r))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_yscale("log")
        ax.set_title(f"lr = {lr}")
        ax.set_xlabel("step")
        ax.set_ylabel("MSE loss (log scale)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"{name}: training loss for four learning rates (draw 0)")
    fig.tight_layout()
    return fig


for name in OPTIMIZERS:
    plot_grid(name)
    plt.show()

# %% [markdown]
# ### All optimizers at their fastest rate (draw 0)
#
# For draw 0, each optimizer's curve at the rate that reached the target in the fewest
# steps. The ranking is that of one draw; a later section shows how it changes with the
# initial weights.


# %% tags=["hide-input"]
def fastest_rate(name: str) -> float:
    converged = [
        (results[name, lr]["steps"], lr)
        for lr in LEARNING_RATES
        if results[name, lr]["status"] == "converged"
    ]
    if converged:
        return min(converged)[1]
    return min(LEARNING_RATES, key=lambda lr: results[name, lr]["losses"][-1])


fig, ax = plt.subplots(figsize=(7.5, 4.5))
for name in OPTIMIZERS:
    lr = fastest_rate(name)
    r = results[name, lr]
    ax.plot(
        range(1, len(r["losses"]) + 1),
        r["losses"],
        label=f"{name} (lr {lr}): {describe(r)}",
    )
ax.axhline(TARGET, color="gray", linestyle=":", label=f"target {TARGET}")
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("MSE loss (log scale)")
ax.set_title("Each optimizer at its fastest learning rate (draw 0)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### Reading the grid
#
# Each statement points at the tables or a figure above; all of them are about this one
# initial draw (a later section asks which of them hold for other draws).
#
# - **Too small a rate crawls.** At lr 0.001 plain SGD is still at a loss of 1.19 after
#   1,000 steps: a slow decline whose slope on the log axis keeps shrinking. SGD, momentum
#   and RMSProp take their most steps at this rate; Adam takes 851, but at lr 1.0 it never
#   gets there.
# - **A good rate converges fast.** From this draw, lr 0.1 is the fastest rate of all four
#   optimizers: SGD needs 43 steps, momentum 23, RMSProp 14, Adam 33.
# - **Momentum acts like a larger rate.** While the gradient changes slowly, the velocity
#   grows towards $g/(1-\mu)$, ten times the plain step for $\mu = 0.9$: momentum at
#   lr 0.001 (425 steps) behaves like SGD at lr 0.01 (393 steps), and momentum at lr 0.01
#   (49) like SGD at lr 0.1 (43).
# - **Momentum overshoots.** At lr 0.1 momentum's loss goes *up* at 7 of its 23 steps
#   (second table), the bumps in its lr 0.1 panel: the velocity keeps pushing after the
#   valley floor has been crossed. Adam, which carries a momentum term too
#   ($\beta_1 = 0.9$), also rises at 7 steps at lr 0.1; plain SGD at no step.
# - **RMSProp's first step is ten times the rate.** Its lr 0.1 curve jumps from 4.45 to
#   20.84 after the first step, which moves a weight by up to 1.00, ten times $\eta$
#   (last two lines of the output above): RMSProp has no bias correction, so its first
#   step is $\eta/\sqrt{1-\alpha}$ per weight, as the section on lr 1.0 explains. The
#   loss falls to 3.42 at the next step, and lr 0.1 is still RMSProp's fastest rate.
# - **Too large a rate diverges, or does something subtler.** At lr 1.0 SGD's loss
#   explodes at step 4 and momentum's at step 5 (the red crosses). RMSProp and Adam never
#   diverge, but neither behaves well: RMSProp's loss jumps to 149,326 after its first
#   step and recovers, then needs 655 steps in all, with a long plateau and a spike near
#   step 510; Adam ends at a loss of 0.78. The next two sections measure why.
#
# Adam at lr 1.0 is the one run where the tolerance matters: 126 rises above it, 308
# counting every rise however small. The difference is rounding on a flat loss, measured
# below.

# %% tags=["definitions"]
# tests/test_q4_optimizers.py runs this cell on its own, so it imports what it uses.
import torch


def hessian_matrix(params: dict[str, torch.Tensor], x, y) -> torch.Tensor:
    """The loss's Hessian with respect to all weights, float64, one row per weight."""
    names = list(params)

    def loss_of(*tensors):
        return mse(forward(dict(zip(names, tensors)), x.double()), y.double())

    inputs = tuple(params[k].detach().double() for k in names)
    blocks = torch.autograd.functional.hessian(loss_of, inputs)
    sizes = [p.numel() for p in inputs]
    return torch.cat(
        [
            torch.cat([blocks[i][j].reshape(a, b) for j, b in enumerate(sizes)], dim=1)
            for i, a in enumerate(sizes)
        ]
    )


def largest_curvature(params: dict[str, torch.Tensor], x, y) -> float:
    """lambda_max, the largest eigenvalue of the loss's Hessian at params."""
    return torch.linalg.eigvalsh(hessian_matrix(params, x, y))[-1].item()


def sgd_path_curvature(start: dict, lr: float, x, y, steps: int) -> list[tuple]:
    """(step, loss, lambda_max) before each SGD step, until converged or diverged."""
    params = clone_parameters(start)
    opt = SGD(list(params.values()), lr)
    path = []
    for step in range(1, steps + 1):
        curvature = largest_curvature(params, x, y)
        loss = run_steps(opt, params, x, y, 1)[0]
        path.append((step, loss, curvature))
        if not math.isfinite(loss) or not TARGET <= loss <= DIVERGED_ABOVE:
            break
    return path


# %%
lam0 = largest_curvature(params0, x, y)
print(f"lambda_max of the Hessian at the start (draw 0): {lam0:.2f}")
print(f"gradient descent's bound 2 / lambda_max:          {2 / lam0:.3f}")
print(f"momentum's bound 2 (1 + 0.9) / lambda_max:        {2 * 1.9 / lam0:.3f}")
path = sgd_path_curvature(params0, 1.0, x, y, MAX_STEPS)
print("\nSGD at lr 1.0: step, loss before it, lambda_max, lr * lambda_max")
for step, loss, lam in path:
    print(f"  {step:>4} {loss:>14.4g} {lam:>12.4g} {lam:>12.4g}")
path = sgd_path_curvature(params0, 0.1, x, y, MAX_STEPS)
print("\nSGD at lr 0.1: step, loss before it, lambda_max, lr * lambda_max")
for step, loss, lam in (path[0], path[-1]):
    print(f"  {step:>4} {loss:>14.4g} {lam:>12.4g} {0.1 * lam:>12.4g}")
scaled = [0.1 * lam for _, _, lam in path]
print(
    f"  along all {len(path)} steps: largest {max(scaled):.4g},"
    f" smallest {min(scaled):.4g}"
)
print("\nSGD just above the starting bound:")
for lr in (0.2, 0.25):
    path = sgd_path_curvature(params0, lr, x, y, MAX_STEPS)
    scaled = [lr * lam for _, _, lam in path]
    outcome = describe(train(OPTIMIZERS["SGD"], lr, params0, x, y, MAX_STEPS))
    print(f"  lr {lr}, {outcome}:")
    print(
        f"    loss before steps 1 to 5: {[round(loss, 3) for _, loss, _ in path[:5]]}"
    )
    print(
        f"    lambda_max before steps 1 to 4: {[round(lam, 2) for *_, lam in path[:4]]}"
    )
    print(
        f"    lr * lambda_max before steps 1 to 4: {[round(v, 3) for v in scaled[:4]]}"
    )
    print(f"    largest lr * lambda_max from step 4 on: {max(scaled[3:]):.3f}")
print(f"  lr 0.3: {describe(train(OPTIMIZERS['SGD'], 0.3, params0, x, y, MAX_STEPS))}")

# %% [markdown]
# At the start the largest curvature is 11.17, so plain gradient descent is stable for
# rates below 0.179 (momentum with $\mu = 0.9$ below 0.340). lr 1.0 is far above either
# bound, and along SGD's run $\eta\lambda_{\max}$ never comes back below 2: the curvature
# itself grows with each overshoot, from 11.17 to hundreds of thousands by step 4. At
# lr 0.1, $\eta\lambda_{\max}$ is 1.117 at the start and 0.8628 at the end, and along the
# whole run it stays between 0.8031 and 1.117: below 2 at every step.
#
# The bound describes a quadratic; this loss is not one, so the bound at the start is a
# guide, not a sharp threshold. SGD still converges at lr 0.2 and 0.25, just above it,
# because the curvature drops as the weights move: along the lr 0.25 run,
# $\lambda_{\max}$ is 11.17, 11.16 and 11.96 before the first three steps
# ($\eta\lambda_{\max}$ up to 2.99, above 2), then 5.62 before step 4
# ($\eta\lambda_{\max}$ = 1.404), and from step 4 on $\eta\lambda_{\max}$ stays at or
# below 1.906. At lr 0.2 it is above 2 for the first three steps too, and at most 1.759
# from step 4 on. Those first steps above the bound did not make the loss grow: it fell
# at each of them. At lr 0.3 the run neither converges nor diverges.

# %% [markdown]
# ### Exercises

# %% [markdown]
# :::{exercise}
# :label: q4-nesterov
# Write a class `NesterovMomentum(params, lr, momentum=0.9)` with the interface of the
# optimizers above (`zero_grad()` and `step()`) that takes the same steps as
# `torch.optim.SGD(params, lr, momentum=momentum, nesterov=True)`. PyTorch keeps the
# velocity of plain momentum, $v_t = \mu v_{t-1} + g_t$ with $v_1 = g_1$, but steps along
# $g_t + \mu v_t$ instead of $v_t$. Check it with `largest_difference`, as the rules above
# were checked, then train it from draw 0 at the four rates (`train`, $\mu = 0.9$). Does
# it overshoot at lr 0.1 as often as momentum does?
# :::

# %% [markdown]
# :::{solution-start} q4-nesterov
# :class: dropdown
# :::


# %%
class NesterovMomentum(Momentum):
    """torch.optim.SGD(nesterov=True): momentum's velocity v, a step along
    g + mu v. (PyTorch's Nesterov momentum takes no dampening.)"""

    def __init__(self, params, lr: float, momentum: float = 0.9):
        super().__init__(params, lr, momentum)

    def update(self, p, g, state):
        if "velocity" not in state:
            state["velocity"] = g.clone()  # v_1 = g_1
        else:
            state["velocity"].mul_(self.momentum).add_(g)  # v = mu v + g
        # PyTorch's order: g + mu v first, then p = p - lr (g + mu v)
        step = g.add(state["velocity"], alpha=self.momentum)
        p.add_(step, alpha=-self.lr)


def nesterov_pair(lr: float, mu: float):
    """Ours and torch.optim's, as largest_difference wants them."""
    return (
        lambda p: NesterovMomentum(p, lr, mu),
        lambda p: torch.optim.SGD(p, lr=lr, momentum=mu, nesterov=True),
    )


for nesterov_lr, nesterov_mu in ((0.01, 0.9), (0.1, 0.5)):
    nesterov_diff, nesterov_moved = largest_difference(
        *nesterov_pair(nesterov_lr, nesterov_mu), CHECK_STEPS
    )
    print(f"lr {nesterov_lr}, momentum {nesterov_mu}:")
    print(f"  max |ours - torch.optim| < 1e-6: {nesterov_diff < 1e-6}")
    print(f"  every parameter updated: {nesterov_moved}")


def make_nesterov(p, lr):
    return NesterovMomentum(p, lr, momentum=0.9)


nesterov_results = {
    rate: train(make_nesterov, rate, params0, x, y, MAX_STEPS)
    for rate in LEARNING_RATES
}
print("\nDraw 0, mu = 0.9: outcome, rises of the loss, dead units at the end")
for nesterov_rate in LEARNING_RATES:
    for nesterov_label, nesterov_run in (
        ("Momentum", results["Momentum", nesterov_rate]),
        ("Nesterov", nesterov_results[nesterov_rate]),
    ):
        run_rises = increases(nesterov_run["losses"])
        run_dead = dead_units(nesterov_run["params"], x).sum().item()
        print(
            f"  lr {nesterov_rate:<6} {nesterov_label:<9}"
            f" {describe(nesterov_run):<20}"
            f" rises {run_rises:>2}, dead {run_dead}"
        )

# %% [markdown]
# The class repeats PyTorch's operations in PyTorch's order, so it stays within $10^{-6}$
# of `torch.optim` at both settings. Why step along $g_t + \mu v_t$? Nesterov momentum as
# Sutskever et al. {cite}`sutskever2013importance` write it takes the gradient at the
# *look-ahead* point, where the velocity is about to carry the weights, not at the
# weights themselves. PyTorch's parameters are those look-ahead points: with a constant
# rate, a change of variables turns the look-ahead update into this one, whose gradient
# is taken at the current parameters. When the velocity carries the weights across the
# floor of a valley, the gradient at the look-ahead point already points back and brakes
# the step.
#
# The grid is consistent with this braking (one draw; the mechanism itself is not
# isolated here). At lr 0.1, where momentum's loss rises at 7 steps and it
# needs 23 steps, Nesterov's rises at 1 and it needs 12 (and ends with no dead unit).
# At lr 0.001 and lr 0.01 the two nearly coincide (426 and 47 steps against 425 and 49):
# while the gradient changes slowly, the velocity approaches $g/(1-\mu)$, and both steps
# approach $\eta g/(1-\mu)$. At lr 1.0 both diverge.
# This is one draw; the section on ten draws shows how much such rankings can move.

# %% [markdown]
# :::{solution-end}
# :::

# %% [markdown]
# :::{exercise}
# :label: q4-largest-stable-lr
# Gradient descent's stability bound on the rate, $2/\lambda_{\max}$, is exact for a
# quadratic, and near a minimum the loss is nearly quadratic. Find the largest stable
# rate of plain SGD there and relate it to the Hessian. (1) Run `SGD` at lr 0.1 from
# draw 0 for 1,000 steps (`run_steps`, which does not stop at the target); store the
# parameters it ends with in `sgd_minimum` and $2/\lambda_{\max}$ of the Hessian there
# in `minimum_lr_bound`. (2) Call a rate *stable* if 100 SGD steps, started at
# `sgd_minimum` moved by $10^{-3}$ along the Hessian's top eigenvector, end at a lower
# loss than they start from. Find the largest stable rate to three significant digits (a
# bisection between 0.1 and 0.4 is quick) and store it in `largest_stable_lr`. How do
# the two compare with 0.179, the bound at the start?
# :::

# %% [markdown]
# :::{solution-start} q4-largest-stable-lr
# :class: dropdown
# :::

# %%
sgd_minimum = clone_parameters(params0)
minimum_sgd = SGD(list(sgd_minimum.values()), lr=0.1)
run_steps(minimum_sgd, sgd_minimum, x, y, MAX_STEPS)
minimum_hessian = hessian_matrix(sgd_minimum, x, y)
minimum_eigenvalues, minimum_eigenvectors = torch.linalg.eigh(minimum_hessian)
minimum_lr_bound = 2 / minimum_eigenvalues[-1].item()
# the top eigenvector, cut into the parameters' shapes (hessian_matrix's order)
parameter_sizes = [p.numel() for p in sgd_minimum.values()]
top_direction = minimum_eigenvectors[:, -1].float().split(parameter_sizes)


def loss_falls_near_minimum(lr: float, distance=1e-3, steps=100) -> bool:
    """Do `steps` SGD steps, started at the minimum moved by `distance` along
    the top eigenvector, lower the loss? Near a minimum, that is stability."""
    moved = {
        k: (p.detach() + distance * d.view_as(p)).requires_grad_()
        for (k, p), d in zip(sgd_minimum.items(), top_direction)
    }
    before = mse(forward(moved, x), y).item()
    run_steps(SGD(list(moved.values()), lr), moved, x, y, steps)
    return mse(forward(moved, x), y).item() < before


stable_below, unstable_above = 0.1, 0.4
for _ in range(20):  # the bracket shrinks to 0.3 / 2**20
    middle = (stable_below + unstable_above) / 2
    if loss_falls_near_minimum(middle):
        stable_below = middle
    else:
        unstable_above = middle
largest_stable_lr = stable_below

minimum_loss = mse(forward(sgd_minimum, x), y)
minimum_gradients = torch.autograd.grad(minimum_loss, [*sgd_minimum.values()])
steepest = max(g.abs().max().item() for g in minimum_gradients)
print(f"at the minimum: loss {minimum_loss.item():.1e}")
print(f"largest |gradient|: {steepest:.1e}")
print("the Hessian's six largest eigenvalues:")
print(" ", [round(v, 3) for v in minimum_eigenvalues[-6:].tolist()])
print(f"bound 2 / lambda_max at the minimum: {minimum_lr_bound:.5f}")
print(f"largest stable rate (bisection):     {largest_stable_lr:.5f}")
print(f"their ratio: {largest_stable_lr / minimum_lr_bound:.4f}")
print(f"bound at the start (draw 0):         {2 / lam0:.5f}")

# %% [markdown]
# Near the minimum the theory is exact. The loss there is float32 rounding noise and the
# gradient nearly zero; the Hessian has 5 nonzero eigenvalues (one per sample, since the
# loss is a sum of 5 squares that are all zero here), the largest 10.153, so the bound is
# 0.19698. The bisection finds the same number to four digits (ratio 1.0000). Moved along
# the top eigenvector, the loss is $\tfrac12\lambda_{\max}\delta^2$ for a distance
# $\delta$, and one SGD step multiplies $\delta$ by $1 - \eta\lambda_{\max}$: below the
# bound the factor lies between $-1$ and $1$ and the loss falls; above it the factor is
# below $-1$, and the weights swing across the minimum, farther at every step.
#
# The bound at the start, 0.17913, is lower because the Hessian there is sharper
# ($\lambda_{\max}$ 11.17 against 10.153): a bound holds where its Hessian was measured.
# That is also why the homework's criterion, a loss below 0.1, is not stability. The cell
# below runs SGD from draw 0 for 1,000 steps, without stopping at the target, at three
# rates above the bound at the start:

# %%
print("SGD from draw 0 for 1,000 steps: the first step with a loss below 0.1")
print("  and the last four losses; where the run settled, lambda_max and")
print("  lr * lambda_max")
for settle_lr in (0.2, 0.22, 0.25):
    settle_params = clone_parameters(params0)
    settle_sgd = SGD(list(settle_params.values()), settle_lr)
    settle_losses = run_steps(settle_sgd, settle_params, x, y, MAX_STEPS)
    first_below = next(t for t, v in enumerate(settle_losses, 1) if v < TARGET)
    last_four = [float(f"{v:.3g}") for v in settle_losses[-4:]]
    print(f"  lr {settle_lr}: step {first_below}; {last_four}", end="")
    if max(last_four) < 1e-9:
        settle_lambda = largest_curvature(settle_params, x, y)
        settle_scaled = settle_lr * settle_lambda
        print(f"; {settle_lambda:.3f}; {settle_scaled:.3f}", end="")
    print()

# %% [markdown]
# At lr 0.2 SGD settles, in a minimum with $\lambda_{\max} = 9.660$: $\eta\lambda_{\max}$
# is 1.932, just below 2. At lr 0.22 and 0.25 the loss passes 0.1 on the way (at steps 18
# and 16), so the homework counts both runs as converged, but neither settles: after
# 1,000 steps the loss still alternates between two values, and no minimum is reached.
# A rate can settle only in a minimum whose $\lambda_{\max}$ is below $2/\eta$, so a
# larger rate, when it settles at all, settles in a flatter minimum. Stability belongs to
# a rate *and a place*, and the Hessian at that place measures it.

# %% [markdown]
# :::{solution-end}
# :::

# %% [markdown]
# ## What RMSProp and Adam do at lr 1.0
#
# Why do adaptive methods survive large rates? Kingma and Ba {cite}`kingma2015adam`
# (Section 2.1) note that Adam's step per weight is approximately bounded by $\eta$,
# whatever the gradient's scale, because it divides a running mean of the gradient by a
# running root mean square of it: a huge gradient cannot produce a huge step. That
# describes the early steps well, but two details matter here. RMSProp has no bias
# correction: its first mean square is $(1-\alpha) g_1^2$, so its first step is
# $\eta/\sqrt{1-\alpha}$ per weight, ten times $\eta$ for $\alpha = 0.99$. And a bound is
# not a size: both optimizers' steps can be far *smaller* than $\eta$ for a long time
# (Kingma and Ba point this out for Adam near an optimum, where the running mean of the
# gradient is small next to its root mean square). The measured steps:

# %%
MILESTONES = (1, 2, 3, 10, 50, 100, 200, 300, 400, 500, 505, 510, 520, 600, 1000)
for name in ("RMSProp", "Adam"):
    r = results[name, 1.0]
    print(f"{name} at lr 1.0, {describe(r)}: step, loss before it, largest step")
    shown = [t for t in MILESTONES if t <= r["steps"]]
    for t in shown + ([r["steps"]] if r["steps"] not in MILESTONES else []):
        print(
            f"  {t:>5} {r['losses'][t - 1]:>14.6g} {r['largest_steps'][t - 1]:>12.3g}"
        )
largest = results["RMSProp", 1.0]["largest_steps"]
low = min(range(3, 500), key=lambda t: largest[t - 1])
print(f"RMSProp: the smallest largest step after step 2 is {largest[low - 1]:.3g},")
print(f"  at step {low}; from there the largest step grows, per step on average:")
for a, b in ((low, 400), (400, 450), (450, 500), (500, 510)):
    growth = (largest[b - 1] / largest[a - 1]) ** (1 / (b - a)) - 1
    print(f"  steps {a} to {b}: {growth:.1%}")
largest = results["Adam", 1.0]["largest_steps"]
burst = max(range(50, 301), key=lambda t: largest[t - 1])
print(
    f"Adam: the largest step between steps 50 and 300 is {largest[burst - 1]:.3g},"
    f" at step {burst}"
)


# %% tags=["hide-input"]
STEP_FLOOR = 1e-8
fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex="col")
for column, name in enumerate(("RMSProp", "Adam")):
    r = results[name, 1.0]
    steps = range(1, r["steps"] + 1)
    axes[0, column].plot(steps, r["losses"], color="tab:blue", label="training loss")
    axes[0, column].axhline(
        TARGET, color="gray", linestyle=":", label=f"target {TARGET}"
    )
    axes[0, column].set_ylabel("MSE loss (log scale)")
    axes[0, column].set_title(f"{name}, lr 1.0: {describe(r)}")
    # a step of exactly 0 has no place on a log axis: draw it at a floor, and say so
    zeros = sum(v == 0 for v in r["largest_steps"])
    label = "largest |change| of a weight"
    if zeros:
        label += f"\n({zeros} steps of 0 drawn at {STEP_FLOOR:g})"
    axes[1, column].plot(
        steps,
        [max(v, STEP_FLOOR) for v in r["largest_steps"]],
        color="tab:orange",
        label=label,
    )
    axes[1, column].axhline(1.0, color="black", linestyle="--", label="lr = 1.0")
    axes[1, column].set_ylabel("largest step (log scale)")
    axes[1, column].set_xlabel("step")
    for ax in axes[:, column]:
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
fig.suptitle(
    "Adaptive optimizers at lr 1.0 (draw 0): the loss and the size of the steps"
)
fig.tight_layout()
plt.show()

# %% [markdown]
# **RMSProp.** Its first two steps move a weight by 10, ten times $\eta$: the first
# because of the missing bias correction, the second because the first throws the loss up
# to 149,326, and a huge gradient dominates its own mean square. That huge squared gradient
# then *stays* in the running average $s$, decaying by the factor $\alpha = 0.99$ per
# step, so for hundreds of steps every weight's effective rate $\eta/\sqrt{s}$ is tiny:
# the largest step falls from 0.0601 at step 3 to 0.00165 at step 200. That is the long
# plateau. As the memory fades, the effective rates grow by about half a percent per step
# (the factor $1/\sqrt{\alpha}$) until they pass the stability bound of the previous
# section, now with one rate per weight: the step
# $\theta \leftarrow \theta - P\nabla L$ with $P = \mathrm{diag}(\eta/\sqrt{s})$ is stable
# near a minimum while the largest eigenvalue of $P^{1/2} H P^{1/2}$ is below 2. The next
# cell measures it along the run:


# %%
def effective_rates(opt: RMSProp) -> torch.Tensor:
    """Each weight's effective rate lr / (sqrt(s) + eps), as one float64 vector."""
    return torch.cat(
        [(opt.lr / (st["mean_square"].sqrt() + opt.eps)).flatten() for st in opt.state]
    ).double()


def rate_scaled_curvature(rates: torch.Tensor, hessian: torch.Tensor) -> float:
    """Largest eigenvalue of P^1/2 H P^1/2 with P = diag(rates): the step
    theta - P grad is stable near a minimum while this is below 2."""
    root = rates.sqrt()
    return torch.linalg.eigvalsh(root[:, None] * hessian * root[None, :])[-1].item()


params = clone_parameters(params0)
rms = RMSProp(list(params.values()), lr=1.0)
print("RMSProp at lr 1.0: step t, loss before it; after it, the median effective rate,")
print("  lambda_max of the Hessian, and the scaled curvature")
snapshots = {}
for t in range(1, results["RMSProp", 1.0]["steps"] + 1):
    loss = run_steps(rms, params, x, y, 1)[0]
    if t in (3, 100, 200, 300, 400, 450, 480, 500, 505, 510, 520, 600):
        rates, hessian = effective_rates(rms), hessian_matrix(params, x, y)
        snapshots[t] = rates, hessian
        print(
            f"  {t:>4} {loss:>10.4g} {rates.median().item():>10.3g}"
            f" {torch.linalg.eigvalsh(hessian)[-1].item():>10.4g}"
            f" {rate_scaled_curvature(rates, hessian):>8.3f}"
        )
print("Scaled curvature with the rates of one step and the Hessian of another:")
for rates_at, hessian_at in ((500, 520), (520, 500)):
    swapped = rate_scaled_curvature(snapshots[rates_at][0], snapshots[hessian_at][1])
    print(
        f"  rates after step {rates_at}, Hessian after step {hessian_at}: {swapped:.3f}"
    )

# %% [markdown]
# The median effective rate grows from 0.00541 at step 3 to 0.0658 at step 500, and the
# scaled curvature passes 2 between steps 400 and 450. The largest step has been growing
# since its low point at step 206 (0.00147): by 0.5% per step up to step 400, about the
# factor $1/\sqrt{\alpha}$, and by 0.4% per step from 400 to 450, around the crossing.
# After the crossing it grows much faster: by 2.3% per step from step 450 to 500 and by
# 63.0% per step from 500 to 510 (0.0149 at step 500, 0.215 at step 505, 1.98 at step
# 510), and the loss spikes to 66.2 at step 510. The spike does not end because the rates
# drop (the median keeps growing); it ends because the weights land in a flatter region:
# the Hessian's largest eigenvalue falls from 216.5 at step 500 to 56.61 at step 520,
# which brings the scaled curvature back to 0.904. The swap in the last two lines
# separates the two: the newer, larger rates of step 520 with the older Hessian of step
# 500 would still give 2.846, above 2, while the older rates of step 500 with the Hessian
# of step 520 give 0.849. RMSProp then reaches the target at step 655.
#
# **Adam.** Its steps are about $\eta$ only at the start (1 at step 1, 0.417 by step 10)
# and then shrink, apart from one smaller burst at step 143 (largest step 0.272, the bump
# in the figure): by step 300 the largest is below $10^{-4}$, and the loss sits at
# 0.7793. Adam did not keep oscillating; it stopped. The hidden layer at the end shows
# why:

# %%
adam = results["Adam", 1.0]
hidden = hidden_activations(adam["params"], x).detach()
print("Adam, lr 1.0, after 1,000 steps. Hidden activations (samples x units):")
print(hidden.numpy().round(3))
print("dead units (zero on all 5 samples):", dead_units(adam["params"], x).tolist())
print("samples on which each unit is active:", (hidden > 0).sum(dim=0).tolist())
# The best the output layer can do with these activations: least squares on [h, 1].
features = torch.cat([hidden, torch.ones(5, 1)], dim=1).double()
fit = torch.linalg.lstsq(features, y.double()).solution
best = ((features @ fit - y.double()) ** 2).mean().item()
print(
    f"final loss {adam['losses'][-1]:.4f}; best loss with these activations {best:.4f}"
)
late = adam["losses"][299:]
rises = [(b - a) / a for a, b in zip(late, late[1:]) if b > a]
print(f"after step 300: largest step {max(adam['largest_steps'][299:]):.1e},")
print(f"  {len(rises)} rises, the largest a relative change of {max(rises):.1e}")
losses = adam["losses"]
tolerant = [t + 1 for t in range(1, len(losses)) if increases(losses[t - 1 : t + 1])]
print(
    f"rises above the 1e-6 tolerance: {len(tolerant)}, the last at step {tolerant[-1]}"
)
print(f"float32 resolution (machine epsilon): {torch.finfo(torch.float32).eps:.1e}")
replay = clone_parameters(params0)
replay_opt = Adam(list(replay.values()), lr=1.0)
dead_after = {}
for t in range(1, 301):
    run_steps(replay_opt, replay, x, y, 1)
    dead_after[t] = dead_units(replay, x).sum().item()
print("dead units after steps 1 to 10:", [dead_after[t] for t in range(1, 11)])
print("dead units after steps 50, 100, 300:", [dead_after[t] for t in (50, 100, 300)])

# %% [markdown]
# Unit 2 outputs zero on every sample: it is **dead**, and since its output is zero for
# every sample, no sample sends it a gradient. Units 1 and 3 are each active on one sample
# only. With this pattern the network can fit those two samples exactly and give the other
# three one constant, their mean; that is the best loss the output layer can reach with
# these activations, 0.7793, and it is exactly where Adam stopped. So lr 1.0 did not make
# Adam oscillate: it converged inside a flat region whose loss is far above the target.
#
# The units died while the steps were large: a first unit is dead after step 4, two after
# step 5 (last two lines above). A dead unit's weights get no gradient, but Adam's
# momentum still moves them for a while, which is how the number of dead units can drop
# again. One unit is dead after steps 50, 100 and 300, and at the end.
#
# The rise count agrees. Of the 308 rises counted without a tolerance, 162 come after step
# 300, and none of those is larger than a relative change of 1.5e-07, about one float32
# machine epsilon (1.2e-07): rounding noise on a flat loss. The 126 rises above the
# tolerance all come by step 259, while Adam was still settling.

# %% [markdown]
# ### Exercises

# %% [markdown]
# :::{exercise}
# :label: q4-adam-bias-correction
# Adam's averages $m$ and $v$ start at zero, so in the first steps they are too small, and
# the bias correction divides them by $1-\beta_1^t$ and $1-\beta_2^t$. Without it, are the
# first steps too small or too large? Write `AdamNoBiasCorrection`, with Adam's signature
# (`params, lr, betas=(0.9, 0.999), eps=1e-8`) and the step
# $\theta_t = \theta_{t-1} - \eta\, m_t / (\sqrt{v_t} + \epsilon)$. Run it from draw 0 at
# lr 0.01 for 20 steps and store in `uncorrected_step_sizes` the largest change of any
# weight at each step, in units of $\eta$ (a list of 20 floats; `train` records the
# changes). Predict the first one from the formulas before you run it.
# :::

# %% [markdown]
# :::{solution-start} q4-adam-bias-correction
# :class: dropdown
# :::


# %%
class AdamNoBiasCorrection(Adam):
    """Adam without the bias correction: p = p - lr m / (sqrt(v) + eps)."""

    def update(self, p, g, state):
        m = state.setdefault("m", torch.zeros_like(p))
        v = state.setdefault("v", torch.zeros_like(p))
        m.lerp_(g, 1 - self.beta1)  # m = b1 m + (1 - b1) g
        v.mul_(self.beta2).addcmul_(g, g, value=1 - self.beta2)  # (1 - b2) g^2
        p.addcdiv_(m, v.sqrt() + self.eps, value=-self.lr)


def bias_factor(t: int, beta1=0.9, beta2=0.999) -> float:
    """How much too large the uncorrected step is at step t."""
    return (1 - beta1**t) / math.sqrt(1 - beta2**t)


uncorrected_run = train(AdamNoBiasCorrection, 0.01, params0, x, y, 20)
uncorrected_step_sizes = [s / 0.01 for s in uncorrected_run["largest_steps"]]
corrected_run = train(OPTIMIZERS["Adam"], 0.01, params0, x, y, 20)
print("lr 0.01, draw 0: the largest change of a weight at step t, in units of")
print("  lr; the factor (1 - beta1^t) / sqrt(1 - beta2^t)")
print("   t  uncorrected  corrected  factor")
for t in (1, 2, 5, 10, 15, 20):
    corrected = corrected_run["largest_steps"][t - 1] / 0.01
    print(
        f"  {t:>2} {uncorrected_step_sizes[t - 1]:>12.3f}"
        f" {corrected:>10.3f} {bias_factor(t):>7.3f}"
    )
bias_peak = max(range(1, 3001), key=bias_factor)
print(f"the factor peaks at step {bias_peak}, at {bias_factor(bias_peak):.3f};")
print(f"  step 100: {bias_factor(100):.3f}; step 1000: {bias_factor(1000):.3f}")

print("\nThe learning-rate grid from draw 0: Adam | without bias correction")
for grid_lr in LEARNING_RATES:
    adam_run = results["Adam", grid_lr]
    grid_run = train(AdamNoBiasCorrection, grid_lr, params0, x, y, MAX_STEPS)
    grid_dead = dead_units(grid_run["params"], x).sum().item()
    print(
        f"  lr {grid_lr:<6} {describe(adam_run):<30}"
        f" | {describe(grid_run)}, dead units {grid_dead}"
    )
print(f"its final loss at lr 1.0: {grid_run['losses'][-1]:.3f};")
print(f"the loss of predicting mean(y): {y.var(correction=0):.3f}")

# %% [markdown]
# Too large. After one step $m_1 = (1-\beta_1) g_1$ and $v_1 = (1-\beta_2) g_1^2$, so
# every weight with a nonzero gradient moves by $\eta(1-\beta_1)/\sqrt{1-\beta_2}$,
# 3.162 times $\eta$, whatever its gradient, where the corrected Adam moves it by exactly
# $\eta$. Both averages are too small, but $v$ far more ($1-\beta_2 = 0.001$ against
# $1-\beta_1 = 0.1$), and $v$ sits under a square root in the denominator, so the
# uncorrected step is too large by the factor $(1-\beta_1^t)/\sqrt{1-\beta_2^t}$. The
# measured steps follow it (6.757 times $\eta$ at step 10, where the factor is 6.528;
# they differ a little because the gradients change from step to step). The factor peaks
# at 6.569 at step 12 and then falls only as fast as $\beta_2^t$ fades: it is still
# 3.241 at step 100 and 1.258 at step 1,000.
#
# Leaving out the correction is therefore like multiplying the rate by up to 6.569
# during the first few hundred steps. From draw 0 that makes Adam faster at the small
# rates (278 steps instead of 851 at lr 0.001, 29 instead of 98 at lr 0.01), but at lr
# 1.0 it ends with all three hidden units dead: the network outputs a constant, and its
# loss is that of predicting the mean, 1.665. RMSProp, which has no $m$, meets the same
# bias in $v$ alone: its first step is $\eta/\sqrt{1-\alpha}$, ten times $\eta$, as
# shown above.

# %% [markdown]
# :::{solution-end}
# :::

# %% [markdown]
# ## One draw, or a pattern? Ten initial draws
#
# Everything above comes from one set of initial weights. The cell below repeats the whole
# grid for 10 draws (seeds 0 to 9; draw 0 is the one above). It trains the 10 networks at
# once, stacked along a leading axis: every update rule acts weight by weight, and each
# network's loss depends only on its own weights, so the stacked run is 10 independent
# runs (the first line of its output compares draw 0 with the grid above). For each
# optimizer and rate the table gives how many draws reached the target, with the median
# number of steps of those that did; how many diverged; and how many ended (converged or
# not) with at least one dead hidden unit.


# %% tags=["definitions"]
# tests/test_q4_optimizers.py runs this cell on its own, so it imports what it uses.
from typing import NamedTuple

import torch


def stack_draws(n_draws: int, n_features: int = 4) -> dict[str, torch.Tensor]:
    """Initial weights of draws 0..n_draws-1, stacked along a new leading axis."""
    draws = [init_parameters(n_features, seed=s) for s in range(n_draws)]
    stacked = {k: torch.stack([d[k].detach() for d in draws]) for k in draws[0]}
    # biases get a sample axis, so that x @ W + b broadcasts per draw
    return {
        k: v.unsqueeze(1) if k.startswith("bias") else v for k, v in stacked.items()
    }


class DrawOutcome(NamedTuple):
    """How one draw's run ended, at the step where it stopped."""

    status: str  # "converged", "diverged" or "did not converge"
    steps: int
    loss: float  # the loss before the last step
    dead: int  # dead hidden units after it
    moved: float  # largest |weight - its initial value| after it


def train_draws(make_optimizer, lr: float, stacked: dict, x, y, max_steps: int):
    """train() for every draw at once; returns one DrawOutcome per draw."""
    params = clone_parameters(stacked)
    opt = make_optimizer(list(params.values()), lr)
    outcome = [None] * len(params["weights_1"])

    def ending(i: int, status: str, step: int, loss: float) -> DrawOutcome:
        dead = dead_units(params, x)[i].sum().item()
        moved = max((params[k][i] - stacked[k][i]).abs().max().item() for k in params)
        return DrawOutcome(status, step, loss, dead, moved)

    for step in range(1, max_steps + 1):
        opt.zero_grad()
        per_draw = ((forward(params, x) - y) ** 2).mean(dim=(1, 2))
        per_draw.sum().backward()
        opt.step()
        losses = per_draw.tolist()
        for i, loss in enumerate(losses):
            if outcome[i] is None and not TARGET <= loss <= DIVERGED_ABOVE:
                status = "converged" if loss < TARGET else "diverged"  # NaN: diverged
                outcome[i] = ending(i, status, step, loss)
        if all(outcome):
            return outcome
    return [
        o or ending(i, "did not converge", max_steps, loss)
        for i, (o, loss) in enumerate(zip(outcome, losses))
    ]


# %%
stacked = stack_draws(N_DRAWS)
draws = {
    (name, lr): train_draws(make, lr, stacked, x, y, MAX_STEPS)
    for name, make in OPTIMIZERS.items()
    for lr in LEARNING_RATES
}
same = all(
    draws[key][0][:2] == (results[key]["status"], results[key]["steps"])
    for key in draws
)
print(f"draw 0 of the stacked runs = the grid above (status and steps): {same}\n")


def reached(name: str, lr: float) -> list[bool]:
    return [o.status == "converged" for o in draws[name, lr]]


def summary(name: str, lr: float) -> str:
    runs = draws[name, lr]
    steps = [o.steps for o in runs if o.status == "converged"]
    median = f"({statistics.median(steps):g})" if steps else "(-)"
    diverged = sum(o.status == "diverged" for o in runs)
    dead = sum(o.status != "diverged" and o.dead > 0 for o in runs)
    return f"{len(steps)} {median} / {diverged} / {dead}"


print_table(
    f"Out of {N_DRAWS} draws: reached loss < {TARGET} (median steps of those)"
    " / diverged / ended with a dead unit",
    summary,
)


def steps_per_draw(name: str, lr: float) -> list:
    return [o.steps if o.status == "converged" else "-" for o in draws[name, lr]]


print("steps per draw, SGD at lr 0.01:     ", steps_per_draw("SGD", 0.01))
print("steps per draw, momentum at lr 0.001:", steps_per_draw("Momentum", 0.001))
stuck = [
    (round(o.loss, 3), o.dead) for o in draws["Adam", 1.0] if o.status != "converged"
]
print(
    f"Adam at lr 1.0, the {len(stuck)} draws that did not converge: (loss, dead units)"
)
print(" ", stuck)


# %% [markdown]
# The table answers two different questions, and they have different answers:
#
# - *How fast, when it works?* Among the runs that reach the target, lr 0.1 needs the
#   fewest steps for every optimizer: medians of 42 (SGD), 19.5 (momentum), 23.5
#   (RMSProp) and 35 (Adam), against 393, 49, 126.5 and 280 at lr 0.01.
# - *How often does it work?* lr 0.1 fails from many draws: momentum reaches the target
#   at lr 0.1 from only 2 draws, and 9 of its 10 lr 0.1 runs end with a dead unit.
#
# Whether a smaller rate is *more reliable* than lr 0.1 is a comparison of the same draws
# at two rates, so the next cell pairs them draw by draw. A draw that reaches the target
# at both rates, or at neither, says nothing about which rate is more reliable; only the
# draws where the two rates disagree do, and with so few of them a sign test tells
# whether the split could be chance. The cell also lists, for each draw, each optimizer's
# fastest rate and the order of the optimizers at their fastest.


# %%
def fastest(name: str, draw: int) -> tuple[int, float] | None:
    """(steps, lr) of the optimizer's fastest rate from this draw; None if none."""
    runs = [
        (draws[name, lr][draw].steps, lr)
        for lr in LEARNING_RATES
        if draws[name, lr][draw].status == "converged"
    ]
    return min(runs) if runs else None


def sign_test(a: int, b: int) -> float:
    """Two-sided exact sign test: the chance of a split at least this uneven."""
    n = a + b
    tail = sum(math.comb(n, i) for i in range(max(a, b), n + 1))
    return min(1.0, 2 * tail / 2**n)


print("Each optimizer's fastest rate from each draw (steps); '-': no rate reached 0.1")
print(f"{'draw':<6}" + "".join(f"{name:<13}" for name in OPTIMIZERS) + "fastest first")
for d in range(N_DRAWS):
    best = {name: fastest(name, d) for name in OPTIMIZERS}
    row = "".join(f"{f'{b[1]} ({b[0]})' if b else '-':<13}" for b in best.values())
    ranking = sorted((n for n in best if best[n]), key=lambda n: best[n][0])
    print(f"{d:<6}{row}{', '.join(ranking) or '-'}")

print("\nWhere lr 0.1 reaches the target, is it the optimizer's fastest rate?")
for name in OPTIMIZERS:
    at_01 = [d for d in range(N_DRAWS) if reached(name, 0.1)[d]]
    fastest_there = sum(fastest(name, d)[1] == 0.1 for d in at_01)
    print(f"  {name:<9} fastest in {fastest_there} of the {len(at_01)} draws")

print("\nlr 0.1 against the rate that reaches the target most often, draw by draw:")
print(
    f"{'':<10}{'rate':>6}{'both':>6}{'neither':>9}{'only rate':>11}{'only 0.1':>10}  p"
)
for name in OPTIMIZERS:
    reliable = max(LEARNING_RATES, key=lambda lr: sum(reached(name, lr)))
    pairs = list(zip(reached(name, reliable), reached(name, 0.1)))
    only_rate, only_01 = pairs.count((True, False)), pairs.count((False, True))
    print(
        f"{name:<10}{reliable:>6}{pairs.count((True, True)):>6}"
        f"{pairs.count((False, False)):>9}{only_rate:>11}{only_01:>10}"
        f"  {sign_test(only_rate, only_01):.3f}"
    )

# %% [markdown]
# When lr 0.1 reaches the target it is almost always the fastest rate: in every such draw
# for SGD (8 of 8), momentum (2 of 2) and RMSProp (4 of 4), and in 4 of 5 for Adam (from
# draw 6 Adam is faster at lr 1.0). The claim that a smaller rate is more reliable holds
# clearly only for momentum: lr 0.001 reaches the target and lr 0.1 does not from 7
# draws, and the reverse happens from none, a split that chance alone gives with
# probability 0.016. For RMSProp (4 to 0) and Adam (3 to 0) the split points the same
# way, but 10 draws are too few to tell it from chance (p = 0.125 and 0.250); for SGD,
# lr 0.01 and lr 0.1 differ on a single draw. The order of the optimizers changes from
# draw to draw too: the fastest is RMSProp from draws 0, 1 and 6, plain SGD from draws 2,
# 3, 4 and 7, and Adam from draws 5 and 8; momentum, second from draw 0, is last from
# draws 6, 7 and 8.
#
# **Why RMSProp and Adam crawl at lr 0.001.** At lr 0.001 they reach the target from only
# 2 draws each, momentum from 9. Their steps stay near $\eta$: a gradient
# divided by its own running root mean square moves each weight by a bounded multiple of
# $\eta$ per step (for RMSProp at most $\eta/\sqrt{1-\alpha} = 10\eta$), and in
# practice by about $\eta$, so 1,000 steps carry a weight a distance of the order of
# $1000\,\eta = 1$. Plain SGD crawls too: its gradients here are of order 1, so its
# steps are also about $\eta$; what separates momentum is that its velocity adds up many
# gradients. The next cell measures the step sizes
# from draw 0, and how far each run carried its weights:

# %%
print("Draw 0 at lr 0.001: the largest change of a weight per step, in units of lr")
for name in OPTIMIZERS:
    steps = results[name, 0.001]["largest_steps"]
    print(
        f"  {name:<9} median {statistics.median(steps) / 0.001:5.2f},"
        f" largest {max(steps) / 0.001:6.2f}"
    )
print("\nLargest |weight - its initial value| when the run stopped, over the draws:")
print(f"{'':<10}{'lr 0.001, all runs':>20}{'lr 0.01, runs that reached 0.1':>33}")
for name in OPTIMIZERS:
    slow = [o.moved for o in draws[name, 0.001]]
    fast = [o.moved for o in draws[name, 0.01] if o.status == "converged"]
    print(
        f"{name:<10}{min(slow):>12.2f} to {max(slow):.2f}"
        f"{min(fast):>21.2f} to {max(fast):.2f}"
    )
print("\nDraws that reach 0.1 at lr 0.01 but not at lr 0.001: did the lr 0.01 run")
print("carry its weights farther than the whole lr 0.001 run did?")
for name in ("RMSProp", "Adam"):
    pairs = [
        (slow.moved, fast.moved)
        for slow, fast in zip(draws[name, 0.001], draws[name, 0.01])
        if fast.status == "converged" and slow.status != "converged"
    ]
    farther = sum(f > s for s, f in pairs)
    print(f"  {name:<9} farther in {farther} of {len(pairs)} draws")

# %% [markdown]
# From draw 0, Adam's and RMSProp's median step at lr 0.001 is 1.65 and 1.43 times
# $\eta$; Adam's largest is 1.95 times, and RMSProp's largest, 10.00 times, is its first
# step (no bias correction), after which its steps shrink towards $\eta$. The largest
# distance any weight moved from its start was 0.58 to 1.19 (Adam) and 0.61 to 1.05
# (RMSProp), depending on the draw, while the runs that reached the target at lr 0.01
# had moved some weight by 0.72 to 2.43 (Adam) and 0.71 to 2.08 (RMSProp); in each of
# the 6 draws where lr 0.01 reached the target and lr 0.001 did not, the lr 0.01 run went
# farther. Momentum's velocity adds up many gradients, so its steps are larger (median
# 3.24 times $\eta$ from draw 0) and its weights travel as far at lr 0.001 (0.92 to 2.52)
# as the successful lr 0.01 runs of the others. Plain SGD's step is $\eta$ times the
# gradient, and it crawls for the same reason at lr 0.001 (0.61 to 1.79).
#
# What else holds across draws:
#
# - **Holds:** plain SGD at lr 0.001 reaches the target from no draw; SGD at lr 1.0
#   diverges from 9 of 10 draws and momentum at lr 1.0 from all 10; RMSProp and Adam never
#   diverge. Momentum at lr 0.001 and SGD at lr 0.01 reach the target from the same 9
#   draws, in similar numbers of steps draw by draw (medians 418 and 393): the "ten times
#   the rate" reading holds at these small rates.
# - **Dead units come with large steps.** The number of runs that end with a dead unit
#   rises with the rate: for momentum from 3 to 9 between lr 0.001 and lr 0.1, for
#   RMSProp from 3 to 9 and for Adam from 1 to 9 between lr 0.001 and lr 1.0. Adam at
#   lr 1.0 reaches the target from 1 draw; each of the other 9 ends with a dead unit, and
#   6 of them with all three units dead: the network then outputs a constant, and its
#   loss is stuck at 1.665, the loss of predicting the mean of $y$. A smaller rate, a
#   warm-up of the rate or a wider hidden layer would possibly lose fewer units; we have
#   not tested these.

# %% [markdown]
# ## The answer sheet's code, run
#
# The cell below is the answer sheet's model, optimizers and `train()` with its bugs kept
# (the corrections box at the top lists them). Only what does not run is repaired
# (`10F-4` as `10e-4`), and it uses our data, our initial weights and our per-unit
# `bias_1`, so that its runs compare with ours. Its momentum coefficient is not in the
# text; 0.9 is our choice. Note where the state lists are created: once, in `__init__`.

# %% tags=["definitions"]
# tests/test_q4_optimizers.py runs this cell on its own, so it imports what it uses.
import torch

SHEET_MOMENTUM = 0.9


def sheet_sgd(a, lr, moms, rmss):
    a.data -= lr * a.grad
    a.grad = None


def sheet_momentum(a, lr, moms, rmss):
    mom = SHEET_MOMENTUM * moms[-1] + lr * a.grad  # v = mu v + lr g
    moms.append(mom)
    a.data -= mom  # p = p - v
    a.grad = None


class SheetModel:
    LRS = [10e-4, 10e-3, 10e-2, 10e-1]  # the sheet's `10F-4, ...`

    def __init__(self, x, y, params):
        self.x, self.y = x, y
        p = clone_parameters(params)
        self.weights_1, self.bias_1 = p["weights_1"], p["bias_1"]
        self.weights_2, self.bias_2 = p["weights_2"], p["bias_2"]
        self.moms_w1, self.moms_b1, self.moms_w2, self.moms_b2 = [0], [0], [0], [0]
        self.RMSs_w1, self.RMSs_b1, self.RMSs_w2, self.RMSs_b2 = [0], [0], [0], [0]

    def _nn(self, xb):
        l1 = torch.relu(xb @ self.weights_1 + self.bias_1)
        return l1 @ self.weights_2 + self.bias_2

    def train(self, optimizer, lrs=LRS):
        runs, all_losses = [], []  # `runs` is ours: each rate's losses, for printing
        for lr in lrs:
            losses = []
            while len(losses) == 0 or losses[-1] > 0.1 and len(losses) < 1000:
                loss = mse(self._nn(self.x), self.y)
                loss.backward()
                optimizer(self.weights_1, lr, self.moms_w1, self.RMSs_w1)
                optimizer(self.weights_2, lr, self.moms_b1, self.RMSs_b1)
                optimizer(self.bias_1, lr, self.moms_b2, self.RMSs_b2)
                losses.append(loss.item())
                all_losses.append(losses)
            runs.append(losses)
        return runs, all_losses


# %% [markdown]
# First the sheet's `train(SGD)`: one model, the four rates in turn.

# %%
sheet = SheetModel(x, y, params0)
sheet_runs, sheet_all_losses = sheet.train(sheet_sgd)
print("The answer sheet's train(sheet_sgd):")
for lr, losses in zip(SheetModel.LRS, sheet_runs):
    print(
        f"  lr {lr:<6} {len(losses):>5} steps, first loss {losses[0]:.4f},"
        f" last loss {losses[-1]:.4f}"
    )
print(f"a fresh start would begin each rate at loss {mse(forward(params0, x), y):.4f}")
print(
    "bias_2 after training equals its initial value:",
    torch.equal(sheet.bias_2, params0["bias_2"]),
)
print(
    f"len(all_losses) = {len(sheet_all_losses)}: one entry per step,"
    f" not one list per rate ({len(SheetModel.LRS)})"
)
above = [t for t, v in enumerate(results["SGD", 1.0]["losses"], 1) if v > 30]
print(
    "our SGD at lr 1.0 (fresh start): losses above the sheet's y limit 30"
    f" at steps {above}"
)

# %% [markdown]
# Each rate starts from the previous rate's end: only the lr 0.001 run starts at the
# initial loss. Its 1,000 steps leave the loss at 2.4175 (ours, with `bias_2` trained,
# reaches 1.19 in the grid above), the lr 0.01 run finishes the job in 243 steps, and the
# lr 0.1 and lr 1.0 runs take a single step each, because their first loss is already
# below 0.1. On this data, then, the sheet's lr 1.0 panel could not show SGD diverging,
# and its panels do not compare the rates. `bias_2` has not moved. Even a fresh lr 1.0
# run would not show the divergence well on the sheet's axes, which end at a loss of 30:
# our SGD's losses at lr 1.0 pass 30 from step 3 on (last line).
#
# Now the sheet's momentum at one rate, started fresh, next to our `Momentum` (PyTorch's
# form) applied to the same three parameters, with `bias_2` left frozen as the sheet
# leaves it:

# %%
sheet_m = SheetModel(x, y, params0)
(sheet_m_losses,), _ = sheet_m.train(sheet_momentum, lrs=[0.001])
ours = clone_parameters(params0)
three = [ours["weights_1"], ours["weights_2"], ours["bias_1"]]
run_steps(
    Momentum(three, lr=0.001, momentum=SHEET_MOMENTUM), ours, x, y, len(sheet_m_losses)
)
gap = max((ours[k] - getattr(sheet_m, k)).abs().max().item() for k in ours)
print(
    f"the sheet's momentum at lr 0.001 (bias_2 frozen) reached loss < 0.1 in"
    f" {len(sheet_m_losses)} steps"
)
sheet_runs, _ = SheetModel(x, y, params0).train(sheet_momentum)
print(
    "the sheet's train(sheet_momentum), the four rates in turn: steps",
    [len(losses) for losses in sheet_runs],
)

# %%
# NBVAL_CHECK_OUTPUT
# nbval compares this output with the stored one: shapes, booleans, a coarse tolerance.
print("What each of the sheet's momentum lists holds after the run:")
for name in ("moms_w1", "moms_b1", "moms_w2", "moms_b2"):
    moms = getattr(sheet_m, name)
    held = f"velocities of shape {tuple(moms[-1].shape)}" if len(moms) > 1 else "[0]"
    print(f"  {name}: {held}")
print(
    "shapes of weights_2 and bias_1:",
    tuple(ours["weights_2"].shape),
    tuple(ours["bias_1"].shape),
)
print("bias_2 unchanged:", torch.equal(sheet_m.bias_2, params0["bias_2"]))
print("sheet's trajectory = ours with bias_2 frozen (max |diff| < 1e-4):", gap < 1e-4)

# %% [markdown]
# `moms_b1` holds velocities shaped like `weights_2`, `moms_b2` velocities shaped like
# `bias_1`, and `moms_w2` is never touched: the names are mixed up, the velocities are not,
# since each list still belongs to exactly one parameter. That is why the sheet's
# trajectory equals ours with `bias_2` frozen, which also confirms that the reconstructed
# sheet's $v = \mu v + \eta g$ is PyTorch's momentum at a constant rate. The damage is
# done by the frozen `bias_2` (here it happens to cost nothing: 353 steps to the target,
# against 425 for our momentum with all four parameters trained, in the grid above; in
# the SGD run it left the loss at 2.4175 instead of 1.19) and by the state and weights
# carried from rate to rate: run over the four rates in turn, the sheet's momentum takes
# 353 steps at lr 0.001 and then a single step at each larger rate. We fix all of it the
# simple way: every run starts from the same initial weights with a new optimizer, and
# each parameter owns its state.
#
# The sheet's own momentum figure does not match this replay: its four panels' step axes
# run to about 60, 20, 15 and 1,000, so there every rate took many steps. Its data and
# initial weights are not in the text, so we cannot tell what produced that figure; what
# the code as printed guarantees is only that each rate starts where the previous one
# ended.
#
# Two more statements of the sheet are worth correcting with a cell. It says that
# `requires_grad_()` makes a tensor "not track gradients"; the opposite is true:

# %%
weights = torch.randn(3)
print("torch.randn(3).requires_grad:", weights.requires_grad)
weights.requires_grad_()
print("after .requires_grad_():", weights.requires_grad)
(weights**2).sum().backward()
print("after backward(), .grad is filled:", weights.grad is not None)

# %% [markdown]
# It also describes the `RMSs` lists as computing "the accuracy and error of the
# prediction". In RMSProp and Adam (the `RMSProp` and `Adam` classes above) that state is
# a running mean of the **squared gradient**, $s$ or $v$, built from the gradients alone:
# it measures how large each weight's recent gradients have been and scales that weight's
# step, and it says nothing directly about the prediction's accuracy.

# %% [markdown]
# :::{admonition} Takeaways
# :class: tip
# - An optimizer is a few lines of state and arithmetic per parameter; the difficult part
#   is bookkeeping (every parameter updated, a fresh start for every run), which is where
#   the original code went wrong: `bias_2` was never updated, and each rate started where
#   the previous one ended. Its mislabelled state lists, by contrast, mixed nothing.
# - Checking a hand-written optimizer against `torch.optim` step by step is a strong test:
#   a wrong constant, sign, first step or bias correction shows up at once. A tolerance
#   as tight as $10^{-6}$ also needs PyTorch's order of floating-point operations (the
#   appendix's textbook-order RMSProp drifts to 2.0e-05); otherwise choose the tolerance
#   with the trajectory's sensitivity in mind.
# - Gradient descent is stable near a minimum only while $\eta\lambda_{\max} < 2$.
#   Measuring $\lambda_{\max}$ (0.179 is the bound at this problem's start) explains why
#   SGD and momentum blow up at lr 1.0, and the same criterion with per-weight rates
#   explains RMSProp's late spike.
# - RMSProp and Adam rescale each step by the gradient's running magnitude, so a large rate
#   did not make them diverge here (RMSProp's loss jumped to 149,326 and recovered); but
#   their steps are not simply "about $\eta$" (RMSProp's first is $10\eta$, and both
#   shrink while the remembered gradients are large), large early steps can leave ReLU
#   units dead, receiving no gradient, and at a small rate their steps of about $\eta$
#   make them crawl, as plain SGD's do here.
# - One initial draw is an anecdote. The order of the optimizers changed from draw to
#   draw, and lr 0.1, almost always the fastest rate when it worked, failed from many
#   draws; SGD's
#   crawl at lr 0.001 and SGD's and momentum's divergence at lr 1.0 held for 9 or 10 of
#   the 10 draws.
# :::

# %% [markdown]
# ### Exercises

# %% [markdown]
# :::{exercise}
# :label: q4-sheet-stop-rule
# Give the sheet's lr 1.0 run the fresh start it lacked,
# `SheetModel(x, y, params0).train(sheet_sgd, lrs=[1.0])`, and store the number of steps
# its loop takes in `sheet_fresh_steps` and its last loss in `sheet_fresh_last_loss`.
# Why does the loop stop there, and what would a reader who counts steps conclude? Then
# write a function `run_outcome(losses)` that says how a run ended from its list of
# losses (the loss before each step, as `train` records them): `"converged"` if the last
# loss is below 0.1, `"diverged"` if it is infinite, NaN or above $10^6$, and
# `"did not converge"` otherwise.
# :::

# %% [markdown]
# :::{solution-start} q4-sheet-stop-rule
# :class: dropdown
# :::


# %%
(sheet_fresh_losses,), _ = SheetModel(x, y, params0).train(sheet_sgd, lrs=[1.0])
sheet_fresh_steps = len(sheet_fresh_losses)
sheet_fresh_last_loss = sheet_fresh_losses[-1]
print(f"the sheet's SGD at lr 1.0, fresh start: {sheet_fresh_steps} steps;")
print("its losses:")
print(" ", [float(f"{v:.3g}") for v in sheet_fresh_losses])
print("nan > 0.1:", math.nan > 0.1, "| nan < 0.1:", math.nan < 0.1)
print("inf > 0.1:", math.inf > 0.1)


def run_outcome(losses: list[float]) -> str:
    """How a run ended, from the loss before each step. The bad cases come
    first, since every comparison with NaN is False."""
    last = losses[-1]
    if not math.isfinite(last) or last > DIVERGED_ABOVE:
        return "diverged"
    return "converged" if last < TARGET else "did not converge"


print("run_outcome of the sheet's fresh run:", run_outcome(sheet_fresh_losses))
for name_of_run, run_losses in (
    ("SGD, lr 0.1", results["SGD", 0.1]["losses"]),
    ("SGD, lr 0.001", results["SGD", 0.001]["losses"]),
    ("SGD, lr 1.0", results["SGD", 1.0]["losses"]),
):
    print(f"run_outcome of our {name_of_run}: {run_outcome(run_losses)}")

# %% [markdown]
# The loop stops after 7 steps, with a loss of NaN: the loss grows to 4.27e+23, then
# overflows float32 to infinity, and the next step turns infinity into NaN. It stops
# because every comparison with NaN is False: the loop's condition, "the last loss is
# above 0.1", is False for a NaN exactly as for a loss below 0.1. (Infinity still
# compares, so the infinite loss bought one more step.) A reader who counts steps sees
# lr 1.0 "finish" in 7 steps, as if it were the fastest rate, where it diverged. A
# stopping rule has to test the bad case first and record how the run ended, as `train`
# does with its `status`; the number of steps alone cannot tell a converged run from a
# diverged one.

# %% [markdown]
# :::{solution-end}
# :::

# %% [markdown]
# ## Appendix: rounding drift, and refused arguments
#
# The check against `torch.optim` passed with a tolerance of $10^{-6}$ because our updates
# repeat PyTorch's operations in PyTorch's order. The same rules written in textbook
# order, one operation after another, are just as correct, but float32 rounding depends
# on the order of the operations, and a last-bit difference can grow along the
# trajectory. The next cell prints each rule's drift from PyTorch on the machine that
# built this page:


# %%
class TextbookSGD(SGD):
    def update(self, p, g, state):
        p -= self.lr * g


class TextbookMomentum(Momentum):
    def update(self, p, g, state):
        v = state.setdefault("velocity", torch.zeros_like(p))
        v.mul_(self.momentum).add_(g)
        p -= self.lr * v


class TextbookRMSProp(RMSProp):
    def update(self, p, g, state):
        s = state.setdefault("mean_square", torch.zeros_like(p))
        s.mul_(self.alpha).add_((1 - self.alpha) * g * g)
        p -= self.lr * g / (s.sqrt() + self.eps)


class TextbookAdam(Adam):
    def update(self, p, g, state):
        m = state.setdefault("m", torch.zeros_like(p))
        v = state.setdefault("v", torch.zeros_like(p))
        state["t"] = t = state.get("t", 0) + 1
        m.mul_(self.beta1).add_((1 - self.beta1) * g)
        v.mul_(self.beta2).add_((1 - self.beta2) * g * g)
        m_hat, v_hat = m / (1 - self.beta1**t), v / (1 - self.beta2**t)
        p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)


TEXTBOOK = {
    "SGD": TextbookSGD,
    "Momentum": TextbookMomentum,
    "RMSProp": TextbookRMSProp,
    "Adam": TextbookAdam,
}
print(f"Textbook order vs torch.optim, largest difference over {CHECK_STEPS} steps:")
for name, textbook in TEXTBOOK.items():
    drift, _ = largest_difference(
        lambda p, textbook=textbook: textbook(p, lr=0.01),
        PAIRS_WITH_TORCH[name][1],
        CHECK_STEPS,
    )
    print(f"{name:<9} {drift:.1e}")

# %% [markdown]
# RMSProp's drift, 2.0e-05, is by far the largest: the others stay between 6.0e-08 and
# 6.6e-07. Its first step is not where the drift starts, although RMSProp's first step is
# ten times $\eta$: the next cell follows the two RMSProp runs step by step, and also
# measures how close the run is to the edge of stability, with the scaled curvature of
# the section on RMSProp at lr 1.0 (the per-weight version of $\eta\lambda_{\max}$,
# stable while below 2). Plain SGD's $\eta\lambda_{\max}$ at the same steps is printed
# for comparison.

# %%
ours, theirs = clone_parameters(params0), clone_parameters(params0)
textbook = TextbookRMSProp(list(ours.values()), lr=0.01)
pytorch = PAIRS_WITH_TORCH["RMSProp"][1](list(theirs.values()))
plain = clone_parameters(params0)
plain_sgd = SGD(list(plain.values()), lr=0.01)
print("lr 0.01, step: largest |textbook RMSProp - torch.optim| so far,")
print("  RMSProp's scaled curvature, plain SGD's lr * lambda_max")
worst = 0.0
for t in range(1, CHECK_STEPS + 1):
    run_steps(textbook, ours, x, y, 1)
    run_steps(pytorch, theirs, x, y, 1)
    run_steps(plain_sgd, plain, x, y, 1)
    worst = max(worst, max((ours[k] - theirs[k]).abs().max().item() for k in ours))
    if t in (1, 3, 20, 50, 80, 100, 120, 160, 200):
        rms_curvature = rate_scaled_curvature(
            effective_rates(textbook), hessian_matrix(ours, x, y)
        )
        sgd_curvature = 0.01 * largest_curvature(plain, x, y)
        print(f"  {t:>4} {worst:>9.1e} {rms_curvature:>7.3f} {sgd_curvature:>7.3f}")

# %% [markdown]
# The two RMSProp runs are still bit for bit equal after step 3. (Right after the first
# step the scaled curvature is far above 2, 16.124, because the first mean square is
# only $(1-\alpha) g_1^2$; but two equal runs have no difference to amplify.) From step 3
# to step 80 the scaled curvature is below 2 and the difference grows slowly, to 4.8e-07;
# then the run reaches the edge of stability (2.141 at step 100), and the difference
# jumps to 2.0e-05 by step 120. Above 2, a step stretches small differences along the
# least stable direction instead of shrinking them, and near 2 it barely shrinks them.
# That is possibly why
# RMSProp drifts most here; plain SGD runs far from its edge, with
# $\eta\lambda_{\max}$ about 0.1, and drifts least. Either way the drift stays far below
# anything that matters for training. The lesson is for testing: an "equal to PyTorch"
# test needs either the identical order of operations or a tolerance chosen with the
# trajectory's sensitivity in mind.
#
# Wrong inputs are refused with a message that names the argument:

# %%
for make in (
    lambda: SGD([params0["bias_2"]], lr=0),
    lambda: Momentum([params0["bias_2"]], lr=0.1, momentum=1.0),
    lambda: Adam([params0["bias_2"]], lr=0.1, betas=(0.9, 1.2)),
    lambda: RMSProp([params0["bias_2"]], lr=-1),
):
    try:
        make()
    except ValueError as err:
        print(f"refused with {type(err).__name__}, {err}")
