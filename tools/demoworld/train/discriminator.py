"""The noise-aware latent discriminator D(z_t, t) of method.md §3.

A small convolutional classifier on (scaled) VAE latents: a sinusoidal timestep embedding is added inside
three residual blocks (at 16×16, 8×8 and 4×4 for 128-pixel images), followed by a global mean and one
linear layer that gives the logit of "z_t is a noised clean, artefact-free image". Only conv, group norm,
SiLU, linear and mean are used, so the Swift engine can mirror it. Saved as ``config.json`` +
``model.safetensors``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file


@dataclass
class DiscriminatorConfig:
    in_channels: int = 4
    channels: tuple = (64, 128, 128)
    time_embed_dim: int = 128
    time_freq_dim: int = 64
    norm_num_groups: int = 32
    num_train_timesteps: int = 1000


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding [cos | sin] as in diffusers' Timesteps(flip_sin_to_cos=True, shift 0)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int, groups: int):
        super().__init__()
        self.norm1 = nn.GroupNorm(min(groups, cin), cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_proj = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(min(groups, cout), cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class LatentDiscriminator(nn.Module):
    def __init__(self, config: DiscriminatorConfig | None = None):
        super().__init__()
        self.config = config or DiscriminatorConfig()
        c = self.config
        self.time_embedding = nn.Sequential(nn.Linear(c.time_freq_dim, c.time_embed_dim), nn.SiLU(),
                                            nn.Linear(c.time_embed_dim, c.time_embed_dim))
        self.conv_in = nn.Conv2d(c.in_channels, c.channels[0], 3, padding=1)
        self.blocks = nn.ModuleList()
        self.downsamplers = nn.ModuleList()
        prev = c.channels[0]
        for i, ch in enumerate(c.channels):
            self.blocks.append(ResBlock(prev, ch, c.time_embed_dim, c.norm_num_groups))
            last = i == len(c.channels) - 1
            self.downsamplers.append(nn.Identity() if last else nn.Conv2d(ch, ch, 3, stride=2, padding=1))
            prev = ch
        self.norm_out = nn.GroupNorm(min(c.norm_num_groups, prev), prev)
        self.head = nn.Linear(prev, 1)

    def forward(self, z: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Logit (B,) that z_t is a noised clean image."""
        if t.ndim == 0:
            t = t.expand(z.shape[0])
        temb = self.time_embedding(timestep_embedding(t, self.config.time_freq_dim))
        h = self.conv_in(z)
        for block, down in zip(self.blocks, self.downsamplers):
            h = down(block(h, temb))
        h = F.silu(self.norm_out(h)).mean(dim=(2, 3))
        return self.head(h)[:, 0]

    def save_pretrained(self, folder: str) -> None:
        os.makedirs(folder, exist_ok=True)
        cfg = asdict(self.config)
        cfg["channels"] = list(cfg["channels"])
        cfg["_class_name"] = "LatentDiscriminator"
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=1)
        save_file({k: v.contiguous() for k, v in self.state_dict().items()}, os.path.join(folder, "model.safetensors"))

    @staticmethod
    def from_pretrained(folder: str) -> "LatentDiscriminator":
        with open(os.path.join(folder, "config.json")) as f:
            cfg = json.load(f)
        cfg.pop("_class_name", None)
        cfg["channels"] = tuple(cfg["channels"])
        model = LatentDiscriminator(DiscriminatorConfig(**cfg))
        model.load_state_dict(load_file(os.path.join(folder, "model.safetensors")))
        return model
