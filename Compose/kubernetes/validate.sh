#!/usr/bin/env bash
# Validates the manifests offline against Kubernetes' own OpenAPI schemas (kubernetes-validate from
# PyPI carries them; nothing is fetched from a cluster), strictly: unknown fields are errors.
#   Compose/kubernetes/validate.sh [PYTHON]       (default: .venv-test/bin/python)
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${1:-.venv-test/bin/python}
"$python" -m pip install -q kubernetes-validate==1.37.0
"$python" -m kubernetes_validate --strict Compose/kubernetes/{gateway,reasoner,sampler,discriminator,network-policy}.yaml
