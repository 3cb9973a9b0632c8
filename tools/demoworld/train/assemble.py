"""Write the remaining files of the demo model's diffusers folder.

    python -m tools.demoworld.train.assemble --out OUT/model [--fp16]

Adds ``model_index.json`` and ``scheduler/scheduler_config.json`` (DDIM with SD-1.5's settings) next to
the trained ``vae/``, ``unet/``, ``text_encoder/``, ``tokenizer/`` and ``discriminator/``; with ``--fp16``
it converts every safetensors file to float16. It then loads the folder with diffusers'
StableDiffusionPipeline (safety checker off), which checks that it is complete, and prints each file's
size and SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os

from diffusers import DDIMScheduler

from .train_unet import SCHEDULE

MODEL_INDEX = {
    "_class_name": "StableDiffusionPipeline",
    "_diffusers_version": "0.42.1",
    "feature_extractor": [None, None],
    "requires_safety_checker": False,
    "safety_checker": [None, None],
    "scheduler": ["diffusers", "DDIMScheduler"],
    "text_encoder": ["transformers", "CLIPTextModel"],
    "tokenizer": ["transformers", "CLIPTokenizer"],
    "unet": ["diffusers", "UNet2DConditionModel"],
    "vae": ["diffusers", "AutoencoderKL"],
}
REQUIRED = ("vae", "unet", "text_encoder", "tokenizer")


def ddim_scheduler() -> DDIMScheduler:
    """DDIM with SD-1.5's settings over the training schedule."""
    return DDIMScheduler(**SCHEDULE, clip_sample=False, set_alpha_to_one=False, steps_offset=1)


def to_fp16(folder: str) -> None:
    from safetensors.torch import load_file, save_file
    for root, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".safetensors"):
                path = os.path.join(root, name)
                tensors = {k: (v.half() if v.is_floating_point() else v) for k, v in load_file(path).items()}
                save_file(tensors, path + ".tmp")
                os.replace(path + ".tmp", path)


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Assemble the demo model's diffusers folder.")
    p.add_argument("--out", required=True)
    p.add_argument("--fp16", action="store_true")
    a = p.parse_args(argv)
    missing = [d for d in REQUIRED if not os.path.isdir(os.path.join(a.out, d))]
    if missing:
        raise SystemExit(f"missing trained parts in {a.out}: {', '.join(missing)}")
    ddim_scheduler().save_pretrained(os.path.join(a.out, "scheduler"))
    with open(os.path.join(a.out, "model_index.json"), "w") as f:
        json.dump(MODEL_INDEX, f, indent=2)
    if a.fp16:
        to_fp16(a.out)
    from diffusers import StableDiffusionPipeline
    StableDiffusionPipeline.from_pretrained(a.out, safety_checker=None, requires_safety_checker=False)
    total = 0
    for root, _, files in sorted(os.walk(a.out)):
        for name in sorted(files):
            path = os.path.join(root, name)
            size = os.path.getsize(path)
            total += size
            print(f"{sha256(path)}  {size:>10d}  {os.path.relpath(path, a.out)}")
    print(f"total {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
