"""Edit scores of the edit benchmark: the ground truth scores perfectly (the checker passes it, stretched
shapes included), the input as an unmoved object."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tools.demoworld.edit_scores import TaskTruth

ROOT = Path(__file__).resolve().parents[3]
LARGE_DEV = ROOT / "Benchmarks" / "data" / "drag-large-dev"
TASKS = ["task-0001", "task-0002", "task-0003", "task-0004", "task-0005"]   # one of each kind


def _drag_length(task):
    return sum(math.dist(p["handle"], p["target"]) for p in task["pairs"]) / len(task["pairs"])


@pytest.mark.parametrize("name", TASKS)
def test_the_ground_truth_scores_as_a_perfect_edit(name):
    truth = TaskTruth(LARGE_DEV / name)
    score = truth.score(LARGE_DEV / name / truth.task["acceptable"][0]["result"])
    assert score["found"] and score["iou"] > 0.98 and score["checker_pass"]
    assert score["md"] < 0.5 and score["centroid_error"] < 0.5
    assert score["acceptable_iou"][0] == score["iou"]


@pytest.mark.parametrize("name", TASKS)
def test_the_input_scores_as_an_edit_that_moved_nothing(name):
    truth = TaskTruth(LARGE_DEV / name)
    score = truth.score(LARGE_DEV / name / "input.png")
    assert score["found"] and score["checker_pass"]
    assert score["md"] == pytest.approx(_drag_length(truth.task), abs=0.5)


def test_the_command_answers_each_job_line_and_names_a_failure():
    jobs = [dict(task=str(LARGE_DEV / "task-0001"), image=str(LARGE_DEV / "task-0001" / "input.png")),
            dict(task=str(LARGE_DEV / "task-0001"), image=str(LARGE_DEV / "task-0001" / "missing.png"))]
    out = subprocess.run([sys.executable, "-m", "tools.demoworld.edit_scores"], cwd=ROOT, check=True, text=True,
                         capture_output=True, input="".join(json.dumps(j) + "\n" for j in jobs)).stdout.splitlines()
    assert len(out) == 2
    assert json.loads(out[0])["found"] is True
    assert "missing.png" in json.loads(out[1])["error"]
