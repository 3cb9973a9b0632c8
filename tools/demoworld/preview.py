"""Contact sheets for eyeballing drag tasks.

    python -m tools.demoworld.preview --tasks DIR --out sheet.png [--ids task-0001 task-0002 ...] [--scale 2]

One row per task: the input with the user mask tinted and the handle → target arrows drawn (red dot =
handle, blue dot = target), then every acceptable ground truth labelled with its kind.
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np
from PIL import Image, ImageDraw

LABEL_HEIGHT = 12


def task_row(folder: str, scale: int = 2) -> Image.Image:
    """One task as a row of panels."""
    with open(os.path.join(folder, "task.json")) as f:
        task = json.load(f)
    image = np.asarray(Image.open(os.path.join(folder, "input.png")).convert("RGB"), float)
    mask = np.asarray(Image.open(os.path.join(folder, "mask.png"))) > 127
    tinted = image.copy()
    tinted[mask] = 0.75 * tinted[mask] + 0.25 * np.array([255.0, 255.0, 255.0])
    w, h = task["width"] * scale, task["height"] * scale
    panels = [(Image.fromarray(tinted.astype(np.uint8)).resize((w, h), Image.NEAREST),
               f"{task['id']} ({task['intended_kind']})")]
    draw = ImageDraw.Draw(panels[0][0])
    for p in task["pairs"]:
        hx, hy = [(c + 0.5) * scale for c in p["handle"]]
        tx, ty = [(c + 0.5) * scale for c in p["target"]]
        draw.line([(hx, hy), (tx, ty)], fill=(255, 255, 255), width=2)
        draw.ellipse([hx - 3, hy - 3, hx + 3, hy + 3], fill=(230, 0, 0))
        draw.ellipse([tx - 3, ty - 3, tx + 3, ty + 3], fill=(0, 0, 230))
    for a in task["acceptable"]:
        gt = Image.open(os.path.join(folder, a["result"])).convert("RGB").resize((w, h), Image.NEAREST)
        panels.append((gt, a["kind"]))
    row = Image.new("RGB", (w * len(panels), h + LABEL_HEIGHT), (255, 255, 255))
    d = ImageDraw.Draw(row)
    for i, (panel, label) in enumerate(panels):
        row.paste(panel, (i * w, LABEL_HEIGHT))
        d.text((i * w + 2, 0), label, fill=(0, 0, 0))
    return row


def sheet(folders: list[str], scale: int = 2) -> Image.Image:
    rows = [task_row(f, scale) for f in folders]
    width = max(r.width for r in rows)
    out = Image.new("RGB", (width, sum(r.height for r in rows)), (255, 255, 255))
    y = 0
    for r in rows:
        out.paste(r, (0, y))
        y += r.height
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Draw drag tasks and their ground truths as a contact sheet.")
    p.add_argument("--tasks", required=True, help="folder holding task-XXXX folders")
    p.add_argument("--out", required=True, help="output PNG")
    p.add_argument("--ids", nargs="*", help="task ids (default: the first eight)")
    p.add_argument("--scale", type=int, default=2)
    a = p.parse_args(argv)
    ids = a.ids or sorted(d for d in os.listdir(a.tasks) if d.startswith("task-"))[:8]
    sheet([os.path.join(a.tasks, i) for i in ids], a.scale).save(a.out)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
