"""Pre-train the demo world's text encoder to bind each object's attributes to its shape word.

Before the UNet sees it, the CLIP text model learns a small supervised task on captions alone: from the
last hidden state at each object's shape token, linear heads predict that object's colour, size and shape,
and from the ``background`` token the background colour. A causal text model can only do this by
attending from the shape word back to its own adjectives, so from the first UNet step every object's
description sits in one token that cross-attention can pick, instead of being spread over words the UNet
must learn to pair. The heads are thrown away; the UNet run then trains the encoder further.
Captions come from seeded scenes, described but not rendered, so this takes well under a minute.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from transformers import CLIPTextModel, CLIPTokenizer

from ..checker import parse_caption
from ..palette import BACKGROUND_COLORS, OBJECT_COLORS, SIZE_WORDS
from ..scenes import caption, random_scene, scene_seed
from ..shapes import SHAPES
from .tokenizer import tokenize

#: The attributes predicted, each with its class names.
ATTRIBUTES = {"color": list(OBJECT_COLORS), "size": list(SIZE_WORDS), "shape": list(SHAPES)}
BACKGROUNDS = list(BACKGROUND_COLORS)
#: Marks a token with nothing to predict.
IGNORE = -100


def caption_targets(tokenizer: CLIPTokenizer, captions: list[str]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Token ids (N, MAX_LENGTH) and, per attribute and for ``background``, a class index at every token
    that carries one (an object's shape token, the ``background`` token) and ``IGNORE`` elsewhere."""
    vocab = tokenizer.get_vocab()
    shape_ids = {vocab[f"{s}</w>"] for s in SHAPES}
    background_id = vocab["background</w>"]
    ids = tokenize(tokenizer, captions)
    targets = {k: torch.full(ids.shape, IGNORE, dtype=torch.long) for k in (*ATTRIBUTES, "background")}
    for row, text in enumerate(captions):
        parsed, row_ids = parse_caption(text), ids[row].tolist()
        shape_positions = [i for i, t in enumerate(row_ids) if t in shape_ids]
        if len(shape_positions) != len(parsed.objects):
            raise ValueError(f"caption {text!r}: {len(parsed.objects)} objects but {len(shape_positions)} shape tokens")
        for pos, (size, color, shape) in zip(shape_positions, parsed.objects):
            targets["color"][row, pos] = ATTRIBUTES["color"].index(color)
            targets["shape"][row, pos] = ATTRIBUTES["shape"].index(shape)
            if size is not None:
                targets["size"][row, pos] = ATTRIBUTES["size"].index(size)
        if parsed.background is not None:
            pos = row_ids.index(background_id)
            targets["background"][row, pos] = BACKGROUNDS.index(parsed.background)
    return ids, targets


def pretrain_text_encoder(text: CLIPTextModel, tokenizer: CLIPTokenizer, *, steps: int, seed: int,
                          captions: int = 20000, held_out: int = 1000, batch: int = 256, lr: float = 1e-3,
                          log=None) -> dict[str, float]:
    """Train ``text`` in place on the binding task; returns each head's accuracy on ``held_out`` captions
    of other scenes."""
    if steps <= 0:
        return {}
    gen = torch.Generator().manual_seed(seed)
    texts = [caption(random_scene(np.random.default_rng(scene_seed(seed, i)), 128, 128))
             for i in range(captions + held_out)]
    ids, targets = caption_targets(tokenizer, texts)
    width = text.config.hidden_size
    heads = torch.nn.ModuleDict({k: torch.nn.Linear(width, len(v)) for k, v in ATTRIBUTES.items()})
    heads["background"] = torch.nn.Linear(width, len(BACKGROUNDS))
    params = list(text.parameters()) + list(heads.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=1e-2)

    def predictions(index: torch.Tensor) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
        """Each head's (logits, targets) for the indexed captions."""
        hidden = text(ids[index]).last_hidden_state
        return {name: (head(hidden), targets[name][index]) for name, head in heads.items()}

    text.train()
    for step in range(1, steps + 1):
        loss = sum(F.cross_entropy(logits.flatten(0, 1), target.flatten(), ignore_index=IGNORE)
                   for logits, target in predictions(torch.randint(captions, (batch,), generator=gen)).values())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if log is not None and step % 50 == 0:
            log(text_step=step, text_loss=loss.item())
    with torch.no_grad():
        accuracy = {name: (logits.argmax(-1)[target != IGNORE] == target[target != IGNORE]).float().mean().item()
                    for name, (logits, target) in predictions(torch.arange(captions, captions + held_out)).items()}
    if log is not None:
        log(text_step=steps, **{f"held_out_{k}_accuracy": round(v, 4) for k, v in accuracy.items()})
    return accuracy
