#!/usr/bin/env bash
# The whole test suite: installs what is missing, runs the demo-world Python tests, validates the
# Kubernetes manifests, builds, runs the web editor's browser test and the HTTP API's fuzz test
# against the built services, then every Swift test (serially, so that swift test prints its own
# closing summary last).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -x .venv-test/bin/python ]; then
  /usr/bin/python3 -m venv .venv-test
fi
.venv-test/bin/pip install -q -r tools/requirements.txt -r Tests/Browser/requirements.txt -r Tests/HTTPFuzz/requirements.txt
.venv-test/bin/python -m pytest -q tools/demoworld/tests
bash Compose/kubernetes/validate.sh
swift build --build-tests
.venv-test/bin/python -m pytest -q Tests/Browser
.venv-test/bin/python -m pytest -q Tests/HTTPFuzz
swift test --skip-build --disable-swift-testing "$@"
