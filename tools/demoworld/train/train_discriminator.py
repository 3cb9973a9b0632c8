"""Train the latent discriminator on clean scenes vs. scenes with drag-edit artefacts.

    nice -n 19 python -m tools.demoworld.train.train_discriminator --out OUT/model [--resume]

Needs ``OUT/model/vae``. Every training scene is encoded clean and once per artefact draw
(``--fakes-per-scene``); each step noises a batch of real and of fake latents (from the same scenes) to
the same random timesteps (``--low-t-share`` of them at most 400, the rest anywhere) under the SD-1.x
schedule and minimises binary cross-entropy (real = 1). The learning rate warms up, then follows a
cosine down to a tenth. The latents are encoded in float32; the training steps run under bfloat16
autocast (``--precision bf16``, the default: 1.4× faster than float32 on this machine's AVX512-BF16 cores,
and the weights stay float32). At the end it reports ROC AUC on held-out scenes at t ≤ 400 and writes
``OUT/model/discriminator``. Checkpoints ``OUT/checkpoints/discriminator.pt``.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F
from diffusers import AutoencoderKL, DDPMScheduler

from ..render import render
from ..scenes import random_scene, scene_seed
from .artifacts import damaged
from .common import (add_precision_argument, add_run_arguments, cosine_schedule, resume_if_asked, save_atomically,
                     save_checkpoint, start_run, step_autocast)
from .discriminator import DiscriminatorConfig, LatentDiscriminator
from .train_unet import SCHEDULE

HELD_OUT_SEED = 900_002
LOW_T = 400


@torch.no_grad()
def encode_pairs(vae: AutoencoderKL, count: int, seed: int, fakes: int, batch: int = 32):
    """Scaled posterior-mean latents (float32) of ``count`` clean scenes and ``fakes`` damaged copies of each."""
    scale = float(vae.config.scaling_factor)
    real, fake, owner = [], [], []
    for i in range(count):
        rng = np.random.default_rng(scene_seed(seed, i))
        scene = random_scene(rng)
        real.append(render(scene).image)
        for _ in range(fakes):
            fake.append(damaged(scene, rng)[0])
            owner.append(i)

    def enc(images):
        out = []
        for j in range(0, len(images), batch):
            x = torch.from_numpy(np.stack(images[j:j + batch])).float().permute(0, 3, 1, 2) / 127.5 - 1.0
            out.append(vae.encode(x).latent_dist.mean * scale)
        return torch.cat(out)

    return enc(real), enc(fake), torch.tensor(owner)


def cached_pairs(vae: AutoencoderKL, count: int, seed: int, fakes: int, cache_dir: str | None):
    """``encode_pairs``, kept in ``cache_dir`` (if given) as ``pairs-SEED-COUNT-FAKES.pt`` for the next run with
    the same VAE (the file is keyed by the VAE's scaling factor and rebuilt when that differs)."""
    key = float(vae.config.scaling_factor)
    path = os.path.join(cache_dir, f"pairs-{seed}-{count}-{fakes}.pt") if cache_dir else None
    if path and os.path.exists(path):
        saved = torch.load(path)
        if saved["scaling_factor"] == key:
            return saved["real"], saved["fake"], saved["owner"]
    real, fake, owner = encode_pairs(vae, count, seed, fakes)
    if path:
        save_atomically({"scaling_factor": key, "real": real, "fake": fake, "owner": owner}, path)
    return real, fake, owner


def roc_auc(pos: torch.Tensor, neg: torch.Tensor) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    scores = torch.cat([pos, neg])
    order = scores.argsort()
    ranks = torch.empty_like(scores)
    ranks[order] = torch.arange(1, len(scores) + 1, dtype=scores.dtype)
    # Average ranks over ties.
    for v in scores.unique():
        tie = scores == v
        if tie.sum() > 1:
            ranks[tie] = ranks[tie].mean()
    n_pos, n_neg = len(pos), len(neg)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


@torch.no_grad()
def evaluate(model: LatentDiscriminator, real, fake, schedule, seed: int = 0) -> float:
    g = torch.Generator().manual_seed(seed)
    model.eval()

    def logits(z):
        t = torch.randint(0, LOW_T + 1, (len(z),), generator=g)
        return model(schedule.add_noise(z, torch.randn(z.shape, generator=g), t), t)

    auc = roc_auc(logits(real), logits(fake))
    model.train()
    return auc


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Train the demo-world latent discriminator.")
    p.add_argument("--out", required=True, help="model folder holding vae/")
    add_run_arguments(p, steps=6000, batch=32, lr=5e-4, scenes=7000, seed=3, save_every=250)
    p.add_argument("--low-t-share", type=float, default=0.9, help="share of timesteps drawn from [0, 400]")
    p.add_argument("--fakes-per-scene", type=int, default=2)
    p.add_argument("--eval-scenes", type=int, default=200)
    p.add_argument("--block-out-channels", default="64,128,128", help="channels of each level, comma-separated")
    p.add_argument("--cache", default=None, help="folder to cache the encoded latents in")
    add_precision_argument(p)
    a = p.parse_args(argv)
    gen, ckpt, log = start_run(a, "discriminator")
    vae = AutoencoderKL.from_pretrained(os.path.join(a.out, "vae")).eval()
    real, fake, owner = cached_pairs(vae, a.scenes, a.seed, a.fakes_per_scene, a.cache)
    ev_real, ev_fake, _ = cached_pairs(vae, a.eval_scenes, HELD_OUT_SEED, 1, a.cache)
    schedule = DDPMScheduler(**SCHEDULE)
    channels = tuple(int(c) for c in a.block_out_channels.split(","))
    config = DiscriminatorConfig(in_channels=vae.config.latent_channels, block_out_channels=channels)
    model = LatentDiscriminator(config)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-2)
    sched = cosine_schedule(opt, a.steps)
    step = resume_if_asked(a, ckpt, {"disc": model}, {"opt": opt, "sched": sched}, gen, log)
    half = a.batch // 2
    while step < a.steps:
        fi = torch.randint(len(fake), (half,), generator=gen)
        z = torch.cat([real[owner[fi]], fake[fi]])
        low = torch.randint(0, LOW_T + 1, (half,), generator=gen)
        high = torch.randint(0, SCHEDULE["num_train_timesteps"], (half,), generator=gen)
        t = torch.where(torch.rand(half, generator=gen) < a.low_t_share, low, high).repeat(2)
        zt = schedule.add_noise(z, torch.randn(z.shape, generator=gen), t)
        labels = torch.cat([torch.ones(half), torch.zeros(half)])
        with step_autocast(a):
            logits = model(zt, t).float()
        loss = F.binary_cross_entropy_with_logits(logits, labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        step += 1
        if step % 25 == 0:
            log(step=step, loss=loss.item(), lr=sched.get_last_lr()[0])
        if step % a.save_every == 0 or step == a.steps:
            save_checkpoint(ckpt, step, {"disc": model}, {"opt": opt, "sched": sched}, gen)
    auc = evaluate(model, ev_real, ev_fake, schedule)
    model.save_pretrained(os.path.join(a.out, "discriminator"))
    log(event="saved", step=step, held_out_auc_t_le_400=auc)


if __name__ == "__main__":
    main()
