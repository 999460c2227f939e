"""Batched data augmentation: every image of a batch gets its own random transform, computed
for the whole batch with tensor ops on the batch's device (one ``affine_grid``/``grid_sample``).

It stands in for the homework's per-image torchvision chain (chapter Q5)::

    RandomRotation(10), RandomAffine(0, translate=(0.1, 0.1)), RandomCrop(28, padding=4),
    ColorJitter(brightness=0.4, contrast=0.4), RandomHorizontalFlip()

with the same ranges but three differences, stated in chapter Q5: the translation is drawn
continuously (torchvision's RandomAffine rounds it to whole pixels), resampling is bilinear
(torchvision's rotate and affine default to nearest neighbour), and brightness always comes
before contrast (ColorJitter shuffles the order of its adjustments for each image).
Rotation, translation, the padded crop (an integer shift with zero fill) and the flip are
geometric, so they compose into one 2x3 affine matrix per image and one resampling of the
batch (fewer interpolations than applying them one by one). Saturation and hue are left out:
a grayscale image has no colour to saturate or shift.
"""

from __future__ import annotations

import functools
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
            raise ValueError(
                f"rotation must be in [0, 180] degrees, got {self.rotation}"
            )
        if self.translate >= 1:
            raise ValueError(f"translate must be in [0, 1), got {self.translate}")
        if self.brightness >= 1 or self.contrast >= 1:
            raise ValueError(
                "brightness and contrast must be in [0, 1) (factors stay positive)"
            )
        if self.hflip > 1:
            raise ValueError(f"hflip is a probability in [0, 1], got {self.hflip}")
        if not isinstance(self.crop_padding, int) or self.crop_padding < 0:
            raise ValueError(
                f"crop_padding must be an int >= 0, got {self.crop_padding!r}"
            )

    def _theta(self, u: torch.Tensor, height: int, width: int) -> torch.Tensor:
        """The geometric part from six uniform [0, 1) numbers per image."""
        angle = (2 * u[:, 0] - 1) * self.rotation
        # translation in pixels (RandomAffine) plus the integer shift of the padded crop
        shift_x = (2 * u[:, 1] - 1) * self.translate * width
        shift_y = (2 * u[:, 2] - 1) * self.translate * height
        if self.crop_padding > 0:
            p = self.crop_padding
            shift_x = shift_x - (torch.floor(u[:, 3] * (2 * p + 1)) - p)
            shift_y = shift_y - (torch.floor(u[:, 4] * (2 * p + 1)) - p)
        flip = u[:, 5] < self.hflip
        return affine_theta(angle, shift_x, shift_y, flip, height, width)

    def __call__(
        self, images: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        if not isinstance(images, torch.Tensor):
            raise TypeError(
                f"images must be a torch.Tensor, got {type(images).__name__}"
            )
        if images.dim() != 4:
            raise ValueError(
                f"images must have shape (N, C, H, W), got {tuple(images.shape)}"
            )
        if not images.is_floating_point():
            raise TypeError(
                f"images must be floating point in [0, 1], got {images.dtype}"
            )
        n, _, h, w = images.shape
        u = torch.rand(
            n, 8, generator=generator, device=images.device
        )  # every random number at once
        out = warp(images, self._theta(u[:, :6], h, w))
        if self.brightness > 0:
            b = (1 + (2 * u[:, 6] - 1) * self.brightness).to(out.dtype)
            out = (out * b.view(n, 1, 1, 1)).clamp_(0, 1)
        if self.contrast > 0:
            c = (1 + (2 * u[:, 7] - 1) * self.contrast).to(out.dtype).view(n, 1, 1, 1)
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
    tx = shift_x * (-2.0 / width)
    ty = shift_y * (-2.0 / height)
    rows = [cos * sign, -sin, cos * tx - sin * ty, sin * sign, cos, sin * tx + cos * ty]
    return torch.stack(rows, dim=1).view(-1, 2, 3)


@functools.lru_cache(maxsize=16)
def _pixel_centres(
    height: int, width: int, device: torch.device, dtype: torch.dtype
) -> tuple[torch.Tensor, torch.Tensor]:
    """x and y of every output pixel centre, flattened, in affine_grid's normalized units."""
    xs = (torch.arange(width, device=device, dtype=dtype) * 2 + 1) / width - 1
    ys = (torch.arange(height, device=device, dtype=dtype) * 2 + 1) / height - 1
    return xs.repeat(height), ys.repeat_interleave(width)


def sampling_grid(theta: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """``F.affine_grid(theta, (N, C, H, W), align_corners=False)``, computed with a few
    element-wise operations on cached pixel centres (for small images this is several times
    faster than ``affine_grid``, which goes through a batched matrix product)."""
    x, y = _pixel_centres(height, width, theta.device, theta.dtype)
    gx = torch.addcmul(
        torch.addcmul(theta[:, 0, 2:3], theta[:, 0, 0:1], x), theta[:, 0, 1:2], y
    )
    gy = torch.addcmul(
        torch.addcmul(theta[:, 1, 2:3], theta[:, 1, 0:1], x), theta[:, 1, 1:2], y
    )
    return torch.stack([gx, gy], dim=-1).view(len(theta), height, width, 2)


def warp(images: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """Resample a batch (N, C, H, W) with per-image matrices ``theta`` (N, 2, 3): bilinear,
    zeros outside the image."""
    _, _, h, w = images.shape
    grid = sampling_grid(theta.to(images.dtype), h, w)
    return F.grid_sample(
        images, grid, mode="bilinear", padding_mode="zeros", align_corners=False
    )
