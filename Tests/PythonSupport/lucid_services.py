"""The four LucidDrag services as real processes, for the Python tests of the HTTP API.

The gateway (with the HTTP API), the built-in reasoner, one demo-model sampler and the discriminator
run as separate processes over ipc:// from the Swift build (`swift build` first; LUCID_BIN overrides
where the executables are). Logs go to the caller's folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]


def binaries() -> Path:
    """The folder of the built executables: LUCID_BIN, else `swift build --show-bin-path`."""
    if "LUCID_BIN" in os.environ:
        return Path(os.environ["LUCID_BIN"])
    path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True)
    return Path(path.stdout.strip())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """The status and JSON body of a GET, error statuses included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@dataclass
class Services:
    """The running services: the HTTP base URL, the processes by name, the headers every /v1 call needs."""

    base: str
    processes: dict[str, subprocess.Popen]
    headers: dict[str, str]

    def all_alive(self) -> bool:
        return all(process.poll() is None for process in self.processes.values())


@contextmanager
def running_services(log_dir: Path, token: str | None = None, gateway_flags: tuple[str, ...] = (),
                     ready_within: float = 60) -> Iterator[Services]:
    """Starts the four services, waits until /v1/health says every one serves, and stops them (SIGTERM)
    at the end. With `token`, the gateway requires `Authorization: Bearer <token>` on /v1;
    `gateway_flags` are added to the gateway's command line."""
    bin_dir = binaries()
    run_dir = Path(tempfile.mkdtemp(prefix="luciddrag-test-"))
    os.chmod(run_dir, 0o700)
    bus = f"ipc://{run_dir}/bus.sock"
    port = free_port()
    gateway = [bin_dir / "luciddrag-gateway", "--bus", bus, "--http", f"127.0.0.1:{port}", *gateway_flags]
    headers = {}
    if token is not None:
        token_file = run_dir / "api-token"
        token_file.write_text(token + "\n")
        token_file.chmod(0o600)
        gateway += ["--api-token-file", token_file]
        headers["Authorization"] = f"Bearer {token}"
    commands = {
        "gateway": gateway,
        "reasoner": [bin_dir / "luciddrag-reasoner", "--bus", bus],
        "sampler": [bin_dir / "luciddrag-sampler", "--bus", bus, "--model", ROOT / "Models/demo-world"],
        "discriminator": [bin_dir / "luciddrag-discriminator", "--bus", bus, "--model", ROOT / "Models/demo-world"],
    }
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = {}
    try:
        for name, command in commands.items():
            log = open(log_dir / f"{name}.log", "w")
            processes[name] = subprocess.Popen([str(part) for part in command], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            if name == "gateway":
                time.sleep(0.5)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + ready_within
        while True:
            try:
                status, _ = get_json(f"{base}/v1/health", headers)
                if status == 200:  # every service serving
                    break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the services did not all serve within {ready_within} s; logs in {log_dir}")
            time.sleep(0.5)
        yield Services(base, processes, headers)
    finally:
        for process in reversed(list(processes.values())):
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(run_dir, ignore_errors=True)
