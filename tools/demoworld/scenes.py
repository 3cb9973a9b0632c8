"""Seeded random scenes, their captions, and the scene CLI.

    python -m tools.demoworld.scenes --out DIR --count N --seed S [--size 128]

writes ``scene-00000.png`` (RGB), ``scene-00000.json`` (description, caption, per-object metadata) and
``scene-00000-mask-K.png`` (8-bit, 255 = object K) for each scene, plus ``captions.jsonl`` (one
``{"image", "caption"}`` per line). The same ``--seed`` and ``--count`` always give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import math
import os

import numpy as np
from PIL import Image

from .palette import BACKGROUND_COLORS, BACKGROUND_STYLES, SIZE_SAMPLING, SIZE_WORDS, colors_usable_on, size_word
from .render import Background, Scene, render
from .shapes import SHAPES, ObjectSpec

#: Angle ranges (degrees) sampled per shape; the ellipse is horizontal or vertical with some tilt.
ANGLE_RANGES = {"circle": (0.0, 0.0), "ring": (0.0, 0.0), "square": (-15.0, 15.0),
                "triangle": (-12.0, 12.0), "star": (-12.0, 12.0), "ellipse": (-20.0, 20.0)}
#: Pixels between an object and the image border, and between two objects (at the reference size).
BORDER_MARGIN = 4.0
OBJECT_GAP = 6.0
OBJECT_COUNT_WEIGHTS = {1: 0.35, 2: 0.4, 3: 0.25}


def scene_seed(seed: int, index: int) -> int:
    """The per-item seed derived from a run seed and an item index."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def random_background(rng: np.random.Generator) -> Background:
    color = str(rng.choice(list(BACKGROUND_COLORS)))
    style = str(rng.choice(BACKGROUND_STYLES))
    angle = float(rng.uniform(0.0, 360.0)) if style == "gradient" else 0.0
    amplitude = float(rng.uniform(14.0, 28.0)) if style == "gradient" else 0.0
    tex = int(rng.integers(0, 2**31 - 1)) if style == "texture" else 0
    return Background(color, style, angle, amplitude, tex)


def random_object(rng: np.random.Generator, color: str, width: int, height: int,
                  shape: str | None = None, size: str | None = None) -> ObjectSpec:
    """An object with random shape, size word and orientation, centred (position is set by the caller)."""
    shape = shape or str(rng.choice(SHAPES))
    size = size or str(rng.choice(SIZE_WORDS))
    lo, hi = SIZE_SAMPLING[size]
    radius = float(rng.uniform(lo, hi)) * min(width, height) / 128.0
    a0, a1 = ANGLE_RANGES[shape]
    angle = float(rng.uniform(a0, a1))
    if shape == "ellipse" and rng.random() < 0.35:
        angle += 90.0
    return ObjectSpec(shape, color, width / 2.0, height / 2.0, radius, angle)


def fits(obj: ObjectSpec, others, width: int, height: int, gap: float | None = None) -> bool:
    """Whether ``obj`` lies inside the image (with the border margin) and clear of ``others``."""
    k = min(width, height) / 128.0
    gap = OBJECT_GAP * k if gap is None else gap
    e = obj.extent()
    m = BORDER_MARGIN * k
    if obj.cx - e < m or obj.cy - e < m or obj.cx + e > width - 1 - m or obj.cy + e > height - 1 - m:
        return False
    return all(math.hypot(obj.cx - o.cx, obj.cy - o.cy) >= e + o.extent() + gap for o in others)


def random_scene(rng: np.random.Generator, width: int = 128, height: int = 128,
                 count: int | None = None) -> Scene:
    """A random scene with 1–3 non-overlapping objects of distinct colours."""
    background = random_background(rng)
    if count is None:
        counts, weights = zip(*OBJECT_COUNT_WEIGHTS.items())
        count = int(rng.choice(counts, p=weights))
    colors = [str(c) for c in rng.permutation(colors_usable_on(background.color))[:count]]
    placed: list[ObjectSpec] = []
    for color in colors:
        for _ in range(200):
            obj = random_object(rng, color, width, height)
            e = obj.extent()
            cx = float(rng.uniform(e, width - 1 - e))
            cy = float(rng.uniform(e, height - 1 - e))
            obj = obj.moved(cx - obj.cx, cy - obj.cy)
            if fits(obj, placed, width, height):
                placed.append(obj)
                break
    return Scene(width, height, background, tuple(placed))


def position_word(x: float, y: float, width: int, height: int) -> str:
    """Where a point lies on a 3×3 grid: "top left", "top", …, "center", …, "bottom right"."""
    col = min(int(3 * x / width), 2)
    row = min(int(3 * y / height), 2)
    vertical = ("top", "", "bottom")[row]
    horizontal = ("left", "", "right")[col]
    return " ".join(p for p in (vertical, horizontal) if p) or "center"


def object_phrase(obj: ObjectSpec, width: int, height: int, with_size: bool = True) -> str:
    words = ([size_word(obj.effective_radius, min(width, height))] if with_size else []) + [obj.color, obj.shape]
    article = "an" if words[0][0] in "aeiou" else "a"
    return f"{article} {' '.join(words)}"


def caption_order(scene: Scene) -> list[int]:
    """Indices of ``scene.objects`` in the order the caption names them: left to right."""
    return sorted(range(len(scene.objects)), key=lambda k: (scene.objects[k].cx, scene.objects[k].cy))


def caption(scene: Scene, with_size: bool = True) -> str:
    """ "a small red circle and a large blue star on a light gray background" (objects left to right)."""
    phrases = [object_phrase(scene.objects[k], scene.width, scene.height, with_size) for k in caption_order(scene)]
    if len(phrases) > 1:
        listing = ", ".join(phrases[:-1]) + " and " + phrases[-1]
    else:
        listing = phrases[0] if phrases else "nothing"
    return f"{listing} on a {scene.background.color} background"


def mask_bbox(mask: np.ndarray) -> list[int]:
    """[x0, y0, x1, y1] of a binary mask, x1/y1 exclusive; [0, 0, 0, 0] when empty."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return [0, 0, 0, 0]
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]


def object_record(obj: ObjectSpec, mask: np.ndarray, width: int, height: int) -> dict:
    """Per-object metadata written next to a scene."""
    return {"shape": obj.shape, "color": obj.color,
            "size_word": size_word(obj.effective_radius, min(width, height)),
            "position": position_word(obj.cx, obj.cy, width, height),
            "center": [round(obj.cx, 3), round(obj.cy, 3)], "bbox": mask_bbox(mask)}


def save_png(path: str, array: np.ndarray) -> None:
    """Write a uint8 RGB array, or a bool/uint8 mask as 8-bit grey (255 = set)."""
    if array.dtype == bool:
        array = array.astype(np.uint8) * 255
    Image.fromarray(array).save(path, optimize=True)


def write_scenes(out: str, count: int, seed: int, size: int = 128) -> list[dict]:
    """Generate ``count`` scenes into ``out``; returns the records written."""
    os.makedirs(out, exist_ok=True)
    records = []
    for i in range(count):
        s = scene_seed(seed, i)
        scene = random_scene(np.random.default_rng(s), size, size)
        r = render(scene)
        stem = f"scene-{i:05d}"
        save_png(os.path.join(out, stem + ".png"), r.image)
        objects = []
        for k, (obj, mask) in enumerate(zip(scene.objects, r.masks)):
            rec = object_record(obj, mask, size, size)
            rec["mask"] = f"{stem}-mask-{k}.png"
            save_png(os.path.join(out, rec["mask"]), mask)
            objects.append(rec)
        record = {"id": stem, "image": stem + ".png", "caption": caption(scene), "scene_seed": s,
                  "objects": objects, "scene": scene.to_dict()}
        with open(os.path.join(out, stem + ".json"), "w") as f:
            json.dump(record, f, indent=1)
        records.append(record)
    with open(os.path.join(out, "captions.jsonl"), "w") as f:
        for rec in records:
            f.write(json.dumps({"image": rec["image"], "caption": rec["caption"]}) + "\n")
    return records


def parse_generation_args(description: str, out_help: str, count_help: str, argv=None,
                          extra=()) -> argparse.Namespace:
    """The command line every generator shares: ``--out``, ``--count``, ``--seed``, ``--size``, checked
    (``extra``: more ``(flags, kwargs)`` for ``add_argument``)."""
    p = argparse.ArgumentParser(description=description)
    for flags, kwargs in extra:
        p.add_argument(*flags, **kwargs)
    p.add_argument("--out", required=True, help=out_help)
    p.add_argument("--count", type=int, required=True, help=count_help)
    p.add_argument("--seed", type=int, default=0, help="run seed")
    p.add_argument("--size", type=int, default=128, help="image side in pixels (>= 128)")
    a = p.parse_args(argv)
    if a.size < 128:
        p.error("--size must be at least 128")
    if a.count < 0:
        p.error("--count must be non-negative")
    return a


def main(argv=None) -> None:
    a = parse_generation_args("Generate seeded demo-world scenes (PNG + JSON + masks).", "output folder",
                              "number of scenes", argv)
    write_scenes(a.out, a.count, a.seed, a.size)
    print(f"wrote {a.count} scenes to {a.out}")


if __name__ == "__main__":
    main()
