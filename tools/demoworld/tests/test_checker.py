"""Checker: passes real scenes, fails doctored ones, and measures edits."""

import dataclasses
import math
import os

import numpy as np
import pytest
from PIL import Image

from tools.demoworld.checker import (CaptionError, ImageError, check_caption, classify_shape, edited_object_metrics,
                                     mask_metrics, outside_psnr, parse_caption, segment)
from tools.demoworld.palette import colors_usable_on
from tools.demoworld.render import Scene, render
from tools.demoworld.scenes import caption, random_scene, scene_seed
from tools.demoworld.shapes import SHAPES, ObjectSpec

DEV_SET = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Benchmarks", "data", "drag-dev")
N = 40


def _scenes(seed, n=N, size=128):
    for i in range(n):
        rng = np.random.default_rng(scene_seed(seed, i))
        yield rng, random_scene(rng, size, size)


def _with(sc, j, **changes):
    objs = list(sc.objects)
    objs[j] = dataclasses.replace(objs[j], **changes)
    return Scene(sc.width, sc.height, sc.background, tuple(objs))


def test_generated_scenes_pass_their_own_captions():
    results = [check_caption(render(sc).image, caption(sc)) for _, sc in _scenes(101)]
    assert sum(r.ok for r in results) == N
    assert all(r.background_ok and r.sizes_ok for r in results)


def test_scenes_at_256_pixels_pass_too():
    assert all(check_caption(render(sc).image, caption(sc)).ok for _, sc in _scenes(102, n=8, size=256))


def test_a_swapped_shape_fails_the_caption():
    failed = 0
    for rng, sc in _scenes(103):
        j = int(rng.integers(len(sc.objects)))
        other = str(rng.choice([s for s in SHAPES if s != sc.objects[j].shape]))
        failed += not check_caption(render(_with(sc, j, shape=other)).image, caption(sc)).ok
    assert failed == N


def test_a_swapped_colour_fails_the_caption():
    failed = 0
    for rng, sc in _scenes(104):
        j = int(rng.integers(len(sc.objects)))
        used = {o.color for o in sc.objects}
        other = str(rng.choice([c for c in colors_usable_on(sc.background.color) if c not in used]))
        failed += not check_caption(render(_with(sc, j, color=other)).image, caption(sc)).ok
    assert failed == N


def test_a_missing_object_fails_the_caption():
    for _, sc in _scenes(105, n=10):
        if len(sc.objects) < 2:
            continue
        empty = Scene(sc.width, sc.height, sc.background, sc.objects[1:])
        result = check_caption(render(empty).image, caption(sc))
        assert not result.ok
        assert [o.found for o in result.objects].count(False) == 1


def test_each_shape_is_recognised_on_its_own():
    for shape in SHAPES:
        for radius in (10.0, 16.0, 22.0):
            obj = ObjectSpec(shape, "red", 64.0, 64.0, radius, 7.0 if shape != "ellipse" else 0.0)
            mask = render(Scene(128, 128, random_scene(np.random.default_rng(0)).background, (obj,))).masks[0]
            assert classify_shape(mask)[0] == shape, (shape, radius)


def test_noise_and_blur_like_a_generated_image_still_pass():
    from scipy import ndimage
    ok = 0
    for i, (_, sc) in enumerate(_scenes(106, n=20)):
        img = ndimage.gaussian_filter(render(sc).image.astype(float), (0.8, 0.8, 0))
        img += np.random.default_rng(i).normal(0.0, 6.0, img.shape)
        ok += check_caption(np.clip(img, 0, 255).astype(np.uint8), caption(sc)).ok
    assert ok >= 19


def test_caption_parsing_and_its_errors():
    p = parse_caption("a small red circle, an orange star and a large blue ring on a light gray background")
    assert p.objects == [("small", "red", "circle"), (None, "orange", "star"), ("large", "blue", "ring")]
    assert p.background == "light gray"
    with pytest.raises(CaptionError):
        parse_caption("a lovely sunset over the sea")
    with pytest.raises(CaptionError):
        parse_caption("a small magenta circle on a beige background")


def test_bad_images_are_typed_errors():
    with pytest.raises(ImageError):
        segment(np.zeros((128, 128)))


def test_mask_metrics_measure_overlap_and_centroid_shift():
    a = np.zeros((64, 64), bool)
    a[10:30, 10:30] = True
    b = np.roll(a, 5, axis=1)
    m = mask_metrics(a, a)
    assert m.iou == 1.0 and m.centroid_error == 0.0
    m = mask_metrics(b, a)
    assert math.isclose(m.centroid_error, 5.0) and math.isclose(m.iou, 300 / 500)
    assert mask_metrics(np.zeros_like(a), a).centroid_error == math.inf


def test_edit_metrics_tell_the_ground_truth_from_the_unedited_input():
    import json
    for task_id in ("task-0001", "task-0006", "task-0011"):   # move tasks of the dev set
        folder = os.path.join(DEV_SET, task_id)
        with open(os.path.join(folder, "task.json")) as f:
            rec = json.load(f)
        assert rec["intended_kind"] == "move"
        gt_mask = np.asarray(Image.open(os.path.join(folder, rec["acceptable"][0]["object_mask"]))) > 127
        color = rec["object"]["color"]
        good = edited_object_metrics(os.path.join(folder, rec["acceptable"][0]["result"]), color, gt_mask)
        bad = edited_object_metrics(os.path.join(folder, "input.png"), color, gt_mask)
        assert good.iou > 0.9 and good.centroid_error < 1.0
        assert bad.iou < good.iou and bad.centroid_error > 3.0
        user = np.asarray(Image.open(os.path.join(folder, "mask.png"))) > 127
        inp = os.path.join(folder, "input.png")
        assert outside_psnr(os.path.join(folder, rec["acceptable"][0]["result"]), inp, user) == math.inf
        assert outside_psnr(inp, inp, user) == math.inf
