#!/usr/bin/env bash
# Checks, without a Docker engine, that the runtime image of Compose/containers/Dockerfile runs every
# LucidDrag executable. It builds what the build stage builds (a release build with the Swift standard
# library linked in), makes the runtime stage's file system in a folder (debootstrap of Debian 12
# minbase, which debian:bookworm-slim is, plus the Dockerfile's RUNTIME_PACKAGES), installs the same
# files with install-files.sh, and then, in a chroot, as the image's unprivileged user:
#   1. ldd of every executable finds every library;
#   2. every executable answers --version;
#   3. gateway (with --http), reasoner, sampler and discriminator serve over tcp:// as compose.yaml
#      runs them, the image's health check passes for each, the web editor and /metrics answer,
#      and an edit posted to the HTTP API finishes with two images.
# What it does not check: Docker itself (layers, USER, HEALTHCHECK timing, compose networking).
# Needs root (debootstrap, chroot, mounts) and Debian's mirror. From the repository root:
#   sudo Compose/containers/check-runtime.sh [ROOTFS]        (default ROOTFS: .build-rootfs)
set -euo pipefail
cd "$(dirname "$0")/../.."
rootfs=$(realpath -m "${1:-.build-rootfs}")
scratch=.build-release
bus_port=15555
http_port=18080

echo "== release build (as the Dockerfile's build stage)"
# Linking Foundation's networking statically needs libcurl's development files (the Swift image has them).
dpkg-query -W -f='${Status}' libcurl4-openssl-dev 2>/dev/null | grep -q "install ok installed" \
  || apt-get install -y -qq --no-install-recommends libcurl4-openssl-dev
for product in luciddrag luciddrag-gateway luciddrag-reasoner luciddrag-sampler luciddrag-discriminator; do
  swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product "$product"
done
bin=$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)

packages=$(sed -n 's/^ARG RUNTIME_PACKAGES="\(.*\)"$/\1/p' Compose/containers/Dockerfile)
[ -n "$packages" ] || { echo "no ARG RUNTIME_PACKAGES in the Dockerfile" >&2; exit 1; }
if [ ! -x "$rootfs/usr/bin/apt-get" ]; then
  echo "== debootstrap Debian 12 minbase into $rootfs"
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
fi

mounted=()
stop() {
  pkill -f "^/usr/local/bin/luciddrag" 2>/dev/null || true
  sleep 1
  for point in "${mounted[@]}"; do umount "$point" 2>/dev/null || umount -l "$point" || true; done
}
trap stop EXIT
for point in proc dev; do
  mount --bind "/$point" "$rootfs/$point"
  mounted+=("$rootfs/$point")
done
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"

echo "== runtime packages: $packages"
chroot "$rootfs" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null"
chroot "$rootfs" sh -c 'id lucid >/dev/null 2>&1 || useradd --system --create-home --uid 10001 lucid'
bash Compose/containers/install-files.sh "$bin" "$rootfs/usr/local"

as_lucid() { chroot --userspec=10001:10001 "$rootfs" env HOME=/home/lucid LUCID_LOG_LEVEL=info \
  LUCID_MODEL=/usr/local/share/luciddrag/demo-world "$@"; }

echo "== 1. ldd"
for executable in luciddrag luciddrag-gateway luciddrag-reasoner luciddrag-sampler luciddrag-discriminator; do
  missing=$(chroot "$rootfs" ldd "/usr/local/bin/$executable" | grep "not found" || true)
  [ -z "$missing" ] || { echo "$executable lacks: $missing" >&2; exit 1; }
  echo "$executable: $(chroot "$rootfs" ldd "/usr/local/bin/$executable" | awk '{print $1}' | tr '\n' ' ')"
done

echo "== 2. --version"
for executable in luciddrag luciddrag-gateway luciddrag-reasoner luciddrag-sampler luciddrag-discriminator; do
  version=$(as_lucid "/usr/local/bin/$executable" --version)
  echo "$executable $version"
done

echo "== 3. the services over tcp://, as compose.yaml runs them"
logs=$(mktemp -d)
as_lucid /usr/local/bin/luciddrag-gateway --bus "tcp://0.0.0.0:$bus_port" --http "127.0.0.1:$http_port" >"$logs/gateway.log" 2>&1 &
sleep 1
for service in reasoner sampler discriminator; do
  as_lucid env LUCID_BUS="tcp://127.0.0.1:$bus_port" "/usr/local/bin/luciddrag-$service" >"$logs/$service.log" 2>&1 &
done
for attempt in $(seq 60); do
  if as_lucid /usr/local/bin/luciddrag health --bus "tcp://127.0.0.1:$bus_port" --timeout-ms 2000 >/dev/null 2>&1; then break; fi
  [ "$attempt" -lt 60 ] || { tail -n 20 "$logs"/*.log; echo "the services did not all serve" >&2; exit 1; }
  sleep 1
done
for service in gateway reasoner sampler discriminator; do  # the image's HEALTHCHECK, per container
  as_lucid sh -c "luciddrag health --bus tcp://127.0.0.1:$bus_port --service $service --timeout-ms 3000" >/dev/null
  echo "health check of $service: passed"
done
python3 Compose/containers/check_http.py "http://127.0.0.1:$http_port" Benchmarks/data/drag-dev/task-0032
echo "== the runtime image runs every executable (logs: $logs)"
