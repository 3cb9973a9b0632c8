#!/usr/bin/env python3
"""PyTorch + diffusers twin of the Swift collaborative-guidance drag edit (method.md §2).

    .venv-ref/bin/python Benchmarks/reference/edit_reference.py --task Benchmarks/data/drag-dev/task-0032 \
        --out out/edited.png [--steps 50] [--seed 0] [--set time_travel=true] [--trace]

Importable: ``edit(model_dir, image, mask, pairs, source_prompt, target_prompt, options, noise_source)``.
It is both the numerical reference of the Swift sampler (goldens: Tests/Fixtures/edit/make_edit_golden.py)
and its speed reference (float32, 2 threads, no work the spec does not ask for). Tested with
torch==2.13.0+cpu, diffusers 0.42.1, transformers 5.x.

THE SPEC (the Swift implementation follows the same text; option names are SamplingOptions' fields)
- Scheduler: DDIMScheduler from <model>/scheduler, T steps, timesteps t_0 > t_1 > ... (t_0 noisiest).
  ᾱ_final = ᾱ[0]. Step i at t: prev = t − 1000//T, ᾱ_prev = ᾱ[prev] if prev >= 0 else ᾱ_final.
- Text: E("") , E(target), E(source) = CLIP last_hidden_state. Inversion prompt = source prompt.
- Encode: z0 = vae.encode(image).latent_dist.mean · scaling_factor.
- Inversion (conditional only, CFG 1): z = z0; for t in reversed(timesteps[k:]) (k = start step): eps = unet(z, t, E(source))
  while every decoder self-attention (up_blocks.*.attentions.*.transformer_blocks.*.attn1) stores
  (to_k(h), to_v(h)) [B, L, C] in bank[t][layer]; current = min(t − 1000//T, 999);
  α_c = ᾱ[current] if current >= 0 else ᾱ_final; x0 = (z − sqrt(1−α_c)·eps)/sqrt(α_c);
  z = sqrt(ᾱ_t)·x0 + sqrt(1−ᾱ_t)·eps; ref[t] = z. inverted = ref[t_k].
- Masks: M_lat = max-pool(mask, f) (f = image/latent factor); M_feat = max-pool(mask, feature_stride);
  m_out = 1 − M_feat.
- Cells: (x, y) -> (clamp(floor(x·Wf/W), r, Wf−1−r), clamp(floor(y·Hf/H), r, Hf−1−r)), r = window//2 at
  feature resolution; the same rule with the latent size and r = 1 for latent cells.
- Start step k = min(T − 1, max(0, T − ⌊inversion_strength·T + ½⌋)) (0 at the default 1, method.md's
  z_T); the inversion runs up to t_k and sampling runs steps i = k … T−1 only.
- Start: z = ref[t_k] with, for each pair in order, the 3×3 latent patch of ref[t_k] at the handle cell
  copied to the target cell.
- Features: outputs of up_blocks[b], b in feature_blocks (upsampler included), of a plain UNet pass (no
  memory bank, context E(source), batch 1), bilinearly resized (align_corners=False) to (Hf, Wf) unless
  already that size. F_ref = feats(ref[t], t), F_cur = feats(z, t) with gradient.
  sim(a, b) = (cos over channels + 1)/2.
- Energies, per layer l and pair k (G / Hw = window at the target / handle feature cell):
  s_edit = mean_window sim(F_cur[G], F_ref[Hw]); s_inp = mean over handle-window positions p not in the
  target window of sim(F_cur[p], F_ref[p]) (0 if none); E_edit = mean_(l,k) [w_e/(1 + 4·s_edit) + w_i·s_inp];
  s_cont(l) = Σ sim(F_cur, F_ref)·m_out / Σ m_out; E_content = mean_l w_c/(1 + 4·s_cont) (0 if m_out empty).
  g_e = ∇_z λE_edit, g_c = ∇_z λE_content; g_edit = step_factor·(M_lat·g_e + (1 − M_lat)·g_c).
- Guidance step: i < guidance_steps and (i < dense_guidance_steps or i % 2 == 0).
- Main pass: [z, z] with [E(""), E(target)], or [z, z, z] with [.., E(source)] on guidance steps
  i < semantic_steps when w_sem != 0; from step memory_bank_from on every decoder self-attention attends to cat([own, bank[t]])
  keys and values. ε_cfg = ε∅ + s·(ε_T − ε∅); g_sem = w_sem·M_lat·(ε_T − ε_S).
- Quality (every step when w_q != 0): g_q = −w_q·sqrt(1−ᾱ_t)·∇_z Σ logsigmoid(D(z, [t])).
- Update: ε̂ = ε_cfg + g_edit + g_sem + g_q; x0 = (z − sqrt(1−ᾱ_t)·ε̂)/sqrt(ᾱ_t);
  η = sde_eta if sde_from <= i <= sde_to else 0. η > 0: σ = η·sqrt((1−ᾱ_prev)/(1−ᾱ_t))·sqrt(1−ᾱ_t/ᾱ_prev),
  ξ = next noise, z_in = sqrt(ᾱ_prev)·x0 + sqrt(max(0, 1−ᾱ_prev−σ²))·ε_cfg + σ·ξ,
  z_out = sqrt(ᾱ_prev)·x0 + sqrt(1−ᾱ_prev)·ε_cfg, z = M_lat·z_in + (1−M_lat)·z_out;
  else z = sqrt(ᾱ_prev)·x0 + sqrt(1−ᾱ_prev)·ε_cfg (the direction term uses the unguided ε_cfg).
- Time travel (if time_travel, at each step i in time_travel_steps): after the step, time_travel_repeats
  times: ξ' = next noise; z = sqrt(ᾱ_t/ᾱ_prev)·z + sqrt(1−ᾱ_t/ᾱ_prev)·ξ'; redo step i from z.
- Decode: image = clamp(vae.decode(z / scaling_factor).sample, −1, 1); with keep_outside, image =
  w·image + (1 − w)·input, w = 1 on the pixels of M_lat's cells (nearest upsampling), falling linearly to
  0 at outside_feather + 1 pixels (chessboard distance) from them.
- Noise: ``noise_source(shape)`` is called exactly in the order above (SDE ξ at each SDE update,
  time-travel ξ' before each redo).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "Models" / "demo-world"
sys.path.insert(0, str(ROOT))

#: SamplingOptions defaults (Shared/Protos/lucid/v1/sampler.proto).
DEFAULTS = dict(
    steps=50, guidance_scale=4.0, edit_weight=4.0, content_weight=6.0, inpaint_weight=0.2,
    energy_scale=2000.0, semantic_weight=1.5, quality_weight=1e-3, guidance_steps=30, semantic_steps=30,
    memory_bank_from=5, step_factor=0.04, dense_guidance_steps=10, sde_eta=0.4, sde_from=11,
    sde_to=19, time_travel=False, time_travel_steps=[22, 24, 26, 28], time_travel_repeats=3,
    window=3, feature_blocks=[1, 2], feature_stride=4, keep_outside=True, outside_feather=3,
    inversion_strength=1.0,
)


# ---------------------------------------------------------------------------------------------- models

@dataclass
class Models:
    tokenizer: object
    text: torch.nn.Module
    unet: torch.nn.Module
    vae: torch.nn.Module
    scheduler: object
    disc: torch.nn.Module
    bank: "MemoryBank"


@functools.lru_cache(maxsize=2)
def load_models(model_dir: str | Path = MODEL) -> Models:
    """All parts of the model folder, float32, eval, without parameter gradients."""
    from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTokenizer

    from tools.demoworld.train.discriminator import LatentDiscriminator

    model_dir = Path(model_dir)
    tokenizer = CLIPTokenizer.from_pretrained(model_dir / "tokenizer")
    text = CLIPTextModel.from_pretrained(model_dir / "text_encoder").float().eval().requires_grad_(False)
    unet = UNet2DConditionModel.from_pretrained(model_dir / "unet").float().eval().requires_grad_(False)
    vae = AutoencoderKL.from_pretrained(model_dir / "vae").float().eval().requires_grad_(False)
    scheduler = DDIMScheduler.from_pretrained(model_dir / "scheduler")
    disc_dir = model_dir / "discriminator"
    disc = LatentDiscriminator.from_pretrained(str(disc_dir)).float().eval().requires_grad_(False)
    return Models(tokenizer, text, unet, vae, scheduler, disc, MemoryBank.install(unet))


def embed(models: Models, prompts: list[str]) -> torch.Tensor:
    """CLIP last_hidden_state of each prompt, [len(prompts), L, D]."""
    from tools.demoworld.train.tokenizer import tokenize

    with torch.no_grad():
        return models.text(tokenize(models.tokenizer, prompts)).last_hidden_state


# ------------------------------------------------------------------------------------ memory bank

class MemoryBank:
    """Keys/values of every decoder self-attention: stored during inversion, attended to while sampling.

    mode "off": plain attention; "store": keep (to_k(h), to_v(h)) [B, L, C] of the pass in
    ``self.stored``; "use": attend to cat([own, bank]) along the token axis, bank = ``self.active``.
    """

    def __init__(self):
        self.mode = "off"
        self.stored: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
        self.active: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}

    @staticmethod
    def install(unet) -> "MemoryBank":
        bank = MemoryBank()
        processors = {}
        for name, proc in unet.attn_processors.items():
            layer = name.removesuffix(".processor")
            if layer.startswith("up_blocks.") and layer.endswith(".attn1"):
                proc = BankAttnProcessor(bank, layer)
            processors[name] = proc
        unet.set_attn_processor(processors)
        return bank


class BankAttnProcessor:
    """diffusers' AttnProcessor2_0 for a plain self-attention, with the memory bank hooked in at K/V."""

    def __init__(self, bank: MemoryBank, layer: str):
        self.bank, self.layer = bank, layer

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, temb=None, **kw):
        assert encoder_hidden_states is None and attention_mask is None and hidden_states.ndim == 3
        b = hidden_states.shape[0]
        query = attn.to_q(hidden_states)
        key = attn.to_k(hidden_states)
        value = attn.to_v(hidden_states)
        if self.bank.mode == "store":
            self.bank.stored[self.layer] = (key.detach(), value.detach())
        elif self.bank.mode == "use":
            bank_k, bank_v = self.bank.active[self.layer]
            key = torch.cat([key, bank_k.expand(b, -1, -1)], dim=1)
            value = torch.cat([value, bank_v.expand(b, -1, -1)], dim=1)
        heads = attn.heads
        d = key.shape[-1] // heads
        q = query.view(b, -1, heads, d).transpose(1, 2)
        k = key.view(b, -1, heads, d).transpose(1, 2)
        v = value.view(b, -1, heads, d).transpose(1, 2)
        out = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b, -1, heads * d)
        out = attn.to_out[1](attn.to_out[0](out))
        if attn.residual_connection:
            out = out + hidden_states
        return out / attn.rescale_output_factor


# ---------------------------------------------------------------------------------------- schedule

class Schedule:
    """DDIM timesteps and ᾱ of the model's scheduler for T steps (leading spacing from its config)."""

    def __init__(self, scheduler, steps: int):
        scheduler.set_timesteps(steps)
        self.timesteps = [int(t) for t in scheduler.timesteps]  # t_0 > t_1 > ...
        self.ratio = scheduler.config.num_train_timesteps // steps
        self.alphas = scheduler.alphas_cumprod.double()
        self.final = float(self.alphas[0])

    def alpha(self, t: int) -> float:
        return float(self.alphas[t]) if t >= 0 else self.final

    def alpha_prev(self, t: int) -> float:
        return self.alpha(t - self.ratio)


# ------------------------------------------------------------------------------------------- inversion

def invert(models: Models, z0: torch.Tensor, schedule: Schedule, context: torch.Tensor, first: int):
    """DDIM inversion (conditional only) from z0 up to t_first; returns (ref latents by t, memory bank by t)."""
    ref, bank = {}, {}
    z = z0
    models.bank.mode = "store"
    with torch.no_grad():
        for t in reversed(schedule.timesteps[first:]):
            eps = models.unet(z, t, encoder_hidden_states=context).sample
            bank[t] = dict(models.bank.stored)
            a_c = schedule.alpha(min(t - schedule.ratio, 999))
            a_t = schedule.alpha(t)
            x0 = (z - math.sqrt(1 - a_c) * eps) / math.sqrt(a_c)
            z = math.sqrt(a_t) * x0 + math.sqrt(1 - a_t) * eps
            ref[t] = z
    models.bank.mode = "off"
    return ref, bank


# ------------------------------------------------------------------------------------- geometry

def cell(x: float, y: float, width: int, height: int, grid_w: int, grid_h: int, r: int) -> tuple[int, int]:
    cx = min(max(math.floor(x * grid_w / width), r), grid_w - 1 - r)
    cy = min(max(math.floor(y * grid_h / height), r), grid_h - 1 - r)
    return cx, cy


def window(t: torch.Tensor, cx: int, cy: int, r: int) -> torch.Tensor:
    return t[:, :, cy - r:cy + r + 1, cx - r:cx + r + 1]


def copy_patches(inverted: torch.Tensor, latent_pairs) -> torch.Tensor:
    """Start latent: the 3×3 latent patch at each handle copied to its target (source unmodified)."""
    z = inverted.clone()
    for (hx, hy), (gx, gy) in latent_pairs:
        z[:, :, gy - 1:gy + 2, gx - 1:gx + 2] = inverted[:, :, hy - 1:hy + 2, hx - 1:hx + 2]
    return z


# ------------------------------------------------------------------------------------------- features

class _Enough(Exception):
    pass


def features(models: Models, z: torch.Tensor, t: int, context: torch.Tensor, blocks, size) -> list[torch.Tensor]:
    """Outputs of up_blocks[b] (b in blocks) of a plain UNet pass, resized to ``size``.

    The pass stops after the last block it needs (the rest of the UNet does not affect the features).
    """
    outputs, last = {}, max(blocks)

    def hook(index):
        def grab(module, args, output):
            outputs[index] = output
            if index == last:
                raise _Enough
        return grab

    handles = [models.unet.up_blocks[b].register_forward_hook(hook(b)) for b in blocks]
    try:
        models.unet(z, t, encoder_hidden_states=context)
    except _Enough:
        pass
    finally:
        for h in handles:
            h.remove()
    result = []
    for b in blocks:
        f = outputs[b]
        if tuple(f.shape[-2:]) != tuple(size):
            f = F.interpolate(f, size=size, mode="bilinear", align_corners=False)
        result.append(f)
    return result


def sim(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (F.cosine_similarity(a, b, dim=1) + 1) / 2


# ------------------------------------------------------------------------------------------- energies

def edit_energy(f_cur, f_ref, feat_pairs, r: int, w_e: float, w_i: float) -> torch.Tensor:
    """E_edit: mean over layers and pairs of w_e/(1 + 4·s_edit) + w_i·s_inp."""
    terms = []
    n = 2 * r + 1
    for cur, ref in zip(f_cur, f_ref):
        for (hx, hy), (gx, gy) in feat_pairs:
            s_edit = sim(window(cur, gx, gy, r), window(ref, hx, hy, r)).mean()
            # handle-window positions outside the target window
            keep = torch.tensor([[not (abs(hx - r + dx - gx) <= r and abs(hy - r + dy - gy) <= r)
                                  for dx in range(n)] for dy in range(n)])
            if keep.any():
                s_inp = sim(window(cur, hx, hy, r), window(ref, hx, hy, r))[0][keep].mean()
            else:
                s_inp = cur.new_zeros(())
            terms.append(w_e / (1 + 4 * s_edit) + w_i * s_inp)
    return torch.stack(terms).mean()


def content_energy(f_cur, f_ref, m_out: torch.Tensor, w_c: float) -> torch.Tensor | None:
    """E_content: mean over layers of w_c/(1 + 4·s_cont); None when nothing lies outside the mask."""
    total = m_out.sum()
    if total == 0:
        return None
    terms = [w_c / (1 + 4 * (sim(cur, ref) * m_out[:, 0]).sum() / total) for cur, ref in zip(f_cur, f_ref)]
    return torch.stack(terms).mean()


def energy_gradients(models, z, t, ref_feats, ctx_source, geo, opts):
    """(λE_edit, λE_content, ∇_z λE_edit, ∇_z λE_content) at z."""
    lam = opts["energy_scale"]
    with torch.enable_grad():
        zg = z.detach().requires_grad_(True)
        f_cur = features(models, zg, t, ctx_source, opts["feature_blocks"], geo.feat_size)
        e_edit = lam * edit_energy(f_cur, ref_feats, geo.feat_pairs, geo.r, opts["edit_weight"],
                                   opts["inpaint_weight"])
        e_cont = content_energy(f_cur, ref_feats, geo.m_out, opts["content_weight"])
        if e_cont is None:
            (g_e,) = torch.autograd.grad(e_edit, zg)
            return e_edit.detach(), torch.zeros(()), g_e, torch.zeros_like(g_e)
        e_cont = lam * e_cont
        (g_e,) = torch.autograd.grad(e_edit, zg, retain_graph=True)
        (g_c,) = torch.autograd.grad(e_cont, zg)
    return e_edit.detach(), e_cont.detach(), g_e, g_c


def quality_gradient(models, z, t: int, a_t: float, w_q: float) -> torch.Tensor:
    """g_q = −w_q·sqrt(1−ᾱ_t)·∇_z Σ log D(z, t)."""
    with torch.enable_grad():
        zg = z.detach().clone().requires_grad_(True)
        log_d = F.logsigmoid(models.disc(zg, torch.tensor([t]))).sum()
        (grad,) = torch.autograd.grad(log_d, zg)
    return -w_q * math.sqrt(1 - a_t) * grad


# ---------------------------------------------------------------------------------------- guided step

@dataclass
class Geometry:
    m_lat: torch.Tensor   # [1, 1, h, w]
    m_out: torch.Tensor   # [1, 1, Hf, Wf]
    feat_size: tuple
    feat_pairs: list
    r: int


def is_guidance_step(i: int, opts) -> bool:
    return i < opts["guidance_steps"] and (i < opts["dense_guidance_steps"] or i % 2 == 0)


def guided_step(models, i, t, z, schedule, ctx, bank, ref_feats_of, geo, opts, noise_source, record):
    """One sampling step i at timestep t from z (at ᾱ_t); returns z at ᾱ_prev."""
    a_t, a_prev = schedule.alpha(t), schedule.alpha_prev(t)
    guide = is_guidance_step(i, opts)
    semantic = guide and opts["semantic_weight"] != 0 and i < opts["semantic_steps"]
    b = 3 if semantic else 2
    context = ctx["main3"] if semantic else ctx["main2"]

    if i >= opts["memory_bank_from"]:
        models.bank.mode, models.bank.active = "use", bank[t]
    with torch.no_grad():
        eps = models.unet(z.expand(b, -1, -1, -1), t, encoder_hidden_states=context).sample
    models.bank.mode = "off"
    eps_u, eps_t = eps[0:1], eps[1:2]
    eps_cfg = eps_u + opts["guidance_scale"] * (eps_t - eps_u)
    eps_hat = eps_cfg
    info = dict(step=i, t=t, eps_cfg=eps_cfg.norm().item(), eps_cfg_in=(geo.m_lat * eps_cfg).norm().item())

    if guide:
        e_edit, e_cont, g_e, g_c = energy_gradients(models, z, t, ref_feats_of(t), ctx["source"], geo, opts)
        g_edit = opts["step_factor"] * (geo.m_lat * g_e + (1 - geo.m_lat) * g_c)
        eps_hat = eps_hat + g_edit
        info.update(g_edit=g_edit.norm().item(), g_edit_in=(geo.m_lat * g_edit).norm().item(), energy_edit=e_edit.item(), energy_content=float(e_cont))
        if "energy" not in record:
            record["energy"] = dict(latent=z.clone(), timestep=t, edit=e_edit, content=e_cont,
                                    edit_grad=g_e, content_grad=g_c)
    if semantic:
        g_sem = opts["semantic_weight"] * geo.m_lat * (eps_t - eps[2:3])
        eps_hat = eps_hat + g_sem
        info["g_sem"] = g_sem.norm().item()
    if opts["quality_weight"] != 0:
        g_q = quality_gradient(models, z, t, a_t, opts["quality_weight"])
        eps_hat = eps_hat + g_q
        info["g_q"] = g_q.norm().item()
    record["trace"].append(info)

    x0 = (z - math.sqrt(1 - a_t) * eps_hat) / math.sqrt(a_t)
    eta = opts["sde_eta"] if opts["sde_from"] <= i <= opts["sde_to"] else 0.0
    z_out = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps_cfg
    if eta > 0:
        sigma = eta * math.sqrt((1 - a_prev) / (1 - a_t)) * math.sqrt(1 - a_t / a_prev)
        xi = noise_source(tuple(z.shape))
        z_in = math.sqrt(a_prev) * x0 + math.sqrt(max(0.0, 1 - a_prev - sigma ** 2)) * eps_cfg + sigma * xi
        return geo.m_lat * z_in + (1 - geo.m_lat) * z_out
    return z_out


# ----------------------------------------------------------------------------------------------- edit

def keep_outside(edited: torch.Tensor, image: torch.Tensor, m_lat: torch.Tensor, feather: int) -> torch.Tensor:
    """``edited`` on M_lat's cells, ``image`` beyond outside_feather pixels from them, a linear ramp between.

    A pixel at chessboard distance k from the cells lies in the (2d+1)-dilations for d >= k, so the mean of
    the dilations d = 0 … feather is 1 − k/(feather + 1), clamped at 0.
    """
    cells = F.interpolate(m_lat, size=tuple(edited.shape[-2:]), mode="nearest")
    w = sum(F.max_pool2d(cells, 2 * d + 1, stride=1, padding=d) for d in range(feather + 1)) / (feather + 1)
    return w * edited + (1 - w) * image


def edit(model_dir, image: torch.Tensor, mask: np.ndarray, pairs, source_prompt: str, target_prompt: str,
         options: dict | None = None, noise_source=None) -> dict:
    """One drag edit. image [1, 3, H, W] in [-1, 1]; mask bool [H, W] (True = editable);
    pairs [(hx, hy, gx, gy)] in working pixels; options: SamplingOptions names (missing = DEFAULTS);
    noise_source(shape) -> tensor, called in the spec's order (default: torch.Generator seeded with
    options["seed"], 0 if unset). ``model_dir`` may also be a loaded ``Models``.

    Returns final_latent, image, seconds {encode, invert, sample, decode} (encode includes the text
    encoder), z0, inverted, start, energy (the first guidance step's probe, if any), trace (per executed
    step: L2 norms of ε_cfg and of each guidance term, also restricted to the mask ("_in"), energies).
    """
    opts = {**DEFAULTS, **(options or {})}
    models = model_dir if isinstance(model_dir, Models) else load_models(str(model_dir))
    if noise_source is None:
        gen = torch.Generator().manual_seed(int(opts.get("seed", 0)))
        noise_source = lambda shape: torch.randn(shape, generator=gen)  # noqa: E731
    seconds = {}
    _, _, height, width = image.shape

    # encode
    clock = time.perf_counter()
    emb = embed(models, ["", target_prompt, source_prompt])
    ctx = dict(main2=emb[0:2], main3=emb, source=emb[2:3])
    with torch.no_grad():
        z0 = models.vae.encode(image).latent_dist.mean * models.vae.config.scaling_factor
    seconds["encode"] = time.perf_counter() - clock

    # invert
    clock = time.perf_counter()
    schedule = Schedule(models.scheduler, int(opts["steps"]))
    steps = len(schedule.timesteps)
    first = min(steps - 1, max(0, steps - math.floor(float(opts["inversion_strength"]) * steps + 0.5)))
    ref, bank = invert(models, z0, schedule, ctx["source"], first)
    seconds["invert"] = time.perf_counter() - clock

    # sample
    clock = time.perf_counter()
    lat_h, lat_w = z0.shape[-2:]
    stride = int(opts["feature_stride"])
    hf, wf = height // stride, width // stride
    r = int(opts["window"]) // 2
    mask_t = torch.from_numpy(np.asarray(mask, dtype=bool)).float()[None, None]
    m_lat = F.max_pool2d(mask_t, kernel_size=height // lat_h, stride=height // lat_h)
    m_out = 1 - F.max_pool2d(mask_t, kernel_size=stride, stride=stride)
    feat_pairs = [(cell(hx, hy, width, height, wf, hf, r), cell(gx, gy, width, height, wf, hf, r))
                  for hx, hy, gx, gy in pairs]
    lat_pairs = [(cell(hx, hy, width, height, lat_w, lat_h, 1), cell(gx, gy, width, height, lat_w, lat_h, 1))
                 for hx, hy, gx, gy in pairs]
    geo = Geometry(m_lat, m_out, (hf, wf), feat_pairs, r)

    ref_cache = {}

    def ref_feats_of(t):  # F_ref depends on t only (ref[t] is fixed): computed once per timestep
        if t not in ref_cache:
            with torch.no_grad():
                ref_cache[t] = features(models, ref[t], t, ctx["source"], opts["feature_blocks"], (hf, wf))
        return ref_cache[t]

    inverted = ref[schedule.timesteps[first]]
    z = copy_patches(inverted, lat_pairs)
    start = z.clone()
    record = dict(trace=[])
    travel = set(opts["time_travel_steps"]) if opts["time_travel"] else set()
    for i, t in enumerate(schedule.timesteps[first:], start=first):
        z = guided_step(models, i, t, z, schedule, ctx, bank, ref_feats_of, geo, opts, noise_source, record)
        if i in travel:
            a_t, a_prev = schedule.alpha(t), schedule.alpha_prev(t)
            for _ in range(int(opts["time_travel_repeats"])):
                xi = noise_source(tuple(z.shape))
                z = math.sqrt(a_t / a_prev) * z + math.sqrt(1 - a_t / a_prev) * xi
                z = guided_step(models, i, t, z, schedule, ctx, bank, ref_feats_of, geo, opts, noise_source,
                                record)
    seconds["sample"] = time.perf_counter() - clock

    # decode
    clock = time.perf_counter()
    with torch.no_grad():
        out = models.vae.decode(z / models.vae.config.scaling_factor).sample.clamp(-1, 1)
        if opts["keep_outside"]:
            out = keep_outside(out, image, m_lat, int(opts["outside_feather"]))
    seconds["decode"] = time.perf_counter() - clock

    return dict(final_latent=z, image=out, seconds=seconds, z0=z0, inverted=inverted, start=start,
                energy=record.get("energy"), trace=record["trace"], options=opts)


# ------------------------------------------------------------------------------------------------ CLI

def load_task(task_dir: Path):
    """(image [1, 3, H, W] in [-1, 1], mask bool [H, W], pairs, task json) of a dev-set task folder."""
    from PIL import Image

    task = json.loads((task_dir / "task.json").read_text())
    rgb = np.array(Image.open(task_dir / "input.png").convert("RGB"))
    image = torch.from_numpy(rgb).float().permute(2, 0, 1)[None] / 127.5 - 1.0
    mask = np.array(Image.open(task_dir / "mask.png").convert("L")) > 0
    pairs = [(*p["handle"], *p["target"]) for p in task["pairs"]]
    return image, mask, pairs, task


def save_png(image: torch.Tensor, path: Path) -> None:
    from PIL import Image

    pixels = ((image[0].permute(1, 2, 0) + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
    Image.fromarray(pixels).save(path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--task", type=Path, required=True, help="dev-set task folder (input.png, mask.png, task.json)")
    ap.add_argument("--out", type=Path, required=True, help="edited PNG")
    ap.add_argument("--steps", type=int, default=DEFAULTS["steps"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--model", type=Path, default=MODEL)
    ap.add_argument("--source", help="source prompt (default: the caption)")
    ap.add_argument("--target", help="target prompt (default: acceptable[0].caption_after)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=JSON", help="any other option")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--trace", action="store_true", help="print per-step guidance magnitudes")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    options = dict(steps=args.steps, seed=args.seed)
    for item in args.set:
        name, value = item.split("=", 1)
        if name not in DEFAULTS:
            ap.error(f"unknown option {name}")
        options[name] = json.loads(value)
    image, mask, pairs, task = load_task(args.task)
    source = args.source or task["caption"]
    target = args.target or task["acceptable"][0]["caption_after"]

    clock = time.perf_counter()
    models = load_models(str(args.model))
    load_s = time.perf_counter() - clock
    clock = time.perf_counter()
    result = edit(models, image, mask, pairs, source, target, options)
    total = time.perf_counter() - clock
    save_png(result["image"], args.out)

    if args.trace:
        for row in result["trace"]:
            print(json.dumps({k: (round(v, 5) if isinstance(v, float) else v) for k, v in row.items()}))
    s = result["seconds"]
    print(f"source: {source!r}\ntarget: {target!r}")
    print(f"load {load_s:.2f}s | encode {s['encode']:.3f}s  invert {s['invert']:.3f}s  "
          f"sample {s['sample']:.3f}s  decode {s['decode']:.3f}s  | edit {total:.2f}s "
          f"({torch.get_num_threads()} threads) -> {args.out}")


if __name__ == "__main__":
    main()
