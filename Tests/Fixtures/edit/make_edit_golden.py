"""Golden tensors of one short collaborative-guidance drag edit, computed by the PyTorch twin.

    .venv-ref/bin/python Tests/Fixtures/edit/make_edit_golden.py     # writes golden.safetensors beside this file

The edit is Benchmarks/reference/edit_reference.py (its docstring is the spec) on dev task
Benchmarks/data/drag-dev/task-0032 with the shipped demo model (Models/demo-world), float32, 2 threads,
source prompt = the caption, target prompt = acceptable[0].caption_after, and the short schedule OPTIONS
below (every guidance term, the memory bank, the regional SDE and one time-travel redo all run).
Regenerate whenever the model, the dev set or the spec changes.

golden.safetensors (float32):
- image [1, 3, 128, 128] in [-1, 1]; mask [128, 128] (1 = editable); pairs [K, 4] (hx, hy, gx, gy) in pixels;
  source_utf8, target_utf8: the prompts' UTF-8 bytes.
- One tensor per option, named as SamplingOptions' fields: 1 element each, except feature_blocks [2]
  and time_travel_steps [1]; time_travel is 1.0 (on).
- noises [N, 1, 4, 32, 32]: torch.randn of torch.Generator().manual_seed(1234), in the order the edit
  draws them (regional-SDE ξ at steps 3, 4, 5, then the time-travel ξ' before step 6 is redone).
- z0 (scaled VAE posterior mean), inverted (z_T of the inversion), start (after the patch copy),
  final_latent [1, 4, 32, 32].
- The energies at the first guidance step (step 0): energy_latent (its z), energy_timestep [1],
  energy_edit, energy_content [1] (λ·E), energy_edit_grad, energy_content_grad [1, 4, 32, 32] (∇_z of each).
"""

import json
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "Benchmarks" / "reference"))
from edit_reference import MODEL, edit, load_task  # noqa: E402

TASK = ROOT / "Benchmarks" / "data" / "drag-dev" / "task-0032"
NOISE_SEED = 1234
OPTIONS = dict(
    steps=10, guidance_scale=4.0, edit_weight=4.0, content_weight=6.0, inpaint_weight=0.2, energy_scale=2000.0,
    step_factor=0.04, semantic_weight=1.5, quality_weight=0.05, guidance_steps=8, dense_guidance_steps=4, semantic_steps=5,
    memory_bank_from=2, sde_eta=0.4, sde_from=3, sde_to=5, time_travel=True, time_travel_steps=[6],
    time_travel_repeats=1, window=3, feature_blocks=[1, 2], feature_stride=4,
)


def main():
    torch.set_num_threads(2)
    image, mask, pairs, task = load_task(TASK)
    source = task["caption"]
    target = task["acceptable"][0]["caption_after"]

    generator = torch.Generator().manual_seed(NOISE_SEED)
    noises = []

    def noise_source(shape):
        noises.append(torch.randn(shape, generator=generator))
        return noises[-1]

    result = edit(MODEL, image, mask, pairs, source, target, OPTIONS, noise_source)
    energy = result["energy"]
    out = dict(
        image=image, mask=torch.from_numpy(mask).float(), pairs=torch.tensor(pairs, dtype=torch.float64),
        source_utf8=torch.tensor(list(source.encode())), target_utf8=torch.tensor(list(target.encode())),
        noises=torch.stack(noises), z0=result["z0"], inverted=result["inverted"], start=result["start"],
        final_latent=result["final_latent"],
        energy_latent=energy["latent"], energy_timestep=torch.tensor([energy["timestep"]]),
        energy_edit=energy["edit"].reshape(1), energy_content=energy["content"].reshape(1),
        energy_edit_grad=energy["edit_grad"], energy_content_grad=energy["content_grad"],
    )
    for name, value in OPTIONS.items():
        out[name] = torch.tensor([float(v) for v in value] if isinstance(value, list) else [float(value)])
    path = HERE / "golden.safetensors"
    save_file({k: v.detach().float().contiguous() for k, v in out.items()}, str(path))
    print(f"wrote {path} ({path.stat().st_size} bytes): {len(noises)} noises, "
          f"source {source!r}, target {target!r}, seconds {json.dumps(result['seconds'])}")


if __name__ == "__main__":
    main()
