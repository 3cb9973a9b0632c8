#!/usr/bin/env bash
# Creates .venv-ref (ignored by git) with the PyTorch reference: engine fixtures, the engine
# benchmark's twin, demo-model training. Not needed to build, run or test the Swift services.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv-ref/bin/python ] || python3 -m venv .venv-ref
.venv-ref/bin/pip install -q -r tools/requirements-reference.txt
echo "reference ready: .venv-ref/bin/python"
