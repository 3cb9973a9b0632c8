#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test (serially, so that
# swift test prints its own closing summary).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
