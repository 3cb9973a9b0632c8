#!/usr/bin/env python3
"""PyTorch twin of `luciddrag bench engine`.

Runs the same rows as the Swift benchmark (same names, shapes, configs, thread count) with
torch + diffusers + transformers on the CPU and prints one JSON object
{row: {"seconds": [...], "flops": F, "peak_rss": bytes, "other_cpu_seconds": s}} on stdout.
The Swift command starts it; run it alone with e.g.
    .venv-ref/bin/python Benchmarks/reference/engine_bench.py --threads 2 --rows "op conv3x3 320ch 64x64"
Tested with torch==2.13.0+cpu, diffusers 0.42, transformers 5.x.
"""
import argparse
import ctypes
import gc
import json
import os
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
TINY_SD = ROOT / "Tests" / "Fixtures" / "engine" / "tiny-sd"
DEMO_MODEL = ROOT / "Models" / "demo-world"


def machine_busy_ticks():
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    return sum(v for i, v in enumerate(fields) if i not in (3, 4))


def own_ticks():
    with open("/proc/self/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])


def reset_peak_rss():
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed heap back, as the Swift side does
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def seeded(shape, seed, std=1.0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g) * std


# ---- op rows (sizes of SD-1.5's highest UNet level: 320 channels, 64x64 = 4096 tokens) ----

def op_conv3x3():
    x, w, b = seeded([1, 320, 64, 64], 1), seeded([320, 320, 3, 3], 2, 0.02), seeded([320], 3)
    return lambda: F.conv2d(x, w, b, padding=1)


def op_conv3x3_grad():
    x0, w = seeded([1, 320, 64, 64], 1), seeded([320, 320, 3, 3], 2, 0.02)
    ones = torch.ones(1, 320, 64, 64)

    def run():
        x = x0.clone().requires_grad_(True)
        y = F.conv2d(x, w, padding=1)
        (g,) = torch.autograd.grad(y, x, ones)
        return g
    return run


def op_conv1x1():
    x, w, b = seeded([1, 320, 64, 64], 1), seeded([320, 320, 1, 1], 2, 0.05), seeded([320], 3)
    return lambda: F.conv2d(x, w, b)


def op_linear():
    x, w, b = seeded([1, 4096, 320], 1), seeded([2560, 320], 2, 0.05), seeded([2560], 3)
    return lambda: F.linear(x, w, b)


def _attention(lq, lk):
    q, k, v = seeded([1, lq, 320], 1), seeded([1, lk, 320], 2), seeded([1, lk, 320], 3)

    def run():
        # diffusers AttnProcessor2_0: split heads, SDPA, merge heads.
        qh, kh, vh = (t.view(1, -1, 8, 40).transpose(1, 2) for t in (q, k, v))
        o = F.scaled_dot_product_attention(qh, kh, vh)
        return o.transpose(1, 2).reshape(1, -1, 320)
    return run


def op_groupnorm_silu():
    x, w, b = seeded([1, 320, 64, 64], 1), seeded([320], 2), seeded([320], 3)
    return lambda: F.silu(F.group_norm(x, 32, w, b, 1e-5))


def op_geglu():
    x = seeded([1, 4096, 2560], 1)

    def run():
        value, gate = x.chunk(2, dim=-1)
        return value * F.gelu(gate)
    return run


# ---- model rows (SD-1.5 sizes, seeded random weights) ----

SD15_UNET = dict(
    sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
    block_out_channels=(320, 640, 1280, 1280),
    down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
    up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
    cross_attention_dim=768, attention_head_dim=8, norm_num_groups=32, norm_eps=1e-5,
)
SD15_VAE = dict(
    in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, norm_num_groups=32,
    block_out_channels=(128, 256, 512, 512), sample_size=512,
    down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
)


def sd15_unet():
    from diffusers import UNet2DConditionModel
    torch.manual_seed(0)
    return UNet2DConditionModel(**SD15_UNET).eval()


def forward_run(unet, latent, context, t):
    """One UNet forward without gradients."""
    def run():
        with torch.no_grad():
            return unet(latent, t, encoder_hidden_states=context).sample
    return run


def energy_gradient_run(unet, latent0, context, t):
    """E = mean(up_blocks[1] output²) + mean(up_blocks[2] output²); dE/dlatent."""
    for p in unet.parameters():
        p.requires_grad_(False)
    features = {}
    for i in (1, 2):
        unet.up_blocks[i].register_forward_hook(lambda m, inp, out, i=i: features.__setitem__(i, out))

    def run():
        latent = latent0.clone().requires_grad_(True)
        unet(latent, t, encoder_hidden_states=context)
        energy = features[1].pow(2).mean() + features[2].pow(2).mean()
        energy.backward()
        features.clear()
        return latent.grad
    return run


def unet_forward(batch):
    def make():
        latent, context = seeded([batch, 4, 64, 64], 11), seeded([batch, 77, 768], 12)
        return forward_run(sd15_unet(), latent, context, torch.tensor(981))
    return make


def unet_energy_gradient():
    """The decoder energy's gradient (batch 1)."""
    latent, context = seeded([1, 4, 64, 64], 11), seeded([1, 77, 768], 12)
    return energy_gradient_run(sd15_unet(), latent, context, torch.tensor(981))


def vae_decode():
    from diffusers import AutoencoderKL
    torch.manual_seed(0)
    vae = AutoencoderKL(**SD15_VAE).eval()
    latent = seeded([1, 4, 64, 64], 13)

    def run():
        with torch.no_grad():
            return vae.decode(latent).sample
    return run


def clip_text():
    from transformers import CLIPTextConfig, CLIPTextModel
    torch.manual_seed(0)
    model = CLIPTextModel(CLIPTextConfig(
        vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
        num_attention_heads=12, max_position_embeddings=77, hidden_act="quick_gelu",
        projection_dim=768)).eval()
    g = torch.Generator().manual_seed(14)
    ids = torch.randint(0, 49408, (2, 77), generator=g)

    def run():
        with torch.no_grad():
            return model(ids).last_hidden_state
    return run


def tiny_ddim():
    """50 DDIM steps (SD-1.5 schedule) with CFG 7.5 on the tiny fixture UNet, 32x32 latent."""
    from diffusers import DDIMScheduler, UNet2DConditionModel
    torch.manual_seed(0)
    unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(TINY_SD / "unet")).eval()
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False, steps_offset=1)
    start, context = seeded([1, 4, 32, 32], 15), seeded([2, 77, 32], 16)

    def run():
        scheduler.set_timesteps(50)
        x = start
        with torch.no_grad():
            for t in scheduler.timesteps:
                eps = unet(torch.cat([x, x]), t, encoder_hidden_states=context).sample
                uncond, cond = eps.chunk(2)
                x = scheduler.step(uncond + 7.5 * (cond - uncond), t, x).prev_sample
        return x
    return run


# ---- demo model rows (the shipped trained weights, native 32x32 latent: the passes of one drag edit) ----

def demo_unet():
    from diffusers import UNet2DConditionModel
    return UNet2DConditionModel.from_pretrained(DEMO_MODEL / "unet").float().eval()


def demo_unet_forward(batch):
    """An inversion step (batch 1) or a guided sampling step's prompts (batch 3): one latent in
    every row, as the sampler passes it, and a prompt per row."""
    def make():
        latent, context = seeded([1, 4, 32, 32], 21).repeat(batch, 1, 1, 1), seeded([batch, 32, 128], 22)
        return forward_run(demo_unet(), latent, context, torch.tensor(500))
    return make


def demo_unet_energy_gradient():
    """Editing guidance's shape of work: the decoder energy's gradient on the demo UNet."""
    latent, context = seeded([1, 4, 32, 32], 21), seeded([1, 32, 128], 22)
    return energy_gradient_run(demo_unet(), latent, context, torch.tensor(500))


def demo_convolution(channels, side):
    """A 3x3 convolution of the demo UNet's size, at a sampling step's batch of 2."""
    def make():
        x = seeded([2, channels, side, side], 31)
        w, b = seeded([channels, channels, 3, 3], 32, 0.05), seeded([channels], 33)
        return lambda: F.conv2d(x, w, b, padding=1)
    return make


def demo_discriminator_gradient():
    """Quality guidance: the latent discriminator's grad of sum log D w.r.t. the latent."""
    sys.path.insert(0, str(ROOT))
    from tools.demoworld.train.discriminator import LatentDiscriminator
    disc = LatentDiscriminator.from_pretrained(str(DEMO_MODEL / "discriminator")).float().eval()
    for p in disc.parameters():
        p.requires_grad_(False)
    latent0 = seeded([1, 4, 32, 32], 23)

    def run():
        latent = latent0.clone().requires_grad_(True)
        F.logsigmoid(disc(latent, torch.tensor([500]))).sum().backward()
        return latent.grad
    return run


ROWS = {
    "op conv3x3 320ch 64x64": (op_conv3x3, False),
    "op conv3x3 fwd+input-grad 320ch 64x64": (op_conv3x3_grad, False),
    "op conv1x1 320ch 64x64": (op_conv1x1, False),
    "op linear 4096x320->2560": (op_linear, False),
    "op self-attention 4096 tok 8x40": (lambda: _attention(4096, 4096), False),
    "op cross-attention 4096x77 8x40": (lambda: _attention(4096, 77), False),
    "op groupnorm+silu 320ch 64x64": (op_groupnorm_silu, False),
    "op geglu 4096x2560": (op_geglu, False),
    "unet fwd 64x64 b1": (unet_forward(1), True),
    "unet fwd 64x64 b2": (unet_forward(2), True),
    "unet fwd+grad decoder energy b1": (unet_energy_gradient, True),
    "vae decode 64x64 latent": (vae_decode, True),
    "clip text 2x77": (clip_text, False),
    "tiny ddim 50 steps cfg": (tiny_ddim, True),
    "demo unet fwd 32x32 b1": (demo_unet_forward(1), False),
    "demo unet fwd 32x32 b3": (demo_unet_forward(3), False),
    "demo unet fwd+grad decoder energy b1": (demo_unet_energy_gradient, False),
    "demo conv3x3 64ch 32x32 b2": (demo_convolution(64, 32), False),
    "demo conv3x3 64ch 16x16 b2": (demo_convolution(64, 16), False),
    "demo conv3x3 128ch 8x8 b2": (demo_convolution(128, 8), False),
    "demo discriminator score+grad b1": (demo_discriminator_gradient, False),
}


def count_flops(run):
    """FLOPs of one run (matmul/conv/attention), with attention forced onto the math path."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode
    counter = FlopCounterMode(display=False)
    with sdpa_kernel(SDPBackend.MATH), counter:
        run()
    return float(counter.get_total_flops())


def measure(make, reps, warmups):
    reset_peak_rss()
    run = make()
    flops = count_flops(run)  # doubles as a warm-up run
    for _ in range(max(warmups - 1, 0)):
        run()
    seconds = []
    busy0, own0 = machine_busy_ticks(), own_ticks()
    for _ in range(reps):
        t0 = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - t0)
    other = (machine_busy_ticks() - busy0) - (own_ticks() - own0)
    own = own_ticks() - own0
    ticks = os.sysconf("SC_CLK_TCK")
    return {"seconds": seconds, "flops": flops, "peak_rss": peak_rss(),
            "other_cpu_seconds": max(other, 0) / ticks, "own_cpu_seconds": own / ticks / max(reps, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--huge-reps", type=int, default=3)
    parser.add_argument("--warmups", type=int, default=1)
    parser.add_argument("--rows", default="", help="row names separated by ';' (default: all)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    names = [n for n in args.rows.split(";") if n] or list(ROWS)
    unknown = [n for n in names if n not in ROWS]
    if unknown:
        sys.exit(f"unknown rows: {unknown}")
    results = {}
    for name in names:
        make, huge = ROWS[name]
        print(f"pytorch: {name}", file=sys.stderr, flush=True)
        results[name] = measure(make, args.huge_reps if huge else args.reps, args.warmups)
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
