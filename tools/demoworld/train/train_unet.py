"""Train the demo world's UNet2DConditionModel and CLIP text model jointly on (scene latent, caption).

    nice -n 19 python -m tools.demoworld.train.train_unet --out OUT/model [--resume]

Needs ``OUT/model/tokenizer`` (tokenizer.py) and ``OUT/model/vae`` (train_vae.py). Scenes are encoded
once with the VAE (posterior mean and std kept, a fresh latent sampled each step, times the VAE's scaling
factor). ε-prediction under SD-1.x's scaled-linear schedule (1000 steps, β 0.00085–0.012), each sample's
loss weighted by Min-SNR-γ (min(SNR, γ) / SNR, Hang et al. 2023), which spends less of a short run on the
nearly clean timesteps; ``--high-t-share`` draws more of the timesteps from the noisy half (``draw_timesteps``).
The noise carries a per-channel offset (``--offset-noise``, see ``OFFSET_NOISE``) so the background colour comes
from the caption; 10% of captions are dropped to the empty prompt so classifier-free guidance works.
Scenes are drawn with probability proportional to their object count (``--hard-objects`` draws those with small
objects and stars more often), and the text encoder starts from a
short attribute-binding pre-training on captions alone (``text_pretraining.py``, ``--text-pretrain-steps``).
A small loss (× ``--binding-loss``) pulls each object's colour and shape tokens' cross-attention onto that
object's mask (``attention_binding.py``). ``--object-loss W`` weights the ε-loss per latent cell towards the
objects, a small object's cells most (``object_weights``).
The learning rate warms up, then follows a cosine down to a tenth. The saved weights are an exponential
moving average of the trained ones. The forward pass runs under bfloat16 autocast (``--precision bf16``, the
default: 1.4× faster steps in a full run on a CPU with AVX512-BF16; weights, optimiser and loss stay float32). Every
attention layer materialises its scores (``use_materialised_attention``), and AdamW and the moving average update all
parameters in one call each: on this 2-core CPU that makes a step about 1.2× faster than with PyTorch's fused
attention kernel and per-parameter loops (docs/demo-model/findings.md). Writes
``OUT/model/unet`` and ``OUT/model/text_encoder``; checkpoints ``OUT/checkpoints/unet.pt``. ``--init MODEL`` starts
both from a trained model folder's ``unet/`` and ``text_encoder/`` instead of from scratch (no text pre-training),
to continue a finished run for more steps.
"""

from __future__ import annotations

import argparse
import copy
import os

import torch
import torch.nn.functional as F
from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
from diffusers.models.attention_processor import AttnProcessor
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

from ..checker import parse_caption
from .attention_binding import binding_loss, object_targets, record_cross_attention
from .common import (SceneBank, add_precision_argument, add_run_arguments, cosine_schedule, resume_if_asked,
                     save_checkpoint, start_run, step_autocast)
from .text_pretraining import pretrain_text_encoder
from .tokenizer import MAX_LENGTH, tokenize

TEXT_CONFIG = dict(hidden_size=128, intermediate_size=512, num_hidden_layers=3, num_attention_heads=4,
                   max_position_embeddings=MAX_LENGTH, projection_dim=128, hidden_act="quick_gelu")
#: SD-1.x block types; cross-attention at the 16×16 and 8×8 latent levels (32×32 latents of 128-pixel scenes).
#: One attention head per layer (diffusers' legacy ``attention_head_dim`` counts heads): on a CPU one wide head
#: trains a step 27 % faster than eight narrow ones. The 32×32 level is as wide as the 16×16 one: small shapes are
#: drawn there, and doubling it from 32 channels costs about 1.2× a step but took the text-to-image rate from 53.0
#: to 64.5 % in about the same stage time (docs/demo-model/findings.md). The latent channel count comes from the
#: VAE (``make_unet``).
UNET_CONFIG = dict(sample_size=32, layers_per_block=1, block_out_channels=(64, 64, 128),
                   down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
                   up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
                   cross_attention_dim=128, attention_head_dim=1, norm_num_groups=16)
#: SD-1.x noise schedule.
SCHEDULE = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")
CAPTION_DROPOUT = 0.1
#: Min-SNR-γ loss weighting.
MIN_SNR_GAMMA = 5.0
#: Std of the per-(sample, channel) constant added to the training noise ("offset noise"). The scaled-linear
#: schedule leaves √ᾱ_T ≈ 0.07 of the signal at t = 999, and a 32×32 latent's per-channel mean is a large part of
#: it (the background colour), so a model trained on plain noise reads the background off the starting noise's
#: mean and ignores the caption's; with offset noise it has to take the mean from the caption.
OFFSET_NOISE = 0.1
#: Weight of the cross-attention binding loss (``attention_binding.py``). The shipped UNet was trained with it;
#: at ten times the weight its shapes came out wobblier and it sampled worse (docs/demo-model/findings.md,
#: "Tried and not shipped").
BINDING_LOSS = 0.001
#: Weight of the object-weighted ε-loss (``object_weights``); 0 makes the loss uniform over the latent.
OBJECT_LOSS = 2.0
#: Object-weighted loss: a reference object area, in cells of the 32×32 latent grid (``object_weights``).
OBJECT_AREA = 64.0
#: Timesteps from here up decide which shapes are drawn in which colours: sampling with a well-trained UNet above
#: it and an undertrained one below passes as many captions as the well-trained one alone
#: (docs/demo-model/findings.md).
HIGH_T = 500
#: Share of the training timesteps drawn from [HIGH_T, 1000). At 0.75, 6000 steps passed 83.5 % of the evaluation's
#: captions where the uniform draw passed 79.5 % after 7600, and 0.8 with 5000 steps only 71.0 %
#: (docs/demo-model/findings.md).
HIGH_T_SHARE = 0.75
#: Decay of the weights' exponential moving average (warmed up as (1 + step) / (10 + step)).
EMA_DECAY = 0.999


def make_text_encoder(tokenizer: CLIPTokenizer) -> CLIPTextModel:
    vocab = tokenizer.get_vocab()
    eos = vocab[tokenizer.eos_token]
    config = CLIPTextConfig(vocab_size=len(vocab), bos_token_id=vocab[tokenizer.bos_token], eos_token_id=eos,
                            pad_token_id=eos, **TEXT_CONFIG)
    return CLIPTextModel(config)


def make_unet(latent_channels: int, block_out_channels=UNET_CONFIG["block_out_channels"]) -> UNet2DConditionModel:
    """An untrained UNet of ``UNET_CONFIG`` with ``block_out_channels`` as its widths per level."""
    config = dict(UNET_CONFIG, block_out_channels=tuple(block_out_channels))
    return UNet2DConditionModel(in_channels=latent_channels, out_channels=latent_channels, **config)


def min_snr_weights(alphas_cumprod: torch.Tensor, t: torch.Tensor, gamma: float = MIN_SNR_GAMMA) -> torch.Tensor:
    """Per-sample ε-loss weights min(SNR(t), γ) / SNR(t)."""
    snr = alphas_cumprod[t] / (1 - alphas_cumprod[t])
    return snr.clamp(max=gamma) / snr


def object_weights(masks: torch.Tensor, strength: float, area: float = OBJECT_AREA) -> torch.Tensor:
    """Per-cell ε-loss weights (B, 1, G, G) from object masks (B, K, G, G), mean 1 in each sample.

    Every object adds ``strength`` × min(4, ``area`` / its area) on its cells, so a small object's cells
    weigh more than a large one's and each object counts for about the same; ``strength`` 0 gives all ones.
    """
    masks = masks.float()
    areas = masks.sum(dim=(2, 3), keepdim=True)
    scale = (area / areas.clamp_min(1.0)).clamp(max=4.0)
    weights = 1 + strength * (masks * scale).sum(dim=1, keepdim=True)
    return weights / weights.mean(dim=(2, 3), keepdim=True)


def scene_weights(captions: list[str], hard: float = 0.0) -> torch.Tensor:
    """How often each scene is drawn: its object count (many-object scenes are the hard ones, each colour must
    bind to its shape), plus ``hard`` for each small object and each star, the shapes a short run draws worst."""
    return torch.tensor([sum(1.0 + hard * ((size == "small") + (shape == "star")) for size, _, shape in
                             parse_caption(c).objects) for c in captions])


def offset_noise(shape, strength: float, gen: torch.Generator) -> torch.Tensor:
    """Standard normal noise plus ``strength`` × a standard normal constant per sample and channel."""
    noise = torch.randn(shape, generator=gen)
    return noise + strength * torch.randn(shape[0], shape[1], 1, 1, generator=gen)


def draw_timesteps(batch: int, high_share: float, gen: torch.Generator) -> torch.Tensor:
    """Training timesteps: ``high_share`` of them from [``HIGH_T``, 1000), the rest from [0, ``HIGH_T``)."""
    if high_share == 0.5:  # the uniform draw, as the recipes before ``--high-t-share`` drew it
        return torch.randint(0, SCHEDULE["num_train_timesteps"], (batch,), generator=gen)
    low = torch.randint(0, HIGH_T, (batch,), generator=gen)
    high = torch.randint(HIGH_T, SCHEDULE["num_train_timesteps"], (batch,), generator=gen)
    return torch.where(torch.rand(batch, generator=gen) < high_share, high, low)


@torch.no_grad()
def update_ema(average: torch.nn.Module, model: torch.nn.Module, step: int, decay: float = EMA_DECAY) -> None:
    """Move ``average``'s parameters towards ``model``'s (decay warmed up over the first steps)."""
    d = min(decay, (1 + step) / (10 + step))
    torch._foreach_lerp_(list(average.parameters()), list(model.parameters()), 1 - d)


def use_materialised_attention(unet: UNet2DConditionModel) -> None:
    """Give every attention layer diffusers' plain processor, which materialises softmax(QKᵀ). At these sizes (at
    most 256 queries, one head) a CPU step runs faster with it than with PyTorch's fused attention kernel,
    whose backward pass was the largest single cost of a step after the convolutions (docs/demo-model/findings.md)."""
    unet.set_attn_processor(AttnProcessor())


@torch.no_grad()
def encode_bank(vae: AutoencoderKL, bank: SceneBank, batch: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """Posterior (mean, std) of every scene, float16."""
    means, stds = [], []
    for i in range(0, len(bank), batch):
        post = vae.encode(bank.batch(torch.arange(i, min(i + batch, len(bank))))).latent_dist
        means.append(post.mean.half())
        stds.append(post.std.half())
    return torch.cat(means), torch.cat(stds)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Train the demo-world UNet and text encoder.")
    p.add_argument("--out", required=True, help="model folder holding tokenizer/ and vae/")
    add_run_arguments(p, steps=6000, batch=32, lr=5e-4, scenes=4000, seed=2, save_every=100)
    p.add_argument("--cache", default=None, help="folder to cache rendered scenes in")
    p.add_argument("--text-pretrain-steps", type=int, default=100,
                   help="steps of the text encoder's attribute-binding pre-training (text_pretraining.py); 0 skips it")
    p.add_argument("--offset-noise", type=float, default=OFFSET_NOISE,
                   help="std of the per-channel constant added to the training noise; 0 gives plain noise")
    p.add_argument("--binding-loss", type=float, default=BINDING_LOSS,
                   help="weight of the cross-attention binding loss (attention_binding.py); 0 leaves it out")
    p.add_argument("--init", default=None,
                   help="a model folder whose unet/ and text_encoder/ to start from instead of from scratch")
    p.add_argument("--object-loss", type=float, default=OBJECT_LOSS,
                   help="extra ε-loss weight on object cells, more for small objects (object_weights); 0 leaves the "
                        "loss uniform")
    p.add_argument("--hard-objects", type=float, default=0.0,
                   help="draw scenes with small objects and stars more often: each counts 1 + this (scene_weights)")
    p.add_argument("--high-t-share", type=float, default=HIGH_T_SHARE,
                   help=f"share of training timesteps drawn from [{HIGH_T}, 1000), the rest below (0.5: uniform)")
    p.add_argument("--block-out-channels", type=int, nargs=3, default=UNET_CONFIG["block_out_channels"], metavar="C",
                   help="the UNet's width at the 32², 16² and 8² levels (default %(default)s)")
    add_precision_argument(p)
    a = p.parse_args(argv)
    gen, ckpt, log = start_run(a, "unet")
    tokenizer = CLIPTokenizer.from_pretrained(os.path.join(a.out, "tokenizer"))
    vae = AutoencoderKL.from_pretrained(os.path.join(a.out, "vae")).eval()
    scale = float(vae.config.scaling_factor)
    bank = SceneBank(a.scenes, a.seed, cache_dir=a.cache)
    means, stds = encode_bank(vae, bank)
    ids = tokenize(tokenizer, bank.captions)
    empty = tokenize(tokenizer, [""])[0]
    weights = scene_weights(bank.captions, a.hard_objects)
    if a.init:
        text = CLIPTextModel.from_pretrained(os.path.join(a.init, "text_encoder"), torch_dtype=torch.float32)
        unet = UNet2DConditionModel.from_pretrained(os.path.join(a.init, "unet"), torch_dtype=torch.float32)
    else:
        text, unet = make_text_encoder(tokenizer), make_unet(vae.config.latent_channels, a.block_out_channels)
    if not (a.init or (a.resume and os.path.exists(ckpt))):
        pretrain_text_encoder(text, tokenizer, steps=a.text_pretrain_steps, seed=a.seed, log=log)
    ema_unet, ema_text = copy.deepcopy(unet).requires_grad_(False), copy.deepcopy(text).requires_grad_(False)
    noise_schedule = DDPMScheduler(**SCHEDULE)
    params = list(unet.parameters()) + list(text.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=1e-2, fused=True)
    sched = cosine_schedule(opt, a.steps, warmup=200)
    models = {"unet": unet, "text": text, "ema_unet": ema_unet, "ema_text": ema_text}
    step = resume_if_asked(a, ckpt, models, {"opt": opt, "sched": sched}, gen, log)
    use_materialised_attention(unet)
    if a.binding_loss > 0:
        recorders = record_cross_attention(unet)
    if a.binding_loss > 0 or a.object_loss > 0:
        masks, positions = object_targets(bank.seed, len(bank), bank.size, bank.captions, tokenizer,
                                          grid=unet.config.sample_size)
    unet.train()
    text.train()
    while step < a.steps:
        idx = torch.multinomial(weights, a.batch, replacement=True, generator=gen)
        z0 = (means[idx].float() + stds[idx].float() * torch.randn(means[idx].shape, generator=gen)) * scale
        tokens = ids[idx].clone()
        drop = torch.rand(a.batch, generator=gen) < CAPTION_DROPOUT
        tokens[drop] = empty
        noise = offset_noise(z0.shape, a.offset_noise, gen)
        t = draw_timesteps(a.batch, a.high_t_share, gen)
        zt = noise_schedule.add_noise(z0, noise, t)
        with step_autocast(a):
            pred = unet(zt, t, encoder_hidden_states=text(tokens).last_hidden_state).sample.float()
        squared = F.mse_loss(pred, noise, reduction="none")
        if a.object_loss > 0:
            squared = squared * object_weights(masks[idx], a.object_loss)
        per_sample = squared.mean(dim=(1, 2, 3))
        loss = (min_snr_weights(noise_schedule.alphas_cumprod, t) * per_sample).mean()
        if a.binding_loss > 0:
            binding = binding_loss([r.probs for r in recorders], masks[idx], positions[idx], ~drop)
            loss = loss + a.binding_loss * binding
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        update_ema(ema_unet, unet, step)
        update_ema(ema_text, text, step)
        step += 1
        if step % 25 == 0:
            log(step=step, loss=loss.item(), mse=per_sample.mean().item(), lr=sched.get_last_lr()[0],
                **({"binding": binding.item()} if a.binding_loss > 0 else {}))
        if step % a.save_every == 0 or step == a.steps:
            save_checkpoint(ckpt, step, models, {"opt": opt, "sched": sched}, gen)
    ema_unet.save_pretrained(os.path.join(a.out, "unet"))
    ema_text.save_pretrained(os.path.join(a.out, "text_encoder"))
    log(event="saved", step=step)


if __name__ == "__main__":
    main()
