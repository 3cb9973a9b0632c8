"""Twenty edit requests at once, over HTTP and over the bus, and the peak memory of every service.

Starts gateway (HTTP API, --max-jobs 8), reasoner, one sampler and the discriminator from the Swift
build over ipc://. Then:
  1. 20 concurrent POST /v1/edits: 8 are accepted, the rest get 429 with Retry-After; the accepted
     ones run to done.
  2. 20 concurrent `luciddrag edit --bus` clients: the gateway serves 16 at once, the broker queues
     the rest (at most 64 per service, then RESOURCE_EXHAUSTED); all 20 finish.
Prints the answers and each process's peak resident memory (VmHWM).

    .venv-test/bin/python Benchmarks/load/concurrent_edits.py [--bin DIR] [--steps 10]
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TASK = ROOT / "Benchmarks/data/drag-dev/task-0032"
CONCURRENT = 20


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def post(url: str, body: bytes) -> tuple[int, dict, str | None]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response), None
    except urllib.error.HTTPError as error:
        return error.code, json.load(error), error.headers.get("Retry-After")


def wait_done(base: str, job: str) -> str:
    while True:
        with urllib.request.urlopen(f"{base}/v1/edits/{job}", timeout=30) as response:
            status = json.load(response)["status"]
        if status not in ("queued", "running"):
            return status
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", type=Path, help="where the executables are (default: swift build --show-bin-path)")
    parser.add_argument("--steps", type=int, default=10)
    arguments = parser.parse_args()
    bin_dir = arguments.bin or Path(subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True,
                                                   text=True, check=True).stdout.strip())
    run = Path(tempfile.mkdtemp(prefix="luciddrag-load-"))
    os.chmod(run, 0o700)
    bus = f"ipc://{run}/bus.sock"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    model = str(ROOT / "Models/demo-world")
    commands = {
        "gateway": [bin_dir / "luciddrag-gateway", "--bus", bus, "--http", f"127.0.0.1:{port}", "--max-jobs", "8"],
        "reasoner": [bin_dir / "luciddrag-reasoner", "--bus", bus],
        "sampler": [bin_dir / "luciddrag-sampler", "--bus", bus, "--model", model],
        "discriminator": [bin_dir / "luciddrag-discriminator", "--bus", bus, "--model", model],
    }
    processes = {}
    for name, command in commands.items():
        processes[name] = subprocess.Popen([str(c) for c in command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5 if name == "gateway" else 0)
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(base + "/v1/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except (OSError, urllib.error.HTTPError):
                pass
            time.sleep(0.5)
        task = json.loads((TASK / "task.json").read_text())
        body = json.dumps({
            "image": base64.b64encode((TASK / "input.png").read_bytes()).decode(),
            "mask": base64.b64encode((TASK / "mask.png").read_bytes()).decode(),
            "pairs": task["pairs"], "caption": task["caption"], "intentions": 1, "steps": arguments.steps, "seed": 3,
        }).encode()

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(CONCURRENT) as pool:
            answers = list(pool.map(lambda _: post(base + "/v1/edits", body), range(CONCURRENT)))
        accepted = [answer[1]["id"] for answer in answers if answer[0] == 202]
        refused = [answer for answer in answers if answer[0] == 429]
        print(f"HTTP: {CONCURRENT} POST /v1/edits at once → {len(accepted)} × 202, {len(refused)} × 429 "
              f"(Retry-After {refused[0][2] if refused else '-'} s, \"{refused[0][1]['message'] if refused else ''}\")")
        outcomes = [wait_done(base, job) for job in accepted]
        print(f"      accepted jobs: {outcomes.count('done')} done of {len(outcomes)} in {time.monotonic() - started:.1f} s")

        started = time.monotonic()
        clients = [subprocess.Popen([str(bin_dir / "luciddrag"), "edit", str(TASK / "input.png"), "--mask", str(TASK / "mask.png"),
                                     "--drag", "60.04,33.2:55.99,32.44", "--intentions", "1", "--steps", str(arguments.steps),
                                     "--bus", bus, "--out", str(run / f"edit-{index}")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                   for index in range(CONCURRENT)]
        codes = [client.wait(timeout=900) for client in clients]
        print(f"bus:  {CONCURRENT} `luciddrag edit --bus` at once → {codes.count(0)} exited 0 of {CONCURRENT} "
              f"in {time.monotonic() - started:.1f} s")
        print("peak resident memory (VmHWM):")
        for name, process in processes.items():
            print(f"  {name:14s} {peak_rss_mib(process.pid):6.0f} MiB  (still running: {process.poll() is None})")
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            process.wait(timeout=20)


if __name__ == "__main__":
    main()
