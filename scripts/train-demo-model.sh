#!/usr/bin/env bash
# Train the demo-world model from scratch: tokenizer, VAE, discriminator, UNet + text encoder, then the
# diffusers folder (fp16). Resumable: run it again after an interruption and every stage continues from
# its last checkpoint (finished stages are skipped).
#
#   ./scripts/train-demo-model.sh [OUT]        # default OUT=out/train; the model lands in OUT/model
#
# PYTHON selects the interpreter (default .venv-ref/bin/python, made by scripts/setup-reference.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-out/train}
M=$OUT/model
PY=(nice -n 19 "${PYTHON:-.venv-ref/bin/python}")
mkdir -p "$OUT"
stage() { echo "== $(date -u +%H:%M:%S) $*" | tee -a "$OUT/stages.log"; }

stage tokenizer
"${PY[@]}" -m tools.demoworld.train.tokenizer --out "$M/tokenizer"
[[ -f $M/vae/config.json ]] || { stage vae; "${PY[@]}" -m tools.demoworld.train.train_vae --out "$M" --cache "$OUT/cache" --resume; }
[[ -f $M/discriminator/config.json ]] || { stage discriminator; "${PY[@]}" -m tools.demoworld.train.train_discriminator --out "$M" --cache "$OUT/cache" --resume; }
[[ -f $M/unet/config.json ]] || { stage unet; "${PY[@]}" -m tools.demoworld.train.train_unet --out "$M" --cache "$OUT/cache" --resume; }
stage assemble
"${PY[@]}" -m tools.demoworld.train.assemble --out "$M" --fp16
stage done
