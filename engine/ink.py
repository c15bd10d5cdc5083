"""Finding the ink in a drawing or a photo of one: what ``engine.preprocess`` frames.

A clean image (the pad, a scan, an MNIST digit: a flat border) keeps the simple rule: the
border's median is the background, the ink is whatever differs from it, flipped to bright on
dark. A photo (paper texture, uneven lighting, noise, JPEG) is cleaned the way a person reads
it:

1. background and lighting: a median filter much wider than a stroke, on a small copy (the
   ink is a minority of every window, so the median is the paper), smoothed and scaled back;
2. the ink is the side (darker or lighter than that background) with the stronger tail;
   dark ink is measured against the local light, ``ink = (bg - gray) / bg`` (uneven lighting
   multiplies the paper and the ink alike), light ink as ``(gray - bg) / (1 - bg)``;
3. noise: a light blur, then everything under three robust standard deviations of the
   background (``1.4826 * median |x - median x|``) is dropped and the rest stretched so the
   strong strokes (the top 10% of what is left) reach 1; if those stand less than eight
   standard deviations above the paper, nothing was written (a blank page, grain and noise);
4. the largest strokes: connected pieces of ink (8-neighbours) at least a fifth of the largest
   piece's area are kept, specks and smudges are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

FLAT_SPREAD = 0.03  # a border whose 5th..95th percentiles lie closer than this is flat
PHOTO_SIDE = 512  # longer side of the copy a photo is cleaned on
WORK_SIDE = 128  # longer side of the copy on which strokes are found
BACKGROUND_SIDE = 48  # longer side of the copy on which the background is estimated
NOISE_SIGMAS = 3.0  # ink must stand this many robust standard deviations above the paper
BLANK_SIGMAS = 8.0  # ink whose strong strokes stand less far above the paper is noise
KEEP_FRACTION = 0.2  # a piece of ink smaller than this share of the largest is dropped
MIN_PHOTO_SIDE = 16  # a smaller image is a drawing (the flat rule), never a photo
STROKE_LEVEL = 0.35  # of the stretched ink: what counts as a stroke for the pieces


@dataclass(frozen=True)
class Ink:
    """ink: (H, W) float32 in [0, 1], bright on dark. inverted: the ink was darker than the
    background. background: its level (0..1, after any inversion; the mean where it varies).
    cleaned: the photo path ran (uneven background or noise)."""

    ink: np.ndarray
    inverted: bool
    background: float
    cleaned: bool


def find_ink(gray: np.ndarray) -> Ink:
    """(H, W) float32 gray in [0, 1] -> :class:`Ink`."""
    border = _border(gray)
    flat = float(np.percentile(border, 95) - np.percentile(border, 5)) <= FLAT_SPREAD
    if flat or min(gray.shape) < MIN_PHOTO_SIDE:
        return _flat(gray)
    return _photo(gray)


def _border(gray: np.ndarray) -> np.ndarray:
    if gray.shape[0] < 3 or gray.shape[1] < 3:
        return gray.ravel()
    return np.concatenate([gray[0], gray[-1], gray[1:-1, 0], gray[1:-1, -1]])


def _flat(gray: np.ndarray) -> Ink:
    """Light background if the border's median is above 0.5 (a tie: the whole image's); the
    border's median background subtracted and the rest stretched to 0..1."""
    level = float(np.median(_border(gray)))
    if level == 0.5:
        level = float(np.median(gray))
    inverted = level > 0.5
    values = 1 - gray if inverted else gray
    background = float(np.median(_border(values)))
    ink = np.clip((values - background) / max(1 - background, 1e-6), 0, 1).astype(np.float32)
    return Ink(ink, inverted, background, False)


def _photo(image: np.ndarray) -> Ink:
    """The cleaning of the module docstring, on a copy at most PHOTO_SIDE px long (a 20 px
    digit needs no more); the ink is scaled back to the image's size."""
    h, w = _small_shape(image.shape, PHOTO_SIDE)
    gray = image if (h, w) == image.shape else _resize(image, h, w, Image.Resampling.BOX)
    ink, inverted, background = _clean(gray)
    if ink.shape != image.shape:
        ink = np.clip(_resize(ink, image.shape[0], image.shape[1], Image.Resampling.BILINEAR),
                      0, 1)
    return Ink(ink, inverted, background, True)


def _clean(gray: np.ndarray) -> tuple[np.ndarray, bool, float]:
    bg = _background(gray)
    residual = gray - bg
    dark = float(np.percentile(-residual, 99.5))
    light = float(np.percentile(residual, 99.5))
    inverted = dark >= light
    if inverted:
        signed = -residual / np.maximum(bg, 0.05)
    else:
        signed = residual / np.maximum(1 - bg, 0.05)
    signed = _blur(signed.astype(np.float32), max(gray.shape) / 250)
    centre = float(np.median(signed))
    sigma = 1.4826 * float(np.median(np.abs(signed - centre)))
    floor = centre + NOISE_SIGMAS * sigma
    strong = signed[signed > floor]
    peak = float(np.percentile(strong, 90)) if strong.size else centre
    if peak - centre < BLANK_SIGMAS * sigma:  # only paper grain and noise: nothing written
        return np.zeros_like(gray, dtype=np.float32), inverted, _level(bg, inverted)
    ink = np.where(signed > floor, np.clip((signed - centre) / max(peak - centre, 1e-6), 0, 1),
                   0).astype(np.float32)
    ink *= _largest_pieces(ink)
    return ink, inverted, _level(bg, inverted)


def _level(bg: np.ndarray, inverted: bool) -> float:
    return float(1 - bg.mean()) if inverted else float(bg.mean())


def _resize(values: np.ndarray, h: int, w: int, how: Image.Resampling) -> np.ndarray:
    im = Image.fromarray(np.ascontiguousarray(values, dtype=np.float32))
    return np.asarray(im.resize((w, h), how), dtype=np.float32)


def _small_shape(shape: tuple[int, ...], side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(shape))
    return max(1, round(shape[0] * scale)), max(1, round(shape[1] * scale))


def _background(gray: np.ndarray) -> np.ndarray:
    """(H, W) -> (H, W): the paper's level under the lighting, ink left out (see module)."""
    h, w = _small_shape(gray.shape, BACKGROUND_SIDE)
    small = _resize(gray, h, w, Image.Resampling.BOX)
    k = max(3, (min(h, w) // 3) | 1)  # odd, about a third of the shorter side
    padded = np.pad(small, k // 2, mode="reflect")
    med = np.median(sliding_window_view(padded, (k, k)), axis=(-2, -1)).astype(np.float32)
    med = _blur(med, k / 4)
    return np.clip(_resize(med, gray.shape[0], gray.shape[1], Image.Resampling.BILINEAR), 0, 1)


def _blur(values: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur (edges reflected); sigma under 0.3 px returns the input."""
    if sigma < 0.3:
        return values
    r = max(1, int(round(3 * sigma)))
    x = np.arange(-r, r + 1, dtype=np.float32)
    kernel = np.exp(-(x * x) / (2 * sigma * sigma))
    kernel /= kernel.sum()
    out = values
    for axis in (0, 1):
        if out.shape[axis] <= r:
            continue
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r, r)
        padded = np.pad(out, pad, mode="reflect")
        n = out.shape[axis]
        acc = np.zeros_like(out)
        for i, weight in enumerate(kernel):
            acc += weight * (padded[i : i + n] if axis == 0 else padded[:, i : i + n])
        out = acc
    return out


def _largest_pieces(ink: np.ndarray) -> np.ndarray:
    """(H, W) 0/1 float32 mask: the pieces of stroke worth keeping, a little widened."""
    h, w = _small_shape(ink.shape, WORK_SIDE)
    small = _resize(ink, h, w, Image.Resampling.BOX)
    labels, areas = label_pieces(small >= STROKE_LEVEL)
    if not areas:
        return np.ones_like(ink)
    keep = np.flatnonzero(np.asarray(areas) >= KEEP_FRACTION * max(areas)) + 1
    mask = np.isin(labels, keep)
    mask = _dilate(mask, 2)
    big = Image.fromarray(mask.astype(np.uint8) * 255).resize(
        (ink.shape[1], ink.shape[0]), Image.Resampling.NEAREST)
    return (np.asarray(big) > 0).astype(np.float32)


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    padded = np.pad(mask, r)
    return np.asarray(sliding_window_view(padded, (2 * r + 1, 2 * r + 1)).any(axis=(-2, -1)))


def label_pieces(mask: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """8-connected pieces of a boolean (H, W) mask -> (labels (H, W) int32, 0 = none and
    1..n the pieces, [area of piece 1, ..., area of piece n])."""
    h, w = mask.shape
    labels = np.zeros((h, w), dtype=np.int32)
    areas: list[int] = []
    for start in zip(*np.nonzero(mask), strict=True):
        if labels[start]:
            continue
        n = len(areas) + 1
        labels[start] = n
        stack = [start]
        area = 0
        while stack:
            y, x = stack.pop()
            area += 1
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    yy, xx = y + dy, x + dx
                    if 0 <= yy < h and 0 <= xx < w and mask[yy, xx] and not labels[yy, xx]:
                        labels[yy, xx] = n
                        stack.append((yy, xx))
        areas.append(area)
    return labels, areas
