"""Drag tasks with exact ground truth, and the task CLI.

    python -m tools.demoworld.tasks --out DIR --count N --seed S [--size 128] [--drags default|large] [--jitter PX]

Each task takes one object of a random scene and an intended edit (move, enlarge, shrink,
stretch_horizontal, stretch_vertical), places 1–3 handle → target pairs the way a user would, and then
asks, for *every* kind, whether that kind's transformation with plausible parameters carries every handle
onto its target (within a tolerance). All kinds that do are the task's acceptable intentions; each gets its
ground truth rendered from the transformed scene description (never by warping pixels). A task with more
than one acceptable kind is ambiguous.

Transformations act about the object's centre ``c``:
  move      p -> p + (dx, dy)
  enlarge   p -> c + s (p - c),  s in [1.15, 2.2]      shrink: s in [0.45, 0.87]
  stretch_horizontal  x -> cx + f (x - cx), y unchanged, f in [1.15, 2.2]   (vertical: the same on y)

``--drags large`` (issue 29) makes a split whose every drag is 10–30 % of the image side (13–38 px at 128):
moves travel that far, and the edited object of a scale or stretch task is resized first (shrink: a big
object; enlarge: a small-to-medium one) so that a plausible scale or factor drags its handles that far.
The acceptability rule, the user mask, the ground truth and the file format are the same as the default's;
per-task seeds come from their own stream, so no large-drag task shares a scene with a default split of the
same seed.

``--jitter PX`` draws the drags the way a hand does: every handle and target is displaced by Gaussian noise of
PX reference pixels along each axis (clamped to the image). The scene, the intended edit, its acceptable
readings, ground truths and user mask are those of the same seed without jitter (the user meant the exact
edit and drew it imprecisely); ``pairs`` holds the drawn points and ``intended_pairs`` the exact ones, which
the ground-truth scores measure against. The noise has its own seed stream, so a jittered split and the exact
split of the same seed pair task by task.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, replace

import numpy as np
from scipy import ndimage

from .render import Scene, render
from .scenes import (ANGLE_RANGES, caption, fits, mask_bbox, parse_generation_args, random_scene, save_png,
                     scene_seed)
from .palette import size_word
from .shapes import SHAPES, ObjectSpec

KINDS = ("move", "enlarge", "shrink", "stretch_horizontal", "stretch_vertical")

#: Plausible parameter ranges for a kind to count as an acceptable reading of a drag.
SCALE_RANGE = {"enlarge": (1.15, 2.2), "shrink": (0.45, 0.87)}
STRETCH_RANGE = (1.15, 2.2)
#: A move must displace the object at least this far (pixels at the reference size 128).
MIN_MOVE = 3.0
#: Handles must land within max(TOLERANCE_PX, TOLERANCE_FRACTION * drag length) of their targets.
TOLERANCE_PX = 1.0
TOLERANCE_FRACTION = 0.1
#: Radius (pixels at the reference size) by which the union of object masks is dilated into the user mask.
USER_MASK_DILATION = 5
#: Every intended drag is at least this long (reference pixels), as a user's drag would be.
MIN_DRAG = 3.5
#: Objects must keep this radius (reference pixels) after a shrink and stay below the maximum after an enlarge.
MIN_RADIUS, MAX_RADIUS = 7.0, 32.0

#: ``--drags large``: every drag (each pair) is this fraction of the image side.
LARGE_DRAG_FRACTION = (0.10, 0.30)
#: ``--drags large``: radius (reference pixels) the edited object is resized to, per intended kind (move keeps it).
LARGE_RADIUS = {"enlarge": (11.0, 18.0), "shrink": (26.0, 38.0),
                "stretch_horizontal": (15.0, 24.0), "stretch_vertical": (15.0, 24.0)}
#: ``--drags large``: the generator's scale / factor ranges (inside the plausible ranges above).
LARGE_SCALE = {"enlarge": (1.6, 2.15), "shrink": (0.46, 0.65)}
LARGE_STRETCH = (1.6, 2.15)
#: ``--drags large``: tag mixed into the per-task seeds (``SeedSequence([seed, index, tag])``).
LARGE_STREAM = 29
#: ``--jitter``: tag mixed into the seeds of each task's drawing noise.
JITTER_STREAM = 31
DRAG_PROFILES = ("default", "large")

#: Handle layouts per intended kind, with their probabilities.
LAYOUTS = {
    "move": {"interior": 0.5, "interior_two": 0.2, "boundary_radial": 0.3},
    "enlarge": {"boundary_one": 0.35, "opposite_diagonal": 0.4, "three_around": 0.25},
    "shrink": {"boundary_one": 0.35, "opposite_diagonal": 0.4, "three_around": 0.25},
    "stretch_horizontal": {"two_sides_off_axis": 0.7, "two_sides_on_axis": 0.1, "one_side": 0.2},
    "stretch_vertical": {"two_sides_off_axis": 0.7, "two_sides_on_axis": 0.1, "one_side": 0.2},
}


@dataclass
class Reading:
    """One kind's best explanation of the drag: its parameters, the transformed object and the fit error."""

    kind: str
    params: dict
    obj: ObjectSpec
    error: float
    plausible: bool


def apply(kind: str, obj: ObjectSpec, params: dict) -> ObjectSpec:
    """The object after an edit of ``kind`` with ``params``."""
    if kind == "move":
        return obj.moved(params["dx"], params["dy"])
    if kind in ("enlarge", "shrink"):
        return obj.scaled(params["scale"])
    if kind == "stretch_horizontal":
        return obj.stretched(params["factor"], 1.0)
    if kind == "stretch_vertical":
        return obj.stretched(1.0, params["factor"])
    raise ValueError(f"unknown kind {kind!r}")


def read_drag(kind: str, obj: ObjectSpec, handles: np.ndarray, targets: np.ndarray, k: float = 1.0) -> Reading:
    """Fit ``kind``'s transformation (least squares, about the object centre) to the pairs."""
    c = np.array([obj.cx, obj.cy])
    h, t = handles - c, targets - c
    if kind == "move":
        d = (t - h).mean(axis=0)
        pred = h + d
        params = {"dx": float(d[0]), "dy": float(d[1])}
        plausible = float(np.hypot(*d)) >= MIN_MOVE * k
    elif kind in ("enlarge", "shrink"):
        s = float((h * t).sum() / max((h * h).sum(), 1e-9))
        pred = s * h
        lo, hi = SCALE_RANGE[kind]
        r_new = obj.effective_radius * s / k
        plausible = lo <= s <= hi and MIN_RADIUS <= r_new <= MAX_RADIUS
        params = {"scale": s, "anchor": [obj.cx, obj.cy]}
    elif kind in ("stretch_horizontal", "stretch_vertical"):
        a = 0 if kind == "stretch_horizontal" else 1
        f = float((h[:, a] * t[:, a]).sum() / max((h[:, a] ** 2).sum(), 1e-9))
        pred = h.copy()
        pred[:, a] *= f
        plausible = STRETCH_RANGE[0] <= f <= STRETCH_RANGE[1]
        params = {"factor": f, "anchor": [obj.cx, obj.cy]}
    else:
        raise ValueError(f"unknown kind {kind!r}")
    error = float(np.abs(np.hypot(*(pred - t).T)).max())
    return Reading(kind, params, apply(kind, obj, params), error, plausible)


def tolerance(handles: np.ndarray, targets: np.ndarray, k: float = 1.0) -> float:
    longest = float(np.hypot(*(targets - handles).T).max())
    return max(TOLERANCE_PX * k, TOLERANCE_FRACTION * longest)


def acceptable_readings(obj: ObjectSpec, handles: np.ndarray, targets: np.ndarray, k: float = 1.0) -> list[Reading]:
    """Every kind whose plausible transformation carries all handles onto their targets."""
    tol = tolerance(handles, targets, k)
    out = []
    for kind in KINDS:
        r = read_drag(kind, obj, handles, targets, k)
        if r.plausible and r.error <= tol:
            out.append(r)
    return out


# ---------------------------------------------------------------------------------------------- proposals

def _interior_points(obj: ObjectSpec, mask: np.ndarray, rng: np.random.Generator, count: int) -> np.ndarray:
    """Pixel centres well inside the object, preferring ones near its centre (as a user grabs an object)."""
    core = ndimage.binary_erosion(mask, iterations=2)
    ys, xs = np.nonzero(core if core.any() else mask)
    d = np.hypot(xs - obj.cx, ys - obj.cy)
    near = d <= 0.4 * obj.radius * min(obj.sx, obj.sy)
    if near.sum() >= count:
        xs, ys = xs[near], ys[near]
    idx = rng.choice(len(xs), size=count, replace=False)
    return np.stack([xs[idx], ys[idx]], axis=1).astype(float)


def _boundary(obj: ObjectSpec, angles_deg, k: float) -> np.ndarray:
    return np.array([obj.boundary_point(a, inset=1.0 * k) for a in angles_deg])


def large_drag_range(size: int) -> tuple[float, float]:
    """The (shortest, longest) drag in pixels that ``--drags large`` allows at image side ``size``."""
    return LARGE_DRAG_FRACTION[0] * size, LARGE_DRAG_FRACTION[1] * size


def propose(kind: str, obj: ObjectSpec, mask: np.ndarray, rng: np.random.Generator, k: float,
            drags: str = "default"):
    """Sample an intended edit of ``kind``: (layout, params, handles, targets), or None when a drag would be
    shorter than ``MIN_DRAG`` (``drags="large"``: when any drag lies outside ``large_drag_range``)."""
    proposal = _propose(kind, obj, mask, rng, k, drags)
    lengths = np.hypot(*(proposal[3] - proposal[2]).T)
    if drags == "large":
        lo, hi = large_drag_range(int(round(128 * k)))
        return proposal if lengths.min() >= lo and lengths.max() <= hi else None
    return proposal if lengths.min() >= MIN_DRAG * k else None


def _propose(kind: str, obj: ObjectSpec, mask: np.ndarray, rng: np.random.Generator, k: float,
             drags: str = "default"):
    large = drags == "large"
    layouts = LAYOUTS[kind]
    layout = str(rng.choice(list(layouts), p=list(layouts.values())))
    c = np.array([obj.cx, obj.cy])
    if kind == "move":
        if large:
            dist = float(rng.uniform(*LARGE_DRAG_FRACTION)) * 128.0 * k
        else:
            dist = float(rng.uniform(10.0, 30.0)) * k
        if layout == "boundary_radial":
            theta = float(rng.uniform(0.0, 360.0))
            handles = _boundary(obj, [theta], k)
            rho = float(np.hypot(*(handles[0] - c)))
            direction = (handles[0] - c) / max(rho, 1e-9)
            if not large:
                dist = max(float(rng.uniform(0.35, 0.75)) * rho, MIN_DRAG * k)
        else:
            handles = _interior_points(obj, mask, rng, 1 if layout == "interior" else 2)
            a = float(rng.uniform(0.0, 2.0 * math.pi))
            direction = np.array([math.cos(a), math.sin(a)])
        d = direction * dist
        return layout, {"dx": float(d[0]), "dy": float(d[1])}, handles, handles + d
    if kind in ("enlarge", "shrink"):
        if large:
            s = float(rng.uniform(*LARGE_SCALE[kind]))
        else:
            s = float(rng.uniform(1.3, 1.7)) if kind == "enlarge" else float(rng.uniform(0.6, 0.78))
        if layout == "boundary_one":
            angles = [float(rng.uniform(0.0, 360.0))]
        elif layout == "opposite_diagonal":
            a = 45.0 + 90.0 * int(rng.integers(4)) + float(rng.uniform(-20.0, 20.0))
            angles = [a, a + 180.0]
        else:
            a = float(rng.uniform(0.0, 120.0))
            angles = [a, a + 120.0, a + 240.0]
        handles = _boundary(obj, angles, k)
        return layout, {"scale": s, "anchor": [obj.cx, obj.cy]}, handles, c + s * (handles - c)
    f = float(rng.uniform(*LARGE_STRETCH)) if large else float(rng.uniform(1.3, 1.9))
    axis = 0 if kind == "stretch_horizontal" else 1
    base = 0.0 if axis == 0 else 90.0  # direction of the first side (right or down)
    if layout == "two_sides_off_axis":
        offs = [float(rng.choice([-1, 1]) * rng.uniform(22.0, 40.0)) for _ in range(2)]
        angles = [base + offs[0], base + 180.0 + offs[1]]
    elif layout == "two_sides_on_axis":
        angles = [base + float(rng.uniform(-3.0, 3.0)), base + 180.0 + float(rng.uniform(-3.0, 3.0))]
    else:
        angles = [base + 180.0 * int(rng.integers(2)) + float(rng.uniform(-20.0, 20.0))]
    handles = _boundary(obj, angles, k)
    targets = handles.copy()
    targets[:, axis] = c[axis] + f * (handles[:, axis] - c[axis])
    return layout, {"factor": f, "anchor": [obj.cx, obj.cy]}, handles, targets


# ---------------------------------------------------------------------------------------------- tasks

@dataclass
class Task:
    """A generated drag task before it is written to disk."""

    scene: Scene
    index: int
    kind: str
    layout: str
    params: dict
    handles: np.ndarray
    targets: np.ndarray
    readings: list[Reading]   # acceptable readings, intended first
    seed: int
    intended: tuple[np.ndarray, np.ndarray] | None = None   # the exact (handles, targets) when drawn with jitter


def drawn_with_jitter(task: Task, sigma: float, rng: np.random.Generator) -> Task:
    """The task with its handles and targets drawn imprecisely: each point displaced by N(0, sigma²) pixels
    along each axis and clamped to the image; everything else (the intention and its ground truth) kept."""
    size = task.scene.width
    handles = np.clip(task.handles + rng.normal(0.0, sigma, task.handles.shape), 0.0, size - 1.0)
    targets = np.clip(task.targets + rng.normal(0.0, sigma, task.targets.shape), 0.0, size - 1.0)
    return replace(task, handles=handles, targets=targets, intended=(task.handles, task.targets))


def _round(v):
    if isinstance(v, float):
        return round(v, 4)
    if isinstance(v, list):
        return [_round(x) for x in v]
    if isinstance(v, dict):
        return {a: _round(b) for a, b in v.items()}
    return v


def _with_shape(scene: Scene, shape: str, rng: np.random.Generator) -> tuple[Scene, int]:
    """The scene and the index of an object of ``shape`` (one random object is turned into it if none is)."""
    have = [i for i, o in enumerate(scene.objects) if o.shape == shape]
    if have:
        return scene, have[int(rng.integers(len(have)))]
    index = int(rng.integers(len(scene.objects)))
    angle = float(rng.uniform(*ANGLE_RANGES[shape]))
    obj = replace(scene.objects[index], shape=shape, angle=angle)
    return scene.with_object(index, obj, on_top=False), index


def _resized_for_large(scene: Scene, index: int, kind: str, rng: np.random.Generator) -> Scene | None:
    """``--drags large``: the scene with the edited object resized to ``LARGE_RADIUS[kind]`` (and moved to a
    random free spot if it no longer fits where it was), or None when no spot is free."""
    if kind not in LARGE_RADIUS:
        return scene
    size = min(scene.width, scene.height)
    k = size / 128.0
    obj = replace(scene.objects[index], radius=float(rng.uniform(*LARGE_RADIUS[kind])) * k)
    others = [o for i, o in enumerate(scene.objects) if i != index]
    for _ in range(50):
        if fits(obj, others, scene.width, scene.height):
            return scene.with_object(index, obj, on_top=False)
        e = obj.extent()
        if 2 * e >= size - 1:
            return None
        obj = replace(obj, cx=float(rng.uniform(e, scene.width - 1 - e)), cy=float(rng.uniform(e, scene.height - 1 - e)))
    return None


def make_task(kind: str, seed: int, size: int = 128, shape: str | None = None, max_attempts: int | None = None,
              drags: str = "default") -> Task:
    """A task of the intended ``kind`` (editing an object of ``shape``, if given) from the given seed.
    ``drags="large"`` makes every drag 10–30 % of the image side (see the module doc)."""
    if drags not in DRAG_PROFILES:
        raise ValueError(f"unknown drag profile {drags!r}; expected one of {', '.join(DRAG_PROFILES)}")
    if max_attempts is None:
        max_attempts = 500 if drags == "default" else 5000
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if shape is not None and shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; expected one of {', '.join(SHAPES)}")
    rng = np.random.default_rng(seed)
    k = size / 128.0
    for _ in range(max_attempts):
        scene = random_scene(rng, size, size)
        if not scene.objects:
            continue
        if shape is None:
            index = int(rng.integers(len(scene.objects)))
        else:
            scene, index = _with_shape(scene, shape, rng)
        if drags == "large":
            scene = _resized_for_large(scene, index, kind, rng)
            if scene is None:
                continue
        obj = scene.objects[index]
        mask = render(Scene(size, size, scene.background, (obj,))).masks[0]
        proposal = propose(kind, obj, mask, rng, k, drags)
        if proposal is None:
            continue
        layout, params, handles, targets = proposal
        readings = acceptable_readings(obj, handles, targets, k)
        intended = [r for r in readings if r.kind == kind]
        if not intended:
            continue
        # The intended reading keeps the generator's exact parameters.
        intended = Reading(kind, params, apply(kind, obj, params), intended[0].error, True)
        readings = [intended] + [r for r in readings if r.kind != kind]
        others = [o for i, o in enumerate(scene.objects) if i != index]
        if not all(fits(r.obj, others, size, size, gap=2.0 * k) for r in readings):
            continue
        return Task(scene, index, kind, layout, params, handles, targets, readings, seed)
    raise RuntimeError(f"no valid {kind} task found for seed {seed} in {max_attempts} attempts")


def user_mask(masks: list[np.ndarray], k: float) -> np.ndarray:
    """Dilated union of the object's masks before and after every acceptable edit."""
    union = np.logical_or.reduce(masks)
    r = max(int(round(USER_MASK_DILATION * k)), 1)
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    return ndimage.binary_dilation(union, structure=(xx * xx + yy * yy) <= r * r)


def write_task(task: Task, folder: str, task_id: str) -> dict:
    """Render and write one task folder; returns its task.json content."""
    os.makedirs(folder, exist_ok=True)
    scene, size = task.scene, task.scene.width
    k = size / 128.0
    before = render(scene)
    obj = scene.objects[task.index]
    obj_mask = before.masks[task.index]
    save_png(os.path.join(folder, "input.png"), before.image)
    save_png(os.path.join(folder, "object-mask.png"), obj_mask)
    acceptable, after_masks = [], []
    for r in task.readings:
        after_scene = scene.with_object(task.index, r.obj)
        after = render(after_scene)
        m = after.masks[-1]
        after_masks.append(m)
        save_png(os.path.join(folder, f"gt-{r.kind}.png"), after.image)
        save_png(os.path.join(folder, f"gt-{r.kind}-mask.png"), m)
        acceptable.append({"kind": r.kind, "result": f"gt-{r.kind}.png", "object_mask": f"gt-{r.kind}-mask.png",
                           "params": _round(r.params), "fit_error": round(r.error, 3),
                           "caption_after": caption(after_scene), "object_after": r.obj.to_dict()})
    save_png(os.path.join(folder, "mask.png"), user_mask([obj_mask] + after_masks, k))

    def pairs(handles, targets):
        return [{"handle": [round(float(h[0]), 2), round(float(h[1]), 2)],
                 "target": [round(float(t[0]), 2), round(float(t[1]), 2)]} for h, t in zip(handles, targets)]

    record = {
        "id": task_id, "width": size, "height": size, "caption": caption(scene),
        "pairs": pairs(task.handles, task.targets),
        "intended_kind": task.kind, "ambiguous": len(acceptable) > 1, "acceptable": acceptable,
        "layout": task.layout,
        "object": {"shape": obj.shape, "color": obj.color,
                   "size_word": size_word(obj.effective_radius, size), "bbox": mask_bbox(obj_mask),
                   "mask": "object-mask.png", "index": task.index, "center": [round(obj.cx, 3), round(obj.cy, 3)]},
        "scene_seed": task.seed, "scene": scene.to_dict(),
    }
    if task.intended is not None:
        record["intended_pairs"] = pairs(*task.intended)
    with open(os.path.join(folder, "task.json"), "w") as f:
        json.dump(record, f, indent=1)
    return record


def task_seed(seed: int, index: int, drags: str = "default") -> int:
    """The seed of task ``index`` of a run: ``scene_seed`` for the default profile, a separate stream for
    ``large`` (so the two never share a scene for the same run seed)."""
    if drags == "default":
        return scene_seed(seed, index)
    return int(np.random.SeedSequence([seed, index, LARGE_STREAM]).generate_state(1)[0])


def write_tasks(out: str, count: int, seed: int, size: int = 128, drags: str = "default",
                jitter: float = 0.0) -> list[dict]:
    """Write ``count`` tasks plus an ``index.json`` summary. Kinds rotate fastest and the edited object's
    shape rotates after each full round of kinds, so kinds and (kind, shape) pairs are balanced. ``jitter``
    (reference pixels, 0: exact drags) draws the drags imprecisely (see the module doc)."""
    if jitter < 0 or not math.isfinite(jitter):
        raise ValueError(f"jitter must be a non-negative number of pixels, not {jitter}")
    os.makedirs(out, exist_ok=True)
    records = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        shape = SHAPES[(i // len(KINDS)) % len(SHAPES)]
        task_id = f"task-{i + 1:04d}"
        task = make_task(kind, task_seed(seed, i, drags), size, shape, drags=drags)
        if jitter > 0:
            noise = np.random.default_rng(np.random.SeedSequence([seed, i, JITTER_STREAM]))
            task = drawn_with_jitter(task, jitter * size / 128.0, noise)
        records.append(write_task(task, os.path.join(out, task_id), task_id))
    summary = {"count": count, "seed": seed, "size": size}
    if drags != "default":
        lo, hi = large_drag_range(size)
        summary.update({"drags": drags, "drag_range_px": [round(lo, 2), round(hi, 2)]})
    if jitter > 0:
        summary["jitter_px"] = jitter
    summary["tasks"] = [{"id": r["id"], "intended_kind": r["intended_kind"], "ambiguous": r["ambiguous"],
                         "acceptable": [a["kind"] for a in r["acceptable"]], "layout": r["layout"]}
                        for r in records]
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return records


def main(argv=None) -> None:
    a = parse_generation_args("Generate seeded demo-world drag tasks with ground truth.",
                              "output folder (one sub-folder per task)", "number of tasks", argv,
                              extra=[(("--drags",), {"choices": DRAG_PROFILES, "default": "default",
                                                     "help": "default: the dev set's drags; large: every drag "
                                                             "10-30%% of the image side"}),
                                     (("--jitter",), {"type": float, "default": 0.0, "metavar": "PX",
                                                      "help": "draw each handle and target off by Gaussian noise "
                                                              "of PX pixels (at 128) along each axis; 0: exact"})])
    if not (math.isfinite(a.jitter) and a.jitter >= 0):
        raise SystemExit("--jitter must be a non-negative number of pixels")
    records = write_tasks(a.out, a.count, a.seed, a.size, a.drags, a.jitter)
    amb = sum(r["ambiguous"] for r in records)
    print(f"wrote {len(records)} tasks to {a.out} ({amb} ambiguous)")


if __name__ == "__main__":
    main()
