"""Autograder tests of chapter Q5's exercises (see grading/__init__.py)."""


def public_q5_cross_entropy_by_hand(cross_entropy_by_hand):
    assert callable(cross_entropy_by_hand), "cross_entropy_by_hand must be a function"


def hidden_q5_cross_entropy_by_hand(cross_entropy_by_hand):
    import torch
    import torch.nn.functional as F

    g = torch.Generator().manual_seed(7)
    labels = torch.randint(0, 5, (32,), generator=g)
    for scale in (1.0, 30.0, 1000.0):
        logits = torch.randn(32, 5, generator=g) * scale
        got = torch.as_tensor(cross_entropy_by_hand(logits, labels)).float()
        assert torch.isfinite(got), f"not finite for logits of size {scale}"
        expected = F.cross_entropy(logits, labels)
        assert torch.allclose(got, expected, rtol=1e-4, atol=1e-4), f"wrong at {scale}"


def public_q5_stop_on_accuracy(acc_stop_epoch, acc_restored_epoch):
    assert isinstance(acc_stop_epoch, int) and isinstance(acc_restored_epoch, int)
    assert 1 <= acc_restored_epoch <= acc_stop_epoch, "restored before the stop"


def hidden_q5_stop_on_accuracy(acc_stop_epoch, acc_restored_epoch, hist_big):
    accuracies = hist_big.val_acc
    best, since, stop = 1, 0, len(accuracies)
    for epoch in range(2, len(accuracies) + 1):
        if accuracies[epoch - 1] > accuracies[best - 1]:
            best, since = epoch, 0
        else:
            since += 1
            if since == 5:
                stop = epoch
                break
    assert (acc_stop_epoch, acc_restored_epoch) == (stop, best), (
        f"expected ({stop}, {best})"
    )


def public_q5_part_flattery(accuracy_by_part):
    parts = ("shifts only", "rotation only", "jitter only", "flip only")
    assert isinstance(accuracy_by_part, dict), "accuracy_by_part must be a dict"
    assert set(accuracy_by_part) == set(parts), f"its keys must be {parts}"
    assert all(0 <= float(a) <= 1 for a in accuracy_by_part.values()), "accuracies"


def hidden_q5_part_flattery(
    accuracy_by_part, runs, augmentations, val_x, val_y, device
):
    import torch

    import helpers

    model = runs["no regularization"][0]
    for part in ("shifts only", "rotation only", "jitter only", "flip only"):
        distorted = augmentations[part](
            val_x, torch.Generator(device=device).manual_seed(3)
        )
        expected = helpers.evaluate(model, distorted, val_y)[1]
        # another random draw of the distortion is a correct answer too: allow its noise
        assert abs(float(accuracy_by_part[part]) - expected) < 0.03, (
            f"{part}: {expected}"
        )
