#!/usr/bin/env python3
"""PyTorch twin timing of the guided drag edit for `luciddrag bench edit` (same tasks, prompts, options).

    .venv-ref/bin/python Benchmarks/reference/edit_timing.py [--threads 2] < JOBS.jsonl

Jobs come on standard input, one JSON object a line: ``{"task": DIR, "source": PROMPT, "target": PROMPT,
"options": {SamplingOptions names}}``; each job is one edit by ``edit_reference.edit`` (the demo model,
float32), timed per stage. One JSON line per job is printed as soon as it is done, before the next job
is read (so the benchmark can time Swift's edit of the same task right beside it): ``{"task",
"seconds": {encode, invert, sample, decode}}``. The twin has no ``blend_outside_from`` (an elementwise
blend per step, a negligible cost).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from edit_reference import MODEL, edit, load_models, load_task  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model", type=Path, default=MODEL)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    models = load_models(str(args.model))
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        image, mask, pairs, _ = load_task(Path(job["task"]))
        result = edit(models, image, mask, pairs, job["source"], job["target"], job["options"])
        print(json.dumps(dict(task=job["task"], seconds=result["seconds"])), flush=True)


if __name__ == "__main__":
    main()
