#!/usr/bin/env bash
# Regenerates the protobuf-c code of the C client fixture (Tests/Fixtures/c-client/generated) from
# Shared/Protos with Debian's protoc-c. The generated files are committed; run this after a .proto change.
# Only the files the C client uses: Debian's protoc-c does not support proto3 `optional`, which
# sampler.proto (and so gateway.proto) uses for switches that may be set to 0.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v protoc-c >/dev/null || { echo "protoc-c missing: run scripts/setup.sh" >&2; exit 1; }
out=$root/Tests/Fixtures/c-client/generated
rm -rf "$out"
mkdir -p "$out"
protoc-c --c_out="$out" -I "$root/Shared/Protos" lucid/v1/common.proto lucid/v1/rpc.proto lucid/v1/health.proto
echo "generated: $(find "$out" -name '*.pb-c.c' | wc -l) files in $out"
