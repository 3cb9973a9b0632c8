"""``--drags large`` (issue 29): every drag is 10–30 % of the image side, the user mask holds the object
before and after every acceptable edit, results stay inside the image, and the split is deterministic."""

import filecmp
import json
import math
import os

import numpy as np
import pytest
from PIL import Image

from tools.demoworld import tasks
from tools.demoworld.render import Scene, render
from tools.demoworld.scenes import BORDER_MARGIN, scene_seed
from tools.demoworld.shapes import SHAPES, ObjectSpec
from tools.demoworld.tasks import KINDS, large_drag_range, make_task, task_seed, write_task, write_tasks

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEV_SET = os.path.join(REPO_ROOT, "Benchmarks", "data", "drag-dev")
LARGE_SET = os.path.join(REPO_ROOT, "Benchmarks", "data", "drag-large-dev")
LARGE_SEED, LARGE_COUNT = 29, 150


def _load(folder, name):
    return np.asarray(Image.open(os.path.join(folder, name)))


def _record(folder):
    with open(os.path.join(folder, "task.json")) as f:
        return json.load(f)


def _check_task(folder, rec):
    """Drag lengths, mask coverage before/after, inside the image, exact ground truth."""
    size = rec["width"]
    lo, hi = large_drag_range(size)
    assert rec["width"] == rec["height"]
    for p in rec["pairs"]:
        # Pairs are stored rounded to 0.01 px.
        assert lo - 0.02 <= math.dist(p["handle"], p["target"]) <= hi + 0.02, rec["id"]
    inp, user = _load(folder, "input.png"), _load(folder, "mask.png") > 127
    scene = Scene.from_dict(rec["scene"])
    before = render(scene)
    index = rec["object"]["index"]
    assert np.array_equal(before.image, inp)
    assert np.array_equal(before.masks[index], _load(folder, "object-mask.png") > 127)
    # Every pixel the object touches at all (anti-aliased edge included) is editable, before ...
    assert np.all(user[before.coverages[index] > 0]), rec["id"]
    for a in rec["acceptable"]:
        obj = ObjectSpec.from_dict(a["object_after"])
        after = render(scene.with_object(index, obj))
        # ... and after each acceptable edit; the ground truth is the exact re-render and changes nothing outside.
        assert np.all(user[after.coverages[-1] > 0]), (rec["id"], a["kind"])
        gt = _load(folder, a["result"])
        assert np.array_equal(after.image, gt), (rec["id"], a["kind"])
        assert np.array_equal(after.masks[-1], _load(folder, a["object_mask"]) > 127)
        assert np.array_equal(gt[~user], inp[~user])
        # The transformed object stays inside the image, clear of the border margin.
        e, m = obj.extent(), BORDER_MARGIN * size / 128.0
        assert m <= obj.cx - e and obj.cx + e <= size - 1 - m and m <= obj.cy - e and obj.cy + e <= size - 1 - m
        cov = after.coverages[-1]
        assert cov[0, :].max() == 0 and cov[-1, :].max() == 0 and cov[:, 0].max() == 0 and cov[:, -1].max() == 0


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("large")
    records = write_tasks(str(out), 10, 9, drags="large")
    return str(out), records


def test_large_drags_are_ten_to_thirty_percent_of_the_side_and_masks_cover_before_and_after(generated):
    out, records = generated
    assert [r["intended_kind"] for r in records] == list(KINDS) * 2
    for rec in records:
        _check_task(os.path.join(out, rec["id"]), rec)


def test_large_drag_tasks_keep_the_acceptability_rule(generated):
    _, records = generated
    for rec in records:
        assert rec["acceptable"][0]["kind"] == rec["intended_kind"]
        assert rec["ambiguous"] == (len(rec["acceptable"]) > 1)
        hs = np.array([p["handle"] for p in rec["pairs"]])
        ts = np.array([p["target"] for p in rec["pairs"]])
        obj = ObjectSpec.from_dict(rec["scene"]["objects"][rec["object"]["index"]])
        found = {r.kind for r in tasks.acceptable_readings(obj, hs, ts)}
        assert found == {a["kind"] for a in rec["acceptable"]}, rec["id"]


def test_large_drags_scale_with_the_image_side(tmp_path):
    task = make_task("shrink", task_seed(3, 0, "large"), 256, "square", drags="large")
    lengths = np.hypot(*(task.targets - task.handles).T)
    assert 25.6 <= lengths.min() and lengths.max() <= 76.8
    rec = write_task(task, str(tmp_path / "t"), "t")
    _check_task(str(tmp_path / "t"), rec)


def test_large_drag_generation_is_deterministic_and_separate_from_the_default_stream(tmp_path):
    for kind in KINDS:
        a = make_task(kind, task_seed(5, 1, "large"), drags="large")
        b = make_task(kind, task_seed(5, 1, "large"), drags="large")
        assert a.scene == b.scene and np.array_equal(a.handles, b.handles) and a.params == b.params
    assert task_seed(5, 1, "large") != task_seed(5, 1) == scene_seed(5, 1)
    write_tasks(str(tmp_path / "a"), 5, 11, drags="large")
    write_tasks(str(tmp_path / "b"), 5, 11, drags="large")
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", ["index.json"], shallow=False)
    assert mismatch == [] and errors == []
    for i in range(5):
        names = sorted(os.listdir(tmp_path / "a" / f"task-{i + 1:04d}"))
        _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a" / f"task-{i + 1:04d}",
                                               tmp_path / "b" / f"task-{i + 1:04d}", names, shallow=False)
        assert mismatch == [] and errors == []


def test_an_unknown_drag_profile_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown drag profile"):
        make_task("move", 1, drags="huge")


def test_the_cli_takes_the_drag_profile(tmp_path):
    tasks.main(["--out", str(tmp_path), "--count", "2", "--seed", "4", "--drags", "large"])
    with open(tmp_path / "index.json") as f:
        index = json.load(f)
    assert index["drags"] == "large" and index["drag_range_px"] == [12.8, 38.4]
    assert [t["intended_kind"] for t in index["tasks"]] == ["move", "enlarge"]


# ------------------------------------------------------------------------------ committed large-drag dev set

def _large_index():
    with open(os.path.join(LARGE_SET, "index.json")) as f:
        return json.load(f)


def test_the_large_drag_dev_set_is_balanced_and_has_ambiguous_tasks_of_every_kind():
    index = _large_index()
    assert index["count"] == LARGE_COUNT and index["seed"] == LARGE_SEED and index["drags"] == "large"
    t = index["tasks"]
    assert len(t) == LARGE_COUNT >= 100
    for kind in KINDS:
        assert sum(x["intended_kind"] == kind for x in t) == LARGE_COUNT // len(KINDS)
        assert any(x["ambiguous"] for x in t if x["intended_kind"] == kind)


def test_every_large_drag_task_is_in_range_covered_exact_and_in_the_dev_set_format():
    dev_keys = set(_record(os.path.join(DEV_SET, "task-0001")))
    dev_acceptable_keys = set(_record(os.path.join(DEV_SET, "task-0001"))["acceptable"][0])
    for entry in _large_index()["tasks"]:
        folder = os.path.join(LARGE_SET, entry["id"])
        rec = _record(folder)
        assert set(rec) == dev_keys and all(set(a) == dev_acceptable_keys for a in rec["acceptable"])
        assert rec["id"] == entry["id"] and [a["kind"] for a in rec["acceptable"]] == entry["acceptable"]
        assert 1 <= len(rec["pairs"]) <= 3
        _check_task(folder, rec)
        for name in ["input.png", "mask.png", "object-mask.png"] + [a[k] for a in rec["acceptable"]
                                                                     for k in ("result", "object_mask")]:
            img = Image.open(os.path.join(folder, name))
            assert img.size == (rec["width"], rec["height"])
            assert img.mode == ("RGB" if name == "input.png" or name.startswith("gt-") and "mask" not in name else "L")


def test_the_large_drag_dev_set_stays_as_small_per_task_as_the_dev_set():
    def per_task(root):
        total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
        return total / len([n for n in os.listdir(root) if n.startswith("task-")])
    assert per_task(LARGE_SET) <= 1.25 * per_task(DEV_SET)


def test_the_large_drag_dev_set_regenerates_byte_for_byte_from_its_documented_seed(tmp_path):
    for i in range(3):
        task_id = f"task-{i + 1:04d}"
        kind, shape = KINDS[i % len(KINDS)], SHAPES[(i // len(KINDS)) % len(SHAPES)]
        task = make_task(kind, task_seed(LARGE_SEED, i, "large"), 128, shape, drags="large")
        write_task(task, str(tmp_path / task_id), task_id)
        committed = os.path.join(LARGE_SET, task_id)
        names = sorted(os.listdir(committed))
        assert names == sorted(os.listdir(tmp_path / task_id))
        _, mismatch, errors = filecmp.cmpfiles(committed, tmp_path / task_id, names, shallow=False)
        assert mismatch == [] and errors == []
