#!/usr/bin/env bash
# Regenerates the Python protobuf modules of the contract with Debian's protoc (3.21, matching Debian's
# python3-protobuf). Run from anywhere; writes generated/lucid/v1/*_pb2.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
protos="$here/../../Shared/Protos"
rm -rf "$here/generated"
mkdir -p "$here/generated"
protoc -I "$protos" --python_out="$here/generated" \
  "$protos/lucid/v1/common.proto" "$protos/lucid/v1/health.proto" \
  "$protos/lucid/v1/reasoner.proto" "$protos/lucid/v1/rpc.proto"
