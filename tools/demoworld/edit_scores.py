"""Ground-truth scores of drag edits with the demo-world checker, for `luciddrag bench edit`.

For each edited image of a task folder (Benchmarks/data/drag-large-dev format) it segments the result with
the checker and measures, against the intended kind's ground truth (``acceptable[0]``):

- ``iou``, ``centroid_error``: the edited object (checker pixels of the object's colour inside the user
  mask, less other objects of that colour in the input) against the ground-truth object mask;
- ``md``: the point distance. The edited object's transform is read off the segmentation as a per-axis
  scale and translation (centroid and standard deviation along x and y, from the input's object mask to
  the edited object), which covers every kind the large-drag split has (move, enlarge, shrink, stretch);
  each handle is carried by it and its distance to the target is averaged over the pairs (the exact
  ``intended_pairs`` of a task drawn with ``--jitter``, else ``pairs``). When the
  object is not found, the handles count as not moved (``md`` = the mean drag length, ``found`` false);
- ``checker_pass``: the checker finds every captioned object in colour and shape, for the caption
  before the edit, the caption after any acceptable edit, or what the checker reads in any acceptable
  ground truth (a stretched square or star is no shape the checker knows, and a stretched circle's
  caption still says circle: 41 of the 212 dev ground truths failed both captions);
- ``acceptable_iou``: the object's IoU with every acceptable ground truth, in the task's order.

    python -m tools.demoworld.edit_scores      # stdin: {"task": DIR, "image": PNG} a line → stdout: scores a line

Each job line is answered by one JSON line as soon as it is scored (``{"error": …}`` when it cannot be),
so one process serves a whole benchmark run.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from .checker import as_image, check_caption, edited_object_mask, mask_metrics, segment


def _mask(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L")) > 0


def _moments(mask: np.ndarray):
    ys, xs = np.nonzero(mask)
    return xs.mean(), ys.mean(), max(xs.std(), 0.5), max(ys.std(), 0.5)


def _reading(image_path: Path) -> str:
    """What the checker sees in an image, as a caption ("a blue ellipse and a white star")."""
    return " and ".join(f"a {d.color} {d.shape}" for d in segment(as_image(str(image_path))).detections)


class TaskTruth:
    """What a task folder says about its right answers."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.task = json.loads((folder / "task.json").read_text())
        self.user_mask = _mask(folder / "mask.png")
        self.object_mask = _mask(folder / self.task["object"]["mask"])
        self.color = self.task["object"]["color"]
        self.truth_masks = [_mask(folder / a["object_mask"]) for a in self.task["acceptable"]]
        self.captions = [self.task["caption"]] + [a["caption_after"] for a in self.task["acceptable"]]
        readings = [_reading(folder / a["result"]) for a in self.task["acceptable"]]
        self.captions += [reading for reading in readings if reading]
        # A task drawn with jitter is scored against the exact drag its user meant.
        self.pairs = [(p["handle"], p["target"]) for p in self.task.get("intended_pairs", self.task["pairs"])]
        # Other objects of the edited object's colour (they are not the edited object).
        self.others = np.zeros_like(self.object_mask)
        for d in segment(as_image(str(folder / "input.png"))).detections:
            if d.color == self.color and not (d.mask & self.object_mask).any():
                self.others |= d.mask

    def score(self, image_path: Path) -> dict:
        image = as_image(str(image_path))
        seg = segment(image)
        edited = edited_object_mask(image, self.color, seg) & self.user_mask & ~self.others
        found = bool(edited.sum() >= 4)
        if found:
            ox, oy, osx, osy = _moments(self.object_mask)
            ex, ey, esx, esy = _moments(edited)
            moved = [(ex + (hx - ox) * esx / osx, ey + (hy - oy) * esy / osy) for (hx, hy), _ in self.pairs]
        else:
            moved = [tuple(h) for h, _ in self.pairs]
        md = float(np.mean([math.hypot(mx - gx, my - gy) for (mx, my), (_, (gx, gy)) in zip(moved, self.pairs)]))
        metrics = mask_metrics(edited, self.truth_masks[0])
        passed = False
        for caption in self.captions:
            if check_caption(image, caption, seg).ok:
                passed = True
                break
        return dict(
            md=md, found=found, iou=metrics.iou,
            centroid_error=metrics.centroid_error if math.isfinite(metrics.centroid_error) else None,
            checker_pass=passed,
            acceptable_iou=[mask_metrics(edited, truth).iou for truth in self.truth_masks],
        )


def main() -> None:
    truths: dict[str, TaskTruth] = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            job = json.loads(line)
            truth = truths.get(job["task"])
            if truth is None:
                truth = truths[job["task"]] = TaskTruth(Path(job["task"]))
            answer = truth.score(Path(job["image"]))
        except Exception as error:  # noqa: BLE001 - the caller gets every failure as an answer
            answer = dict(error=f"{type(error).__name__}: {error}")
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
