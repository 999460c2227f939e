"""Chapter Q3's distillation loss and training code (the notebook's own cells)."""

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from conftest import load_definitions

Q3 = load_definitions("q3_distillation")
loss = Q3["distillation_loss"]


def logits(seed, n=64):
    g = torch.Generator().manual_seed(seed)
    return (
        torch.randn(n, 10, generator=g) * 2,
        torch.randn(n, 10, generator=g) * 2,
        torch.randint(0, 10, (n,), generator=g),
    )


@pytest.mark.parametrize("T", [1.0, 2.0, 5.0, 20.0])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
def test_loss_equals_the_hand_formula_and_kl_div(T, alpha):
    z_s, z_t, y = logits(int(T * 10 + alpha * 10))
    p = F.softmax(z_t / T, dim=1)
    q = F.softmax(z_s / T, dim=1)
    kl_hand = (p * (p.log() - q.log())).sum(1).mean()
    kl_torch = F.kl_div(F.log_softmax(z_s / T, dim=1), p, reduction="batchmean")
    assert torch.allclose(kl_hand, kl_torch, rtol=1e-5, atol=1e-7)
    expected = alpha * T**2 * kl_hand + (1 - alpha) * F.cross_entropy(z_s, y)
    assert torch.allclose(
        loss(z_s, z_t, y, T=T, alpha=alpha), expected, rtol=1e-5, atol=1e-6
    )


def test_alpha_zero_is_plain_cross_entropy():
    z_s, z_t, y = logits(1)
    assert torch.allclose(loss(z_s, z_t, y, T=3.0, alpha=0.0), F.cross_entropy(z_s, y))


def test_identical_logits_give_zero_distillation_term():
    z_s, _, y = logits(2)
    assert loss(z_s, z_s.clone(), y, T=4.0, alpha=1.0).abs() < 1e-6


def test_unlabelled_samples_get_only_the_soft_term():
    z_s, z_t, y = logits(3)
    y_hidden = y.clone()
    y_hidden[10:] = -1
    expected = 0.5 * 4.0 * F.kl_div(
        F.log_softmax(z_s / 2, 1), F.softmax(z_t / 2, 1), reduction="batchmean"
    ) + 0.5 * F.cross_entropy(z_s[:10], y[:10])
    assert torch.allclose(
        loss(z_s, z_t, y_hidden, T=2.0, alpha=0.5), expected, rtol=1e-5
    )
    all_hidden = torch.full_like(y, -1)
    value = loss(z_s, z_t, all_hidden, T=2.0, alpha=0.5)
    assert torch.isfinite(value)


def test_gradient_scale_is_kept_by_t_squared():
    """With T^2, the soft term's gradient stays on the same scale as T grows."""
    z_s, z_t, y = logits(4)
    norms = []
    for T in (2.0, 20.0):
        z = z_s.clone().requires_grad_()
        loss(z, z_t, y, T=T, alpha=1.0).backward()
        norms.append(z.grad.norm().item())
    assert 0.1 < norms[1] / norms[0] < 10


@pytest.mark.parametrize(
    "T, alpha, match",
    [(0.0, 0.5, "T must be positive"), (1.0, 1.5, r"alpha must be in \[0, 1\]")],
)
def test_bad_arguments(T, alpha, match):
    z_s, z_t, y = logits(5)
    with pytest.raises(ValueError, match=match):
        loss(z_s, z_t, y, T=T, alpha=alpha)


def test_teacher_is_frozen_while_the_student_trains():
    torch.manual_seed(0)
    teacher = nn.Sequential(
        nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 10)
    )
    teacher.train()
    before = copy.deepcopy(teacher.state_dict())
    x = torch.rand(200, 1, 28, 28)
    y = torch.randint(0, 10, (200,))
    soft = Q3["teacher_logits"](teacher, x)
    assert not soft.requires_grad
    assert torch.equal(
        soft, Q3["teacher_logits"](teacher, x)
    )  # eval mode: dropout off, same targets
    student, history = Q3["train_student"](
        lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 10)),
        x,
        y,
        (x, y),
        epochs=2,
        seed=0,
        soft_targets=soft,
        T=4.0,
        alpha=0.7,
    )
    after = teacher.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert all(p.grad is None and not p.requires_grad for p in teacher.parameters())
    assert not teacher.training
    assert len(history) == 2
    assert all(
        p.grad is not None for p in student.parameters()
    )  # the student did learn


def test_distilled_student_moves_towards_the_teacher():
    torch.manual_seed(0)
    teacher = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    x = torch.rand(256, 1, 28, 28)
    y = torch.randint(0, 10, (256,))
    soft = Q3["teacher_logits"](teacher, x)
    make = lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 10))  # noqa: E731
    # alpha = 1: the random labels y play no part; validation measures agreement with the teacher
    student, _ = Q3["train_student"](
        make,
        x,
        y,
        (x, soft.argmax(1)),
        epochs=30,
        seed=0,
        soft_targets=soft,
        T=2.0,
        alpha=1.0,
    )
    agree = (student(x).argmax(1) == soft.argmax(1)).float().mean().item()
    assert agree > 0.9


def _soft_grad(z_s, z_t, T):
    """Gradient of the chapter's distillation term (alpha = 1) w.r.t. the student logits."""
    z = z_s.clone().requires_grad_()
    loss(z, z_t, torch.zeros(len(z), dtype=torch.long), T=T, alpha=1.0).backward()
    return z.grad * len(z)


def _centred_logits(seed):
    g = torch.Generator().manual_seed(seed)
    z_s, z_t = (
        torch.randn(128, 10, generator=g) * 3,
        torch.randn(128, 10, generator=g) * 3,
    )
    return z_s - z_s.mean(1, keepdim=True), z_t - z_t.mean(1, keepdim=True)


def test_without_t_squared_the_soft_gradient_falls_like_one_over_t_squared():
    z_s, z_t = _centred_logits(11)
    scaled = {T: _soft_grad(z_s, z_t, T).norm().item() for T in (10.0, 100.0)}
    unscaled = {T: g / T**2 for T, g in scaled.items()}
    assert 0.8 < scaled[100.0] / scaled[10.0] < 1.25  # with T^2: the same scale
    ratio = unscaled[100.0] / unscaled[10.0]
    assert (
        0.008 < ratio < 0.0125
    )  # without it: a hundredfold smaller for T ten times larger


def test_high_temperature_limit_is_logit_matching():
    z_s, z_t = _centred_logits(12)
    target = (z_s - z_t) / z_s.shape[1]  # gradient of ||z_s - z_t||^2 / (2N)
    errors = [
        ((_soft_grad(z_s, z_t, T) - target).norm() / target.norm()).item()
        for T in (1.0, 5.0, 20.0, 100.0)
    ]
    assert errors == sorted(errors, reverse=True)  # closer at every step of T
    assert errors[-1] < 0.03 and errors[0] > 0.3


def test_squared_error_on_probabilities_stops_learning_from_confident_mistakes():
    def gradients(margin):
        z = torch.tensor([[0.0, margin]], requires_grad=True)  # class 0 is true, 1 wins
        y = torch.tensor([0])
        ce = torch.autograd.grad(F.cross_entropy(z, y), z)[0].norm().item()
        squared = ((F.softmax(z, 1) - F.one_hot(y, 2)) ** 2).sum()
        return ce, torch.autograd.grad(squared, z)[0].norm().item()

    (ce_0, mse_0), (ce_4, mse_4), (ce_12, mse_12) = map(gradients, (0.0, 4.0, 12.0))
    assert ce_0 < ce_4 < ce_12 and ce_12 > 1.4  # cross-entropy pushes hardest
    assert mse_12 < 1e-4 < mse_4 < mse_0  # the squared error's push vanishes
