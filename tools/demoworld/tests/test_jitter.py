"""``--jitter`` (drags drawn the way a hand does): the drawn points are off by about the asked noise, the
intention, ground truth and mask are the exact split's, and the ground-truth scores measure against the
exact drag."""

import json
import math
import os

import numpy as np
import pytest

from tools.demoworld.edit_scores import TaskTruth
from tools.demoworld.tasks import main, write_tasks

COUNT, SEED = 10, 4242


@pytest.fixture(scope="module")
def splits(tmp_path_factory):
    root = tmp_path_factory.mktemp("jitter")
    exact = write_tasks(str(root / "exact"), COUNT, SEED, drags="large")
    drawn = write_tasks(str(root / "drawn"), COUNT, SEED, drags="large", jitter=2.0)
    return root, exact, drawn


def _points(pairs):
    return np.array([p["handle"] + p["target"] for p in pairs], float)


def test_the_drawn_points_are_off_by_about_the_asked_noise(splits):
    _, exact, drawn = splits
    offsets = np.concatenate([(_points(d["pairs"]) - _points(e["pairs"])).ravel() for e, d in zip(exact, drawn)])
    assert 1.4 < offsets.std() < 2.6
    assert np.all(np.abs(offsets) < 10)
    for e, d in zip(exact, drawn):
        assert d["intended_pairs"] == e["pairs"]
        assert all(0 <= v <= d["width"] - 1 for v in _points(d["pairs"]).ravel())


def test_the_intention_its_ground_truth_and_the_mask_are_the_exact_splits(splits):
    root, exact, drawn = splits
    for e, d in zip(exact, drawn):
        assert "intended_pairs" not in e
        assert {k: v for k, v in d.items() if k not in ("pairs", "intended_pairs")} == \
            {k: v for k, v in e.items() if k != "pairs"}
        for name in ("input.png", "mask.png", e["acceptable"][0]["result"]):
            assert (root / "drawn" / d["id"] / name).read_bytes() == (root / "exact" / e["id"] / name).read_bytes()
    index = json.loads((root / "drawn" / "index.json").read_text())
    assert index["jitter_px"] == 2.0


def test_the_ground_truth_scores_perfectly_against_the_exact_drag(splits):
    root, exact, drawn = splits
    for d in drawn[:5]:
        truth = TaskTruth(root / "drawn" / d["id"])
        score = truth.score(root / "drawn" / d["id"] / d["acceptable"][0]["result"])
        assert score["md"] < 0.5, d["id"]
        moved = truth.score(root / "drawn" / d["id"] / "input.png")
        lengths = [math.dist(p["handle"], p["target"]) for p in d["intended_pairs"]]
        assert moved["md"] == pytest.approx(sum(lengths) / len(lengths), abs=0.5)


def test_a_negative_or_non_finite_jitter_is_refused(tmp_path):
    with pytest.raises(ValueError, match="jitter"):
        write_tasks(str(tmp_path / "x"), 1, SEED, drags="large", jitter=-1.0)
    with pytest.raises(ValueError, match="jitter"):
        write_tasks(str(tmp_path / "x"), 1, SEED, drags="large", jitter=float("nan"))
    for bad in ("-2", "nan", "inf"):
        with pytest.raises(SystemExit, match="--jitter"):
            main(["--out", str(tmp_path / "y"), "--count", "1", "--jitter", bad])
    assert not os.path.exists(tmp_path / "y")
