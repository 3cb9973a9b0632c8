"""Golden tensors for the shipped demo model (Models/demo-world), computed by PyTorch + diffusers.

    .venv-ref/bin/python Tests/Fixtures/demo-model/make_goldens.py     # writes golden.safetensors beside this file

Regenerate whenever the model is retrained. The weights are stored as float16; PyTorch runs them in float32
(exactly the values the Swift engine loads), so Swift must reproduce every tensor to the engine's tolerances.

golden.safetensors (float32):
- input_ids [2, 32] (as floats): CLIPTokenizer ids of ``caption`` and of "" (caption's UTF-8 bytes in
  ``caption_utf8``); last_hidden_state [2, 32, 128].
Latents are [B, C, S, S] with the model's latent channels C and latent side S (4 and 32 for the shipped ×4 VAE).
- image [1, 3, 128, 128] (held-out scene, [-1, 1]) -> vae_mean [1, C, S, S] (posterior mean, unscaled);
  vae_decoded [1, 3, 128, 128] = decode(vae_mean).
- unet_latent [1, C, S, S], unet_timestep [1]; unet_sample [2, C, S, S] for cat([latent, latent]) with
  [uncond, cond] context; unet_weight [1, C, S, S]; unet_grad = d sum(cond sample * weight) / d latent.
- loop_start [1, C, S, S]; loop_final: 20 DDIM steps (the model's scheduler config), CFG ``loop_cfg``.
- disc_latent [2, C, S, S], disc_timesteps [2]; disc_logits, disc_log_d [2]; disc_grad = d sum(log D) / d z.
"""

import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
from safetensors.torch import save_file
from transformers import CLIPTextModel, CLIPTokenizer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))
from tools.demoworld.render import render  # noqa: E402
from tools.demoworld.scenes import caption, random_scene, scene_seed  # noqa: E402
from tools.demoworld.train.discriminator import LatentDiscriminator  # noqa: E402
from tools.demoworld.train.tokenizer import tokenize  # noqa: E402

MODEL = ROOT / "Models" / "demo-world"
LOOP_STEPS, LOOP_CFG = 20, 5.0


def seeded(shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def main():
    torch.set_num_threads(2)
    tokenizer = CLIPTokenizer.from_pretrained(MODEL / "tokenizer")
    text = CLIPTextModel.from_pretrained(MODEL / "text_encoder").float().eval()
    unet = UNet2DConditionModel.from_pretrained(MODEL / "unet").float().eval()
    vae = AutoencoderKL.from_pretrained(MODEL / "vae").float().eval()
    scheduler = DDIMScheduler.from_pretrained(MODEL / "scheduler")
    disc = LatentDiscriminator.from_pretrained(str(MODEL / "discriminator")).float().eval()
    out = {}

    scene = random_scene(np.random.default_rng(scene_seed(424242, 0)))
    cap = caption(scene)
    ids = tokenize(tokenizer, [cap, ""])
    with torch.no_grad():
        hidden = text(ids).last_hidden_state
        image = torch.from_numpy(render(scene).image).float().permute(2, 0, 1)[None] / 127.5 - 1.0
        mean = vae.encode(image).latent_dist.mean
        decoded = vae.decode(mean).sample
    out.update(input_ids=ids.float(), caption_utf8=torch.tensor(list(cap.encode())).float(),
               last_hidden_state=hidden, image=image, vae_mean=mean, vae_decoded=decoded)

    context = torch.cat([hidden[1:2], hidden[0:1]])  # [uncond, cond]
    shape = (1, unet.config.in_channels, unet.config.sample_size, unet.config.sample_size)
    latent = seeded(shape, 1).requires_grad_(True)
    t = torch.tensor(501.0)
    sample = unet(torch.cat([latent, latent]), t, encoder_hidden_states=context).sample
    weight = seeded(shape, 2)
    (grad,) = torch.autograd.grad((sample[1:2] * weight).sum(), latent)
    out.update(unet_latent=latent, unet_timestep=t[None], unet_sample=sample, unet_weight=weight, unet_grad=grad)

    start = seeded(shape, 3)
    x = start
    scheduler.set_timesteps(LOOP_STEPS)
    with torch.no_grad():
        for step in scheduler.timesteps:
            eu, ec = unet(torch.cat([x, x]), step, encoder_hidden_states=context).sample.chunk(2)
            x = scheduler.step(eu + LOOP_CFG * (ec - eu), step, x, eta=0.0).prev_sample
    out.update(loop_start=start, loop_final=x, loop_cfg=torch.tensor([LOOP_CFG]),
               loop_steps=torch.tensor([float(LOOP_STEPS)]))

    z = (mean.detach() * vae.config.scaling_factor).repeat(2, 1, 1, 1) + 0.3 * seeded((2, *shape[1:]), 4)
    z.requires_grad_(True)
    ts = torch.tensor([100, 400])
    logits = disc(z, ts)
    log_d = F.logsigmoid(logits)
    (disc_grad,) = torch.autograd.grad(log_d.sum(), z)
    out.update(disc_latent=z, disc_timesteps=ts.float(), disc_logits=logits, disc_log_d=log_d, disc_grad=disc_grad)

    save_file({k: v.detach().float().contiguous() for k, v in out.items()}, str(HERE / "golden.safetensors"))
    print(f"wrote {HERE / 'golden.safetensors'} for caption {cap!r}")


if __name__ == "__main__":
    main()
