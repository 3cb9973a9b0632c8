"""Text-to-image on validation captions, broken down: what a UNet run gets wrong, not only how often.

    nice -n 19 python -m tools.demoworld.train.validate_t2i --model OUT/model [--checkpoint OUT/checkpoints/unet.pt]
        [--count 80] [--cfg 3 5 7.5] [--oracle-mean] [--figure PATH]

The captions are of scenes drawn with ``VALIDATION_SEED``, which neither training nor ``evaluate.py`` uses,
so choosing a recipe or a CFG scale here does not tune it to the evaluation's 200 captions. For each CFG
scale it prints the share of samples in which the checker finds every captioned object, that share by
object count and by background, and the share of captioned objects found. ``--checkpoint`` samples with
the EMA weights of a running UNet stage instead of the folder's ``unet/`` and ``text_encoder/``.

``--oracle-mean`` is a diagnosis, not a sampler: the starting noise's per-channel spatial mean is replaced
by √ᾱ times that of the true scene's latent (ᾱ at the first DDIM step). A model that reads the background
off the starting noise's mean instead of the caption scores far better with it than without.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import torch

from ..render import render
from ..scenes import caption, random_scene, scene_seed
from .common import limit_threads
from .evaluate import Model, ddim_sample, grid, rates

#: Scenes whose captions the validation uses; no training run and not the evaluation uses this seed.
VALIDATION_SEED = 777_001


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Text-to-image on validation captions, broken down.")
    p.add_argument("--model", required=True, help="a demo model folder")
    p.add_argument("--checkpoint", default=None, help="a train_unet checkpoint whose EMA weights to sample with")
    p.add_argument("--count", type=int, default=80)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--cfg", type=float, nargs="+", default=[7.5])
    p.add_argument("--seed", type=int, default=0, help="seed of the starting noise")
    p.add_argument("--oracle-mean", action="store_true",
                   help="diagnosis: give the starting noise the true scene latent's per-channel mean")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--figure", default=None, help="save the first 32 samples of the first CFG scale here")
    p.add_argument("--json", default=None, help="write the figures here too")
    a = p.parse_args(argv)
    limit_threads(a.threads)
    m = Model(a.model)
    step = m.use_checkpoint(a.checkpoint) if a.checkpoint else None
    if m.unet is None:
        raise SystemExit(f"{a.model} has no unet/ yet: pass --checkpoint OUT/checkpoints/unet.pt")
    scenes = [random_scene(np.random.default_rng(scene_seed(VALIDATION_SEED, i)), 128, 128) for i in range(a.count)]
    captions = [caption(s) for s in scenes]
    results = {"step": step, "count": a.count, "steps": a.steps, "oracle_mean": a.oracle_mean, "cfg": {}}
    with torch.no_grad():
        cond, uncond = m.embed(captions), m.embed([""] * a.count)
        side, channels = m.unet.config.sample_size, m.unet.config.in_channels
        noise = torch.randn(a.count, channels, side, side, generator=torch.Generator().manual_seed(a.seed))
        if a.oracle_mean:
            z0 = m.encode(np.stack([render(s).image for s in scenes]))
            m.scheduler.set_timesteps(a.steps)
            signal = m.scheduler.alphas_cumprod[m.scheduler.timesteps[0]].sqrt()
            noise = noise - noise.mean(dim=(2, 3), keepdim=True) + signal * z0.mean(dim=(2, 3), keepdim=True)
        for k, cfg in enumerate(a.cfg):
            samples = m.decode(ddim_sample(m, noise.clone(), cond, uncond, cfg, a.steps))
            r = results["cfg"][str(cfg)] = rates(samples, captions)
            print(f"cfg {cfg}: {r['rate']:.3f} of {a.count}, objects found {r['objects_found']:.3f}, "
                  f"by object count {r['by_object_count']}, by background {r['by_background']}", flush=True)
            if a.figure and k == 0:
                grid(list(samples[:32]), captions[:32], cols=8, label_lines=4).save(a.figure)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
