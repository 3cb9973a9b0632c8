"""Training building blocks that are cheap to check: tokenizer, artefacts, discriminator, AUC."""

import math

import numpy as np
import pytest
import torch

from tools.demoworld.palette import BACKGROUND_COLORS, OBJECT_COLORS
from tools.demoworld.render import render
from tools.demoworld.scenes import caption, random_scene, scene_seed
from tools.demoworld.shapes import SHAPES
from tools.demoworld.train.artifacts import ARTIFACTS, damaged
from tools.demoworld.train.discriminator import LatentDiscriminator
from tools.demoworld.train.tokenizer import EDIT_WORDS, write_tokenizer
from tools.demoworld.train.train_discriminator import roc_auc


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    from transformers import CLIPTokenizer
    folder = tmp_path_factory.mktemp("tok")
    write_tokenizer(str(folder))
    return CLIPTokenizer.from_pretrained(str(folder))


def test_every_scene_and_edit_word_is_a_single_token(tokenizer):
    words = list(OBJECT_COLORS) + list(SHAPES) + EDIT_WORDS + ["small", "medium", "large", "background"]
    words += [w for name in BACKGROUND_COLORS for w in name.split()]
    for w in words:
        assert tokenizer.tokenize(w) == [w + "</w>"], w


def test_captions_fit_the_text_model_and_unknown_words_still_encode(tokenizer):
    longest = max((caption(random_scene(np.random.default_rng(scene_seed(8, i)))) for i in range(200)), key=len)
    ids = tokenizer(longest).input_ids
    assert len(ids) <= 32 and ids[0] == tokenizer.bos_token_id and ids[-1] == tokenizer.eos_token_id
    assert tokenizer.unk_token_id not in tokenizer("a zebra").input_ids[1:-1]


def test_each_artefact_damages_the_scene_near_an_object():
    for i, kind in enumerate(ARTIFACTS):
        rng = np.random.default_rng(i)
        scene = random_scene(rng, count=1)
        clean = render(scene)
        out, got = damaged(scene, rng, kind)
        assert got == kind
        changed = np.abs(out.astype(int) - clean.image.astype(int)).max(axis=-1) > 8
        assert changed.sum() > 5, kind
        ys, xs = np.nonzero(changed)
        obj = scene.objects[0]
        reach = obj.extent() + 30
        assert np.all(np.hypot(xs - obj.cx, ys - obj.cy) <= reach), kind


def test_discriminator_round_trips_through_safetensors(tmp_path):
    torch.manual_seed(0)
    model = LatentDiscriminator()
    z, t = torch.randn(3, 4, 16, 16), torch.tensor([0, 250, 999])
    model.save_pretrained(str(tmp_path))
    again = LatentDiscriminator.from_pretrained(str(tmp_path))
    assert torch.equal(model(z, t), again(z, t))


def test_roc_auc_matches_its_definition():
    assert roc_auc(torch.tensor([3.0, 4.0]), torch.tensor([1.0, 2.0])) == 1.0
    assert roc_auc(torch.tensor([1.0]), torch.tensor([2.0])) == 0.0
    assert math.isclose(roc_auc(torch.tensor([1.0, 3.0]), torch.tensor([2.0, 2.0])), 0.5)
    assert math.isclose(roc_auc(torch.tensor([2.0]), torch.tensor([2.0])), 0.5)
