"""Shape geometry of the demo world.

Every shape lives in local coordinates ``(u, v)`` where it spans roughly ``[-1, 1]²`` (``v`` points down, as
image rows do). An object places its shape in the image by

    world = center + S · R(angle) · (radius · local),   S = diag(sx, sy)

so ``radius`` is the half-extent, ``angle`` (degrees, clockwise on screen) orients the shape, and ``sx``/``sy``
stretch it along the image axes. Image coordinates are continuous with integer values at pixel centres
(``x`` = column, ``y`` = row).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, asdict, replace

import numpy as np

SHAPES = ("circle", "square", "triangle", "star", "ring", "ellipse")

#: Inner radius of a ring, relative to its outer radius.
RING_INNER = 0.55
#: Inner (valley) radius of the five-pointed star, relative to its tip radius.
STAR_INNER = 0.45
#: Minor/major axis ratio of an unstretched ellipse (its major axis is local ``u``).
ELLIPSE_ASPECT = 0.6
#: Half-side of a square relative to its radius, so squares look about as big as circles of the same radius.
SQUARE_HALF = 0.88


def _regular_polygon(count: int, radius: float, phase_deg: float) -> np.ndarray:
    angles = np.deg2rad(phase_deg + 360.0 * np.arange(count) / count)
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)


def star_polygon() -> np.ndarray:
    """The ten vertices of the five-pointed star, first tip pointing up (local ``v`` negative)."""
    tips = _regular_polygon(5, 1.0, -90.0)
    valleys = _regular_polygon(5, STAR_INNER, -90.0 + 36.0)
    out = np.empty((10, 2))
    out[0::2] = tips
    out[1::2] = valleys
    return out


def triangle_polygon() -> np.ndarray:
    """Equilateral triangle with circumradius 1 around its centroid, pointing up."""
    return _regular_polygon(3, 1.0, -90.0)


def _inside_polygon(u: np.ndarray, v: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Even-odd crossing test, vectorised over the points."""
    inside = np.zeros(u.shape, dtype=bool)
    n = len(poly)
    for i in range(n):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % n]
        crosses = (y0 > v) != (y1 > v)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = x0 + (v - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (u < x_at)
    return inside


def inside_local(shape: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Boolean mask: which local points ``(u, v)`` lie inside the unit shape."""
    if shape == "circle":
        return u * u + v * v <= 1.0
    if shape == "ring":
        d2 = u * u + v * v
        return (d2 <= 1.0) & (d2 >= RING_INNER * RING_INNER)
    if shape == "ellipse":
        return u * u + (v / ELLIPSE_ASPECT) ** 2 <= 1.0
    if shape == "square":
        return (np.abs(u) <= SQUARE_HALF) & (np.abs(v) <= SQUARE_HALF)
    if shape == "triangle":
        return _inside_polygon(u, v, triangle_polygon())
    if shape == "star":
        return _inside_polygon(u, v, star_polygon())
    raise ValueError(f"unknown shape {shape!r}; expected one of {', '.join(SHAPES)}")


#: Area of each unit shape (radius 1, no stretch), used to turn pixel areas into radii.
UNIT_AREA = {
    "circle": math.pi,
    "ring": math.pi * (1.0 - RING_INNER ** 2),
    "ellipse": math.pi * ELLIPSE_ASPECT,
    "square": (2.0 * SQUARE_HALF) ** 2,
    "triangle": 3.0 * math.sqrt(3.0) / 4.0,
    "star": 5.0 * STAR_INNER * math.sin(math.radians(36.0)),
}


@dataclass(frozen=True)
class ObjectSpec:
    """One object of a scene: what it is, what colour, and where (see the module doc for the transform)."""

    shape: str
    color: str
    cx: float
    cy: float
    radius: float
    angle: float = 0.0
    sx: float = 1.0
    sy: float = 1.0

    def to_dict(self) -> dict:
        """Full-precision fields (JSON round-trips them exactly, so a stored scene re-renders identically)."""
        return asdict(self)

    @staticmethod
    def from_dict(d: dict) -> "ObjectSpec":
        return ObjectSpec(**{k: d[k] for k in ("shape", "color", "cx", "cy", "radius", "angle", "sx", "sy")})

    def moved(self, dx: float, dy: float) -> "ObjectSpec":
        return replace(self, cx=self.cx + dx, cy=self.cy + dy)

    def scaled(self, s: float) -> "ObjectSpec":
        return replace(self, radius=self.radius * s)

    def stretched(self, fx: float, fy: float) -> "ObjectSpec":
        return replace(self, sx=self.sx * fx, sy=self.sy * fy)

    @property
    def effective_radius(self) -> float:
        """Radius of the unstretched shape with the same area (drives the size word)."""
        return self.radius * math.sqrt(self.sx * self.sy)

    def to_local(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Image coordinates -> local shape coordinates (inverse of the placement transform)."""
        px = (x - self.cx) / (self.sx * self.radius)
        py = (y - self.cy) / (self.sy * self.radius)
        a = math.radians(self.angle)
        c, s = math.cos(a), math.sin(a)
        return c * px + s * py, -s * px + c * py

    def to_world(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Local shape coordinates -> image coordinates."""
        a = math.radians(self.angle)
        c, s = math.cos(a), math.sin(a)
        px, py = c * u - s * v, s * u + c * v
        return self.cx + self.sx * self.radius * px, self.cy + self.sy * self.radius * py

    def contains(self, x, y) -> np.ndarray:
        """Whether image points lie inside the object."""
        u, v = self.to_local(np.asarray(x, float), np.asarray(y, float))
        return inside_local(self.shape, u, v)

    def extent(self) -> float:
        """A radius (pixels, from the centre) that bounds the object in every direction."""
        return self.radius * max(self.sx, self.sy) * 1.01 + 1.0

    def boundary_point(self, theta_deg: float, inset: float = 1.0) -> tuple[float, float]:
        """The outermost point of the object on the ray from its centre at angle ``theta_deg``
        (image angle, 0 = right, 90 = down), moved ``inset`` pixels back towards the centre."""
        t = math.radians(theta_deg)
        dx, dy = math.cos(t), math.sin(t)
        steps = np.linspace(0.0, self.extent(), 2000)
        hit = self.contains(self.cx + steps * dx, self.cy + steps * dy)
        if not hit.any():
            return self.cx, self.cy
        rho = max(float(steps[np.nonzero(hit)[0][-1]]) - inset, 0.0)
        return self.cx + rho * dx, self.cy + rho * dy
