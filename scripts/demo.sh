#!/usr/bin/env bash
# The main job: installs what is missing, builds the `luciddrag` CLI and runs its demo (every service
# started embedded in one process, one dev-set drag edited three ways, the contact sheet written).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product luciddrag
exec "$(swift build --show-bin-path)/luciddrag" demo "$@"
