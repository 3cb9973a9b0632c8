"""Scene generator: determinism, layout rules, anti-aliasing, captions and the CLI."""

import filecmp
import json
import os

import numpy as np
import pytest

from tools.demoworld import scenes
from tools.demoworld.palette import BACKGROUND_COLORS, MIN_OBJECT_BACKGROUND_DISTANCE, OBJECT_COLORS, color_distance
from tools.demoworld.render import Scene, render
from tools.demoworld.scenes import caption, random_scene, scene_seed


def _scene(i, size=128):
    return random_scene(np.random.default_rng(scene_seed(3, i)), size, size)


def test_the_same_seed_writes_byte_identical_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    scenes.main(["--out", str(a), "--count", "6", "--seed", "42"])
    scenes.main(["--out", str(b), "--count", "6", "--seed", "42"])
    names = sorted(os.listdir(a))
    assert names == sorted(os.listdir(b))
    assert len([n for n in names if n.endswith(".json")]) == 6
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert mismatch == [] and errors == []


def test_a_different_seed_gives_different_scenes():
    a = [caption(random_scene(np.random.default_rng(scene_seed(1, i)))) for i in range(10)]
    b = [caption(random_scene(np.random.default_rng(scene_seed(2, i)))) for i in range(10)]
    assert a != b


def test_scenes_hold_one_to_three_separated_objects_of_distinct_usable_colours():
    counts = set()
    for i in range(60):
        sc = _scene(i)
        r = render(sc)
        counts.add(len(sc.objects))
        assert 1 <= len(sc.objects) <= 3
        colours = [o.color for o in sc.objects]
        assert len(set(colours)) == len(colours)
        for o in sc.objects:
            d = color_distance(OBJECT_COLORS[o.color], BACKGROUND_COLORS[sc.background.color])
            assert d >= MIN_OBJECT_BACKGROUND_DISTANCE
        for m in r.masks:
            assert m.sum() > 50
            assert not (m[0].any() or m[-1].any() or m[:, 0].any() or m[:, -1].any())
        assert not np.logical_and.reduce([np.stack(r.masks).sum(0) > 1]).any()
    assert counts == {1, 2, 3}


def test_edges_are_anti_aliased_and_objects_are_shaded():
    sc = _scene(0)
    r = render(sc)
    cov = r.coverages[0]
    partial = (cov > 0.05) & (cov < 0.95)
    assert partial.sum() > 10
    inside = r.image[r.masks[0] & (cov == 1.0)].astype(float)
    assert inside.std(axis=0).max() > 2.0  # light shading, not a flat fill


def test_rendering_a_description_twice_is_identical_and_size_is_honoured():
    sc = _scene(5, size=160)
    a, b = render(sc).image, render(Scene.from_dict(json.loads(json.dumps(sc.to_dict())))).image
    assert a.shape == (160, 160, 3)
    assert np.array_equal(a, b)


def test_caption_names_every_object_with_size_colour_and_shape():
    sc = _scene(7)
    text = caption(sc)
    for o in sc.objects:
        assert f"{o.color} {o.shape}" in text
    assert text.endswith(f"on a {sc.background.color} background")
    assert text.split()[1] in ("small", "medium", "large")


def test_the_cli_rejects_images_smaller_than_128(tmp_path):
    with pytest.raises(SystemExit):
        scenes.main(["--out", str(tmp_path), "--count", "1", "--size", "64"])
