"""Training scripts for the demo world's small Stable-Diffusion-1.x-shaped model (issue 4).

    tokenizer            -- BPE tokenizer (vocab.json + merges.txt) learned from the scene vocabulary
    train_vae            -- AutoencoderKL (×8 downsampling) on rendered scenes; measures the scaling factor
    train_unet           -- UNet2DConditionModel + CLIP text model, trained jointly on (latent, caption)
    artifacts            -- drag-edit artefacts (smear, duplicate, tear, hole, blur, warp) for fake images
    discriminator        -- the noise-aware latent discriminator D(z_t, t) (method.md §3)
    train_discriminator  -- trains it on clean vs. artefact latents
    assemble             -- writes the diffusers folder (model_index.json, scheduler/, …, discriminator/)

Every script is seeded, checkpoints every ``--save-every`` steps (atomically) and resumes with ``--resume``.
Weights are written under the chosen ``--out`` folder and are never committed by these scripts.
"""
