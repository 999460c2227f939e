"""Autograder tests of chapter Q4's exercises (see grading/__init__.py)."""


def public_q4_nesterov(NesterovMomentum):
    import torch

    assert isinstance(NesterovMomentum, type), "NesterovMomentum must be a class"
    weights = torch.zeros(3, requires_grad=True)
    opt = NesterovMomentum([weights], lr=0.1, momentum=0.9)
    assert callable(getattr(opt, "zero_grad", None)), "it needs a zero_grad() method"
    assert callable(getattr(opt, "step", None)), "it needs a step() method"
    opt.zero_grad()
    ((weights - 1) ** 2).sum().backward()
    opt.step()
    assert torch.isfinite(weights).all() and weights.abs().sum() > 0, "step() moves"


def hidden_q4_nesterov(NesterovMomentum, largest_difference):
    import torch

    # the chapter's problem, 200 steps; a correct rule in another order of operations
    # drifts below 1e-6 at these settings, plain momentum by more than 1e-2
    for lr, mu in ((0.01, 0.9), (0.05, 0.5)):
        diff, moved = largest_difference(
            lambda p, lr=lr, mu=mu: NesterovMomentum(p, lr=lr, momentum=mu),
            lambda p, lr=lr, mu=mu: torch.optim.SGD(
                p, lr=lr, momentum=mu, nesterov=True
            ),
            200,
        )
        assert moved, "every parameter must be updated"
        assert diff < 1e-5, f"lr {lr}, momentum {mu}: {diff:.1e} from torch.optim"


def public_q4_largest_stable_lr(sgd_minimum, minimum_lr_bound, largest_stable_lr):
    import torch

    shapes = {"weights_1": (4, 3), "bias_1": (3,), "weights_2": (3, 1), "bias_2": (1,)}
    assert isinstance(sgd_minimum, dict), "sgd_minimum: a dict like params0"
    assert set(sgd_minimum) == set(shapes), f"sgd_minimum's keys: {sorted(shapes)}"
    for name, shape in shapes.items():
        assert isinstance(sgd_minimum[name], torch.Tensor), f"{name} must be a tensor"
        assert tuple(sgd_minimum[name].shape) == shape, f"{name} has shape {shape}"
    for name, value in (
        ("minimum_lr_bound", minimum_lr_bound),
        ("largest_stable_lr", largest_stable_lr),
    ):
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (
            f"{name} must be a number (a float)"
        )
        assert 0 < value < 1, f"{name} is a learning rate between 0 and 1"


def hidden_q4_largest_stable_lr(
    sgd_minimum,
    minimum_lr_bound,
    largest_stable_lr,
    x,
    y,
    forward,
    mse,
    largest_curvature,
):
    import torch

    params = {k: v.detach().clone().requires_grad_() for k, v in sgd_minimum.items()}
    loss = mse(forward(params, x), y)
    gradients = torch.autograd.grad(loss, list(params.values()))
    steepest = max(g.abs().max().item() for g in gradients)
    assert loss.item() < 1e-8 and steepest < 1e-4, (
        f"sgd_minimum is not a minimum (loss {loss.item():.1e}, gradient {steepest:.1e})"
    )
    bound = 2 / largest_curvature(params, x, y)
    assert abs(minimum_lr_bound / bound - 1) < 1e-3, "not 2 / lambda_max at sgd_minimum"
    assert abs(largest_stable_lr / bound - 1) < 1e-2, (
        "the largest stable rate near a minimum is 2 / lambda_max there"
    )


def public_q4_adam_bias_correction(AdamNoBiasCorrection, uncorrected_step_sizes):
    import math

    import torch

    assert isinstance(AdamNoBiasCorrection, type), "AdamNoBiasCorrection: a class"
    weights = torch.zeros(3, requires_grad=True)
    opt = AdamNoBiasCorrection([weights], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    assert callable(getattr(opt, "step", None)), "it needs a step() method"
    assert callable(getattr(opt, "zero_grad", None)), "it needs a zero_grad() method"
    assert isinstance(uncorrected_step_sizes, (list, tuple)), "a list of 20 floats"
    assert len(uncorrected_step_sizes) == 20, "one step size for each of 20 steps"
    assert all(
        isinstance(s, (int, float)) and math.isfinite(s) and s > 0
        for s in uncorrected_step_sizes
    ), "each step size is a positive float (a change divided by lr)"


def hidden_q4_adam_bias_correction(
    AdamNoBiasCorrection, uncorrected_step_sizes, params0, x, y, train
):
    import torch

    class Reference:
        """The rule written out: m, v from zero, no bias correction."""

        def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8):
            self.params, self.lr, self.betas, self.eps = list(params), lr, betas, eps
            self.m = [torch.zeros_like(p) for p in self.params]
            self.v = [torch.zeros_like(p) for p in self.params]

        def zero_grad(self):
            for p in self.params:
                p.grad = None

        @torch.no_grad()
        def step(self):
            beta1, beta2 = self.betas
            for p, m, v in zip(self.params, self.m, self.v):
                m.mul_(beta1).add_((1 - beta1) * p.grad)
                v.mul_(beta2).add_((1 - beta2) * p.grad**2)
                p -= self.lr * m / (v.sqrt() + self.eps)

    # (lr, betas, eps, steps): none of these runs reaches the target, so none stops early
    for lr, betas, eps, steps in (
        (0.01, (0.9, 0.999), 1e-8, 20),
        (0.003, (0.8, 0.99), 1e-6, 30),
    ):
        ours = train(
            lambda p, lr, b=betas, e=eps: AdamNoBiasCorrection(p, lr, betas=b, eps=e),
            lr,
            params0,
            x,
            y,
            steps,
        )
        reference = train(
            lambda p, lr, b=betas, e=eps: Reference(p, lr, betas=b, eps=e),
            lr,
            params0,
            x,
            y,
            steps,
        )
        assert ours["steps"] == reference["steps"] == steps
        gap = max(
            (ours["params"][k] - reference["params"][k]).abs().max().item()
            for k in params0
        )
        assert gap < 1e-5, (
            f"lr {lr}, betas {betas}: {gap:.1e} from Adam without bias correction"
        )
    expected = [
        s / 0.01 for s in train(Reference, 0.01, params0, x, y, 20)["largest_steps"]
    ]
    assert all(
        abs(a - b) <= 1e-3 * b for a, b in zip(uncorrected_step_sizes, expected)
    ), "the largest |change| of a weight at each of the 20 steps, divided by lr 0.01"


def public_q4_sheet_stop_rule(sheet_fresh_steps, sheet_fresh_last_loss, run_outcome):
    assert isinstance(sheet_fresh_steps, int) and not isinstance(
        sheet_fresh_steps, bool
    )
    assert sheet_fresh_steps >= 1, "the loop takes at least one step"
    assert isinstance(sheet_fresh_last_loss, float), "sheet_fresh_last_loss: a float"
    assert callable(run_outcome), "run_outcome must be a function"
    outcomes = ("converged", "diverged", "did not converge")
    assert run_outcome([4.0, 0.5]) in outcomes, f"run_outcome returns one of {outcomes}"


def hidden_q4_sheet_stop_rule(
    sheet_fresh_steps,
    sheet_fresh_last_loss,
    run_outcome,
    SheetModel,
    sheet_sgd,
    x,
    y,
    params0,
):
    import math

    (losses,), _ = SheetModel(x, y, params0).train(sheet_sgd, lrs=[1.0])
    assert sheet_fresh_steps == len(losses), "the number of steps the sheet's loop took"
    last = losses[-1]
    same = sheet_fresh_last_loss == last or (
        math.isnan(sheet_fresh_last_loss) and math.isnan(last)
    )
    assert same, "the last loss of the sheet's loop"
    cases = [
        ([4.0, 0.05], "converged"),
        ([0.09], "converged"),
        ([4.0, 2.0], "did not converge"),
        ([4.0, 0.5, 0.3], "did not converge"),
        ([4.0, float("inf")], "diverged"),
        ([4.0, float("nan")], "diverged"),
        ([4.0, 2e6], "diverged"),
        (list(losses), "diverged"),
    ]
    for case, expected in cases:
        assert run_outcome(case) == expected, f"run_outcome({case}) is {expected!r}"
