"""Cross-attention binding loss: each object's colour and shape tokens should attend to that object.

The demo world knows every object's mask, so the UNet's cross-attention can be told where a caption's
words belong (token-level attention supervision, as in TokenCompose, Wang et al. 2024). For a token of an
object, the loss is the share of that token's attention mass that falls outside the object's mask,
1 − Σ_q A[q, k]·M[q] / Σ_q A[q, k], averaged over the colour and shape tokens of every object and over
every cross-attention layer (the mask max-pooled to the layer's grid, so a small object still owns the
cells it touches). Colours leaking between objects and objects left out are the failures it aims at.

    python -m tools.demoworld.train.attention_binding --model Models/demo-world

measures a trained model: the loss on held-out scenes at a few timesteps.
"""

from __future__ import annotations

import argparse
import math

import numpy as np
import torch
import torch.nn.functional as F
from diffusers import DDPMScheduler, UNet2DConditionModel
from diffusers.models.attention_processor import Attention

from ..render import render
from ..scenes import caption, caption_order, random_scene, scene_seed
from .common import SceneBank, limit_threads
from .tokenizer import tokenize

#: Most objects a scene holds.
MAX_OBJECTS = 3


class RecordingCrossAttention:
    """A plain (softmax-materialising) attention processor that keeps its attention probabilities."""

    def __init__(self) -> None:
        self.probs: torch.Tensor | None = None

    def __call__(self, attn: Attention, hidden_states: torch.Tensor, encoder_hidden_states: torch.Tensor | None = None,
                 attention_mask: torch.Tensor | None = None, temb: torch.Tensor | None = None, **_) -> torch.Tensor:
        assert hidden_states.ndim == 3 and attn.spatial_norm is None and attn.group_norm is None \
            and attn.norm_cross is None and not attn.residual_connection and attention_mask is None, \
            "RecordingCrossAttention covers the SD-1.x transformer blocks' cross-attention only"
        context = hidden_states if encoder_hidden_states is None else encoder_hidden_states
        query = attn.head_to_batch_dim(attn.to_q(hidden_states))
        key = attn.head_to_batch_dim(attn.to_k(context))
        value = attn.head_to_batch_dim(attn.to_v(context))
        self.probs = attn.get_attention_scores(query, key, None)          # (batch × heads, queries, tokens)
        out = attn.batch_to_head_dim(torch.bmm(self.probs, value))
        return attn.to_out[1](attn.to_out[0](out)) / attn.rescale_output_factor


def record_cross_attention(unet: UNet2DConditionModel) -> list[RecordingCrossAttention]:
    """Give every cross-attention layer (``attn2``) of ``unet`` its own recording processor; return them."""
    recorders = []
    for name, module in unet.named_modules():
        if name.endswith("attn2") and isinstance(module, Attention):
            recorders.append(RecordingCrossAttention())
            module.set_processor(recorders[-1])
    return recorders


def object_targets(seed: int, count: int, size: int, captions: list[str], tokenizer,
                   grid: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Masks and caption token positions of every object of the ``count`` scenes a ``SceneBank(count, seed, size)`` holds.

    Returns masks (N, MAX_OBJECTS, grid, grid) as float16 (max-pooled from the scene) and token positions
    (N, MAX_OBJECTS, 2) of each object's colour and shape word, −1 where a scene has fewer objects. The
    scenes are rendered again from their seeds, and each caption must equal the bank's.
    """
    ids = tokenize(tokenizer, captions)
    masks = torch.zeros(count, MAX_OBJECTS, grid, grid, dtype=torch.float16)
    positions = torch.full((count, MAX_OBJECTS, 2), -1, dtype=torch.long)
    for i in range(count):
        scene = random_scene(np.random.default_rng(scene_seed(seed, i)), size, size)
        if caption(scene) != captions[i]:
            raise ValueError(f"scene {i} of seed {seed} renders a different caption than the bank holds")
        rendering = render(scene)
        # Objects in caption order, each located after the previous one's shape word.
        row, cursor = ids[i].tolist(), 0
        for j, k in enumerate(caption_order(scene)):
            obj = scene.objects[k]
            colour = row.index(tokenizer.convert_tokens_to_ids(obj.color + "</w>"), cursor + 1)
            shape = row.index(tokenizer.convert_tokens_to_ids(obj.shape + "</w>"), colour + 1)
            positions[i, j] = torch.tensor([colour, shape])
            cursor = shape
            mask = torch.from_numpy(rendering.masks[k]).float()[None, None]
            masks[i, j] = F.adaptive_max_pool2d(mask, grid)[0, 0].half()
    return masks, positions


def binding_loss(probs: list[torch.Tensor], masks: torch.Tensor, positions: torch.Tensor,
                 keep: torch.Tensor) -> torch.Tensor:
    """Mean share of an object token's attention outside its object, over layers, tokens and kept samples.

    ``probs``: each layer's (B × heads, H·W, tokens); ``masks`` (B, K, G, G); ``positions`` (B, K, 2), −1 for
    none; ``keep`` (B,) marks the samples whose caption was not dropped.
    """
    batch, objects = positions.shape[:2]
    valid = (positions >= 0) & keep[:, None, None]
    if not valid.any():
        return probs[0].new_zeros((), dtype=torch.float32)
    index = positions.clamp(min=0).view(batch, objects * 2)
    losses = []
    for p in probs:
        queries, tokens = p.shape[1:]
        side = math.isqrt(queries)
        attention = p.float().view(batch, -1, queries, tokens).mean(dim=1).transpose(1, 2)    # (B, tokens, H·W)
        per_token = attention.gather(1, index[..., None].expand(-1, -1, queries)).view(batch, objects, 2, queries)
        inside_mask = F.adaptive_max_pool2d(masks.float(), side).flatten(2)[:, :, None]          # (B, K, 1, H·W)
        inside = (per_token * inside_mask).sum(-1) / per_token.sum(-1).clamp_min(1e-8)
        losses.append(((1 - inside) * valid).sum() / valid.sum())
    return torch.stack(losses).mean()


@torch.no_grad()
def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Binding loss of a trained demo model on held-out scenes.")
    p.add_argument("--model", required=True, help="a demo model folder")
    p.add_argument("--scenes", type=int, default=64)
    p.add_argument("--seed", type=int, default=424242, help="scene seed (neither training nor evaluation uses it)")
    p.add_argument("--timesteps", type=int, nargs="+", default=[100, 500, 900])
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    limit_threads(a.threads)
    # Here, not at the top: train_unet (which evaluate imports) imports this module.
    from .evaluate import Model
    from .train_unet import SCHEDULE

    m = Model(a.model)
    bank = SceneBank(a.scenes, a.seed)
    masks, positions = object_targets(bank.seed, len(bank), bank.size, bank.captions, m.tokenizer,
                                      grid=m.unet.config.sample_size)
    recorders = record_cross_attention(m.unet)
    z0, context = m.encode(bank.images), m.embed(bank.captions)
    schedule, gen = DDPMScheduler(**SCHEDULE), torch.Generator().manual_seed(0)
    everyone = torch.ones(len(bank), dtype=torch.bool)
    for t in a.timesteps:
        steps = torch.full((len(bank),), t)
        m.unet(schedule.add_noise(z0, torch.randn(z0.shape, generator=gen), steps), steps, encoder_hidden_states=context)
        loss = binding_loss([r.probs for r in recorders], masks, positions, everyone).item()
        print(f"t {t}: binding loss {loss:.3f} (object tokens keep {1 - loss:.0%} of their attention inside their object)")


if __name__ == "__main__":
    main()
