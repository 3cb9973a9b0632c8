#!/usr/bin/env bash
# Validates the manifests offline; nothing is fetched from a cluster, and no key is kept.
#   Compose/kubernetes/validate.sh [PYTHON]       (default: .venv-test/bin/python)
# 1. make-curve-secrets.sh makes throwaway CURVE keys and their Secrets in a temporary folder, as an
#    operator would make the real ones (the real curve-secrets.yaml, if any, is left alone).
# 2. Every manifest, those Secrets included, is checked against Kubernetes' own OpenAPI schemas
#    (kubernetes-validate from PyPI carries them), strictly: unknown fields are errors.
# 3. check_curve.py checks the CURVE wiring: every Deployment mounts its role's Secret (read-only,
#    init container only), the gateway gets its key pair and allow-list, each worker its key pair
#    and the gateway's public key; the keys match; a real CURVE handshake lets each role in and
#    refuses a stranger.
# 4. No key material is tracked by git.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${1:-.venv-test/bin/python}
"$python" -m pip install -q kubernetes-validate==1.37.0 pyyaml==6.0.3 pyzmq==27.3.0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The pyzmq route, whether or not a luciddrag is on PATH, so that CI checks one thing every time.
LUCIDDRAG= bash Compose/kubernetes/make-curve-secrets.sh --python "$python" \
  --keys "$scratch/keys" --out "$scratch/curve-secrets.yaml"
manifests=()
for file in Compose/kubernetes/*.yaml; do
  case ${file##*/} in kustomization.yaml|curve-secrets.yaml) ;; *) manifests+=("$file") ;; esac
done
"$python" -m kubernetes_validate --strict "${manifests[@]}" "$scratch/curve-secrets.yaml"
"$python" Compose/kubernetes/check_curve.py "$scratch/curve-secrets.yaml"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  tracked=$(git ls-files -- '*.key_secret' Compose/kubernetes/curve-secrets.yaml Compose/kubernetes/curve-keys)
  if [ -n "$tracked" ]; then echo "key material is tracked by git: $tracked" >&2; exit 1; fi
  echo "no key material tracked by git"
fi
