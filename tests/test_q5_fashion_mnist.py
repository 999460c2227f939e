"""Chapter Q5's measured claims: the data facts behind the augmentation results, and what an
augmented evaluation set reports (the chapter's own functions, on the real data)."""

import pytest
import torch

import helpers
from conftest import load_definitions

Q5 = load_definitions("q5_fashion_mnist")


def test_bounding_box_centre_of_a_drawn_square():
    images = torch.zeros(2, 28, 28)
    images[0, 3:8, 10:20] = 1.0  # rows 3..7, columns 10..19
    images[1, 0:28, 5:6] = 1.0
    centres = Q5["bounding_box_centres"](images)
    assert centres.tolist() == [[14.5, 5.0], [5.0, 13.5]]  # (x, y)


def test_full_frame_and_orientation_on_drawn_shapes():
    images = torch.zeros(3, 28, 28)
    images[0, :, 12] = 1.0  # a full-height line
    images[1, 5:20, 3:25] = 1.0  # touches no edge
    images[2, 10, :] = 1.0  # a full-width line
    assert Q5["spans_full_frame"](images).tolist() == [True, False, True]
    wedge = torch.zeros(28, 28)
    for row in range(28):
        wedge[row, : 28 - row] = 1.0  # heavy on the left
    facing = torch.stack([wedge] * 5 + [wedge.flip(-1)])
    assert Q5["prefers_own_orientation"](facing).tolist() == [True] * 5 + [False]


@pytest.fixture(scope="module")
def train_images():
    splits = helpers.fashion_splits(20_000, 10_000, 100)
    return splits.train_x[:, 0], splits.train_y, splits.classes


def test_items_are_centred_and_fill_the_frame(train_images):
    images, _, _ = train_images
    centres = Q5["bounding_box_centres"](images)
    assert centres.std(dim=0).max() < 0.5  # well under a pixel
    offset = (centres - 13.5).abs()
    assert (offset <= 0.5).all(dim=1).float().mean() > 0.99
    assert Q5["spans_full_frame"](images).float().mean() > 0.95


def test_shoes_face_one_way_and_garments_barely(train_images):
    images, labels, classes = train_images
    share = {
        name: Q5["prefers_own_orientation"](images[labels == c]).float().mean().item()
        for c, name in enumerate(classes)
    }
    assert share["Sneaker"] > 0.98 and share["Ankle boot"] > 0.98
    for garment in ("T-shirt/top", "Pullover", "Dress", "Coat", "Shirt"):
        assert share[garment] < 0.85, garment


def test_contrast_jitter_turns_the_black_background_grey(train_images):
    images, _, _ = train_images
    x = images[:2_000, None]
    jitter = helpers.BatchAugment(0, 0.0, 0, 0.0, 0.4, 0.0)
    out = jitter(x, torch.Generator().manual_seed(0))
    background = x == 0
    assert (out[background] > 0.05).float().mean() > 0.1
    assert out[background].min() == 0.0  # factors above 1 keep it black (clamped)


def test_an_augmented_evaluation_set_flatters_the_augmented_model():
    """Two small MLPs, one trained on augmented images: on augmented validation images the
    augmented one wins, on the real images it loses (the answer sheet's evaluation error)."""
    splits = helpers.fashion_splits(5_000, 2_000, 100)
    chain = helpers.BatchAugment(10, 0.1, 4, 0.4, 0.4, 0.0)
    scores = {}
    for name, augment in (("plain", None), ("augmented", chain)):
        helpers.seed_everything(0)
        model = helpers.mlp([784, 256, 10])
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        helpers.fit(
            model,
            (splits.train_x, splits.train_y),
            optimizer=opt,
            epochs=4,
            augment=augment,
        )
        val_aug = chain(splits.val_x, torch.Generator().manual_seed(1))
        scores[name] = [
            helpers.evaluate(model, x, splits.val_y)[1] for x in (splits.val_x, val_aug)
        ]
    (plain_real, plain_aug), (aug_real, aug_aug) = scores["plain"], scores["augmented"]
    assert aug_aug > plain_aug + 0.05  # on augmented images augmentation "helps"
    assert plain_real > aug_real  # on the real images it does not


def test_the_shifts_cost_the_most_accuracy_of_the_sheets_augmentations():
    """The ablation's robust ordering, on a small MLP: trained with the sheet's shifts only,
    it scores clearly below the same network trained with the flip or the rotation only,
    and below no augmentation."""
    splits = helpers.fashion_splits(5_000, 2_000, 100)
    no_change = dict(rotation=0.0, translate=0.0, crop_padding=0, brightness=0.0,
                     contrast=0.0, hflip=0.0)  # fmt: skip
    parts = {
        "none": None,
        "shifts": helpers.BatchAugment(
            **dict(no_change, translate=0.1, crop_padding=4)
        ),
        "flip": helpers.BatchAugment(**dict(no_change, hflip=0.5)),
        "rotation": helpers.BatchAugment(**dict(no_change, rotation=10.0)),
    }
    accuracy = {}
    for name, augment in parts.items():
        helpers.seed_everything(0)
        model = helpers.mlp([784, 256, 10])
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        helpers.fit(model, (splits.train_x, splits.train_y), optimizer=opt, epochs=4,
                    augment=augment)  # fmt: skip
        accuracy[name] = helpers.evaluate(model, splits.val_x, splits.val_y)[1]
    others = [accuracy[k] for k in ("none", "flip", "rotation")]
    assert max(others) - min(others) < 0.03, accuracy
    assert accuracy["shifts"] < min(others) - 0.03, accuracy


def test_log_softmax_before_cross_entropy_changes_nothing_softmax_shrinks_the_gradient():
    torch.manual_seed(0)
    logits = torch.randn(64, 10) * 3
    labels = torch.randint(0, 10, (64,))

    def loss_and_grad(transform, loss_fn):
        z = logits.clone().requires_grad_()
        loss = loss_fn(transform(z), labels)
        loss.backward()
        return loss.item(), z.grad

    ce, nll = torch.nn.CrossEntropyLoss(), torch.nn.NLLLoss()
    reference = loss_and_grad(lambda z: z, ce)
    for transform, loss_fn in ((torch.log_softmax, nll), (torch.log_softmax, ce)):
        loss, grad = loss_and_grad(lambda z, t=transform: t(z, dim=1), loss_fn)
        assert loss == pytest.approx(reference[0], rel=1e-6)
        assert torch.allclose(grad, reference[1], atol=1e-7)
    loss, grad = loss_and_grad(lambda z: torch.softmax(z, dim=1), ce)
    assert loss > 1.4  # probabilities as scores: log(1 + 9/e) is the least it can reach
    assert grad.norm() < 0.5 * reference[1].norm()


def test_sgd_weight_decay_is_an_l2_penalty_with_momentum_too():
    torch.manual_seed(0)
    x, y = torch.randn(32, 5), torch.randn(32, 1)
    start = torch.randn(5, 1)
    weights = [start.clone().requires_grad_() for _ in range(2)]
    decayed = torch.optim.SGD([weights[0]], lr=0.1, momentum=0.9, weight_decay=0.05)
    penalised = torch.optim.SGD([weights[1]], lr=0.1, momentum=0.9)
    for _ in range(20):
        for w, opt, lam in ((weights[0], decayed, 0.0), (weights[1], penalised, 0.05)):
            opt.zero_grad()
            loss = ((x @ w - y) ** 2).mean() + lam / 2 * (w**2).sum()
            loss.backward()
            opt.step()
    assert torch.allclose(weights[0], weights[1], atol=1e-6)


def test_saturation_and_hue_do_nothing_to_a_grayscale_image(train_images):
    from torchvision import transforms

    images, _, _ = train_images
    gray = transforms.functional.to_pil_image((images[0] * 255).to(torch.uint8))
    jitter = transforms.ColorJitter(saturation=0.4, hue=0.1)
    as_tensor = transforms.functional.pil_to_tensor
    torch.manual_seed(0)
    assert all(torch.equal(as_tensor(jitter(gray)), as_tensor(gray)) for _ in range(10))
