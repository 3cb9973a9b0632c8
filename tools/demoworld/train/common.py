"""Shared training plumbing: seeding, thread limits, bf16 steps, an in-memory scene bank, atomic checkpoints."""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch

from ..render import render
from ..scenes import caption, random_scene, scene_seed


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, numpy and torch; returns a torch generator for data sampling."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def limit_threads(threads: int) -> None:
    torch.set_num_threads(max(threads, 1))


def add_run_arguments(p: argparse.ArgumentParser, *, steps: int, batch: int, lr: float, scenes: int, seed: int,
                      save_every: int) -> None:
    """The arguments every training run shares, with that run's defaults."""
    p.add_argument("--steps", type=int, default=steps)
    p.add_argument("--batch", type=int, default=batch)
    p.add_argument("--lr", type=float, default=lr)
    p.add_argument("--scenes", type=int, default=scenes, help="training scenes (rendered once, kept in memory)")
    p.add_argument("--seed", type=int, default=seed)
    p.add_argument("--save-every", type=int, default=save_every)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--checkpoints", default=None, help="checkpoint folder (default OUT/../checkpoints)")
    p.add_argument("--resume", action="store_true")


def add_precision_argument(p: argparse.ArgumentParser) -> None:
    """``--precision``: bf16 (the default) runs the training steps under bfloat16 autocast; weights, optimiser and
    loss stay float32."""
    p.add_argument("--precision", choices=("fp32", "bf16"), default="bf16",
                   help="bf16: training steps under bfloat16 autocast, weights and optimiser stay float32 "
                        "(default bf16)")


def step_autocast(args: argparse.Namespace) -> torch.autocast:
    """The autocast context a training step runs in, from ``--precision``."""
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bf16")


def checkpoint_dir(args: argparse.Namespace) -> str:
    """``--checkpoints``, or ``checkpoints/`` beside the model folder ``--out``."""
    return args.checkpoints or os.path.join(os.path.dirname(os.path.abspath(args.out)), "checkpoints")


def start_run(args: argparse.Namespace, name: str) -> tuple[torch.Generator, str, "Log"]:
    """Thread limit and seeds from the run arguments; returns the data generator, the checkpoint path
    ``NAME.pt`` and the progress log ``NAME.log`` (both in the checkpoint folder)."""
    limit_threads(args.threads)
    generator = seed_everything(args.seed)
    folder = checkpoint_dir(args)
    return generator, os.path.join(folder, f"{name}.pt"), Log(os.path.join(folder, f"{name}.log"))


def resume_if_asked(args: argparse.Namespace, path: str, models: dict, optimizers: dict,
                    generator: torch.Generator, log: "Log") -> int:
    """With ``--resume`` and a checkpoint at ``path``, restores it and returns its step; else 0."""
    if not (args.resume and os.path.exists(path)):
        return 0
    step, _ = load_checkpoint(path, models, optimizers, generator)
    log(event="resumed", step=step)
    return step


class SceneBank:
    """``count`` seeded scenes rendered once and kept in memory (optionally cached as an .npz file)."""

    def __init__(self, count: int, seed: int, size: int = 128, cache_dir: str | None = None):
        self.count, self.seed, self.size = count, seed, size
        path = os.path.join(cache_dir, f"scenes-{seed}-{count}-{size}.npz") if cache_dir else None
        if path and os.path.exists(path):
            data = np.load(path)
            self.images, self.captions = data["images"], [str(c) for c in data["captions"]]
            self.scenes = None
        else:
            self.scenes = [random_scene(np.random.default_rng(scene_seed(seed, i)), size, size) for i in range(count)]
            self.images = np.stack([render(s).image for s in self.scenes])
            self.captions = [caption(s) for s in self.scenes]
            if path:
                os.makedirs(cache_dir, exist_ok=True)
                np.savez(path + ".tmp.npz", images=self.images, captions=np.array(self.captions))
                os.replace(path + ".tmp.npz", path)

    def __len__(self) -> int:
        return self.count

    def batch(self, index: torch.Tensor) -> torch.Tensor:
        """Images as float tensors in [-1, 1], shape (B, 3, H, W)."""
        x = torch.from_numpy(self.images[index.numpy()]).float() / 127.5 - 1.0
        return x.permute(0, 3, 1, 2).contiguous()

    def crops(self, index: torch.Tensor, side: int, generator: torch.Generator) -> torch.Tensor:
        """A random ``side``-pixel square patch of each indexed image, in [-1, 1], shape (B, 3, side, side)."""
        x = self.batch(index)
        if side >= self.size:
            return x
        corners = torch.randint(self.size - side + 1, (len(index), 2), generator=generator).tolist()
        return torch.stack([img[:, y:y + side, x0:x0 + side] for img, (y, x0) in zip(x, corners)])


def cosine_schedule(optimizer: torch.optim.Optimizer, steps: int, warmup: int = 100,
                    floor: float = 0.1) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over ``warmup`` steps, then a cosine from the base rate down to ``floor`` of it."""
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = min((step - warmup) / max(steps - warmup, 1), 1.0)
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def save_atomically(obj, path: str) -> None:
    """``torch.save`` to a temp file, then rename, so a cut-off run never leaves a torn file."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    torch.save(obj, path + ".tmp")
    os.replace(path + ".tmp", path)


def save_checkpoint(path: str, step: int, models: dict, optimizers: dict, generator: torch.Generator,
                    extra: dict | None = None) -> None:
    """Write a checkpoint atomically (``save_atomically``)."""
    state = {"step": step, "models": {k: m.state_dict() for k, m in models.items()},
             "optimizers": {k: o.state_dict() for k, o in optimizers.items()},
             "generator": generator.get_state(), "torch_rng": torch.get_rng_state(),
             "numpy_rng": np.random.get_state(), "extra": extra or {}}
    save_atomically(state, path)


def load_checkpoint(path: str, models: dict, optimizers: dict, generator: torch.Generator) -> tuple[int, dict]:
    """Restore models, optimizers and RNG state; returns (step, extra)."""
    state = torch.load(path, map_location="cpu", weights_only=False)
    for k, m in models.items():
        m.load_state_dict(state["models"][k])
    for k, o in optimizers.items():
        o.load_state_dict(state["optimizers"][k])
    generator.set_state(state["generator"])
    torch.set_rng_state(state["torch_rng"])
    np.random.set_state(state["numpy_rng"])
    return int(state["step"]), state.get("extra", {})


class Log:
    """Plain progress lines (step, loss, elapsed) to stdout and a log file."""

    def __init__(self, path: str):
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self.file = open(path, "a")
        self.start = time.time()

    def __call__(self, **fields) -> None:
        fields["elapsed_s"] = round(time.time() - self.start, 1)
        line = json.dumps({k: (round(v, 6) if isinstance(v, float) else v) for k, v in fields.items()})
        print(line, flush=True)
        self.file.write(line + "\n")
        self.file.flush()
