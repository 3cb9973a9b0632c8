"""The noise-aware latent discriminator D(z_t, t) of method.md §3.

A small convolutional classifier on (scaled) VAE latents, built from diffusers' own parts so that every
weight has a diffusers name and the Swift engine reuses its UNet modules: sinusoidal timestep features
(``Timesteps``, cos first) through a ``TimestepEmbedding`` MLP condition three ``ResnetBlock2D``s (at
32×32, 16×16 and 8×8 for 128-pixel images, stride-2 convolutions between them); then group norm, SiLU,
a global mean and one linear layer give the logit of "z_t is a noised clean, artefact-free image".
Saved as ``config.json`` + ``diffusion_pytorch_model.safetensors``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from diffusers.models.embeddings import TimestepEmbedding, Timesteps
from diffusers.models.resnet import ResnetBlock2D
from safetensors.torch import load_file, save_file

WEIGHTS_NAME = "diffusion_pytorch_model.safetensors"


@dataclass
class DiscriminatorConfig:
    in_channels: int = 4
    block_out_channels: tuple = (64, 128, 128)
    time_embed_dim: int = 128
    time_freq_dim: int = 64
    norm_num_groups: int = 32
    norm_eps: float = 1e-6
    num_train_timesteps: int = 1000


class LatentDiscriminator(nn.Module):
    def __init__(self, config: DiscriminatorConfig | None = None):
        super().__init__()
        self.config = config or DiscriminatorConfig()
        c = self.config
        self.time_proj = Timesteps(c.time_freq_dim, flip_sin_to_cos=True, downscale_freq_shift=0)
        self.time_embedding = TimestepEmbedding(c.time_freq_dim, c.time_embed_dim)
        self.conv_in = nn.Conv2d(c.in_channels, c.block_out_channels[0], 3, padding=1)
        self.blocks = nn.ModuleList()
        self.downsamplers = nn.ModuleList()
        prev = c.block_out_channels[0]
        for i, ch in enumerate(c.block_out_channels):
            self.blocks.append(ResnetBlock2D(in_channels=prev, out_channels=ch, temb_channels=c.time_embed_dim,
                                             groups=c.norm_num_groups, eps=c.norm_eps))
            if i < len(c.block_out_channels) - 1:
                self.downsamplers.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
            prev = ch
        self.norm_out = nn.GroupNorm(c.norm_num_groups, prev, eps=c.norm_eps)
        self.head = nn.Linear(prev, 1)

    def forward(self, z: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Logit (B,) that z_t is a noised clean image."""
        if t.ndim == 0:
            t = t.expand(z.shape[0])
        temb = self.time_embedding(self.time_proj(t).to(z.dtype))
        h = self.conv_in(z)
        for i, block in enumerate(self.blocks):
            h = block(h, temb)
            if i < len(self.downsamplers):
                h = self.downsamplers[i](h)
        h = F.silu(self.norm_out(h)).mean(dim=(2, 3))
        return self.head(h)[:, 0]

    def save_pretrained(self, folder: str) -> None:
        os.makedirs(folder, exist_ok=True)
        cfg = asdict(self.config)
        cfg["block_out_channels"] = list(cfg["block_out_channels"])
        cfg["_class_name"] = "LatentDiscriminator"
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=1)
        save_file({k: v.contiguous() for k, v in self.state_dict().items()}, os.path.join(folder, WEIGHTS_NAME))

    @staticmethod
    def from_pretrained(folder: str) -> "LatentDiscriminator":
        with open(os.path.join(folder, "config.json")) as f:
            cfg = json.load(f)
        cfg.pop("_class_name", None)
        cfg["block_out_channels"] = tuple(cfg["block_out_channels"])
        model = LatentDiscriminator(DiscriminatorConfig(**cfg))
        model.load_state_dict(load_file(os.path.join(folder, WEIGHTS_NAME)))
        return model
