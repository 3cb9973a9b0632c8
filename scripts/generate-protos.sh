#!/usr/bin/env bash
# Regenerates Shared/LucidProto/*.pb.swift from Shared/Protos with Debian's protoc and the
# protoc-gen-swift plugin built from the same swift-protobuf version the package depends on.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=1.39.0
cache=${LUCID_TOOLS_CACHE:-$root/.build-tools}
plugin=$cache/swift-protobuf-$version/.build/release/protoc-gen-swift
command -v protoc >/dev/null || { echo "protoc missing: run scripts/setup.sh" >&2; exit 1; }
if [ ! -x "$plugin" ]; then
  mkdir -p "$cache"
  [ -d "$cache/swift-protobuf-$version" ] ||
    git clone -q --depth 1 --branch "$version" https://github.com/apple/swift-protobuf "$cache/swift-protobuf-$version"
  swift build -c release --product protoc-gen-swift --package-path "$cache/swift-protobuf-$version"
fi
out=$root/Shared/LucidProto
mkdir -p "$out"
rm -f "$out"/*.pb.swift
protoc --plugin=protoc-gen-swift="$plugin" \
  --swift_out="$out" --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
  -I "$root/Shared/Protos" $(cd "$root/Shared/Protos" && find lucid -name '*.proto' | sort)
echo "generated: $(ls "$out"/*.pb.swift | wc -l) files in $out"
