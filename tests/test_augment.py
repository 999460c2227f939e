import pytest
import torch
import torchvision.transforms.functional as TF

from helpers.augment import BatchAugment, affine_theta, warp


@pytest.fixture()
def images(fashion):
    from helpers.tensors import to_float

    return to_float(fashion.test_images[:16])


def fixed(n, angle=0.0, dx=0.0, dy=0.0, flip=False):
    def t(v):
        return torch.full((n,), float(v))

    return affine_theta(t(angle), t(dx), t(dy), torch.full((n,), flip), 28, 28)


def test_all_ranges_zero_is_the_identity(images):
    identity = BatchAugment(0.0, 0.0, 0, 0.0, 0.0, 0.0)
    out = identity(images, torch.Generator().manual_seed(0))
    assert torch.allclose(out, images, atol=1e-5)


@pytest.mark.parametrize("angle", [10.0, -7.5, 30.0])
def test_fixed_rotation_matches_torchvision_rotate(images, angle):
    ours = warp(images, fixed(len(images), angle=angle))
    ref = TF.rotate(images, angle, interpolation=TF.InterpolationMode.BILINEAR)
    assert (ours - ref).abs().max() < 1e-4


@pytest.mark.parametrize("dx, dy", [(3, 0), (-2, 4)])
def test_integer_shift_matches_torchvision_affine_and_padded_crop(images, dx, dy):
    ours = warp(images, fixed(len(images), dx=dx, dy=dy))
    ref = TF.affine(
        images,
        angle=0.0,
        translate=[dx, dy],
        scale=1.0,
        shear=[0.0],
        interpolation=TF.InterpolationMode.BILINEAR,
    )
    assert (ours - ref).abs().max() < 1e-5
    # RandomCrop(28, padding=4) taking the crop at offset (4 - dx, 4 - dy) is the same shift
    padded = TF.pad(images, [4])
    crop = padded[..., 4 - dy : 4 - dy + 28, 4 - dx : 4 - dx + 28]
    assert (ours - crop).abs().max() < 1e-5


def test_flip_matches_torchvision(images):
    assert torch.allclose(
        warp(images, fixed(len(images), flip=True)), TF.hflip(images), atol=1e-5
    )


def test_output_keeps_shape_dtype_range_and_each_image_differs(images):
    aug = BatchAugment()
    out = aug(images, torch.Generator().manual_seed(0))
    assert out.shape == images.shape and out.dtype == images.dtype
    assert out.min() >= 0 and out.max() <= 1
    same_image = images[:1].expand(8, -1, -1, -1).contiguous()
    out = aug(same_image, torch.Generator().manual_seed(1))
    diffs = [(out[i] - out[0]).abs().max().item() for i in range(1, 8)]
    assert min(diffs) > 0.05  # every copy got its own random parameters


def test_same_generator_seed_same_augmentation(images):
    a = BatchAugment()(images, torch.Generator().manual_seed(5))
    b = BatchAugment()(images, torch.Generator().manual_seed(5))
    c = BatchAugment()(images, torch.Generator().manual_seed(6))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_brightness_scales_each_image_by_one_factor_in_range(images):
    aug = BatchAugment(
        rotation=0, translate=0, crop_padding=0, brightness=0.4, contrast=0.0, hflip=0
    )
    out = aug(images, torch.Generator().manual_seed(0))
    factors = []
    for before, after in zip(images, out):
        keep = (before > 0.05) & (after < 0.999)  # pixels not clipped at 1
        ratio = after[keep] / before[keep]
        assert ratio.std() < 1e-4
        factors.append(ratio.mean().item())
    assert all(0.6 - 1e-4 <= f <= 1.4 + 1e-4 for f in factors)
    assert max(factors) - min(factors) > 0.1  # per-image factors, not one for the batch


def test_contrast_keeps_the_mean_and_scales_deviations(images):
    aug = BatchAugment(
        rotation=0, translate=0, crop_padding=0, brightness=0.0, contrast=0.3, hflip=0
    )
    out = aug(images, torch.Generator().manual_seed(0))
    checked = 0
    for before, after in zip(images, out):
        if after.max() < 0.999 and after.min() > 0:
            checked += 1  # no clipping: (x - m) * c + m exactly
            m = before.mean()
            c = ((after - m).abs().sum() / (before - m).abs().sum()).item()
            assert 0.7 - 1e-3 <= c <= 1.3 + 1e-3
            assert torch.allclose(after, (before - m) * c + m, atol=1e-4)
    assert checked >= 3


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"rotation": -1}, ValueError, "rotation must be finite and >= 0"),
        ({"rotation": 200}, ValueError, r"rotation must be in \[0, 180\]"),
        ({"translate": 1.0}, ValueError, "translate must be in"),
        ({"hflip": 1.5}, ValueError, "hflip is a probability"),
        ({"brightness": 1.0}, ValueError, "brightness and contrast"),
        ({"crop_padding": 2.5}, ValueError, "crop_padding must be an int"),
        ({"contrast": "0.4"}, TypeError, "contrast must be a number"),
    ],
)
def test_bad_ranges_raise(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        BatchAugment(**kwargs)


def test_bad_images_raise(images):
    with pytest.raises(ValueError, match=r"shape \(N, C, H, W\)"):
        BatchAugment()(images[0])
    with pytest.raises(TypeError, match="floating point"):
        BatchAugment()((images * 255).to(torch.uint8))


def test_sampling_grid_equals_affine_grid():
    import torch.nn.functional as F

    from helpers.augment import sampling_grid

    theta = torch.randn(5, 2, 3, generator=torch.Generator().manual_seed(0))
    for h, w in ((28, 28), (7, 11)):
        ref = F.affine_grid(theta, [5, 1, h, w], align_corners=False)
        assert torch.allclose(sampling_grid(theta, h, w), ref, atol=1e-5)


def test_crop_shift_is_an_integer_in_range():
    aug = BatchAugment(
        rotation=0, translate=0, crop_padding=4, brightness=0, contrast=0, hflip=0
    )
    u = torch.rand(2000, 6, generator=torch.Generator().manual_seed(0))
    theta = aug._theta(u, 28, 28)
    pixels = theta[:, :, 2] * 28 / 2  # normalized shift back to pixels
    assert torch.allclose(pixels, pixels.round(), atol=1e-4)
    assert set(pixels.round().flatten().int().tolist()) == set(range(-4, 5))
