"""Measure the checker on generated scenes.

    python -m tools.demoworld.validate --count 300 --seed 99

Reports, over ``count`` fresh scenes:
- how many pass their own caption, for the clean image and for a degraded copy (Gaussian blur σ 0.8 and
  noise σ 6, roughly what a small generator gives);
- how many fail their caption once one object's shape is swapped for another, or its colour for another
  colour that is usable on that background and not yet in the scene.
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np
from scipy import ndimage

from .checker import check_caption
from .palette import colors_usable_on
from .render import Scene, render
from .scenes import caption, random_scene, scene_seed
from .shapes import SHAPES


def _replaced(scene: Scene, index: int, **changes) -> Scene:
    objects = list(scene.objects)
    objects[index] = dataclasses.replace(objects[index], **changes)
    return Scene(scene.width, scene.height, scene.background, tuple(objects))


def validate(count: int, seed: int, size: int = 128) -> dict:
    """Counts of passes and caught fakes over ``count`` scenes."""
    passed = degraded_passed = shape_caught = colour_caught = 0
    for i in range(count):
        rng = np.random.default_rng(scene_seed(seed, i))
        scene = random_scene(rng, size, size)
        text = caption(scene)
        image = render(scene).image
        passed += check_caption(image, text).ok
        noisy = ndimage.gaussian_filter(image.astype(float), (0.8, 0.8, 0)) + rng.normal(0.0, 6.0, image.shape)
        degraded_passed += check_caption(np.clip(noisy, 0, 255).astype(np.uint8), text).ok
        j = int(rng.integers(len(scene.objects)))
        shape = str(rng.choice([s for s in SHAPES if s != scene.objects[j].shape]))
        shape_caught += not check_caption(render(_replaced(scene, j, shape=shape)).image, text).ok
        used = {o.color for o in scene.objects}
        colour = str(rng.choice([c for c in colors_usable_on(scene.background.color) if c not in used]))
        colour_caught += not check_caption(render(_replaced(scene, j, color=colour)).image, text).ok
    return {"scenes": count, "real_pass": passed, "degraded_pass": degraded_passed,
            "shape_swap_caught": shape_caught, "colour_swap_caught": colour_caught}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Measure the rule-based checker on generated scenes.")
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--seed", type=int, default=99)
    p.add_argument("--size", type=int, default=128)
    a = p.parse_args(argv)
    r = validate(a.count, a.seed, a.size)
    n = r["scenes"]
    for key in ("real_pass", "degraded_pass", "shape_swap_caught", "colour_swap_caught"):
        print(f"{key:20s} {r[key]:4d}/{n}  ({100.0 * r[key] / max(n, 1):.1f}%)")


if __name__ == "__main__":
    main()
