"""Evaluate a trained demo model folder against issue 4's targets.

    nice -n 19 python -m tools.demoworld.train.evaluate --model OUT/model [--count 200] [--steps 50] [--figures DIR]

Prints, and writes to ``--json`` if given, one line per target:
- ``vae_psnr``: mean PSNR of VAE reconstructions (posterior mode) on ``count`` held-out scenes (target ≥ 30 dB);
- ``t2i_checker_rate``: share of text-to-image samples (held-out captions, DDIM ``steps``, CFG ``cfg``) in
  which the rule-based checker finds every captioned shape in its colour (target ≥ 0.8);
- ``inversion_psnr``: DDIM inversion of held-out scenes with their caption (conditional only), then DDIM
  reconstruction with the caption, ``steps`` each; mean PSNR against the input (target ≥ 25 dB);
- ``discriminator_auc``: ROC AUC real vs. artefact latents on held-out scenes at t ≤ 400 (target ≥ 0.9).
``--text-to-image-only`` leaves out the inversion and the discriminator, and ``--checkpoint`` samples with
the EMA weights of a ``train_unet`` checkpoint (a run still going, or one of its saved steps).
It also prints, as a reference and not a target, ``checker_on_vae_reconstructions``: the checker's pass rate
on the VAE reconstructions of the same scenes. Every text-to-image sample is a VAE decoding, so this is the
most ``t2i_checker_rate`` could reach with this VAE and checker.
With ``--figures DIR`` it also writes the README's pictures: ``samples.png`` (16 text-to-image samples
under their captions), ``reconstructions.png`` (held-out scene | VAE reconstruction | inversion then
reconstruction) and, with ``--task FOLDER``, ``task.png`` (that drag task with every acceptable ground truth).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import textwrap
from collections import defaultdict

import numpy as np
import torch
from diffusers import AutoencoderKL, DDIMScheduler, DDPMScheduler, UNet2DConditionModel
from PIL import Image, ImageDraw
from transformers import CLIPTextModel, CLIPTokenizer

from ..checker import check_caption, parse_caption
from ..preview import task_row
from ..render import render
from ..scenes import caption, random_scene, scene_seed
from .assemble import ddim_scheduler
from .common import limit_threads
from .discriminator import LatentDiscriminator
from .train_discriminator import HELD_OUT_SEED as DISC_HELD_OUT_SEED, encode_pairs, evaluate as disc_auc
from .tokenizer import tokenize
from .train_unet import SCHEDULE, make_text_encoder, make_unet

#: Held-out scenes for evaluation; no training script uses this seed.
EVAL_SEED = 900_100
TARGETS = {"vae_psnr": 30.0, "t2i_checker_rate": 0.8, "inversion_psnr": 25.0, "discriminator_auc": 0.9}


class Model:
    """The parts of a diffusers folder the evaluation needs. A training run's folder may still lack
    ``unet/`` and ``text_encoder/`` (None then) and ``scheduler/`` (``assemble``'s DDIM then)."""

    def __init__(self, folder: str):
        def part(name):
            return os.path.join(folder, name)

        self.tokenizer = CLIPTokenizer.from_pretrained(part("tokenizer"))
        has_denoiser = os.path.isdir(part("unet"))
        self.text = CLIPTextModel.from_pretrained(part("text_encoder")).float().eval() if has_denoiser else None
        self.unet = UNet2DConditionModel.from_pretrained(part("unet")).float().eval() if has_denoiser else None
        self.vae = AutoencoderKL.from_pretrained(part("vae")).float().eval()
        has_scheduler = os.path.isdir(part("scheduler"))
        self.scheduler = DDIMScheduler.from_pretrained(part("scheduler")) if has_scheduler else ddim_scheduler()
        self.scale = float(self.vae.config.scaling_factor)
        disc = part("discriminator")
        self.discriminator = LatentDiscriminator.from_pretrained(disc).float().eval() if os.path.isdir(disc) else None

    def use_checkpoint(self, path: str) -> int:
        """Swap in the EMA UNet and text encoder of a ``train_unet`` checkpoint; returns its step."""
        state = torch.load(path, weights_only=False)
        unet = state["models"]["ema_unet"]
        widths = [unet[f"down_blocks.{i}.resnets.0.conv1.weight"].shape[0] for i in range(3)]
        self.unet, self.text = make_unet(self.vae.config.latent_channels, widths), make_text_encoder(self.tokenizer)
        self.unet.load_state_dict(unet)
        self.text.load_state_dict(state["models"]["ema_text"])
        self.unet.eval()
        self.text.eval()
        return int(state["step"])

    def embed(self, captions: list[str]) -> torch.Tensor:
        return self.text(tokenize(self.tokenizer, captions)).last_hidden_state

    def encode(self, images: np.ndarray) -> torch.Tensor:
        x = torch.from_numpy(images).float().permute(0, 3, 1, 2) / 127.5 - 1.0
        return self.vae.encode(x).latent_dist.mode() * self.scale

    def decode(self, z: torch.Tensor) -> np.ndarray:
        x = self.vae.decode(z / self.scale).sample.clamp(-1, 1)
        return ((x + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(float) - b.astype(float)) ** 2).mean())
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def _eps(m: Model, z, t, cond, uncond=None, cfg=1.0):
    if uncond is None or cfg == 1.0:
        return m.unet(z, t, encoder_hidden_states=cond).sample
    e = m.unet(torch.cat([z, z]), t, encoder_hidden_states=torch.cat([uncond, cond])).sample
    eu, ec = e.chunk(2)
    return eu + cfg * (ec - eu)


@torch.no_grad()
def ddim_sample(m: Model, z: torch.Tensor, cond, uncond, cfg: float, steps: int) -> torch.Tensor:
    m.scheduler.set_timesteps(steps)
    for t in m.scheduler.timesteps:
        z = m.scheduler.step(_eps(m, z, t, cond, uncond, cfg), t, z, eta=0.0).prev_sample
    return z


@torch.no_grad()
def ddim_invert(m: Model, z: torch.Tensor, cond, steps: int) -> torch.Tensor:
    """Deterministic DDIM inversion (conditional branch only), clean latent -> z_T."""
    m.scheduler.set_timesteps(steps)
    ac = m.scheduler.alphas_cumprod
    ts = list(reversed(m.scheduler.timesteps.tolist()))
    prev_alpha = m.scheduler.final_alpha_cumprod
    for t in ts:
        a_t = ac[t]
        eps = _eps(m, z, torch.tensor(t), cond)
        x0 = (z - (1 - prev_alpha).sqrt() * eps) / prev_alpha.sqrt()
        z = a_t.sqrt() * x0 + (1 - a_t).sqrt() * eps
        prev_alpha = a_t
    return z


def held_out(count: int, size: int = 128):
    scenes = [random_scene(np.random.default_rng(scene_seed(EVAL_SEED, i)), size, size) for i in range(count)]
    return scenes, np.stack([render(s).image for s in scenes]), [caption(s) for s in scenes]


def grid(images: list[np.ndarray], labels: list[str], cols: int, scale: int = 2, label_lines: int = 1) -> Image.Image:
    """Images in rows of ``cols``, each enlarged ``scale`` times (nearest) above its wrapped label."""
    rows = math.ceil(len(images) / cols)
    h, w = images[0].shape[0] * scale, images[0].shape[1] * scale
    strip = 11 * label_lines + 4
    out = Image.new("RGB", (cols * w, rows * (h + strip)), (255, 255, 255))
    draw = ImageDraw.Draw(out)
    chars = max(w // 6, 1)
    for i, (im, label) in enumerate(zip(images, labels)):
        x, y = (i % cols) * w, (i // cols) * (h + strip)
        out.paste(Image.fromarray(im).resize((w, h), Image.NEAREST), (x, y))
        for k, line in enumerate(textwrap.wrap(label, chars)[:label_lines]):
            draw.text((x + 2, y + h + 2 + 11 * k), line, fill=(0, 0, 0))
    return out


def rates(samples: np.ndarray, captions: list[str]) -> dict:
    """Checker pass rate overall, by object count and by background; share of captioned objects found."""
    by_count, by_background, found = defaultdict(list), defaultdict(list), []
    for image, text in zip(samples, captions):
        check = check_caption(image, text)
        by_count[len(check.objects)].append(check.ok)
        by_background[parse_caption(text).background].append(check.ok)
        found += [o.found for o in check.objects]
    everything = [ok for oks in by_count.values() for ok in oks]
    return {"rate": float(np.mean(everything)), "objects_found": float(np.mean(found)),
            "by_object_count": {k: f"{sum(v)}/{len(v)}" for k, v in sorted(by_count.items())},
            "by_background": {k: f"{sum(v)}/{len(v)}" for k, v in sorted(by_background.items())}}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Evaluate a trained demo model folder.")
    p.add_argument("--model", required=True)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--cfg", type=float, default=5.0,
                   help="guidance scale of the text-to-image samples (chosen with validate_t2i.py)")
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--figures", default=None, help="folder for samples.png, reconstructions.png (and task.png)")
    p.add_argument("--task", default=None, help="a drag-task folder to draw as task.png")
    p.add_argument("--json", default=None, help="write the figures here too")
    p.add_argument("--checkpoint", default=None, help="a train_unet checkpoint whose EMA weights to sample with")
    p.add_argument("--text-to-image-only", action="store_true",
                   help="skip the inversion and the discriminator (half the time): VAE and text-to-image figures only")
    a = p.parse_args(argv)
    limit_threads(a.threads)
    m = Model(a.model)
    if a.checkpoint:
        m.use_checkpoint(a.checkpoint)
    if m.unet is None:
        raise SystemExit(f"{a.model} has no unet/ yet: pass --checkpoint OUT/checkpoints/unet.pt")
    scenes, images, captions = held_out(a.count)
    g = torch.Generator().manual_seed(a.seed)
    results, recon_vae, samples, recon_inv = {}, [], [], []
    with torch.no_grad():
        for i in range(0, a.count, a.batch):
            batch_imgs, batch_caps = images[i:i + a.batch], captions[i:i + a.batch]
            z0 = m.encode(batch_imgs)
            recon_vae.append(m.decode(z0))
            cond, uncond = m.embed(batch_caps), m.embed([""] * len(batch_caps))
            noise = torch.randn(z0.shape, generator=g)
            samples.append(m.decode(ddim_sample(m, noise, cond, uncond, a.cfg, a.steps)))
            if not a.text_to_image_only:
                recon_inv.append(m.decode(ddim_sample(m, ddim_invert(m, z0, cond, a.steps), cond, None, 1.0, a.steps)))
            print(f"evaluated {min(i + a.batch, a.count)}/{a.count} scenes", file=sys.stderr, flush=True)
    recon_vae, samples = np.concatenate(recon_vae), np.concatenate(samples)
    results["vae_psnr"] = float(np.mean([psnr(r, x) for r, x in zip(recon_vae, images)]))
    t2i = rates(samples, captions)
    results["t2i_checker_rate"] = t2i["rate"]
    reference = {"checker_on_vae_reconstructions":
                 float(np.mean([check_caption(r, c).ok for r, c in zip(recon_vae, captions)]))}
    if not a.text_to_image_only:
        recon_inv = np.concatenate(recon_inv)
        results["inversion_psnr"] = float(np.mean([psnr(r, x) for r, x in zip(recon_inv, images)]))
    if m.discriminator is not None and not a.text_to_image_only:
        real, fake, _ = encode_pairs(m.vae, a.count, DISC_HELD_OUT_SEED, 1)
        results["discriminator_auc"] = disc_auc(m.discriminator, real, fake, DDPMScheduler(**SCHEDULE))
    for key, value in results.items():
        target = TARGETS[key]
        print(f"{key:31s} {value:8.3f}   target >= {target}   {'met' if value >= target else 'NOT met'}")
    for key, value in reference.items():
        print(f"{key:31s} {value:8.3f}   reference, not a target")
    print(f"text-to-image by object count: {t2i['by_object_count']}, by background: {t2i['by_background']}")
    if a.json:
        os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
        with open(a.json, "w") as f:
            json.dump({"count": a.count, "steps": a.steps, "cfg": a.cfg, **results, **reference}, f, indent=1)
    if a.figures:
        os.makedirs(a.figures, exist_ok=True)
        n = min(16, a.count)
        grid(list(samples[:n]), captions[:n], cols=8, label_lines=4).save(os.path.join(a.figures, "samples.png"))
        if not a.text_to_image_only:
            k = min(6, a.count)
            triples = [im for triple in zip(images[:k], recon_vae[:k], recon_inv[:k]) for im in triple]
            labels = [f"{name} {psnr(im, images[i // 3]):.1f} dB" if name != "scene" else "scene"
                      for i, (im, name) in enumerate(zip(triples, ["scene", "VAE", "inversion"] * k))]
            grid(triples, labels, cols=6).save(os.path.join(a.figures, "reconstructions.png"))
        if a.task:
            task_row(a.task).save(os.path.join(a.figures, "task.png"))


if __name__ == "__main__":
    main()
