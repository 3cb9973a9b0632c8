"""Training building blocks that are cheap to check: tokenizer, artefacts, discriminator, AUC, latent cache, UNet
loss weights, offset noise, EMA, bf16 steps, the validation's breakdown and the evaluation's report."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the training tests need tools/requirements-reference.txt")

from tools.demoworld.palette import BACKGROUND_COLORS, OBJECT_COLORS
from tools.demoworld.render import render
from tools.demoworld.scenes import caption, random_scene, scene_seed
from tools.demoworld.shapes import SHAPES
from tools.demoworld.train.artifacts import ARTIFACTS, damaged
from tools.demoworld.train.discriminator import WEIGHTS_NAME, LatentDiscriminator
from tools.demoworld.train.tokenizer import EDIT_WORDS, write_tokenizer
from tools.demoworld.train.train_discriminator import roc_auc
from tools.demoworld.train.train_unet import (HIGH_T, SCHEDULE, draw_timesteps, min_snr_weights, object_weights,
                                              offset_noise, scene_weights, update_ema)


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


def test_validation_rates_count_rendered_scenes_as_passing_and_blank_images_as_failing():
    from tools.demoworld.train.evaluate import rates
    from tools.demoworld.train.validate_t2i import VALIDATION_SEED
    scenes = [random_scene(np.random.default_rng(scene_seed(VALIDATION_SEED, i)), 128, 128) for i in range(6)]
    captions = [caption(s) for s in scenes]
    images = np.stack([render(s).image for s in scenes])
    perfect = rates(images, captions)
    assert perfect["rate"] == 1.0 and perfect["objects_found"] == 1.0
    assert sum(int(v.split("/")[1]) for v in perfect["by_object_count"].values()) == 6
    blank = rates(np.full_like(images, 200), captions)
    assert blank["rate"] == 0.0 and blank["objects_found"] == 0.0
    assert all(v.startswith("0/") for v in blank["by_background"].values())


def test_min_snr_weights_keep_noisy_timesteps_and_damp_clean_ones():
    from diffusers import DDPMScheduler
    ac = DDPMScheduler(**SCHEDULE).alphas_cumprod
    t = torch.arange(1000)
    w = min_snr_weights(ac, t, gamma=5.0)
    snr = ac / (1 - ac)
    assert torch.all(w[snr <= 5.0] == 1.0)
    assert torch.allclose(w[snr > 5.0], 5.0 / snr[snr > 5.0])
    assert w[0] < 0.01 and torch.all(w[1:] >= w[:-1])


def test_timesteps_favour_the_noisy_half_by_the_asked_share_and_stay_uniform_within_each_half():
    gen = torch.Generator().manual_seed(0)
    t = draw_timesteps(40000, 0.75, gen)
    assert t.min().item() == 0 and t.max().item() == SCHEDULE["num_train_timesteps"] - 1
    high = t >= HIGH_T
    assert high.float().mean().item() == pytest.approx(0.75, abs=0.01)
    assert t[high].float().mean().item() == pytest.approx((HIGH_T + 999) / 2, abs=5)
    assert t[~high].float().mean().item() == pytest.approx((HIGH_T - 1) / 2, abs=5)
    # 0.5 is the plain uniform draw the recipes before the option made, number for number.
    assert torch.equal(draw_timesteps(64, 0.5, torch.Generator().manual_seed(1)),
                       torch.randint(0, 1000, (64,), generator=torch.Generator().manual_seed(1)))


def test_offset_noise_shifts_each_channel_by_its_own_constant():
    gen = torch.Generator().manual_seed(0)
    plain = offset_noise((512, 4, 32, 32), 0.0, gen)
    shifted = offset_noise((512, 4, 32, 32), 0.1, gen)
    # Plain noise's per-channel mean has std 1/32; the offset raises it to √(0.1² + 1/32²).
    assert plain.mean(dim=(2, 3)).std().item() == pytest.approx(1 / 32, rel=0.1)
    assert shifted.mean(dim=(2, 3)).std().item() == pytest.approx(math.sqrt(0.01 + 1 / 1024), rel=0.1)
    # The offset is constant over the pixels: what is left around each channel's mean is plain unit noise.
    residual = shifted - shifted.mean(dim=(2, 3), keepdim=True)
    assert residual.std().item() == pytest.approx(1.0, rel=0.01)


def test_object_weights_favour_small_objects_and_keep_each_samples_mean():
    masks = torch.zeros(3, 3, 32, 32)
    masks[0, 0, :4, :4] = 1                  # 16 cells: four times the reference area's weight, the cap
    masks[0, 1, 10:18, 10:18] = 1            # 64 cells: the reference area
    masks[1, 0, 4:28, 4:28] = 1              # 576 cells
    w = object_weights(masks, 2.0)
    assert w.shape == (3, 1, 32, 32)
    assert torch.allclose(w.mean(dim=(2, 3)), torch.ones(3, 1))
    # Relative to the background, a cell gains 1 + 2 × min(4, 64 / area).
    background = w[0, 0, 31, 31]
    assert w[0, 0, 0, 0] / background == pytest.approx(9.0)
    assert w[0, 0, 12, 12] / background == pytest.approx(3.0)
    assert w[1, 0, 10, 10] / w[1, 0, 0, 0] == pytest.approx(1 + 2 * 64 / 576)
    # No objects, or strength 0: uniform.
    assert torch.all(w[2] == 1.0)
    assert torch.all(object_weights(masks, 0.0) == 1.0)


def test_scenes_are_drawn_by_object_count_and_more_often_with_small_objects_and_stars():
    captions = ["a large red circle on a beige background",
                "a small red star and a large blue square on a beige background",
                "a medium red star, a small blue ring and a large green circle on a pale green background"]
    assert scene_weights(captions).tolist() == [1.0, 2.0, 3.0]
    # A small star counts twice over: once for its size, once for its shape.
    assert scene_weights(captions, 1.0).tolist() == [1.0, 4.0, 5.0]


def test_ema_follows_early_then_averages():
    model, average = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.fill_(1.0)
        average.weight.fill_(0.0)
    update_ema(average, model, step=0)                  # decay (1 + 0) / (10 + 0) = 0.1
    assert torch.allclose(average.weight, torch.full((1, 2), 0.9))
    average.weight.data.fill_(0.0)
    update_ema(average, model, step=100_000)            # decay capped at 0.999
    assert torch.allclose(average.weight, torch.full((1, 2), 0.001))


def test_a_resumed_discriminator_run_ends_exactly_where_an_uninterrupted_one_does(tmp_path):
    from safetensors.torch import load_file
    from tools.demoworld.train import train_discriminator
    from tools.demoworld.train.train_vae import make_vae

    torch.manual_seed(0)
    vae = make_vae()
    vae.register_to_config(scaling_factor=1.0)
    tiny = ["--steps", "4", "--batch", "4", "--scenes", "4", "--fakes-per-scene", "1", "--eval-scenes", "4",
            "--save-every", "2", "--threads", "1"]
    for run in ("straight", "resumed"):
        model = tmp_path / run / "model"
        vae.save_pretrained(str(model / "vae"))
        if run == "resumed":
            train_discriminator.main(["--out", str(model)] + tiny[:1] + ["2"] + tiny[2:])
            tiny = tiny + ["--resume"]
        train_discriminator.main(["--out", str(model)] + tiny)
    import json
    with open(tmp_path / "resumed" / "checkpoints" / "discriminator.log") as f:
        events = [json.loads(line) for line in f]
    assert {"event": "resumed", "step": 2} in [{k: e[k] for k in ("event", "step") if k in e} for e in events]
    a = load_file(str(tmp_path / "straight" / "model" / "discriminator" / WEIGHTS_NAME))
    b = load_file(str(tmp_path / "resumed" / "model" / "discriminator" / WEIGHTS_NAME))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_cached_pairs_reuse_the_stored_latents_only_for_the_same_vae(tmp_path, monkeypatch):
    from tools.demoworld.train import train_discriminator
    from tools.demoworld.train.train_vae import make_vae

    torch.manual_seed(0)
    vae = make_vae()
    vae.register_to_config(scaling_factor=1.0)
    first = train_discriminator.cached_pairs(vae, 3, 5, 1, str(tmp_path))
    assert (tmp_path / "pairs-5-3-1.pt").exists()
    calls = []
    monkeypatch.setattr(train_discriminator, "encode_pairs", lambda *a, **k: calls.append(a) or first)
    again = train_discriminator.cached_pairs(vae, 3, 5, 1, str(tmp_path))
    assert calls == [] and all(torch.equal(x, y) for x, y in zip(first, again))
    vae.register_to_config(scaling_factor=0.5)
    train_discriminator.cached_pairs(vae, 3, 5, 1, str(tmp_path))
    assert len(calls) == 1


def test_a_bf16_unet_run_tracks_the_float32_loss_and_saves_float32_weights(tmp_path):
    import json

    from safetensors.torch import load_file
    from tools.demoworld.train import train_unet
    from tools.demoworld.train.train_vae import make_vae

    torch.manual_seed(0)
    vae = make_vae()
    vae.register_to_config(scaling_factor=1.0)
    losses = {}
    for precision in ("fp32", "bf16"):
        model = tmp_path / precision / "model"
        vae.save_pretrained(str(model / "vae"))
        write_tokenizer(str(model / "tokenizer"))
        train_unet.main(["--out", str(model), "--steps", "25", "--batch", "2", "--scenes", "4", "--save-every", "25",
                         "--threads", "1", "--precision", precision, "--text-pretrain-steps", "2"])
        with open(tmp_path / precision / "checkpoints" / "unet.log") as f:
            losses[precision] = next(e["loss"] for e in map(json.loads, f) if e.get("step") == 25)
        weights = load_file(str(model / "unet" / "diffusion_pytorch_model.safetensors"))
        assert all(w.dtype == torch.float32 and torch.isfinite(w).all() for w in weights.values())
    assert losses["fp32"] != losses["bf16"]
    assert abs(losses["bf16"] - losses["fp32"]) <= 0.05 * losses["fp32"]


def test_a_bf16_vae_run_tracks_the_float32_loss_and_saves_float32_weights_with_a_scaling_factor(tmp_path):
    import json

    from safetensors.torch import load_file
    from tools.demoworld.train import train_vae

    losses = {}
    for precision in ("fp32", "bf16"):
        model = tmp_path / precision / "model"
        train_vae.main(["--out", str(model), "--steps", "25", "--batch", "2", "--scenes", "4", "--eval-scenes", "2",
                        "--save-every", "25", "--threads", "1", "--precision", precision])
        with open(tmp_path / precision / "checkpoints" / "vae.log") as f:
            losses[precision] = next(e["loss"] for e in map(json.loads, f) if e.get("step") == 25)
        weights = load_file(str(model / "vae" / "diffusion_pytorch_model.safetensors"))
        assert all(w.dtype == torch.float32 and torch.isfinite(w).all() for w in weights.values())
        assert json.loads((model / "vae" / "config.json").read_text())["scaling_factor"] > 0
    assert losses["fp32"] != losses["bf16"]
    assert abs(losses["bf16"] - losses["fp32"]) <= 0.05 * losses["fp32"]


def test_a_unet_run_with_init_starts_from_the_folders_weights_without_text_pretraining(tmp_path):
    from safetensors.torch import load_file
    from transformers import CLIPTokenizer
    from tools.demoworld.train import train_unet
    from tools.demoworld.train.train_vae import make_vae

    torch.manual_seed(0)
    trained, continued = tmp_path / "trained", tmp_path / "continued" / "model"
    vae = make_vae()
    vae.register_to_config(scaling_factor=1.0)
    for folder in (trained, continued):
        vae.save_pretrained(str(folder / "vae"))
        write_tokenizer(str(folder / "tokenizer"))
    tokenizer = CLIPTokenizer.from_pretrained(str(trained / "tokenizer"))
    train_unet.make_unet(vae.config.latent_channels).save_pretrained(str(trained / "unet"))
    train_unet.make_text_encoder(tokenizer).save_pretrained(str(trained / "text_encoder"))
    train_unet.main(["--out", str(continued), "--init", str(trained), "--steps", "0", "--scenes", "4",
                     "--threads", "1", "--text-pretrain-steps", "5"])
    for part, name in (("unet", "diffusion_pytorch_model.safetensors"), ("text_encoder", "model.safetensors")):
        before, after = load_file(str(trained / part / name)), load_file(str(continued / part / name))
        assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before), part


def test_binding_targets_sit_on_each_shape_word_and_the_background_word(tokenizer):
    from tools.demoworld.train.text_pretraining import ATTRIBUTES, BACKGROUNDS, IGNORE, caption_targets

    text = "a small red circle, a blue star and a large white ring on a dark gray background"
    ids, targets = caption_targets(tokenizer, [text])
    words = [tokenizer.convert_ids_to_tokens(int(i)) for i in ids[0]]
    expected = {"circle</w>": ("red", "small", "circle"), "star</w>": ("blue", None, "star"),
                "ring</w>": ("white", "large", "ring")}
    for pos, word in enumerate(words):
        if word in expected:
            color, size, shape = expected.pop(word)
            assert targets["color"][0, pos] == ATTRIBUTES["color"].index(color)
            assert targets["shape"][0, pos] == ATTRIBUTES["shape"].index(shape)
            assert targets["size"][0, pos] == (IGNORE if size is None else ATTRIBUTES["size"].index(size))
        else:
            assert all(targets[k][0, pos] == IGNORE for k in ATTRIBUTES)
        assert targets["background"][0, pos] == (BACKGROUNDS.index("dark gray") if word == "background</w>" else IGNORE)
    assert not expected


def test_text_pretraining_binds_each_colour_to_its_own_shape(tokenizer):
    from tools.demoworld.train.text_pretraining import pretrain_text_encoder
    from tools.demoworld.train.train_unet import make_text_encoder

    torch.manual_seed(0)
    text = make_text_encoder(tokenizer)
    before = pretrain_text_encoder(text, tokenizer, steps=1, seed=5, captions=2000, held_out=500, batch=64)
    after = pretrain_text_encoder(text, tokenizer, steps=80, seed=6, captions=2000, held_out=500, batch=64)
    # Held-out captions: by chance a head names one colour of eleven; bound, it names the right one of the caption's.
    assert before["color"] < 0.5
    assert after["color"] > 0.95 and after["shape"] > 0.95 and after["background"] > 0.95


def test_validation_and_evaluation_sample_a_running_unet_stage_whatever_the_latent_and_unet_widths(tmp_path):
    import json
    import shutil

    from diffusers import AutoencoderKL
    from tools.demoworld.train import evaluate, train_unet, validate_t2i
    from tools.demoworld.train.train_vae import VAE_CONFIG

    torch.manual_seed(0)
    model = tmp_path / "model"
    vae = AutoencoderKL(**dict(VAE_CONFIG, latent_channels=8))
    vae.register_to_config(scaling_factor=1.0)
    vae.save_pretrained(str(model / "vae"))
    write_tokenizer(str(model / "tokenizer"))
    train_unet.main(["--out", str(model), "--steps", "2", "--batch", "2", "--scenes", "2", "--save-every", "2",
                     "--threads", "1", "--text-pretrain-steps", "0", "--block-out-channels", "16", "32", "64"])
    config = json.loads((model / "unet" / "config.json").read_text())
    assert config["in_channels"] == 8 and config["block_out_channels"] == [16, 32, 64]
    shutil.rmtree(model / "unet")  # as while the stage still runs: a checkpoint, no unet/ and no scheduler/
    shutil.rmtree(model / "text_encoder")
    quick = ["--model", str(model), "--count", "3", "--steps", "2", "--threads", "1"]
    with pytest.raises(SystemExit, match="--checkpoint"):
        validate_t2i.main(quick)
    validate_t2i.main(quick + ["--checkpoint", str(tmp_path / "checkpoints" / "unet.pt"),
                               "--json", str(tmp_path / "v.json")])
    results = json.loads((tmp_path / "v.json").read_text())
    assert results["step"] == 2
    counts = results["cfg"]["7.5"]["by_object_count"].values()
    assert sum(int(c.split("/")[1]) for c in counts) == 3
    with pytest.raises(SystemExit, match="--checkpoint"):
        evaluate.main(quick)
    evaluate.main(quick + ["--batch", "2", "--text-to-image-only", "--json", str(tmp_path / "e.json"),
                           "--checkpoint", str(tmp_path / "checkpoints" / "unet.pt")])
    figures = json.loads((tmp_path / "e.json").read_text())
    assert figures["count"] == 3 and 0 <= figures["t2i_checker_rate"] <= 1 and figures["vae_psnr"] > 0
    assert "inversion_psnr" not in figures and "discriminator_auc" not in figures


def test_recording_cross_attention_changes_nothing_and_keeps_each_layers_attention():
    from tools.demoworld.train.attention_binding import record_cross_attention
    from tools.demoworld.train.train_unet import make_unet

    torch.manual_seed(0)
    unet = make_unet(4).eval()
    z, t, context = torch.randn(2, 4, 32, 32), torch.tensor([10, 900]), torch.randn(2, 32, 128)
    with torch.no_grad():
        before = unet(z, t, encoder_hidden_states=context).sample
        recorders = record_cross_attention(unet)
        after = unet(z, t, encoder_hidden_states=context).sample
    assert torch.allclose(before, after, atol=1e-5)
    # SD-1.x cross-attention: one layer at 16² and 8² going down, the mid-block's at 8², two a level going up.
    assert sorted(r.probs.shape[1] for r in recorders) == [64, 64, 64, 64, 256, 256, 256]
    for r in recorders:
        assert r.probs.shape[0] == 2 and r.probs.shape[2] == 32
        assert torch.allclose(r.probs.sum(-1), torch.ones(()), atol=1e-5)


def test_materialised_attention_changes_no_output_or_gradient_and_reaches_every_layer():
    from diffusers.models.attention_processor import AttnProcessor
    from tools.demoworld.train.train_unet import make_unet, use_materialised_attention

    torch.manual_seed(0)
    unet = make_unet(4)
    z, t, context = torch.randn(2, 4, 32, 32, requires_grad=True), torch.tensor([10, 900]), torch.randn(2, 32, 128)

    def output_and_gradient():
        z.grad = None
        out = unet(z, t, encoder_hidden_states=context).sample
        out.square().mean().backward()
        return out.detach(), z.grad.clone()

    fused_out, fused_grad = output_and_gradient()
    use_materialised_attention(unet)
    plain_out, plain_grad = output_and_gradient()
    assert torch.allclose(fused_out, plain_out, atol=1e-5)
    assert torch.allclose(fused_grad, plain_grad, atol=1e-6)
    processors = unet.attn_processors
    assert len(processors) == 14 and all(isinstance(p, AttnProcessor) for p in processors.values())


def test_object_targets_point_at_each_objects_colour_and_shape_words_and_cover_it(tokenizer):
    from tools.demoworld.train.attention_binding import object_targets
    from tools.demoworld.train.common import SceneBank
    from tools.demoworld.train.tokenizer import tokenize

    bank = SceneBank(12, seed=3)
    masks, positions = object_targets(bank.seed, len(bank), bank.size, bank.captions, tokenizer, grid=32)
    ids = tokenize(tokenizer, bank.captions)
    assert (positions[:, 0] >= 0).all() and (positions == -1).any()
    for i, scene in enumerate(bank.scenes):
        objs = sorted(scene.objects, key=lambda o: (o.cx, o.cy))
        for j in range(3):
            if j >= len(objs):
                assert (positions[i, j] == -1).all() and masks[i, j].sum() == 0
                continue
            colour, shape = (tokenizer.convert_ids_to_tokens(int(ids[i, p])) for p in positions[i, j])
            assert (colour, shape) == (objs[j].color + "</w>", objs[j].shape + "</w>")
            assert masks[i, j].sum() > 0
            if objs[j].shape != "ring":                       # a ring's centre is its hole
                assert masks[i, j, int(objs[j].cy / 4), int(objs[j].cx / 4)] == 1
    with pytest.raises(ValueError, match="different caption"):
        object_targets(bank.seed, 2, bank.size, bank.captions[1:3], tokenizer, grid=32)


def test_binding_loss_counts_attention_outside_each_object_for_kept_captions_only():
    from tools.demoworld.train.attention_binding import binding_loss

    masks = torch.zeros(2, 3, 4, 4)
    masks[:, 0, :2, :2] = 1                                   # object 0 fills the top-left quarter
    positions = torch.tensor([[[1, 2], [-1, -1], [-1, -1]]] * 2)
    inside = torch.zeros(2, 16, 5)
    inside[:, [0, 1, 4, 5], :] = 1                            # every token attends to the top-left quarter only
    outside = torch.zeros(2, 16, 5)
    outside[:, 15, :] = 1                                     # …or to the bottom-right pixel only
    keep = torch.tensor([True, True])
    assert binding_loss([inside], masks, positions, keep).item() == pytest.approx(0.0)
    assert binding_loss([outside], masks, positions, keep).item() == pytest.approx(1.0)
    mixed = torch.cat([inside[:1], outside[1:]])
    assert binding_loss([mixed], masks, positions, keep).item() == pytest.approx(0.5)
    assert binding_loss([mixed], masks, positions, torch.tensor([True, False])).item() == pytest.approx(0.0)
    # On a coarser layer the mask is max-pooled, so the quarter is the whole top-left cell.
    coarse = torch.zeros(2, 4, 5)
    coarse[:, 0, :] = 1
    assert binding_loss([coarse], masks, positions, keep).item() == pytest.approx(0.0)


def untrained_unet_stage_folder(root):
    """``root/model`` holding what a UNet run needs: an untrained ×4 VAE (scaling factor 1) and the tokenizer."""
    from tools.demoworld.train.train_vae import make_vae

    torch.manual_seed(0)
    model = root / "model"
    vae = make_vae()
    vae.register_to_config(scaling_factor=1.0)
    vae.save_pretrained(str(model / "vae"))
    write_tokenizer(str(model / "tokenizer"))
    return model


def test_a_unet_run_with_the_binding_loss_logs_it(tmp_path):
    import json

    from tools.demoworld.train import train_unet

    model = untrained_unet_stage_folder(tmp_path)
    train_unet.main(["--out", str(model), "--steps", "25", "--batch", "2", "--scenes", "4", "--save-every", "25",
                     "--threads", "1", "--text-pretrain-steps", "0", "--binding-loss", "0.01"])
    with open(tmp_path / "checkpoints" / "unet.log") as f:
        entry = next(e for e in map(json.loads, f) if e.get("step") == 25)
    assert 0 < entry["binding"] < 1


def test_a_unet_run_with_the_object_loss_alone_weights_its_loss_by_the_object_masks(tmp_path, monkeypatch):
    from tools.demoworld.train import train_unet

    model = untrained_unet_stage_folder(tmp_path)
    calls = []

    def recorded(masks, strength):
        calls.append((masks.shape, strength))
        return object_weights(masks, strength)

    monkeypatch.setattr(train_unet, "object_weights", recorded)
    train_unet.main(["--out", str(model), "--steps", "3", "--batch", "2", "--scenes", "4", "--save-every", "3",
                     "--threads", "1", "--text-pretrain-steps", "0", "--binding-loss", "0", "--object-loss", "2"])
    assert calls == [((2, 3, 32, 32), 2.0)] * 3
    assert (model / "unet" / "config.json").exists()


def test_the_binding_measurement_reads_the_shipped_model(capsys):
    import os
    import re

    from tools.demoworld.train.attention_binding import main

    model = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Models", "demo-world")
    main(["--model", model, "--scenes", "4", "--timesteps", "100", "900", "--threads", "1"])
    losses = [float(x) for x in re.findall(r"binding loss ([0-9.]+)", capsys.readouterr().out)]
    assert len(losses) == 2 and all(0 < x < 1 for x in losses)


def test_the_evaluation_reports_every_target_and_the_checker_ceiling_on_the_shipped_model(tmp_path):
    import json
    import os

    from tools.demoworld.train.evaluate import TARGETS, main

    model = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Models", "demo-world")
    out = tmp_path / "eval.json"
    main(["--model", model, "--count", "2", "--batch", "2", "--steps", "2", "--threads", "1", "--json", str(out)])
    figures = json.loads(out.read_text())
    assert figures["cfg"] == 5.0 and figures["count"] == 2
    assert set(TARGETS) <= set(figures)
    assert figures["vae_psnr"] > 30 and 0 <= figures["t2i_checker_rate"] <= 1
    # Both held-out scenes survive the VAE well enough for the checker.
    assert figures["checker_on_vae_reconstructions"] == 1.0
