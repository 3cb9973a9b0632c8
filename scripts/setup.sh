#!/usr/bin/env bash
# Installs the system packages LucidDrag needs to build and test (Debian 12). Idempotent.
set -euo pipefail
packages=(
  libzmq3-dev            # the bus
  protobuf-compiler      # regenerating the Swift contract (scripts/generate-protos.sh)
  libprotobuf-c-dev      # the C client of the language-neutral test
  protobuf-c-compiler
  libopenblas-dev        # the tensor engine
  libpng-dev libjpeg-dev # image I/O
  pkg-config
  python3-zmq python3-protobuf  # the example external reasoner worker
  python3-venv           # the demo-world tests run in .venv-test
  chromium               # the web editor's browser test (Playwright drives it; no browser is downloaded)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq -o=Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
fi
