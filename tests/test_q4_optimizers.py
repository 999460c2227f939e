"""Chapter Q4's hand-written optimizers (the notebook's own cells) against torch.optim."""

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
    for (
        k
    ) in start:  # every parameter moved, bias_2 included (the seed never updated it)
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
