"""Drag-edit artefacts for the discriminator's fake images (method.md §3).

Each function damages one object of a rendered scene the way failed drag edits do: ``smear`` (motion
blur along a direction), ``duplicate`` (a second, shifted copy of the object), ``tear`` (one half of the
object shifted off the other), ``hole`` (a patch of background punched into the object), ``blur`` and
``warp`` (a smooth random displacement). All work on float RGB images and return a new uint8 image.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from ..render import Scene, render

ARTIFACTS = ("smear", "duplicate", "tear", "hole", "blur", "warp")


def _region(mask: np.ndarray, pixels: int) -> np.ndarray:
    return ndimage.binary_dilation(mask, iterations=pixels)


def smear(img, mask, bg, rng):
    angle = rng.uniform(0, 2 * math.pi)
    length = rng.uniform(6, 14)
    steps = np.linspace(0, length, 8)
    acc = np.mean([ndimage.shift(img, (s * math.sin(angle), s * math.cos(angle), 0), order=1, mode="nearest")
                   for s in steps], axis=0)
    region = _region(mask, int(length) + 1)
    out = img.copy()
    out[region] = acc[region]
    return out


def duplicate(img, mask, bg, rng):
    dist = rng.uniform(8, 25)
    angle = rng.uniform(0, 2 * math.pi)
    dy, dx = int(round(dist * math.sin(angle))), int(round(dist * math.cos(angle)))
    moved_img = np.roll(img, (dy, dx), axis=(0, 1))
    moved_mask = np.roll(mask, (dy, dx), axis=(0, 1))
    alpha = rng.uniform(0.5, 1.0)
    out = img.copy()
    out[moved_mask] = alpha * moved_img[moved_mask] + (1 - alpha) * img[moved_mask]
    return out


def tear(img, mask, bg, rng):
    ys, xs = np.nonzero(mask)
    cy, cx = ys.mean(), xs.mean()
    angle = rng.uniform(0, 2 * math.pi)
    nx, ny = math.cos(angle), math.sin(angle)
    yy, xx = np.mgrid[0:img.shape[0], 0:img.shape[1]]
    side = ((xx - cx) * nx + (yy - cy) * ny) > 0
    half = mask & side
    shift = rng.uniform(3, 8)
    dy, dx = int(round(shift * ny)), int(round(shift * nx))
    out = img.copy()
    out[half] = bg[half]
    moved = np.roll(half, (dy, dx), axis=(0, 1))
    out[moved] = np.roll(img, (dy, dx), axis=(0, 1))[moved]
    return out


def hole(img, mask, bg, rng):
    ys, xs = np.nonzero(ndimage.binary_erosion(mask, iterations=2) if mask.sum() > 60 else mask)
    i = rng.integers(len(xs))
    radius = rng.uniform(0.25, 0.45) * math.sqrt(mask.sum() / math.pi)
    yy, xx = np.mgrid[0:img.shape[0], 0:img.shape[1]]
    disk = (xx - xs[i]) ** 2 + (yy - ys[i]) ** 2 <= radius ** 2
    out = img.copy()
    out[disk & mask] = bg[disk & mask]
    return out


def blur(img, mask, bg, rng):
    sigma = rng.uniform(1.5, 3.0)
    region = _region(mask, 4)
    out = img.copy()
    out[region] = ndimage.gaussian_filter(img, (sigma, sigma, 0))[region]
    return out


def warp(img, mask, bg, rng):
    # Strong enough to bend edges and dent outlines; a displacement of a few pixels only gives another
    # plausible shape, which is no artefact.
    h, w, _ = img.shape
    amp = rng.uniform(4.0, 8.0)
    field = [ndimage.zoom(rng.normal(size=(7, 7)), (h / 7, w / 7), order=3)[:h, :w] for _ in range(2)]
    field = [amp * f / max(np.abs(f).max(), 1e-6) for f in field]
    yy, xx = np.mgrid[0:h, 0:w].astype(float)
    warped = np.stack([ndimage.map_coordinates(img[..., c], [yy + field[0], xx + field[1]], order=1, mode="nearest")
                       for c in range(3)], axis=-1)
    region = _region(mask, 10)
    out = img.copy()
    out[region] = warped[region]
    return out


FUNCTIONS = {"smear": smear, "duplicate": duplicate, "tear": tear, "hole": hole, "blur": blur, "warp": warp}


def damaged(scene: Scene, rng: np.random.Generator, kind: str | None = None) -> tuple[np.ndarray, str]:
    """The scene rendered with one object damaged by an artefact (random kind unless given)."""
    r = render(scene)
    kind = kind or str(rng.choice(ARTIFACTS))
    j = int(rng.integers(len(scene.objects)))
    img = r.image.astype(float)
    bg = scene.background.render(scene.width, scene.height)
    out = FUNCTIONS[kind](img, r.masks[j], bg, rng)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8), kind
