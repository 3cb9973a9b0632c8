"""Builds the engine's parity fixtures: a tiny Stable-Diffusion-1.x diffusers folder and golden tensors.

Pinned reference versions (run with the venv outside the package, e.g. .venv-ref/bin/python):
    torch==2.13.0+cpu   diffusers==0.42.1   transformers==5.24.0   safetensors==0.8.0   numpy

Usage:
    python Tests/Fixtures/engine/make_fixtures.py            # writes tiny-sd/ and golden/ beside this file

Everything is built offline from seeded random initialisation; nothing is downloaded. The Swift tests read
only the files this script writes (CI never runs Python).

Outputs (beside this script):
    tiny-sd/                  a standard diffusers folder (StableDiffusionPipeline.save_pretrained):
        model_index.json
        unet/config.json, unet/diffusion_pytorch_model.fp16.safetensors          (fp16 variant only)
        vae/config.json,  vae/diffusion_pytorch_model.fp16.safetensors           (fp16 variant only)
        text_encoder/config.json, text_encoder/model.safetensors                 (float32)
        tokenizer/vocab.json, tokenizer/merges.txt, tokenizer/tokenizer.json, tokenizer/tokenizer_config.json
        scheduler/scheduler_config.json                                          (SD-1.5's DDIM settings)
        discriminator/config.json, discriminator/diffusion_pytorch_model.safetensors
                                  a tiny latent discriminator (tools/demoworld/train/discriminator.py;
                                  not a pipeline component, so not in model_index.json)
    golden/tokenizer_ids.json  captions and transformers' CLIPTokenizer ids (padded to 77)
    golden/*.safetensors       float32 golden tensors, described key by key in `golden/README.md`.

The UNet and VAE weights are stored as float16 (to keep the fixtures small and to exercise the f16 path);
every golden is computed in float32 with the weights *after* the f16 round trip, so a float32 engine that
loads the f16 files must reproduce them to ~1e-6 relative.
"""

import json
import os
import shutil
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from diffusers import (
    AutoencoderKL,
    DDIMInverseScheduler,
    DDIMScheduler,
    StableDiffusionPipeline,
    UNet2DConditionModel,
)
from safetensors.torch import save_file
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository root, for tools.demoworld
from tools.demoworld.train.discriminator import DiscriminatorConfig, LatentDiscriminator  # noqa: E402
FOLDER = HERE / "tiny-sd"
GOLDEN = HERE / "golden"

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)

# ---------------------------------------------------------------------------------------------------
# Configurations (tiny, with SD-1.5's block types and conventions)
# ---------------------------------------------------------------------------------------------------

UNET_CONFIG = dict(
    sample_size=32,
    in_channels=4,
    out_channels=4,
    down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
    block_out_channels=(32, 64),
    layers_per_block=1,
    cross_attention_dim=32,
    attention_head_dim=8,  # SD-1.x convention: this is the number of heads
    norm_num_groups=8,
    norm_eps=1e-5,
)

VAE_CONFIG = dict(
    in_channels=3,
    out_channels=3,
    down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
    up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
    block_out_channels=(32, 64),
    layers_per_block=1,
    latent_channels=4,
    norm_num_groups=8,
    sample_size=64,
    scaling_factor=0.18215,
)

TEXT_HIDDEN = 32
MAX_LENGTH = 77

SCHEDULER_CONFIG = dict(
    num_train_timesteps=1000,
    beta_start=0.00085,
    beta_end=0.012,
    beta_schedule="scaled_linear",
    clip_sample=False,
    set_alpha_to_one=False,
    steps_offset=1,
    timestep_spacing="leading",
    prediction_type="epsilon",
)

CAPTIONS = [
    "a photo of a cat",
    "A   Red CAR,  moved to the LEFT!!",
    "the dog's 2 toys; don't drag",
    "",
    "photography of a cathedral at 12:30 — déjà vu",
    " ".join(["a red car"] * 40),  # longer than 77 tokens: truncated
]

# ---------------------------------------------------------------------------------------------------
# Tokenizer: a small byte-level BPE vocabulary trained here on a toy corpus
# ---------------------------------------------------------------------------------------------------


def bytes_to_unicode():
    """GPT-2/CLIP's reversible byte → printable-unicode table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def train_bpe(corpus_words, num_merges):
    """Plain BPE training over words (symbols end with `</w>`); deterministic tie-breaking."""
    byte_map = bytes_to_unicode()
    words = Counter()
    for w in corpus_words:
        symbols = [byte_map[b] for b in w.encode("utf-8")]
        symbols[-1] = symbols[-1] + "</w>"
        words[tuple(symbols)] += 1
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for word, count in words.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] += count
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        merged = Counter()
        for word, count in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += count
        words = merged
    return merges


def write_tokenizer_files(directory: Path):
    corpus = (
        "a photo of a cat . a photo of a dog . the red car moved to the left . drag the cat to the right . "
        "photography of the cathedral . a dog and a cat play with toys . don't move the car"
    ).split()
    merges = train_bpe(corpus * 3, 60)
    byte_map = bytes_to_unicode()
    vocab_list = list(byte_map.values())
    vocab_list += [v + "</w>" for v in vocab_list]
    vocab_list += ["".join(m) for m in merges]
    vocab_list += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {tok: i for i, tok in enumerate(vocab_list)}
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    (directory / "merges.txt").write_text("#version: 0.2\n" + "\n".join(f"{a} {b}" for a, b in merges) + "\n")
    return vocab, merges


# ---------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------


def f16_round_trip(module):
    """Rounds every parameter to float16 and back, so float32 goldens match the f16 files exactly."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(p.half().float())
    return module


def save_golden(name, tensors):
    GOLDEN.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().float().clone().contiguous() for k, v in tensors.items()}, str(GOLDEN / f"{name}.safetensors"))


def seeded(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g)


def block_outputs(unet):
    """Registers hooks that record conv_in, every down block, the mid block and every up block output."""
    record = {}
    handles = []

    def hook(name):
        def fn(_module, _inputs, output):
            record[name] = output[0] if isinstance(output, tuple) else output

        return fn

    handles.append(unet.conv_in.register_forward_hook(hook("conv_in")))
    for i, block in enumerate(unet.down_blocks):
        handles.append(block.register_forward_hook(hook(f"down_blocks.{i}")))
    handles.append(unet.mid_block.register_forward_hook(hook("mid_block")))
    for i, block in enumerate(unet.up_blocks):
        handles.append(block.register_forward_hook(hook(f"up_blocks.{i}")))
    return record, handles


def decoder_energy(up0, up1):
    """The decoder-feature energy whose latent gradient is a golden (batch 1).

    E = mean_p cos(up1[:, :, 4:12, 4:12][p], up1[:, :, 16:24, 18:26][p])    (cosine over channels, eps 1e-8)
      + mean(up0 ** 2)
    where up0 = up_blocks[0] output (64 ch, 32x32 for a 32x32 latent) and up1 = up_blocks[1] output (32 ch, 32x32).
    """
    a = up1[:, :, 4:12, 4:12]
    b = up1[:, :, 16:24, 18:26]
    cos = F.cosine_similarity(a, b, dim=1, eps=1e-8)
    return cos.mean() + (up0**2).mean()


# ---------------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------------


def main():
    if FOLDER.exists():
        shutil.rmtree(FOLDER)
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)

    # Tokenizer ------------------------------------------------------------------------------------
    tok_dir = FOLDER / "tokenizer"
    vocab, _ = write_tokenizer_files(tok_dir)
    tokenizer = CLIPTokenizer(vocab=str(tok_dir / "vocab.json"), merges=str(tok_dir / "merges.txt"), model_max_length=MAX_LENGTH)
    ids = tokenizer(CAPTIONS, padding="max_length", max_length=MAX_LENGTH, truncation=True).input_ids
    GOLDEN.mkdir(parents=True, exist_ok=True)
    (GOLDEN / "tokenizer_ids.json").write_text(
        json.dumps(
            {
                "max_length": MAX_LENGTH,
                "bos": vocab["<|startoftext|>"],
                "eos": vocab["<|endoftext|>"],
                "pad": vocab["<|endoftext|>"],
                "cases": [{"text": t, "ids": i} for t, i in zip(CAPTIONS, ids)],
            },
            ensure_ascii=False,
            indent=1,
        )
    )

    # Models ---------------------------------------------------------------------------------------
    torch.manual_seed(0)
    text_config = CLIPTextConfig(
        vocab_size=len(vocab),
        hidden_size=TEXT_HIDDEN,
        intermediate_size=4 * TEXT_HIDDEN,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=MAX_LENGTH,
        hidden_act="quick_gelu",
        layer_norm_eps=1e-5,
        bos_token_id=vocab["<|startoftext|>"],
        eos_token_id=vocab["<|endoftext|>"],
        pad_token_id=vocab["<|endoftext|>"],
        projection_dim=TEXT_HIDDEN,
    )
    text_encoder = CLIPTextModel(text_config).eval()
    torch.manual_seed(1)
    unet = f16_round_trip(UNet2DConditionModel(**UNET_CONFIG).eval())
    torch.manual_seed(2)
    vae = f16_round_trip(AutoencoderKL(**VAE_CONFIG).eval())
    # Random init leaves some layers (e.g. zero-initialised output convs) trivially zero; perturb every
    # parameter so that every weight matters to the goldens.
    with torch.no_grad():
        for seed, model in ((3, unet), (4, vae)):
            g = torch.Generator().manual_seed(seed)
            for p in model.parameters():
                p.add_(0.02 * torch.randn(p.shape, generator=g))
        f16_round_trip(unet)
        f16_round_trip(vae)
    scheduler = DDIMScheduler(**SCHEDULER_CONFIG)

    pipe = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(str(FOLDER), safe_serialization=True)
    # Keep UNet and VAE as fp16 variants only (halves the fixture size and exercises f16 loading).
    for name, model in (("unet", unet), ("vae", vae)):
        (FOLDER / name / "diffusion_pytorch_model.safetensors").unlink()
        save_file(
            {k: v.half().contiguous() for k, v in model.state_dict().items()},
            str(FOLDER / name / "diffusion_pytorch_model.fp16.safetensors"),
            metadata={"format": "pt"},
        )
    write_tokenizer_files(tok_dir)  # save_pretrained may have rewritten the folder; keep vocab/merges

    with torch.no_grad():
        # Text encoder -------------------------------------------------------------------------------
        cond_ids = torch.tensor([ids[0], ids[3]])  # "a photo of a cat", "" (the CFG pair)
        hidden = text_encoder(cond_ids).last_hidden_state
        save_golden("text_encoder", {"input_ids": cond_ids.float(), "last_hidden_state": hidden})

        # UNet forward, CFG batch 2 ------------------------------------------------------------------
        latent = seeded((1, 4, 32, 32), 10)
        context = torch.cat([hidden[1:2], hidden[0:1]])  # [uncond, cond] as diffusers orders them
        timestep = torch.tensor(981)
        record, handles = block_outputs(unet)
        out = unet(torch.cat([latent, latent]), timestep, encoder_hidden_states=context).sample
        for h in handles:
            h.remove()
        temb = unet.time_embedding(unet.time_proj(timestep[None]).float())
        tensors = {"latent": latent, "timestep": timestep[None].float(), "encoder_hidden_states": context,
                   "time_embedding": temb, "sample": out}
        tensors.update({f"block.{k}": v for k, v in record.items()})
        save_golden("unet_forward", tensors)

        # VAE ---------------------------------------------------------------------------------------
        image = seeded((1, 3, 64, 64), 20).clamp(-1, 1)
        dist = vae.encode(image).latent_dist
        z = seeded((1, 4, 32, 32), 21)
        decoded = vae.decode(z).sample
        save_golden("vae", {"image": image, "moments": dist.parameters, "mean": dist.mean,
                            "latent": z, "decoded": decoded})

        # DDIM ---------------------------------------------------------------------------------------
        sched = DDIMScheduler(**SCHEDULER_CONFIG)
        sched.set_timesteps(50)
        leading = sched.timesteps.clone()
        trailing = DDIMScheduler(**{**SCHEDULER_CONFIG, "timestep_spacing": "trailing"})
        trailing.set_timesteps(50)
        linspace = DDIMScheduler(**{**SCHEDULER_CONFIG, "timestep_spacing": "linspace"})
        linspace.set_timesteps(50)
        x = seeded((1, 4, 8, 8), 30)
        eps = seeded((1, 4, 8, 8), 31)
        noise = seeded((1, 4, 8, 8), 32)
        step_eta0 = sched.step(eps, 981, x, eta=0.0).prev_sample
        step_eta0_x0 = sched.step(eps, 981, x, eta=0.0).pred_original_sample
        step_eta05 = sched.step(eps, 501, x, eta=0.5, variance_noise=noise).prev_sample
        step_last = sched.step(eps, 1, x, eta=0.0).prev_sample
        inverse = DDIMInverseScheduler(**{k: v for k, v in SCHEDULER_CONFIG.items() if k != "set_alpha_to_one"},
                                       set_alpha_to_one=False)
        inverse.set_timesteps(50)
        invert_from_1_to_21 = inverse.step(eps, 21, x).prev_sample
        invert_from_961_to_981 = inverse.step(eps, 981, x).prev_sample
        add_noise = sched.add_noise(x, noise, torch.tensor([501]))
        v_sched = DDIMScheduler(**{**SCHEDULER_CONFIG, "prediction_type": "v_prediction"})
        v_sched.set_timesteps(50)
        step_v = v_sched.step(eps, 501, x, eta=0.0).prev_sample
        save_golden("ddim", {
            "timesteps_leading_50": leading.float(),
            "timesteps_trailing_50": trailing.timesteps.float(),
            "timesteps_linspace_50": linspace.timesteps.float(),
            "alphas_cumprod": sched.alphas_cumprod,
            "sample": x, "model_output": eps, "noise": noise,
            "step_t981_eta0": step_eta0, "step_t981_eta0_pred_x0": step_eta0_x0,
            "step_t501_eta0.5": step_eta05, "step_t1_eta0": step_last,
            "step_v_prediction_t501_eta0": step_v,
            "invert_t1_to_t21": invert_from_1_to_21, "invert_t961_to_t981": invert_from_961_to_981,
            "add_noise_t501": add_noise,
        })

        # 50-step DDIM loop with classifier-free guidance on the tiny UNet ----------------------------
        guidance = 7.5
        sched = DDIMScheduler(**SCHEDULER_CONFIG)
        sched.set_timesteps(50)
        x = seeded((1, 4, 32, 32), 40)
        start = x.clone()
        after_first = None
        for t in sched.timesteps:
            eps_uncond, eps_cond = unet(torch.cat([x, x]), t, encoder_hidden_states=context).sample.chunk(2)
            eps = eps_uncond + guidance * (eps_cond - eps_uncond)
            x = sched.step(eps, t, x, eta=0.0).prev_sample
            if after_first is None:
                after_first = x.clone()
        save_golden("ddim_loop", {"start": start, "guidance_scale": torch.tensor([guidance]),
                                  "after_first_step": after_first, "final": x})

    # Gradients w.r.t. the latent (batch 1, conditional context, t = 981) ------------------------------
    latent = seeded((1, 4, 32, 32), 50).requires_grad_(True)
    cond = hidden[0:1].detach()
    record, handles = block_outputs(unet)
    out = unet(latent, torch.tensor(981), encoder_hidden_states=cond).sample
    for h in handles:
        h.remove()
    energy = decoder_energy(record["up_blocks.0"], record["up_blocks.1"])
    (grad_energy,) = torch.autograd.grad(energy, latent, retain_graph=True)
    weight = seeded((1, 4, 32, 32), 51)
    out_energy = (out * weight).sum()
    (grad_out,) = torch.autograd.grad(out_energy, latent)
    save_golden("unet_gradients", {
        "latent": latent, "timestep": torch.tensor([981.0]), "encoder_hidden_states": cond,
        "decoder_energy": energy[None], "grad_decoder_energy": grad_energy,
        "output_weight": weight, "output_energy": out_energy[None], "grad_output_energy": grad_out,
    })

    # Discriminator: logits, log D and the latent gradient of sum(log D) -------------------------------
    torch.manual_seed(5)
    disc = LatentDiscriminator(DiscriminatorConfig(block_out_channels=(16, 32), time_embed_dim=32, time_freq_dim=16,
                                                   norm_num_groups=8)).eval()
    with torch.no_grad():
        g = torch.Generator().manual_seed(6)
        for p in disc.parameters():
            p.add_(0.05 * torch.randn(p.shape, generator=g))
    disc.save_pretrained(str(FOLDER / "discriminator"))
    z = seeded((2, 4, 16, 16), 60).requires_grad_(True)
    t = torch.tensor([3, 700])
    logits = disc(z, t)
    log_d = F.logsigmoid(logits)
    (grad_log_d,) = torch.autograd.grad(log_d.sum(), z)
    save_golden("discriminator", {"latent": z, "timesteps": t.float(), "logits": logits, "log_d": log_d,
                                  "grad_log_d": grad_log_d})

    (GOLDEN / "README.md").write_text(GOLDEN_README)
    total = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file())
    print(f"fixtures written: {total / 1e6:.2f} MB under {HERE}")


GOLDEN_README = """# Engine goldens (written by ../make_fixtures.py; do not edit)

All tensors are float32, computed by PyTorch/diffusers with the tiny-sd/ weights (f16-rounded UNet/VAE).

- tokenizer_ids.json: captions and CLIPTokenizer input_ids, padded/truncated to 77, pad = <|endoftext|>.
- text_encoder: input_ids [2,77] (as floats; "a photo of a cat", ""), last_hidden_state [2,77,32].
- unet_forward: latent [1,4,32,32] run as the CFG batch cat([latent, latent]); timestep 981;
  encoder_hidden_states [2,77,32] = [uncond, cond]; time_embedding [1,128] (time_proj -> time_embedding);
  sample [2,4,32,32]; block.conv_in, block.down_blocks.{0,1}, block.mid_block, block.up_blocks.{0,1}
  (each block's hidden-state output; down blocks' residual tuples are not stored).
- vae: image [1,3,64,64] -> moments [1,8,32,32] (mean ++ logvar, i.e. quant_conv output), mean [1,4,32,32];
  latent [1,4,32,32] -> decoded [1,3,64,64] (raw decoder, no scaling_factor applied).
- ddim: SD-1.5 DDIM (scaled_linear 0.00085..0.012, 1000 steps, steps_offset 1, set_alpha_to_one False).
  timesteps_{leading,trailing,linspace}_50; alphas_cumprod [1000]; sample/model_output/noise [1,4,8,8];
  step_t981_eta0 (+ _pred_x0), step_t501_eta0.5 (variance_noise = noise), step_t1_eta0 (final step,
  uses alphas_cumprod[0]), step_v_prediction_t501_eta0; DDIMInverseScheduler steps invert_t1_to_t21 and
  invert_t961_to_t981 (model_output at the earlier timestep moves the sample to the later one);
  add_noise_t501 = add_noise(sample, noise, 501).
- ddim_loop: start [1,4,32,32]; 50 leading steps, eta 0, CFG with guidance_scale 7.5, the UNet run on
  cat([x, x]) with the unet_forward encoder_hidden_states; after_first_step, final.
- unet_gradients: batch 1, latent [1,4,32,32], t 981, encoder_hidden_states = cond [1,77,32].
  decoder_energy = mean_p cos(up1[:,:,4:12,4:12], up1[:,:,16:24,18:26]) (over channels, eps 1e-8)
                   + mean(up0 ** 2),  up0 = up_blocks[0] output, up1 = up_blocks[1] output;
  grad_decoder_energy = dE/dlatent. output_energy = sum(sample * output_weight);
  grad_output_energy = d(output_energy)/dlatent.
- discriminator: tiny-sd/discriminator (float32), latent [2,4,16,16], timesteps [3, 700];
  logits [2], log_d = logsigmoid(logits) [2], grad_log_d = d(sum log_d)/dlatent [2,4,16,16].
"""

if __name__ == "__main__":
    main()
