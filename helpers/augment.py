"""Batched data augmentation: every image of a batch gets its own random transform, computed
for the whole batch with tensor ops on the batch's device (one ``affine_grid``/``grid_sample``).

It reproduces the homework's torchvision chain (chapter Q5)::

    RandomRotation(10), RandomAffine(0, translate=(0.1, 0.1)), RandomCrop(28, padding=4),
    ColorJitter(brightness=0.4, contrast=0.4), RandomHorizontalFlip()

Rotation, translation, the padded crop (an integer shift with zero fill) and the flip are
geometric, so they compose into one 2x3 affine matrix per image and one resampling of the
batch (fewer interpolations than applying them one by one). Saturation and hue are left out:
a grayscale image has no colour to saturate or shift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class BatchAugment:
    """Random per-image augmentation of float image batches (N, C, H, W) in [0, 1].

    rotation: degrees, drawn uniformly from [-rotation, rotation] (counter-clockwise positive);
    translate: fraction of the width/height, each axis uniform in [-translate, translate];
    crop_padding: the random crop of a zero-padded image, i.e. an integer shift in
    [-crop_padding, crop_padding] pixels on each axis;
    brightness, contrast: factors drawn from [1 - value, 1 + value] (torchvision's ColorJitter);
    hflip: probability of a horizontal flip.
    """

    rotation: float = 10.0
    translate: float = 0.1
    crop_padding: int = 4
    brightness: float = 0.4
    contrast: float = 0.4
    hflip: float = 0.5

    def __post_init__(self) -> None:
        for name in ("rotation", "translate", "brightness", "contrast", "hflip"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise TypeError(f"{name} must be a number, got {type(value).__name__}")
            if value < 0 or not math.isfinite(value):
                raise ValueError(f"{name} must be finite and >= 0, got {value}")
        if not 0 <= self.rotation <= 180:
            raise ValueError(f"rotation must be in [0, 180] degrees, got {self.rotation}")
        if self.translate >= 1:
            raise ValueError(f"translate must be in [0, 1), got {self.translate}")
        if self.brightness >= 1 or self.contrast >= 1:
            raise ValueError("brightness and contrast must be in [0, 1) (factors stay positive)")
        if self.hflip > 1:
            raise ValueError(f"hflip is a probability in [0, 1], got {self.hflip}")
        if not isinstance(self.crop_padding, int) or self.crop_padding < 0:
            raise ValueError(f"crop_padding must be an int >= 0, got {self.crop_padding!r}")

    def sample_theta(
        self, n: int, height: int, width: int, generator: torch.Generator | None, device: torch.device
    ) -> torch.Tensor:
        """Per-image 2x3 matrices mapping output to input coordinates (``affine_grid``'s
        normalized [-1, 1] convention, x to the right, y down)."""

        def uniform(low: float, high: float) -> torch.Tensor:
            return low + (high - low) * torch.rand(n, generator=generator, device=device)

        angle = uniform(-self.rotation, self.rotation)
        # translation in pixels (RandomAffine) plus the integer shift of the padded crop
        shift_x = uniform(-self.translate, self.translate) * width
        shift_y = uniform(-self.translate, self.translate) * height
        if self.crop_padding > 0:
            p = self.crop_padding
            shift_x = shift_x - torch.randint(-p, p + 1, (n,), generator=generator, device=device)
            shift_y = shift_y - torch.randint(-p, p + 1, (n,), generator=generator, device=device)
        flip = torch.rand(n, generator=generator, device=device) < self.hflip
        return affine_theta(angle, shift_x, shift_y, flip, height, width)

    def __call__(self, images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if not isinstance(images, torch.Tensor):
            raise TypeError(f"images must be a torch.Tensor, got {type(images).__name__}")
        if images.dim() != 4:
            raise ValueError(f"images must have shape (N, C, H, W), got {tuple(images.shape)}")
        if not images.is_floating_point():
            raise TypeError(f"images must be floating point in [0, 1], got {images.dtype}")
        n, _, h, w = images.shape
        theta = self.sample_theta(n, h, w, generator, images.device).to(images.dtype)
        out = warp(images, theta)
        if self.brightness > 0:
            b = 1 + (2 * torch.rand(n, generator=generator, device=images.device) - 1) * self.brightness
            out = (out * b.view(n, 1, 1, 1).to(out.dtype)).clamp_(0, 1)
        if self.contrast > 0:
            c = 1 + (2 * torch.rand(n, generator=generator, device=images.device) - 1) * self.contrast
            c = c.view(n, 1, 1, 1).to(out.dtype)
            mean = out.mean(dim=(1, 2, 3), keepdim=True)
            out = (c * out + (1 - c) * mean).clamp_(0, 1)
        return out


def affine_theta(
    angle: torch.Tensor,
    shift_x: torch.Tensor,
    shift_y: torch.Tensor,
    flip: torch.Tensor,
    height: int,
    width: int,
) -> torch.Tensor:
    """Per-image 2x3 matrices for ``affine_grid`` (normalized [-1, 1] coordinates, x right, y
    down) mapping each output pixel to where it is sampled in the input.

    The image is rotated by ``angle`` degrees counter-clockwise about its centre (as
    ``torchvision.transforms.functional.rotate``), then shifted by (``shift_x``, ``shift_y``)
    pixels, then mirrored where ``flip`` is true. All arguments are tensors of shape (N,).
    """
    rad = angle * (math.pi / 180)
    cos, sin = torch.cos(rad), torch.sin(rad)
    sign = 1.0 - 2.0 * flip.to(cos.dtype)  # -1 mirrors x
    # input = R(-angle) (F out - shift), in normalized units (2 / size per pixel)
    tx = -2.0 * shift_x / width
    ty = -2.0 * shift_y / height
    return torch.stack(
        [
            torch.stack([cos * sign, -sin, cos * tx - sin * ty], dim=1),
            torch.stack([sin * sign, cos, sin * tx + cos * ty], dim=1),
        ],
        dim=1,
    )


def warp(images: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """Resample a batch (N, C, H, W) with per-image matrices ``theta`` (N, 2, 3): bilinear,
    zeros outside the image."""
    grid = F.affine_grid(theta.to(images.dtype), list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


NO_AUGMENT = BatchAugment(0.0, 0.0, 0, 0.0, 0.0, 0.0)
"""The identity: every range set to zero."""
