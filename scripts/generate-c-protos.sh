#!/usr/bin/env bash
# Regenerates the protobuf-c code of the C client fixture (Tests/Fixtures/c-client/generated) from
# Shared/Protos with Debian's protoc-c. The generated files are committed; run this after a .proto change.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v protoc-c >/dev/null || { echo "protoc-c missing: run scripts/setup.sh" >&2; exit 1; }
out=$root/Tests/Fixtures/c-client/generated
rm -rf "$out"
mkdir -p "$out"
protoc-c --c_out="$out" -I "$root/Shared/Protos" \
  $(cd "$root/Shared/Protos" && find lucid -name '*.proto' | sort)
echo "generated: $(find "$out" -name '*.pb-c.c' | wc -l) files in $out"
