"""Rule-based checker for demo-world images: colour segmentation, shape fitting, caption checks, edit metrics.

Segmentation: the background is fitted as a smooth surface (robust quadratic per channel plus a
normalised-convolution correction for soft texture); every pixel is then unmixed against each palette
colour (``pixel ≈ background + α (colour − background)``) and assigned to the colour that explains it best
when ``α ≥ 0.5``. Connected components of each colour are objects.

Shape fitting: a ring is a component with a hole; otherwise templates of every shape are fitted (centre from
the centroid, size from the area, orientation by search; circle and ellipse from the second moments) and
the best intersection-over-union wins. Used to judge generated images ("are the captioned shapes in the
captioned colours present?") and drag edits (IoU and centroid error of the edited object).

    python -m tools.demoworld.checker IMAGE "a small red circle and a blue star on a beige background"
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from scipy import ndimage

from .palette import BACKGROUND_COLORS, OBJECT_COLORS, size_word
from .shapes import RING_INNER, SHAPES, UNIT_AREA, ObjectSpec

COLOR_NAMES = tuple(OBJECT_COLORS)
_COLOR_TABLE = np.array([OBJECT_COLORS[n] for n in COLOR_NAMES], float)

#: A pixel is foreground when it differs from the fitted background by more than this (RGB units) …
FOREGROUND_DISTANCE = 30.0
#: … and its best palette colour explains at least this share of it (the anti-aliasing coverage).
MIN_COVERAGE = 0.5
#: Components smaller than this (pixels at the reference size 128) are ignored.
MIN_AREA = 25
#: Background inliers are pixels within this distance of the current background fit.
BACKGROUND_INLIER = 22.0
#: Ellipse-like components with a major/minor ratio below this are circles.
CIRCLE_MAX_ASPECT = 1.25
#: A component whose filled holes make up at least this share of its filled area is ring-like.
RING_MIN_HOLE = 0.12
#: Template supersampling and orientation search steps (degrees): coarse step, then ±coarse at fine step.
TEMPLATE_SUPERSAMPLE = 2
COARSE_STEP, FINE_STEP = 6.0, 1.0
SYMMETRY_DEG = {"square": 90.0, "triangle": 120.0, "star": 72.0}


class CaptionError(ValueError):
    """The caption does not follow the demo-world caption grammar."""


class ImageError(ValueError):
    """The image cannot be checked (wrong shape or type)."""


@dataclass
class Detection:
    """One segmented object."""

    color: str
    shape: str
    score: float                      # IoU of the best template
    scores: dict                      # IoU per shape
    area: int
    centroid: tuple[float, float]     # (x, y)
    bbox: list[int]                   # [x0, y0, x1, y1], x1/y1 exclusive
    size_word: str
    mask: np.ndarray = field(repr=False)


@dataclass
class Segmentation:
    background: np.ndarray            # float (H, W, 3)
    background_color: str             # nearest named background colour
    labels: np.ndarray                # int (H, W): -1 background, else index into COLOR_NAMES
    detections: list[Detection]


@dataclass
class ObjectCheck:
    size: str | None
    color: str
    shape: str
    found: bool
    size_ok: bool | None              # None when the caption gives no size
    detection: Detection | None = field(default=None, repr=False)


@dataclass
class CaptionCheck:
    ok: bool                          # every captioned object found (colour + shape)
    objects: list[ObjectCheck]
    background_ok: bool | None        # None when the caption names no background
    extra: list[Detection]            # detections not matched to the caption

    @property
    def sizes_ok(self) -> bool:
        return all(o.size_ok is not False for o in self.objects)


# --------------------------------------------------------------------------------------------- input

def as_image(image) -> np.ndarray:
    """A float (H, W, 3) array from a path, a PIL image or an array; raises ImageError otherwise."""
    if isinstance(image, str):
        image = Image.open(image).convert("RGB")
    if isinstance(image, Image.Image):
        image = np.asarray(image.convert("RGB"))
    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[2] != 3 or arr.shape[0] < 8 or arr.shape[1] < 8:
        raise ImageError(f"expected an RGB image of shape (H, W, 3), got {arr.shape}")
    return arr.astype(float)


# --------------------------------------------------------------------------------------------- background

def fit_background(img: np.ndarray, iterations: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Smooth background estimate (H, W, 3) and the inlier mask it was fitted on."""
    h, w, _ = img.shape
    y, x = np.mgrid[0:h, 0:w].astype(float)
    x, y = x / w - 0.5, y / h - 0.5
    design = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=-1).reshape(-1, 6)
    flat = img.reshape(-1, 3)
    border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
    bg = np.broadcast_to(np.median(border, axis=0), flat.shape)
    inlier = np.linalg.norm(flat - bg, axis=1) < 2 * BACKGROUND_INLIER
    for _ in range(iterations):
        if inlier.sum() < 12:
            break
        coef, *_ = np.linalg.lstsq(design[inlier], flat[inlier], rcond=None)
        bg = design @ coef
        inlier = np.linalg.norm(flat - bg, axis=1) < BACKGROUND_INLIER
    bg = bg.reshape(h, w, 3)
    inlier = inlier.reshape(h, w)
    # Soft texture: add the inliers' smoothed residual (normalised convolution) where support is good.
    sigma = max(h, w) / 24.0
    weight = ndimage.gaussian_filter(inlier.astype(float), sigma)
    residual = np.stack([ndimage.gaussian_filter((img[..., c] - bg[..., c]) * inlier, sigma)
                         for c in range(3)], axis=-1)
    support = np.clip((weight - 0.1) / 0.3, 0.0, 1.0)
    bg = bg + support[..., None] * residual / np.maximum(weight, 1e-6)[..., None]
    return bg, inlier


def nearest_background_color(rgb) -> str:
    names = list(BACKGROUND_COLORS)
    d = [np.linalg.norm(np.asarray(rgb, float) - np.asarray(BACKGROUND_COLORS[n], float)) for n in names]
    return names[int(np.argmin(d))]


# --------------------------------------------------------------------------------------------- segmentation

def label_colors(img: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """Per-pixel palette index (or -1 for background) by unmixing each pixel against every colour."""
    diff = img - bg                                              # (H, W, 3)
    dirs = _COLOR_TABLE[None, None, :, :] - bg[:, :, None, :]    # (H, W, K, 3)
    norm2 = np.maximum((dirs * dirs).sum(-1), 1e-6)
    alpha = np.clip((diff[:, :, None, :] * dirs).sum(-1) / norm2, 0.0, 1.3)
    residual = np.linalg.norm(diff[:, :, None, :] - alpha[..., None] * dirs, axis=-1)
    residual = np.where(alpha >= 0.25, residual, np.inf)
    best = np.argmin(residual, axis=-1)
    best_alpha = np.take_along_axis(alpha, best[..., None], axis=-1)[..., 0]
    fg = (np.linalg.norm(diff, axis=-1) > FOREGROUND_DISTANCE) & (best_alpha >= MIN_COVERAGE)
    fg &= np.isfinite(np.take_along_axis(residual, best[..., None], axis=-1)[..., 0])
    return np.where(fg, best, -1)


def segment(image, min_area: int | None = None) -> Segmentation:
    """Segment an image into coloured objects and fit each one's shape."""
    img = as_image(image)
    h, w, _ = img.shape
    k2 = (min(h, w) / 128.0) ** 2
    min_area = int(MIN_AREA * k2) if min_area is None else min_area
    bg, inlier = fit_background(img)
    labels = label_colors(img, bg)
    detections = []
    eight = np.ones((3, 3), bool)
    for ci, name in enumerate(COLOR_NAMES):
        comp, n = ndimage.label(labels == ci, structure=eight)
        if n == 0:
            continue
        areas = ndimage.sum(np.ones_like(comp), comp, index=np.arange(1, n + 1))
        for j in np.nonzero(areas >= min_area)[0]:
            mask = comp == j + 1
            detections.append(_describe(mask, name, min(h, w)))
    bg_color = nearest_background_color(bg[inlier].mean(axis=0) if inlier.any() else bg.mean(axis=(0, 1)))
    return Segmentation(bg, bg_color, labels, detections)


def _describe(mask: np.ndarray, color: str, image_side: int) -> Detection:
    shape, scores = classify_shape(mask)
    ys, xs = np.nonzero(mask)
    area = int(mask.sum())
    filled_area = float(ndimage.binary_fill_holes(mask).sum())
    radius = math.sqrt((filled_area if shape != "ring" else filled_area * UNIT_AREA["ring"] / math.pi)
                       / UNIT_AREA[shape])
    return Detection(color=color, shape=shape, score=scores[shape], scores=scores, area=area,
                     centroid=(float(xs.mean()), float(ys.mean())),
                     bbox=[int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1],
                     size_word=size_word(radius, image_side), mask=mask)


# --------------------------------------------------------------------------------------------- shapes

def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


def _grid(shape_hw, offset):
    s = TEMPLATE_SUPERSAMPLE
    h, w = shape_hw
    offs = (np.arange(s) + 0.5) / s - 0.5
    xs = (np.arange(w)[:, None] + offs[None, :]).reshape(-1) + offset[0]
    ys = (np.arange(h)[:, None] + offs[None, :]).reshape(-1) + offset[1]
    return np.meshgrid(xs, ys, indexing="xy")


def _rasterize(inside: np.ndarray, shape_hw) -> np.ndarray:
    s = TEMPLATE_SUPERSAMPLE
    h, w = shape_hw
    return inside.reshape(h, s, w, s).mean(axis=(1, 3)) >= 0.5


def _moment_ellipse(xx, yy, cx, cy, cov, scale=1.0):
    inv = np.linalg.inv(cov + 1e-6 * np.eye(2))
    dx, dy = xx - cx, yy - cy
    q = inv[0, 0] * dx * dx + 2 * inv[0, 1] * dx * dy + inv[1, 1] * dy * dy
    return q <= 4.0 * scale * scale


def classify_shape(mask: np.ndarray) -> tuple[str, dict]:
    """Best-fitting shape name for a binary component mask, and the IoU of every shape's template."""
    ys, xs = np.nonzero(mask)
    if len(xs) < 3:
        raise ImageError("component too small to classify")
    pad = 3
    x0, y0 = xs.min() - pad, ys.min() - pad
    crop = np.zeros((ys.max() - y0 + 1 + pad, xs.max() - x0 + 1 + pad), bool)
    crop[ys - y0, xs - x0] = True
    filled = ndimage.binary_fill_holes(crop)
    fy, fx = np.nonzero(filled)
    cx, cy = float(fx.mean()), float(fy.mean())
    area = float(filled.sum())
    cov = np.cov(np.stack([fx, fy]).astype(float)) if len(fx) > 2 else np.eye(2)
    xx, yy = _grid(crop.shape, (0.0, 0.0))
    scores = {}
    ellipse = _rasterize(_moment_ellipse(xx, yy, cx, cy, cov), crop.shape)
    ellipse_iou = _iou(ellipse, filled)
    evals = np.linalg.eigvalsh(cov)
    aspect = math.sqrt(max(evals[1], 1e-9) / max(evals[0], 1e-9))
    circle = _rasterize(_moment_ellipse(xx, yy, cx, cy, np.eye(2) * area / (4.0 * math.pi)), crop.shape)
    scores["circle"] = _iou(circle, filled)
    scores["ellipse"] = ellipse_iou if aspect >= CIRCLE_MAX_ASPECT else min(ellipse_iou, scores["circle"]) - 1e-3
    if aspect < CIRCLE_MAX_ASPECT:
        scores["circle"] = max(scores["circle"], ellipse_iou)
    ring = ellipse & ~_rasterize(_moment_ellipse(xx, yy, cx, cy, cov, RING_INNER), crop.shape)
    hole_share = 1.0 - crop.sum() / area
    scores["ring"] = _iou(ring, crop) if hole_share >= RING_MIN_HOLE else 0.0
    for shape, period in SYMMETRY_DEG.items():
        radius = math.sqrt(area / UNIT_AREA[shape])

        def fit(angle, shape=shape, radius=radius):
            inside = ObjectSpec(shape, "", cx, cy, radius, angle).contains(xx, yy)
            return _iou(_rasterize(inside, crop.shape), filled)

        coarse = np.arange(0.0, period, COARSE_STEP)
        best = max(coarse, key=fit)
        fine = best + np.arange(-COARSE_STEP, COARSE_STEP + 1e-9, FINE_STEP)
        scores[shape] = max(fit(a) for a in fine)
    if hole_share >= RING_MIN_HOLE:
        return "ring", scores
    best_shape = max((s for s in SHAPES if s != "ring"), key=lambda s: scores[s])
    return best_shape, scores


# --------------------------------------------------------------------------------------------- captions

_OBJECT_RE = re.compile(r"\b(?:an?|one)\s+(?:(small|medium|large)\s+)?([a-z]+)\s+(" + "|".join(SHAPES) + r")s?\b")
_BACKGROUND_RE = re.compile(r"\bon\s+an?\s+(.+?)\s+background\b")


@dataclass
class ParsedCaption:
    objects: list[tuple[str | None, str, str]]    # (size or None, colour, shape)
    background: str | None


def parse_caption(caption: str) -> ParsedCaption:
    """Split a demo-world caption into its objects and background; raises CaptionError if malformed."""
    text = caption.strip().lower()
    bg_match = _BACKGROUND_RE.search(text)
    background = bg_match.group(1) if bg_match else None
    if background is not None and background not in BACKGROUND_COLORS:
        raise CaptionError(f"unknown background colour {background!r} in caption {caption!r}")
    head = text[:bg_match.start()] if bg_match else text
    objects = []
    for m in _OBJECT_RE.finditer(head):
        size, color, shape = m.group(1), m.group(2), m.group(3)
        if color not in OBJECT_COLORS:
            raise CaptionError(f"unknown colour {color!r} in caption {caption!r}")
        objects.append((size, color, shape))
    if not objects:
        raise CaptionError(f"no '<size> <colour> <shape>' object found in caption {caption!r}")
    return ParsedCaption(objects, background)


def check_caption(image, caption: str, segmentation: Segmentation | None = None) -> CaptionCheck:
    """Whether every captioned object (colour + shape) is present in the image."""
    parsed = parse_caption(caption)
    seg = segmentation or segment(image)
    unused = list(seg.detections)
    checks = []
    # Match exact (colour, shape) first, biggest detections first, so duplicates go to the extras.
    for size, color, shape in parsed.objects:
        candidates = sorted((d for d in unused if d.color == color and d.shape == shape), key=lambda d: -d.area)
        det = candidates[0] if candidates else None
        if det is not None:
            unused.remove(det)
        checks.append(ObjectCheck(size, color, shape, det is not None,
                                  None if size is None or det is None else det.size_word == size, det))
    background_ok = None if parsed.background is None else seg.background_color == parsed.background
    return CaptionCheck(all(c.found for c in checks), checks, background_ok, unused)


# --------------------------------------------------------------------------------------------- edit metrics

@dataclass
class MaskMetrics:
    iou: float
    centroid_error: float             # pixels; inf when either mask is empty
    area_ratio: float                 # predicted area / ground-truth area


def mask_metrics(predicted: np.ndarray, truth: np.ndarray) -> MaskMetrics:
    """IoU, centroid distance and area ratio of a predicted object mask against the ground truth."""
    predicted, truth = np.asarray(predicted) > 0, np.asarray(truth) > 0
    if predicted.shape != truth.shape:
        raise ImageError(f"mask shapes differ: {predicted.shape} vs {truth.shape}")
    if not predicted.any() or not truth.any():
        return MaskMetrics(_iou(predicted, truth), math.inf, predicted.sum() / max(truth.sum(), 1))
    py, px = np.nonzero(predicted)
    ty, tx = np.nonzero(truth)
    err = math.hypot(px.mean() - tx.mean(), py.mean() - ty.mean())
    return MaskMetrics(_iou(predicted, truth), err, float(predicted.sum() / truth.sum()))


def edited_object_mask(image, color: str, segmentation: Segmentation | None = None) -> np.ndarray:
    """All pixels of the given colour that belong to objects (components above the size floor)."""
    if color not in OBJECT_COLORS:
        raise ValueError(f"unknown colour {color!r}")
    seg = segmentation or segment(image)
    out = np.zeros(seg.labels.shape, bool)
    for d in seg.detections:
        if d.color == color:
            out |= d.mask
    return out


def edited_object_metrics(image, color: str, truth_mask: np.ndarray) -> MaskMetrics:
    """How well the object of ``color`` in an edited image matches its ground-truth mask."""
    return mask_metrics(edited_object_mask(image, color), truth_mask)


def outside_psnr(edited, reference, editable_mask: np.ndarray) -> float:
    """PSNR (dB) between two images over the pixels outside the editable mask (inf when identical)."""
    a, b = as_image(edited), as_image(reference)
    if a.shape != b.shape:
        raise ImageError(f"image shapes differ: {a.shape} vs {b.shape}")
    outside = ~(np.asarray(editable_mask) > 0)
    if not outside.any():
        raise ImageError("the mask covers the whole image; nothing lies outside it")
    mse = float(((a - b)[outside] ** 2).mean())
    return math.inf if mse == 0 else 10.0 * math.log10(255.0 ** 2 / mse)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Check that an image shows the objects its caption names.")
    p.add_argument("image")
    p.add_argument("caption")
    a = p.parse_args(argv)
    seg = segment(a.image)
    result = check_caption(a.image, a.caption, seg)
    for o in result.objects:
        print(f"{'found  ' if o.found else 'MISSING'} {o.size or ''} {o.color} {o.shape}".replace("  ", " "))
    for d in result.extra:
        print(f"extra   {d.size_word} {d.color} {d.shape} (IoU {d.score:.2f}) at {d.bbox}")
    print(f"background: {seg.background_color} ({'ok' if result.background_ok else 'differs'})")
    print("OK" if result.ok else "FAIL")
    raise SystemExit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
