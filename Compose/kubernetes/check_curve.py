"""Checks the CURVE wiring of the Kubernetes manifests, offline (validate.sh runs it).

    check_curve.py SECRETS_YAML     (Secrets made by make-curve-secrets.sh, e.g. throwaway ones)

The manifests: kustomization.yaml lists every manifest of this folder and the generated Secrets file,
and no committed manifest holds a Secret or key text. Each Deployment (gateway and the three worker
roles) mounts its own Secret, luciddrag-curve-<role>, read-only with no bits for others, in its init
container only; that copies the key pair (mode 0400) and the public file into a memory-backed
emptyDir, which the service container mounts read-only and names in its CURVE settings: the gateway
its key pair and allow-list as flags (its readiness probe asks over ipc://, with no client keys),
each worker its key pair and the gateway's public key as LUCID_CURVE_* paths, with a tcp:// bus.
The Secrets: every key pair is well-formed Z85 and its secret key gives its public key, each worker
has the gateway's public key, the allow-list holds every worker role's public key and not the
gateway's. Then a real CURVE handshake (libzmq through pyzmq, with a ZAP handler as the broker has):
each worker role's keys get in, a stranger's do not.
"""
import base64
import pathlib
import re
import sys
import threading

import yaml
import zmq
from zmq.utils import z85

HERE = pathlib.Path(__file__).resolve().parent
GENERATED = "curve-secrets.yaml"
WORKERS = ["reasoner", "sampler", "discriminator"]
ROLES = ["gateway"] + WORKERS
# What each role's Secret holds, and which of its files are the key pair and the public one.
EXPECTED = {"gateway": ("gateway.key_secret", "allowed")}
EXPECTED.update({role: (f"{role}.key_secret", "gateway.key") for role in WORKERS})

failures = []
passed = 0


def check(condition, what):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(what)
        print(f"FAIL {what}")
    return bool(condition)


def key_fields(text):
    """name = "value" lines by name and bare values under "" (CurveKeys.swift's rules)."""
    fields = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if '"' in line and "=" in line[: line.index('"')]:
            open_quote = line.index('"')
            name = line[: line[:open_quote].rindex("=")].strip()
            fields.setdefault(name, []).append(line[open_quote:].strip('"'))
        else:
            fields.setdefault("", []).append(line)
    return fields


def is_key(key):
    try:
        return len(key) == 40 and len(z85.decode(key.encode("ascii"))) == 32
    except Exception:
        return False


def strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif isinstance(node, str):
        yield node


def flag(args, name):
    """The value of --name VALUE or --name=VALUE in args, else None."""
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg[len(name) + 1 :]
    return None


def check_manifests():
    kustomization = yaml.safe_load((HERE / "kustomization.yaml").read_text())
    manifests = sorted(p.name for p in HERE.glob("*.yaml") if p.name not in ("kustomization.yaml", GENERATED))
    resources = kustomization.get("resources", [])
    check(sorted(r for r in resources if r != GENERATED) == manifests,
          f"kustomization.yaml lists every manifest of the folder ({', '.join(manifests)}), got {resources}")
    check(GENERATED in resources, f"kustomization.yaml lists the generated {GENERATED}")
    check("secretGenerator" not in kustomization, "kustomization.yaml takes its Secrets from the generated file only")

    deployments = {}
    for name in manifests:
        for doc in yaml.safe_load_all((HERE / name).read_text()):
            if not doc:
                continue
            check(doc.get("kind") != "Secret", f"{name}: holds no Secret (Secrets are generated, never committed)")
            check(not any(re.search(r"(public|secret)-key\s*=", text) for text in strings(doc)),
                  f"{name}: holds no key-file text")
            if doc.get("kind") == "Deployment":
                deployments[doc["metadata"]["name"]] = (name, doc)
    check(sorted(deployments) == sorted(f"luciddrag-{role}" for role in ROLES),
          f"the Deployments are the four roles', got {sorted(deployments)}")
    for role in ROLES:
        if f"luciddrag-{role}" in deployments:
            check_deployment(role, *deployments[f"luciddrag-{role}"])


def check_deployment(role, file, doc):
    where = f"{file} ({role})"
    pod = doc["spec"]["template"]["spec"]
    security = pod.get("securityContext", {})
    check(security.get("runAsNonRoot") is True and isinstance(security.get("runAsUser"), int),
          f"{where}: runs as a fixed non-root user")
    check(security.get("fsGroup") is not None, f"{where}: sets fsGroup, so that user can read the Secret's files")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    secrets = [v for v in volumes.values() if "secret" in v]
    if not check(len(secrets) == 1, f"{where}: has one Secret volume, got {len(secrets)}"):
        return
    secret_volume = secrets[0]
    secret = secret_volume["secret"]
    check(secret.get("secretName") == f"luciddrag-curve-{role}",
          f"{where}: mounts the Secret luciddrag-curve-{role}, got {secret.get('secretName')}")
    check(secret.get("optional") is not True, f"{where}: its Secret is not optional")
    for mode in [secret.get("defaultMode", 0o644)] + [i["mode"] for i in secret.get("items", []) if "mode" in i]:
        check(mode & 0o337 == 0, f"{where}: the Secret's files are read-only, for no one else (mode {mode:o})")

    init_containers = pod.get("initContainers", [])
    containers = pod.get("containers", [])
    mounting = [c["name"] for c in init_containers + containers
                if any(m["name"] == secret_volume["name"] for m in c.get("volumeMounts", []))]
    check(mounting and all(name in [c["name"] for c in init_containers] for name in mounting),
          f"{where}: only init containers mount the Secret, got {mounting}")
    key_pair, public = EXPECTED[role]

    # What the init containers copy: {destination path: (mode, file name in the Secret)}.
    copied = {}
    for container in init_containers:
        mounts = {m["name"]: m for m in container.get("volumeMounts", [])}
        secret_mount = mounts.get(secret_volume["name"])
        if secret_mount:
            check(secret_mount.get("readOnly") is True, f"{where}: {container['name']} mounts the Secret read-only")
        script = " ".join(container.get("command", []) + container.get("args", []))
        for mode, source, target in re.findall(r"install -m (\d+) (\S+) (\S+)", script):
            if secret_mount and source.startswith(secret_mount["mountPath"].rstrip("/") + "/"):
                name = source.rsplit("/", 1)[1]
                destination = target.rstrip("/") + "/" + name if target.endswith("/") else target
                copied[destination] = (int(mode, 8), name)
    check(sorted(name for _, name in copied.values()) == sorted([key_pair, public]),
          f"{where}: the init container copies {key_pair} and {public}, got {sorted(copied)}")
    for destination, (mode, name) in copied.items():
        if name == key_pair:
            check(mode & 0o077 == 0, f"{where}: the key pair is copied owner-only (mode {mode:o})")
        destination_volume = next((m["name"] for c in init_containers for m in c.get("volumeMounts", [])
                                   if destination.startswith(m["mountPath"].rstrip("/") + "/")), None)
        check(destination_volume in volumes and volumes[destination_volume].get("emptyDir", {}).get("medium") == "Memory",
              f"{where}: {name} is copied into a memory-backed emptyDir")

    if not check(len(containers) == 1, f"{where}: one service container"):
        return
    container = containers[0]
    mounts = container.get("volumeMounts", [])
    env = {e["name"]: e for e in container.get("env", [])}
    command = container.get("command", []) + container.get("args", [])
    for name, variable in env.items():
        if name.startswith("LUCID_CURVE_"):
            check("value" in variable and variable["value"].startswith("/"),
                  f"{where}: {name} is a file's path, not a key or a secretKeyRef")

    def served(path, what):
        """path is a file the init container copied, in a read-only mount of the service container."""
        if not check(path is not None, f"{where}: sets {what}"):
            return
        check(path in copied, f"{where}: {what} {path} is a file the init container copied")
        mount = next((m for m in mounts if path.startswith(m["mountPath"].rstrip("/") + "/")), None)
        check(mount is not None and mount.get("readOnly") is True, f"{where}: {what} is in a read-only mount")
        if path in copied:
            check(path.rsplit("/", 1)[1] == (key_pair if "key-file" in what or "KEY_FILE" in what else public),
                  f"{where}: {what} names the right file")

    probe = " ".join(container.get("readinessProbe", {}).get("exec", {}).get("command", []))
    if role == "gateway":
        served(flag(command, "--curve-key-file"), "--curve-key-file")
        served(flag(command, "--curve-allow"), "--curve-allow")
        check(not any(name.startswith("LUCID_CURVE_") for name in env),
              f"{where}: no LUCID_CURVE_* variables (its probe would take them as a client's keys)")
        binds = [command[i + 1] for i, arg in enumerate(command[:-1]) if arg == "--bind"]
        check(any(b.startswith("tcp://") for b in binds), f"{where}: the broker binds the tcp:// bus, got {binds}")
        bus = flag(command, "--bus") or env.get("LUCID_BUS", {}).get("value")
        check(bus is None or bus.startswith("ipc://"), f"{where}: --bus is the pod's ipc:// socket, got {bus}")
        check("luciddrag health" in probe and "tcp://" not in probe,
              f"{where}: the readiness probe asks Health over ipc:// ({probe})")
    else:
        check(env.get("LUCID_BUS", {}).get("value", "").startswith("tcp://"), f"{where}: LUCID_BUS is the tcp:// bus")
        served(env.get("LUCID_CURVE_KEY_FILE", {}).get("value"), "LUCID_CURVE_KEY_FILE")
        served(env.get("LUCID_CURVE_SERVER_KEY", {}).get("value"), "LUCID_CURVE_SERVER_KEY")
        check(not any(arg.startswith("--curve") or arg.startswith("--bus") for arg in command),
              f"{where}: no flag overrides the LUCID_* settings")
        check("luciddrag health" in probe and "--curve" not in probe,
              f"{where}: the readiness probe is a CURVE client with the same LUCID_CURVE_* keys")


def check_secrets(path):
    """The generated Secrets; returns {role: {file: text}}."""
    docs = [d for d in yaml.safe_load_all(pathlib.Path(path).read_text()) if d]
    by_name = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "Secret"}
    check(sorted(by_name) == sorted(f"luciddrag-curve-{r}" for r in ROLES) and len(docs) == len(ROLES),
          f"{path}: one Secret per role, got {sorted(by_name)}")
    files = {}
    for role in ROLES:
        doc = by_name.get(f"luciddrag-curve-{role}")
        if not doc:
            continue
        data = {k: base64.b64decode(v).decode("utf-8") for k, v in doc.get("data", {}).items()}
        check(sorted(data) == sorted(EXPECTED[role]), f"{role}'s Secret holds {EXPECTED[role]}, got {sorted(data)}")
        files[role] = data
    publics = {}
    for role, data in files.items():
        key_pair, public = EXPECTED[role]
        fields = key_fields(data.get(key_pair, ""))
        pub, sec = fields.get("public-key", [""])[0], fields.get("secret-key", [""])[0]
        if check(is_key(pub) and is_key(sec), f"{role}'s key pair is two 40-character Z85 keys"):
            check(zmq.curve_public(sec.encode()).decode() == pub, f"{role}'s secret key gives its public key")
            publics[role] = (pub, sec)
        check("secret-key" not in data.get(public, "x"), f"{role}'s {public} holds public keys only")
    if "gateway" not in publics or len(publics) != len(ROLES):
        return None
    check(len({p for p, _ in publics.values()}) == len(ROLES), "every role has its own key pair")
    gateway_public = publics["gateway"][0]
    for role in WORKERS:
        server = key_fields(files[role]["gateway.key"])
        check(server.get("public-key") == [gateway_public], f"{role}'s gateway.key is the gateway's public key")
    allowed = key_fields(files["gateway"]["allowed"])
    allowed = set(allowed.get("public-key", []) + allowed.get("", []))
    check(all(is_key(k) for k in allowed), "the allow-list holds Z85 public keys only")
    check({publics[r][0] for r in WORKERS} <= allowed, "the allow-list holds every worker role's public key")
    check(gateway_public not in allowed, "the allow-list does not hold the gateway's own key")
    return publics, allowed


def check_handshake(publics, allowed):
    """A ROUTER as the broker's (CURVE server, ZAP allow-list) and a DEALER per role, plus a stranger."""
    context = zmq.Context()
    seen = []
    zap = context.socket(zmq.REP)
    zap.bind("inproc://zeromq.zap.01")
    stop = threading.Event()

    def handle():
        poller = zmq.Poller()
        poller.register(zap, zmq.POLLIN)
        while not stop.is_set():
            if not poller.poll(50):
                continue
            version, request_id, _domain, _address, _identity, mechanism, *credentials = zap.recv_multipart()
            key = z85.encode(credentials[0]).decode() if mechanism == b"CURVE" and credentials else ""
            seen.append(key)
            ok = key in allowed
            zap.send_multipart([version, request_id, b"200" if ok else b"400", b"OK" if ok else b"not allowed", b"", b""])

    thread = threading.Thread(target=handle, daemon=True)
    thread.start()
    server = context.socket(zmq.ROUTER)
    server.curve_server = True
    server.curve_publickey, server.curve_secretkey = (k.encode() for k in publics["gateway"])
    server.zap_domain = b"luciddrag"
    port = server.bind_to_random_port("tcp://127.0.0.1")

    def reaches(public, secret):
        client = context.socket(zmq.DEALER)
        client.linger = 0
        client.curve_serverkey = publics["gateway"][0].encode()
        client.curve_publickey, client.curve_secretkey = public.encode(), secret.encode()
        client.connect(f"tcp://127.0.0.1:{port}")
        client.send(b"ping")
        got = server.poll(2000)
        if got:
            server.recv_multipart()
        client.close()
        return bool(got)

    try:
        for role in WORKERS:
            check(reaches(*publics[role]), f"CURVE: the {role}'s keys get through the gateway's allow-list")
        stranger = tuple(k.decode() for k in zmq.curve_keypair())
        check(not reaches(*stranger), "CURVE: a key pair not on the allow-list is refused")
        check(stranger[0] in seen, "CURVE: the refusal came from the allow-list (ZAP), not a timeout alone")
    finally:
        stop.set()
        thread.join()
        server.close(0)
        zap.close(0)
        context.term()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    check_manifests()
    result = check_secrets(sys.argv[1])
    if result:
        check_handshake(*result)
    if failures:
        print(f"check_curve: {len(failures)} of {passed + len(failures)} checks failed")
        sys.exit(1)
    print(f"check_curve: all {passed} checks of the CURVE wiring hold")


if __name__ == "__main__":
    main()
