"""The demo world's named colours and size words.

Object colours are well separated in RGB (every pair at least ~80 apart); background colours are light
or dark neutrals. A scene never puts an object on a background closer than ``MIN_OBJECT_BACKGROUND_DISTANCE``
so a colour segmenter can always tell them apart.
"""

from __future__ import annotations

import numpy as np

#: Object colours, name -> sRGB 0..255.
OBJECT_COLORS: dict[str, tuple[int, int, int]] = {
    "red": (220, 40, 40),
    "green": (40, 170, 60),
    "blue": (40, 80, 220),
    "yellow": (240, 220, 40),
    "orange": (245, 140, 30),
    "purple": (140, 60, 190),
    "pink": (245, 130, 190),
    "cyan": (40, 210, 220),
    "white": (250, 250, 250),
    "black": (25, 25, 25),
    "brown": (130, 80, 40),
}

#: Background base colours, name (as it appears in captions) -> sRGB 0..255.
BACKGROUND_COLORS: dict[str, tuple[int, int, int]] = {
    "light gray": (200, 200, 200),
    "dark gray": (70, 70, 75),
    "beige": (225, 210, 180),
    "light blue": (190, 215, 235),
    "pale green": (200, 225, 195),
}

#: Background styles: flat colour, linear gradient, or soft low-frequency texture.
BACKGROUND_STYLES = ("flat", "gradient", "texture")

#: An object colour is only used on a background at least this far away (Euclidean RGB).
MIN_OBJECT_BACKGROUND_DISTANCE = 100.0

#: Size words by object radius (half-extent) in pixels at the reference resolution of 128:
#: small < 13 <= medium < 19 <= large.
SIZE_BOUNDS = (13.0, 19.0)
SIZE_WORDS = ("small", "medium", "large")
#: Radius ranges the scene generator samples for each size word (inside the bounds above, with margin).
SIZE_SAMPLING = {"small": (10.0, 12.0), "medium": (14.5, 17.5), "large": (20.0, 24.0)}
REFERENCE_SIZE = 128


def color_distance(a, b) -> float:
    """Euclidean distance between two RGB triples."""
    return float(np.linalg.norm(np.asarray(a, float) - np.asarray(b, float)))


def colors_usable_on(background: str) -> list[str]:
    """Object colour names that are far enough from the named background colour."""
    base = BACKGROUND_COLORS[background]
    return [n for n, c in OBJECT_COLORS.items() if color_distance(c, base) >= MIN_OBJECT_BACKGROUND_DISTANCE]


def size_word(radius: float, image_size: int = REFERENCE_SIZE) -> str:
    """The size word for an object of the given effective radius in an image of the given side."""
    r = radius * REFERENCE_SIZE / image_size
    if r < SIZE_BOUNDS[0]:
        return "small"
    if r < SIZE_BOUNDS[1]:
        return "medium"
    return "large"
