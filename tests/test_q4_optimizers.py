"""Chapter Q4's own cells: the optimizers against torch.optim, the answer sheet's bugs run,
and the claims of the learning-rate experiment (stability bound, dead ReLU units)."""

import math

import pytest
import torch

from conftest import load_definitions

Q4 = load_definitions("q4_optimizers")

CASES = [
    ("SGD", dict(lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
    (
        "Momentum",
        dict(lr=0.02, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9),
    ),
    (
        "Momentum",
        dict(lr=0.1, momentum=0.5),
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.5),
    ),
    (
        "Momentum",
        dict(lr=0.02, momentum=0.9, dampening=0.5),
        lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9, dampening=0.5),
    ),
    (
        "RMSProp",
        dict(lr=0.01, alpha=0.99, eps=1e-8),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99, eps=1e-8),
    ),
    (
        "RMSProp",
        dict(lr=0.003, alpha=0.9, eps=1e-6),
        lambda p: torch.optim.RMSprop(p, lr=0.003, alpha=0.9, eps=1e-6),
    ),
    ("Adam", dict(lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
    (
        "Adam",
        dict(lr=0.05, betas=(0.8, 0.99), eps=1e-7),
        lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-7),
    ),
]


@pytest.mark.parametrize(
    "name, kwargs, make_torch", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
@pytest.mark.parametrize("seed", [0, 3])
def test_same_trajectory_as_torch_optim(name, kwargs, make_torch, seed):
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(seed + 10))
    y = Q4["generate_fake_labels"](x)
    start = Q4["init_parameters"](4, seed=seed)
    ours, theirs = Q4["clone_parameters"](start), Q4["clone_parameters"](start)
    opt_ours = Q4[name](list(ours.values()), **kwargs)
    opt_torch = make_torch(list(theirs.values()))
    worst = 0.0
    for _ in range(150):
        Q4["run_steps"](opt_ours, ours, x, y, 1)
        Q4["run_steps"](opt_torch, theirs, x, y, 1)
        worst = max(worst, max((ours[k] - theirs[k]).abs().max().item() for k in ours))
    assert worst < 1e-6
    for k in start:  # every parameter moved, bias_2 included (the sheet never moved it)
        assert not torch.equal(ours[k], start[k]), k


def test_each_parameter_keeps_its_own_state():
    a = torch.zeros(2, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    opt = Q4["Momentum"]([a, b], lr=1.0, momentum=0.5)
    a.grad, b.grad = torch.ones(2), 2 * torch.ones(3)
    opt.step()
    a.grad, b.grad = torch.ones(2), 2 * torch.ones(3)
    opt.step()
    assert torch.equal(opt.state[0]["velocity"], torch.full((2,), 1.5))
    assert torch.equal(opt.state[1]["velocity"], torch.full((3,), 3.0))
    assert torch.equal(a.detach(), torch.full((2,), -2.5)) and torch.equal(
        b.detach(), torch.full((3,), -5.0)
    )


def test_adam_first_step_is_lr_in_size():
    p = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = Q4["Adam"]([p], lr=0.1)
    p.grad = torch.tensor([1000.0, -0.001])
    opt.step()
    assert torch.allclose(p.detach(), torch.tensor([0.9, -1.9]), atol=1e-4)


def test_zero_grad_and_missing_gradients():
    p = torch.ones(2, requires_grad=True)
    q = torch.ones(2, requires_grad=True)
    opt = Q4["SGD"]([p, q], lr=0.5)
    p.grad = torch.ones(2)
    opt.step()  # q has no gradient: left alone
    assert torch.equal(p.detach(), torch.full((2,), 0.5)) and torch.equal(
        q.detach(), torch.ones(2)
    )
    opt.zero_grad()
    assert p.grad is None


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda P, p: P["SGD"]([p], lr=0.0), "lr must be a positive number"),
        (lambda P, p: P["SGD"]([p], lr=-0.1), "lr must be a positive number"),
        (lambda P, p: P["SGD"]([p], lr=float("nan")), "lr must be a positive number"),
        (
            lambda P, p: P["Momentum"]([p], lr=0.1, momentum=1.0),
            r"momentum must be in \[0, 1\)",
        ),
        (
            lambda P, p: P["Momentum"]([p], lr=0.1, momentum=-0.1),
            r"momentum must be in \[0, 1\)",
        ),
        (
            lambda P, p: P["RMSProp"]([p], lr=0.1, alpha=1.5),
            r"alpha must be in \[0, 1\)",
        ),
        (
            lambda P, p: P["Adam"]([p], lr=0.1, betas=(1.0, 0.999)),
            r"betas\[0\] must be in \[0, 1\)",
        ),
        (
            lambda P, p: P["Adam"]([p], lr=0.1, betas=(0.9, -0.5)),
            r"betas\[1\] must be in \[0, 1\)",
        ),
        (
            lambda P, p: P["Momentum"]([p], lr=0.1, dampening=1.0),
            r"dampening must be in \[0, 1\)",
        ),
        (lambda P, p: P["Adam"]([p], lr=0.1, eps=0.0), "eps must be positive"),
        (lambda P, p: P["SGD"]([], lr=0.1), "params is empty"),
    ],
)
def test_bad_hyper_parameters_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make(Q4, torch.zeros(1, requires_grad=True))


def test_labels_are_the_stated_linear_combination():
    x = torch.eye(4)
    y = Q4["generate_fake_labels"](x).squeeze(1)
    assert torch.equal(y, Q4["COEFFICIENTS"] + Q4["INTERCEPT"])


def test_labels_are_the_stated_linear_combination_of_the_data():
    x, y = Q4["make_data"]()
    assert x.shape == (5, 4)
    assert torch.equal(y, (x @ Q4["COEFFICIENTS"] + Q4["INTERCEPT"]).unsqueeze(1))


# --- PyTorch's momentum conventions -------------------------------------------------


def test_first_velocity_is_the_undamped_gradient():
    p = torch.zeros(3, requires_grad=True)
    opt = Q4["Momentum"]([p], lr=0.1, momentum=0.9, dampening=0.5)
    g1, g2 = torch.tensor([1.0, -2.0, 4.0]), torch.tensor([2.0, 2.0, -2.0])
    p.grad = g1.clone()
    opt.step()
    assert torch.equal(opt.state[0]["velocity"], g1)  # v_1 = g_1, not (1 - 0.5) g_1
    p.grad = g2.clone()
    opt.step()
    assert torch.allclose(opt.state[0]["velocity"], 0.9 * g1 + 0.5 * g2)


def _sheet_vs_ours(lrs: list[float], steps_per_lr: int) -> float:
    """The sheet's momentum (v = mu v + lr g, p -= v) against ours (PyTorch's form),
    stepping through the given rates; returns the largest parameter difference."""
    x, y = Q4["make_data"]()
    start = Q4["init_parameters"](4, seed=2)
    sheet, ours = Q4["clone_parameters"](start), Q4["clone_parameters"](start)
    moms = {k: [0] for k in sheet}
    opt = Q4["Momentum"](list(ours.values()), lr=lrs[0], momentum=Q4["SHEET_MOMENTUM"])
    for lr in lrs:
        opt.lr = lr
        for _ in range(steps_per_lr):
            Q4["mse"](Q4["forward"](sheet, x), y).backward()
            for k, p in sheet.items():
                Q4["sheet_momentum"](p, lr, moms[k], None)
            Q4["run_steps"](opt, ours, x, y, 1)
    return max((sheet[k] - ours[k]).abs().max().item() for k in sheet)


def test_sheet_momentum_is_pytorchs_at_a_constant_rate_only():
    assert _sheet_vs_ours([0.01], 100) < 1e-5
    # when the rate changes, the sheet's old velocity keeps the old rate: not the same
    assert _sheet_vs_ours([0.01, 0.05], 50) > 1e-3


# --- the answer sheet's code, run ---------------------------------------------------


def test_sheet_state_pairing_freezes_bias_2_and_mislabels_but_does_not_mix():
    x, y = Q4["make_data"]()
    start = Q4["init_parameters"](4, seed=0)
    sheet = Q4["SheetModel"](x, y, start)
    (losses,), all_losses = sheet.train(Q4["sheet_momentum"], lrs=[0.01])
    assert torch.equal(sheet.bias_2, start["bias_2"])  # never updated
    assert len(all_losses) == len(losses) > 1  # one entry per step
    assert sheet.moms_w2 == [0]  # never used
    assert sheet.moms_b1[-1].shape == sheet.weights_2.shape  # weights_2's velocity
    assert sheet.moms_b2[-1].shape == sheet.bias_1.shape  # bias_1's velocity
    # no velocity crosses between parameters: the trajectory is a correct momentum run
    # on the three parameters it updates
    ours = Q4["clone_parameters"](start)
    three = [ours["weights_1"], ours["weights_2"], ours["bias_1"]]
    opt = Q4["Momentum"](three, lr=0.01, momentum=Q4["SHEET_MOMENTUM"])
    Q4["run_steps"](opt, ours, x, y, len(losses))
    for k in ours:
        assert torch.allclose(ours[k], getattr(sheet, k), atol=1e-5), k


def test_sheet_train_starts_each_rate_where_the_previous_ended():
    x, y = Q4["make_data"]()
    start = Q4["init_parameters"](4, seed=0)
    two = Q4["SheetModel"](x, y, start)
    runs, _ = two.train(Q4["sheet_sgd"], lrs=[0.001, 0.01])
    one = Q4["SheetModel"](x, y, start)
    one.train(Q4["sheet_sgd"], lrs=[0.001])
    loss_after_first_rate = Q4["mse"](one._nn(x), y).item()
    fresh = Q4["mse"](Q4["forward"](start, x), y).item()
    assert runs[1][0] == loss_after_first_rate != fresh


# --- counting rises of the loss -----------------------------------------------------


def test_increases_ignores_last_bit_jitter_but_counts_real_rises():
    base = torch.tensor(0.7792566, dtype=torch.float32)
    up = torch.nextafter(base, torch.tensor(1.0))
    jitter = [v.item() for v in (base, up, base, up, up, base)]
    assert Q4["increases"](jitter, rtol=0.0) == 2
    assert Q4["increases"](jitter) == 0
    assert Q4["increases"]([1.0, 0.9, 1.2, 0.8, 0.85]) == 2


# --- the learning-rate experiment's claims (draw 0) ---------------------------------


@pytest.fixture(scope="module")
def data():
    return Q4["make_data"]()


@pytest.fixture(scope="module")
def adam_at_lr_1(data):
    x, y = data
    start = Q4["init_parameters"](4, seed=0)
    return Q4["train"](lambda p, lr: Q4["Adam"](p, lr), 1.0, start, x, y, 1000)


def test_adam_at_lr_1_stops_in_a_dead_relu_pattern(data, adam_at_lr_1):
    x, y = data
    r = adam_at_lr_1
    assert r["status"] == "did not converge"
    assert Q4["dead_units"](r["params"], x).any()
    # the final loss is the best the output layer can do with these activations
    hidden = Q4["hidden_activations"](r["params"], x).detach().double()
    features = torch.cat([hidden, torch.ones(len(x), 1, dtype=torch.float64)], dim=1)
    fit = torch.linalg.lstsq(features, y.double()).solution
    best = ((features @ fit - y.double()) ** 2).mean().item()
    assert abs(r["losses"][-1] - best) < 1e-5
    assert best > Q4["TARGET"]
    # it stopped: tiny steps, and no rise above the tolerance in the second half
    assert max(r["largest_steps"][500:]) < 1e-4
    assert Q4["increases"](r["losses"][500:]) == 0
    assert Q4["increases"](r["losses"][500:], rtol=0.0) > 0  # only rounding rises
    assert r["largest_steps"][0] == pytest.approx(1.0, abs=1e-6)  # first step: lr


def test_rmsprops_first_step_is_lr_over_sqrt_one_minus_alpha():
    p = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    opt = Q4["RMSProp"]([p], lr=0.1, alpha=0.99)
    p.grad = torch.tensor([1000.0, -0.001, 3.0])
    opt.step()
    expected = torch.tensor([1.0 - 1.0, -2.0 + 1.0, 0.5 - 1.0])  # 10 lr per weight
    assert torch.allclose(p.detach(), expected, atol=1e-4)


# --- the stability bound -------------------------------------------------------------


def _quadratic_run(make, curvature: float, steps: int = 400) -> float:
    """|theta| after steps on L = curvature / 2 * theta^2, from theta = 1."""
    theta = torch.ones(1, requires_grad=True)
    opt = make([theta])
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * curvature * theta**2).sum().backward()
        opt.step()
    size = theta.detach().abs().item()
    return size if math.isfinite(size) else math.inf  # overflowed: diverged


@pytest.mark.parametrize("curvature", [0.5, 4.0])
def test_gradient_descent_is_stable_below_two_over_lambda(curvature):
    sgd = Q4["SGD"]
    assert _quadratic_run(lambda p: sgd(p, lr=1.9 / curvature), curvature) < 1e-3
    assert _quadratic_run(lambda p: sgd(p, lr=2.1 / curvature), curvature) > 1e3


@pytest.mark.parametrize("mu", [0.5, 0.9])
def test_momentum_is_stable_below_two_one_plus_mu_over_lambda(mu):
    momentum, curvature = Q4["Momentum"], 3.0
    below, above = 0.95 * 2 * (1 + mu), 1.05 * 2 * (1 + mu)
    run = _quadratic_run
    assert run(lambda p: momentum(p, lr=below / curvature, momentum=mu), curvature) < 1
    assert (
        run(lambda p: momentum(p, lr=above / curvature, momentum=mu), curvature) > 1e3
    )


def test_hessian_matches_finite_differences_of_the_gradient(data):
    x, y = data
    start = Q4["init_parameters"](4, seed=0)
    hessian = Q4["hessian_matrix"](start, x, y)
    assert hessian.shape == (19, 19) and torch.allclose(hessian, hessian.T)
    params = {k: v.detach().double() for k, v in start.items()}
    names, sizes = list(params), [v.numel() for v in params.values()]

    def gradient(flat):
        pieces = dict(zip(names, torch.split(flat, sizes)))
        shaped = {k: pieces[k].reshape(params[k].shape) for k in names}
        shaped = {k: v.requires_grad_() for k, v in shaped.items()}
        loss = Q4["mse"](Q4["forward"](shaped, x.double()), y.double())
        return torch.cat(
            [g.flatten() for g in torch.autograd.grad(loss, list(shaped.values()))]
        )

    flat = torch.cat([v.flatten() for v in params.values()])
    h = 1e-6
    for i in (0, 7, 13, 18):
        step = torch.zeros_like(flat)
        step[i] = h
        column = (gradient(flat + step) - gradient(flat - step)) / (2 * h)
        assert torch.allclose(column, hessian[:, i], atol=1e-5)


def test_sgd_at_lr_1_is_above_the_bound_at_every_step_and_lr_01_below(data):
    x, y = data
    start = Q4["init_parameters"](4, seed=0)
    diverging = Q4["sgd_path_curvature"](start, 1.0, x, y, 1000)
    assert not diverging[-1][1] <= Q4["DIVERGED_ABOVE"]  # it diverged
    assert all(1.0 * lam > 2 for _, _, lam in diverging)
    converging = Q4["sgd_path_curvature"](start, 0.1, x, y, 1000)
    assert converging[-1][1] < Q4["TARGET"]
    assert all(0.1 * lam < 2 for _, _, lam in converging)


# --- ten draws at once ---------------------------------------------------------------


@pytest.mark.parametrize("name, lr", [("SGD", 1.0), ("Momentum", 0.1), ("Adam", 0.1)])
def test_stacked_draws_are_independent_runs(data, name, lr):
    x, y = data
    make = {
        "SGD": lambda p, lr: Q4["SGD"](p, lr),
        "Momentum": lambda p, lr: Q4["Momentum"](p, lr, momentum=0.9),
        "Adam": lambda p, lr: Q4["Adam"](p, lr),
    }[name]
    n, steps = 4, 300
    stacked = Q4["train_draws"](make, lr, Q4["stack_draws"](n), x, y, steps)
    for seed in range(n):
        start = Q4["init_parameters"](4, seed=seed)
        alone = Q4["train"](make, lr, start, x, y, steps)
        outcome = stacked[seed]
        assert (outcome.status, outcome.steps) == (alone["status"], alone["steps"]), (
            seed
        )
        if outcome.status != "diverged":
            dead = Q4["dead_units"](alone["params"], x).sum().item()
            assert outcome.dead == dead, seed
            moved = max(
                (alone["params"][k] - start[k]).abs().max().item() for k in start
            )
            assert outcome.moved == pytest.approx(moved, abs=1e-5), seed


# --- the claims about step sizes ----------------------------------------------------


def test_sgd_just_above_the_bound_converges_once_the_curvature_drops(data):
    """At lr 0.25, lr * lambda_max starts above 2 and falls below it by step 4."""
    x, y = data
    start = Q4["init_parameters"](4, seed=0)
    path = Q4["sgd_path_curvature"](start, 0.25, x, y, 1000)
    assert path[-1][1] < Q4["TARGET"]  # converged
    assert 0.25 * path[0][2] > 2
    assert all(0.25 * lam < 2 for _, _, lam in path[3:])
    assert all(b[1] < a[1] for a, b in zip(path[:4], path[1:5]))  # the loss fell


@pytest.mark.parametrize("name", ["RMSProp", "Adam"])
def test_adaptive_steps_stay_near_lr_at_a_small_rate(data, name):
    """The crawl at lr 0.001: steps of about lr whatever the gradient (RMSProp's start at
    10 lr and shrink), so 1,000 steps carry a weight only about 1 from its start."""
    x, y = data
    start = Q4["init_parameters"](4, seed=0)
    make = {"RMSProp": Q4["RMSProp"], "Adam": Q4["Adam"]}[name]
    r = Q4["train"](lambda p, lr: make(p, lr), 0.001, start, x, y, 1000)
    steps = r["largest_steps"]
    if name == "Adam":
        assert max(steps) < 2 * 0.001
    else:
        assert steps[0] == pytest.approx(10 * 0.001, rel=1e-4)
        assert max(steps[100:]) < 4 * 0.001
    moved = max((r["params"][k] - start[k]).abs().max().item() for k in start)
    assert moved <= sum(steps) < 2
