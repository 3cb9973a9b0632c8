"""Train the demo world's AutoencoderKL (×4 downsampling, 4 latent channels) on rendered scenes.

    nice -n 19 python -m tools.demoworld.train.train_vae --out OUT/model [--resume]

The VAE is fully convolutional (no mid-block attention), so it trains on random ``--crop`` patches of the
128-pixel scenes and runs on whole scenes. Loss: L1 + MSE reconstruction plus a small KL term; the
learning rate warms up, then follows a cosine down to a tenth. At the end (and with ``--finalize`` alone) the
latent scaling factor is measured as 1 / std of posterior samples over held-out scenes, and the model
is written to ``OUT/model/vae`` (config.json + diffusion_pytorch_model.safetensors) with that factor.
The steps run under bfloat16 autocast (``--precision bf16``, the default: about 2× faster than float32 on a CPU
with AVX512-BF16, the same PSNR; docs/demo-model/findings.md, "A faster VAE stage"); weights, optimiser and loss
stay float32.
Checkpoints: ``OUT/checkpoints/vae.pt``.
"""

from __future__ import annotations

import argparse
import math
import os

import torch
import torch.nn.functional as F
from diffusers import AutoencoderKL

from .common import (SceneBank, add_precision_argument, add_run_arguments, cosine_schedule, resume_if_asked,
                     save_checkpoint, start_run, step_autocast)

VAE_CONFIG = dict(in_channels=3, out_channels=3, latent_channels=4, layers_per_block=1, norm_num_groups=16,
                  down_block_types=("DownEncoderBlock2D",) * 3, up_block_types=("UpDecoderBlock2D",) * 3,
                  block_out_channels=(32, 64, 128), mid_block_add_attention=False, sample_size=128)
#: Held-out scenes (a seed never used for training) for PSNR and the scaling factor.
HELD_OUT_SEED = 900_001


def make_vae() -> AutoencoderKL:
    return AutoencoderKL(**VAE_CONFIG)


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    """PSNR (dB) of images in [-1, 1]."""
    mse = F.mse_loss((a.clamp(-1, 1) + 1) * 127.5, (b + 1) * 127.5).item()
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


@torch.no_grad()
def evaluate(vae: AutoencoderKL, bank: SceneBank, batch: int = 16) -> tuple[float, float]:
    """(mean PSNR of mode reconstructions, scaling factor = 1 / std of posterior samples)."""
    vae.eval()
    scores, latents = [], []
    g = torch.Generator().manual_seed(0)
    for i in range(0, len(bank), batch):
        x = bank.batch(torch.arange(i, min(i + batch, len(bank))))
        post = vae.encode(x).latent_dist
        latents.append(post.sample(generator=g))
        y = vae.decode(post.mode()).sample
        scores += [psnr(y[j:j + 1], x[j:j + 1]) for j in range(len(x))]
    vae.train()
    return sum(scores) / len(scores), 1.0 / torch.cat(latents).flatten().std().item()


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Train the demo-world VAE.")
    p.add_argument("--out", required=True, help="model folder; the VAE goes to OUT/vae")
    add_run_arguments(p, steps=2000, batch=16, lr=5e-4, scenes=4000, seed=1, save_every=100)
    p.add_argument("--crop", type=int, default=64, help="side of the random training patches")
    p.add_argument("--kl-weight", type=float, default=1e-6)
    p.add_argument("--eval-scenes", type=int, default=200)
    p.add_argument("--cache", default=None, help="folder to cache rendered scenes in")
    add_precision_argument(p)
    a = p.parse_args(argv)
    gen, ckpt, log = start_run(a, "vae")
    bank = SceneBank(a.scenes, a.seed, cache_dir=a.cache)
    held_out = SceneBank(a.eval_scenes, HELD_OUT_SEED, cache_dir=a.cache)
    vae = make_vae()
    opt = torch.optim.AdamW(vae.parameters(), lr=a.lr, weight_decay=0.0)
    sched = cosine_schedule(opt, a.steps)
    step = resume_if_asked(a, ckpt, {"vae": vae}, {"opt": opt, "sched": sched}, gen, log)
    vae.train()
    while step < a.steps:
        x = bank.crops(torch.randint(len(bank), (a.batch,), generator=gen), a.crop, gen)
        with step_autocast(a):
            post = vae.encode(x).latent_dist
            y = vae.decode(post.sample(generator=gen)).sample.float()
        rec = F.l1_loss(y, x) + F.mse_loss(y, x)
        kl = post.kl().float().mean()  # summed over latent elements, averaged over the batch
        loss = rec + a.kl_weight * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        if step % 25 == 0:
            log(step=step, loss=loss.item(), rec=rec.item(), kl=kl.item(), lr=sched.get_last_lr()[0])
        if step % a.save_every == 0 or step == a.steps:
            save_checkpoint(ckpt, step, {"vae": vae}, {"opt": opt, "sched": sched}, gen)
    score, scale = evaluate(vae, held_out)
    vae.register_to_config(scaling_factor=scale)
    vae.save_pretrained(os.path.join(a.out, "vae"))
    log(event="saved", step=step, held_out_psnr=score, scaling_factor=scale)


if __name__ == "__main__":
    main()
