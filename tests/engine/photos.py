"""Photo-like images of real MNIST digits, as a phone would take them of a digit on paper:
paper texture, a lighting gradient, ink that is not black, blur, noise, a little rotation,
JPEG compression; some are chalk on a dark board, some on coloured paper."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter


def _smooth_noise(rng: np.random.Generator, h: int, w: int, cells: int) -> np.ndarray:
    """(h, w) float32 in about [-1, 1]: random values on a coarse grid, smoothly resized."""
    coarse = rng.uniform(-1, 1, (cells, cells)).astype(np.float32)
    return np.asarray(Image.fromarray(coarse).resize((w, h), Image.Resampling.BICUBIC))


def photo_of_digit(digit: np.ndarray, rng: np.random.Generator,
                   chalk: bool | None = None) -> tuple[bytes, dict]:
    """A (28, 28) MNIST digit in [0, 1] -> (JPEG bytes, what was done to it). ``chalk``: light
    ink on a dark board (None: one photo in five)."""
    h, w = int(rng.integers(200, 300)), int(rng.integers(200, 300))
    side = int(rng.integers(int(0.45 * min(h, w)), int(0.8 * min(h, w))))
    angle = float(rng.uniform(-12, 12))
    big = Image.fromarray(digit.astype(np.float32)).resize((side, side), Image.Resampling.BICUBIC)
    big = big.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0.0)
    ink = np.zeros((h, w), np.float32)
    top, left = int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1))
    ink[top : top + side, left : left + side] = np.clip(np.asarray(big), 0, 1)

    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    direction = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(direction) * xs / w + np.sin(direction) * ys / h)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    light = 1.0 - float(rng.uniform(0.2, 0.45)) * ramp  # one side up to 45% darker
    if chalk is None:
        chalk = bool(rng.random() < 0.2)
    paper = float(rng.uniform(0.12, 0.3)) if chalk else float(rng.uniform(0.6, 0.92))
    paper_map = paper + 0.04 * _smooth_noise(rng, h, w, 12) + 0.015 * rng.standard_normal((h, w))
    ink_level = float(rng.uniform(0.8, 0.95)) if chalk else float(rng.uniform(0.05, 0.3))
    strength = float(rng.uniform(0.75, 1.0))
    gray = paper_map + (ink_level - paper_map) * ink * strength
    gray = gray * light
    tint = np.array([1.0, 1.0, 1.0], np.float32)
    if not chalk and rng.random() < 0.3:  # yellow or blue paper
        tint = np.array([1.0, 0.95, 0.75] if rng.random() < 0.5 else [0.8, 0.9, 1.0], np.float32)
    rgb = np.clip(gray[:, :, None] * tint, 0, 1)
    im = Image.fromarray((rgb * 255).round().astype(np.uint8))
    im = im.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 1.8))))
    noisy = np.asarray(im, np.float32) + rng.normal(0, 255 * float(rng.uniform(0.01, 0.04)),
                                                    (h, w, 3))
    im = Image.fromarray(np.clip(noisy, 0, 255).round().astype(np.uint8))
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=int(rng.integers(40, 80)))
    return buf.getvalue(), {"chalk": chalk, "angle": angle, "box": (top, left, side)}
