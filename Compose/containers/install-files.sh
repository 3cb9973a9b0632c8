#!/usr/bin/env bash
# Copies what the runtime image holds from a release build into PREFIX: the executables and their
# resource bundles (the reasoner's prompts, the HTTP API's OpenAPI document and web editor) into
# PREFIX/bin, and the shipped demo model into PREFIX/share/luciddrag/demo-world.
# Used by the Dockerfile's build stage and by check-runtime.sh, so that both install the same files.
#   Compose/containers/install-files.sh BIN_DIR PREFIX        (run from the repository root)
set -euo pipefail
bin=$1
prefix=$2
mkdir -p "$prefix/bin" "$prefix/share/luciddrag"
for executable in luciddrag luciddrag-gateway luciddrag-reasoner luciddrag-sampler luciddrag-discriminator; do
  cp "$bin/$executable" "$prefix/bin/"
done
# Bundle.module finds a target's resources in <package>_<target>.resources beside the executable.
for bundle in "$bin"/*.resources; do
  rm -rf "$prefix/bin/$(basename "$bundle")"
  cp -R "$bundle" "$prefix/bin/"
done
rm -rf "$prefix/share/luciddrag/demo-world"
cp -R Models/demo-world "$prefix/share/luciddrag/demo-world"
