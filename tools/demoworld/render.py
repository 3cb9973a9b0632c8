"""Render a scene description into pixels.

A scene is a background (named colour + style) and an ordered list of objects (later ones on top).
Rendering is exact and deterministic: objects are sampled on a 4×-supersampled grid and box-filtered down
(anti-aliased edges), with a light linear shading (lighter towards the top left). Ground truth for drag
tasks is obtained by rendering the *transformed description*, never by warping pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from .palette import BACKGROUND_COLORS, BACKGROUND_STYLES, OBJECT_COLORS
from .shapes import ObjectSpec

#: Supersampling factor per axis.
SUPERSAMPLE = 4
#: Shading strength: brightness varies by about ±SHADING across an object.
SHADING = 0.09
#: Texture amplitude (RGB units) of the soft background texture.
TEXTURE_AMPLITUDE = 9.0
#: Control-grid side of the soft texture (upsampled with cubic splines).
TEXTURE_GRID = 6


@dataclass(frozen=True)
class Background:
    """Background: a named base colour, a style, and the style's parameters."""

    color: str
    style: str = "flat"
    gradient_angle: float = 0.0      # degrees, direction in which the gradient brightens
    gradient_amplitude: float = 0.0  # RGB units from one side to the other
    texture_seed: int = 0

    def __post_init__(self):
        if self.color not in BACKGROUND_COLORS:
            raise ValueError(f"unknown background colour {self.color!r}")
        if self.style not in BACKGROUND_STYLES:
            raise ValueError(f"unknown background style {self.style!r}")

    def to_dict(self) -> dict:
        return {"color": self.color, "style": self.style, "gradient_angle": self.gradient_angle,
                "gradient_amplitude": self.gradient_amplitude, "texture_seed": self.texture_seed}

    @staticmethod
    def from_dict(d: dict) -> "Background":
        return Background(d["color"], d["style"], d["gradient_angle"], d["gradient_amplitude"], d["texture_seed"])

    def render(self, width: int, height: int) -> np.ndarray:
        """Float RGB image (height, width, 3) in 0..255."""
        img = np.empty((height, width, 3), float)
        img[:] = BACKGROUND_COLORS[self.color]
        if self.style == "gradient":
            y, x = np.mgrid[0:height, 0:width]
            a = math.radians(self.gradient_angle)
            t = ((x - (width - 1) / 2) * math.cos(a) + (y - (height - 1) / 2) * math.sin(a)) / max(width, height)
            img += (self.gradient_amplitude * t)[..., None]
        elif self.style == "texture":
            grid = np.random.default_rng(self.texture_seed).normal(size=(TEXTURE_GRID, TEXTURE_GRID))
            field_ = ndimage.zoom(grid, (height / TEXTURE_GRID, width / TEXTURE_GRID), order=3, mode="reflect")
            field_ = field_[:height, :width]
            img += (TEXTURE_AMPLITUDE * field_ / max(np.abs(field_).max(), 1e-6))[..., None]
        return img


@dataclass(frozen=True)
class Scene:
    """A full scene description: image size, background and objects (drawn in order)."""

    width: int
    height: int
    background: Background
    objects: tuple[ObjectSpec, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {"width": self.width, "height": self.height, "background": self.background.to_dict(),
                "objects": [o.to_dict() for o in self.objects]}

    @staticmethod
    def from_dict(d: dict) -> "Scene":
        return Scene(d["width"], d["height"], Background.from_dict(d["background"]),
                     tuple(ObjectSpec.from_dict(o) for o in d["objects"]))

    def with_object(self, index: int, obj: ObjectSpec, on_top: bool = True) -> "Scene":
        """The scene with object ``index`` replaced (and, by default, drawn last so it is on top)."""
        others = [o for i, o in enumerate(self.objects) if i != index]
        objects = others + [obj] if on_top else [obj if i == index else o for i, o in enumerate(self.objects)]
        return Scene(self.width, self.height, self.background, tuple(objects))


def object_coverage(obj: ObjectSpec, width: int, height: int) -> np.ndarray:
    """Anti-aliased coverage (height, width) in 0..1 of one object, box-filtered from the supersampled grid."""
    cov = np.zeros((height, width), float)
    ext = obj.extent()
    x0, x1 = max(int(math.floor(obj.cx - ext)) - 1, 0), min(int(math.ceil(obj.cx + ext)) + 2, width)
    y0, y1 = max(int(math.floor(obj.cy - ext)) - 1, 0), min(int(math.ceil(obj.cy + ext)) + 2, height)
    if x0 >= x1 or y0 >= y1:
        return cov
    s = SUPERSAMPLE
    offs = (np.arange(s) + 0.5) / s - 0.5
    xs = (np.arange(x0, x1)[:, None] + offs[None, :]).reshape(-1)
    ys = (np.arange(y0, y1)[:, None] + offs[None, :]).reshape(-1)
    yy, xx = np.meshgrid(ys, xs, indexing="ij")
    inside = obj.contains(xx, yy).astype(float)
    cov[y0:y1, x0:x1] = inside.reshape(y1 - y0, s, x1 - x0, s).mean(axis=(1, 3))
    return cov


def object_shading(obj: ObjectSpec, width: int, height: int) -> np.ndarray:
    """Brightness factor (height, width): lighter towards the top left of the object."""
    y, x = np.mgrid[0:height, 0:width].astype(float)
    qx = (x - obj.cx) / (obj.radius * obj.sx)
    qy = (y - obj.cy) / (obj.radius * obj.sy)
    return 1.0 - SHADING * np.clip((qx + qy) / math.sqrt(2.0), -1.0, 1.0)


@dataclass
class Rendering:
    """A rendered scene: the RGB image and one binary mask per object (visible part, coverage >= 0.5)."""

    image: np.ndarray                 # uint8 (H, W, 3)
    masks: list[np.ndarray]           # bool (H, W), same order as scene.objects
    coverages: list[np.ndarray]       # float (H, W) in 0..1, before occlusion


def render(scene: Scene) -> Rendering:
    """Render a scene description."""
    w, h = scene.width, scene.height
    img = scene.background.render(w, h)
    coverages, visible = [], []
    for obj in scene.objects:
        cov = object_coverage(obj, w, h)
        colour = np.asarray(OBJECT_COLORS[obj.color], float)
        shaded = colour[None, None, :] * object_shading(obj, w, h)[..., None]
        img = img * (1.0 - cov[..., None]) + shaded * cov[..., None]
        visible = [v * (1.0 - cov) for v in visible] + [cov]
        coverages.append(cov)
    image = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return Rendering(image=image, masks=[v >= 0.5 for v in visible], coverages=coverages)
