"""Drag tasks: exact ground truth, the ambiguity rule, and the committed dev set."""

import filecmp
import json
import math
import os

import numpy as np
import pytest
from PIL import Image

from tools.demoworld import tasks
from tools.demoworld.render import Background, Scene, render
from tools.demoworld.scenes import scene_seed
from tools.demoworld.shapes import ObjectSpec
from tools.demoworld.tasks import KINDS, acceptable_readings, make_task, write_task

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEV_SET = os.path.join(REPO_ROOT, "Benchmarks", "data", "drag-dev")
DEV_SEED, DEV_COUNT = 2026, 150


def _load(folder, name):
    return np.asarray(Image.open(os.path.join(folder, name)))


def _transform(kind, params, point):
    x, y = point
    if kind == "move":
        return x + params["dx"], y + params["dy"]
    ax, ay = params["anchor"]
    if kind in ("enlarge", "shrink"):
        return ax + params["scale"] * (x - ax), ay + params["scale"] * (y - ay)
    if kind == "stretch_horizontal":
        return ax + params["factor"] * (x - ax), y
    return x, ay + params["factor"] * (y - ay)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("tasks")
    records = []
    for i in range(20):
        kind = KINDS[i % len(KINDS)]
        task = make_task(kind, scene_seed(9, i))
        folder = out / f"t{i}"
        records.append((str(folder), write_task(task, str(folder), f"t{i}")))
    return records


def test_every_acceptable_reading_carries_each_handle_onto_its_target(generated):
    for folder, rec in generated:
        assert rec["acceptable"][0]["kind"] == rec["intended_kind"]
        for a in rec["acceptable"]:
            for p in rec["pairs"]:
                x, y = _transform(a["kind"], a["params"], p["handle"])
                long = math.dist(p["handle"], p["target"])
                assert math.dist((x, y), p["target"]) <= max(1.0, 0.1 * long) + 0.02, (rec["id"], a["kind"])


def test_ground_truth_changes_nothing_outside_the_user_mask_and_moves_the_object(generated):
    for folder, rec in generated:
        inp, user = _load(folder, "input.png"), _load(folder, "mask.png") > 127
        before = _load(folder, "object-mask.png") > 127
        assert np.all(user[before])
        for a in rec["acceptable"]:
            gt, after = _load(folder, a["result"]), _load(folder, a["object_mask"]) > 127
            assert np.array_equal(gt[~user], inp[~user])
            assert np.all(user[after])
            assert not np.array_equal(after, before)


def test_ground_truth_mask_is_the_rendered_transformed_object(generated):
    for folder, rec in generated:
        for a in rec["acceptable"]:
            obj = ObjectSpec.from_dict(a["object_after"])
            alone = render(Scene(rec["width"], rec["height"], Background("light gray"), (obj,))).masks[0]
            assert np.array_equal(alone, _load(folder, a["object_mask"]) > 127)


def test_handles_sit_on_the_dragged_object(generated):
    from scipy import ndimage
    for folder, rec in generated:
        before = _load(folder, "object-mask.png") > 127
        dist = ndimage.distance_transform_edt(~before)
        for p in rec["pairs"]:
            x, y = (int(round(c)) for c in p["handle"])
            assert dist[y, x] <= 1.5, rec["id"]


CIRCLE = ObjectSpec("circle", "red", 64.0, 64.0, 16.0)


def test_a_single_handle_on_the_right_edge_dragged_right_fits_enlarge_move_and_stretch():
    h = np.array([[79.0, 64.0]])
    t = np.array([[87.0, 64.0]])
    kinds = {r.kind for r in acceptable_readings(CIRCLE, h, t)}
    assert kinds == {"enlarge", "move", "stretch_horizontal"}


def test_two_pairs_dragged_the_same_way_from_inside_only_fit_move():
    h = np.array([[62.0, 63.0], [66.0, 60.0]])
    kinds = {r.kind for r in acceptable_readings(CIRCLE, h, h + [15.0, -4.0])}
    assert kinds == {"move"}


def test_opposite_diagonal_handles_dragged_outward_only_fit_enlarge():
    d = 15.0 / math.sqrt(2)
    h = np.array([[64 + d, 64 + d], [64 - d, 64 - d]])
    t = 64 + 1.5 * (h - 64)
    assert {r.kind for r in acceptable_readings(CIRCLE, h, t)} == {"enlarge"}
    t = 64 + 0.7 * (h - 64)
    assert {r.kind for r in acceptable_readings(CIRCLE, h, t)} == {"shrink"}


def test_off_axis_side_handles_dragged_apart_only_fit_a_stretch():
    a = math.radians(35)
    h = np.array([[64 + 15 * math.cos(a), 64 + 15 * math.sin(a)], [64 - 15 * math.cos(a), 64 + 15 * math.sin(a)]])
    t = h.copy()
    t[:, 0] = 64 + 1.5 * (h[:, 0] - 64)
    assert {r.kind for r in acceptable_readings(CIRCLE, h, t)} == {"stretch_horizontal"}
    t = h.copy()
    t[:, 1] = 64 + 1.5 * (h[:, 1] - 64)
    assert "stretch_horizontal" not in {r.kind for r in acceptable_readings(CIRCLE, h, t)}


def test_an_unknown_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown kind"):
        make_task("rotate-ish", 1)


# ------------------------------------------------------------------------------------ committed dev set

def _dev_tasks():
    with open(os.path.join(DEV_SET, "index.json")) as f:
        return json.load(f)


def test_the_dev_set_is_balanced_and_about_a_third_ambiguous():
    index = _dev_tasks()
    assert index["count"] == DEV_COUNT and index["seed"] == DEV_SEED
    t = index["tasks"]
    assert len(t) >= 120
    for kind in KINDS:
        assert sum(x["intended_kind"] == kind for x in t) == len(t) // len(KINDS)
    share = sum(x["ambiguous"] for x in t) / len(t)
    assert 0.25 <= share <= 0.35


def test_every_dev_task_follows_the_format_and_re_renders_from_its_stored_description():
    for entry in _dev_tasks()["tasks"]:
        folder = os.path.join(DEV_SET, entry["id"])
        with open(os.path.join(folder, "task.json")) as f:
            rec = json.load(f)
        assert rec["id"] == entry["id"] and rec["width"] >= 128 and rec["height"] >= 128
        assert 1 <= len(rec["pairs"]) <= 3
        assert rec["ambiguous"] == (len(rec["acceptable"]) > 1)
        assert rec["acceptable"][0]["kind"] == rec["intended_kind"]
        names = ["input.png", "mask.png", rec["object"]["mask"]]
        names += [a[k] for a in rec["acceptable"] for k in ("result", "object_mask")]
        scene = Scene.from_dict(rec["scene"])
        assert np.array_equal(render(scene).image, _load(folder, "input.png"))
        for a in rec["acceptable"]:
            after = scene.with_object(rec["object"]["index"], ObjectSpec.from_dict(a["object_after"]))
            assert np.array_equal(render(after).image, _load(folder, a["result"]))
        for name in names:
            img = Image.open(os.path.join(folder, name))
            assert img.size == (rec["width"], rec["height"])
            assert img.mode == ("RGB" if name == "input.png" or name.startswith("gt-") and "mask" not in name else "L")


def test_the_dev_set_regenerates_byte_for_byte_from_its_documented_seed(tmp_path):
    # The first three tasks of the documented command (kinds and shapes rotate the same way).
    for i in range(3):
        task_id = f"task-{i + 1:04d}"
        kind, shape = KINDS[i % len(KINDS)], tasks.SHAPES[(i // len(KINDS)) % len(tasks.SHAPES)]
        write_task(make_task(kind, scene_seed(DEV_SEED, i), 128, shape), str(tmp_path / task_id), task_id)
        committed = os.path.join(DEV_SET, task_id)
        names = sorted(os.listdir(committed))
        assert names == sorted(os.listdir(tmp_path / task_id))
        _, mismatch, errors = filecmp.cmpfiles(committed, tmp_path / task_id, names, shallow=False)
        assert mismatch == [] and errors == []
