#!/usr/bin/env bash
# Makes the CURVE keys of the Kubernetes deployment and the Secrets that carry them into the pods:
#   luciddrag-curve-gateway        gateway.key_secret (the broker's key pair) and allowed (the
#                                  public keys its tcp:// bus lets in: one per worker role, then CLIENTs)
#   luciddrag-curve-<role>         <role>.key_secret and gateway.key (the broker's public key), for
#                                  each worker role: reasoner, sampler, discriminator
# One key pair per role: every replica of a role shares it (the samplers' 2 or N pods alike), and
# dropping a role's key from the allow-list shuts out that role only.
#
#   Compose/kubernetes/make-curve-secrets.sh [--keys DIR] [--out FILE|-] [--python PYTHON] [--rotate] [CLIENT...]
#
# --keys DIR     the key files, kept for later runs (default: Compose/kubernetes/curve-keys/)
# --out FILE     the Secret manifests (default: Compose/kubernetes/curve-secrets.yaml, which
#                kustomization.yaml lists); - prints them instead
# --python PY    the Python with pyzmq that makes keys when no `luciddrag` is on PATH (default: python3)
# --rotate       new key pairs for every role and CLIENT, instead of reusing those in --keys
# CLIENT...      more allow-listed key pairs, e.g. `laptop` for `luciddrag health --bus tcp://…` through
#                a port-forward: use DIR/laptop.key_secret with --curve-server-key DIR/gateway.key.
#                The allow-list holds the CLIENTs of this run only: name them again on every run.
#
# The default key folder and Secrets file are git-ignored: never commit them. Then apply with
# `kubectl apply -k Compose/kubernetes`; after --rotate, also restart the pods, which read their
# keys at start: kubectl rollout restart deployment -l app.kubernetes.io/part-of=luciddrag
# Key pairs come from `luciddrag keys generate` (set LUCIDDRAG to its path when it is not on PATH;
# LUCIDDRAG= forces pyzmq), else from pyzmq's zmq.curve_keypair (libzmq's), in the same file format.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
keys=$here/curve-keys
out=$here/curve-secrets.yaml
python=python3
rotate=false
clients=()
while [ $# -gt 0 ]; do
  case $1 in
    --keys) keys=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    --rotate) rotate=true; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) clients+=("$1"); shift ;;
  esac
done
workers=(reasoner sampler discriminator)
for client in ${clients[@]+"${clients[@]}"}; do
  if [[ ! $client =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]]; then
    echo "CLIENT must be letters, digits, - and _ only, got '$client'" >&2; exit 2
  fi
  case " gateway ${workers[*]} " in *" $client "*) echo "CLIENT $client is a role's name" >&2; exit 2 ;; esac
done

luciddrag=${LUCIDDRAG-$(command -v luciddrag || true)}
generator=${luciddrag:-pyzmq}
if [ -z "$luciddrag" ] && ! "$python" -c 'import zmq' 2>/dev/null; then
  echo "no luciddrag on PATH (or LUCIDDRAG) and no pyzmq in $python: build luciddrag, or pip install pyzmq" >&2
  exit 1
fi
# Writes DIR/NAME.key_secret (mode 600) and DIR/NAME.key, as `luciddrag keys generate` does.
generate() {
  rm -f "$2/$1.key_secret" "$2/$1.key"
  if [ -n "$luciddrag" ]; then
    "$luciddrag" keys generate "$1" --out "$2" >/dev/null
  else
    "$python" - "$1" "$2" <<'PY'
import os, sys
import zmq
name, folder = sys.argv[1:]
if not zmq.has("curve"):
    sys.exit("this pyzmq's libzmq has no CURVE")
public, secret = (key.decode("ascii") for key in zmq.curve_keypair())
def write(path, text, mode):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
write(os.path.join(folder, name + ".key_secret"),
      f'# LucidDrag CURVE key pair: keep this file secret\npublic-key = "{public}"\nsecret-key = "{secret}"\n', 0o600)
write(os.path.join(folder, name + ".key"), f'# LucidDrag CURVE public key\npublic-key = "{public}"\n', 0o644)
PY
  fi
}

umask 077
mkdir -p "$keys"
chmod 700 "$keys"
made=()
for name in gateway "${workers[@]}" ${clients[@]+"${clients[@]}"}; do
  if $rotate || [ ! -s "$keys/$name.key_secret" ] || [ ! -s "$keys/$name.key" ]; then
    generate "$name" "$keys"
    made+=("$name")
  fi
done
# The gateway's allow-list: every worker role's public key, then the clients'.
for name in "${workers[@]}" ${clients[@]+"${clients[@]}"}; do cat "$keys/$name.key"; done >"$keys/allowed"

b64() { base64 <"$1" | tr -d '\n'; }
# One Secret: NAME ROLE FILE... (files of the key folder, each under its own name).
secret() {
  local name=$1 role=$2 file
  shift 2
  printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  labels:\n' "$name"
  printf '    app.kubernetes.io/name: luciddrag-%s\n    app.kubernetes.io/part-of: luciddrag\n' "$role"
  printf 'type: Opaque\ndata:\n'
  for file in "$@"; do printf '  %s: %s\n' "$file" "$(b64 "$keys/$file")"; done
}
render() {
  echo "# CURVE keys of LucidDrag's bus, made by Compose/kubernetes/make-curve-secrets.sh: secret, never commit."
  secret luciddrag-curve-gateway gateway gateway.key_secret allowed
  for role in "${workers[@]}"; do secret "luciddrag-curve-$role" "$role" "$role.key_secret" gateway.key; done
}
if [ "$out" = - ]; then
  render
else
  render >"$out.tmp"
  mv "$out.tmp" "$out"
fi
{
  if [ ${#made[@]} -gt 0 ]; then echo "new key pairs (${generator##*/}): ${made[*]}"; else echo "key pairs reused: none new"; fi
  echo "keys in $keys; allow-list: ${workers[*]}${clients[*]+ ${clients[*]}}"
  [ "$out" = - ] || echo "Secrets in $out (mode 600)"
  [ "$out" != "$here/curve-secrets.yaml" ] || echo "apply with: kubectl apply -k Compose/kubernetes"
} >&2
