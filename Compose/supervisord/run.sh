#!/usr/bin/env bash
# Builds LucidDrag (release) and runs its services as supervised processes on this host over ipc://,
# with the HTTP API and the web editor on LUCID_HTTP (default 127.0.0.1:8080).
# Stop with Ctrl-C (supervisord sends SIGTERM to each service, the gateway last).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
command -v supervisord >/dev/null || { echo "supervisord missing: apt-get install supervisor" >&2; exit 1; }
for product in luciddrag luciddrag-gateway luciddrag-reasoner luciddrag-sampler luciddrag-discriminator; do
  swift build -c release --product "$product"
done
export LUCID_BIN=$(swift build -c release --show-bin-path)
export LUCID_RUN=${LUCID_RUN:-${XDG_RUNTIME_DIR:-/tmp}/luciddrag-$(id -u)}
export LUCID_HTTP=${LUCID_HTTP:-127.0.0.1:8080}
mkdir -p "$LUCID_RUN"
chmod 700 "$LUCID_RUN"
echo "bus: ipc://$LUCID_RUN/bus.sock  (try: $LUCID_BIN/luciddrag health --bus ipc://$LUCID_RUN/bus.sock)"
echo "web editor: http://$LUCID_HTTP/"
exec supervisord -c "$root/Compose/supervisord/luciddrag.conf"
