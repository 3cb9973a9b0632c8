#!/usr/bin/env bash
# Builds LucidDrag (release) and runs its services as supervised processes on this host over ipc://.
# Stop with Ctrl-C (supervisord sends SIGTERM to each service, the gateway last).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
command -v supervisord >/dev/null || { echo "supervisord missing: apt-get install supervisor" >&2; exit 1; }
swift build -c release
export LUCID_BIN=$(swift build -c release --show-bin-path)
export LUCID_RUN=${LUCID_RUN:-${XDG_RUNTIME_DIR:-/tmp}/luciddrag-$(id -u)}
mkdir -p "$LUCID_RUN"
chmod 700 "$LUCID_RUN"
echo "bus: ipc://$LUCID_RUN/bus.sock  (try: $LUCID_BIN/luciddrag health --bus ipc://$LUCID_RUN/bus.sock)"
exec supervisord -c "$root/Compose/supervisord/luciddrag.conf"
