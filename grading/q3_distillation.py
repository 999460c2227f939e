"""Autograder tests of chapter Q3's exercises (see grading/__init__.py)."""


def public_q3_t_squared(shrink_factor):
    assert isinstance(shrink_factor, float), "shrink_factor must be a float"
    assert shrink_factor > 1, "the gradient is smaller at the higher temperature"


def hidden_q3_t_squared(shrink_factor, distillation_loss, z_s0, z_t0):
    import torch

    def norm(T):
        z = z_s0.clone().requires_grad_()
        labels = torch.full((len(z),), -1)
        (distillation_loss(z, z_t0, labels, T=T, alpha=1.0) / T**2).backward()
        return z.grad.norm().item()

    expected = norm(2.0) / norm(20.0)
    assert abs(shrink_factor - expected) < 0.02 * expected, (
        f"expected about {expected:.1f}"
    )


def public_q3_vanishing_margin(vanishing_margin):
    assert isinstance(vanishing_margin, int) and vanishing_margin >= 0, "an int >= 0"


def hidden_q3_vanishing_margin(vanishing_margin):
    import math

    def ratio(m):  # squared error's gradient over cross-entropy's, two classes
        q = 1 / (1 + math.exp(m))
        return 4 * q * (1 - q)

    expected = next(m for m in range(100) if ratio(m) < 0.01)
    assert vanishing_margin == expected, "not the smallest such margin"


def public_q3_frozen_check(teacher_unchanged):
    assert callable(teacher_unchanged), "teacher_unchanged must be a function"


def hidden_q3_frozen_check(teacher_unchanged):
    import torch
    from torch import nn

    def make():
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Linear(8, 3))

    model = make()
    x = torch.randn(16, 4)
    model.eval()
    assert teacher_unchanged(model, lambda: model(x)) is True, (
        "eval forward changes nothing"
    )

    def step():
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        model(x).sum().backward()
        opt.step()

    assert teacher_unchanged(model, step) is False, "a parameter changed"
    model = make()
    model.train()  # a training-mode forward pass updates BatchNorm's running statistics
    assert teacher_unchanged(model, lambda: model(x)) is False, "a buffer changed"


def public_q3_telling_row(telling_row):
    assert isinstance(telling_row, str), "telling_row must be a row name (a string)"


def hidden_q3_telling_row(telling_row):
    assert telling_row.strip() == "transfer set, 5,000-label teacher"
