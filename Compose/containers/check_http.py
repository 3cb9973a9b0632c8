"""One edit through a running gateway's HTTP API, as a user's program would do it: the web editor and
/metrics answer, POST /v1/edits (a dev-set task, N = 2, 10 steps) runs to done, both images are PNGs.

    python3 Compose/containers/check_http.py http://127.0.0.1:8080 Benchmarks/data/drag-dev/task-0032

Standard library only (it runs on the host beside check-runtime.sh's chroot). Exits 1 on any failure.
"""

import base64
import json
import sys
import time
import urllib.request
from pathlib import Path


def fetch(url: str, body: dict | None = None) -> tuple[int, bytes, str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


def main(base: str, task_folder: str) -> None:
    status, page, kind = fetch(base + "/")
    assert status == 200 and kind.startswith("text/html") and b"LucidDrag editor" in page, (status, kind)
    print(f"GET / → {status} {kind}, {len(page)} bytes")
    status, metrics, _ = fetch(base + "/metrics")
    assert status == 200 and b"luciddrag_bus_workers" in metrics, status
    lines = metrics.decode().count("\n")
    print(f"GET /metrics → {status}, {lines} lines")

    folder = Path(task_folder)
    task = json.loads((folder / "task.json").read_text())
    request = {
        "image": base64.b64encode((folder / "input.png").read_bytes()).decode(),
        "mask": base64.b64encode((folder / "mask.png").read_bytes()).decode(),
        "pairs": task["pairs"], "caption": task["caption"], "intentions": 2, "steps": 10, "seed": 7,
    }
    start = time.monotonic()
    status, body, _ = fetch(base + "/v1/edits", request)
    assert status == 202, (status, body)
    job_id = json.loads(body)["id"]
    while True:
        status, body, _ = fetch(f"{base}/v1/edits/{job_id}")
        job = json.loads(body)
        if job["status"] not in ("queued", "running"):
            break
        assert time.monotonic() - start < 300, "the edit did not finish within 300 s"
        time.sleep(0.5)
    assert job["status"] == "done", job
    for edit in job["edits"]:
        status, png, kind = fetch(base + edit["url"])
        assert status == 200 and png.startswith(b"\x89PNG"), (status, kind)
        print(f"edit {edit['rank']} ({edit['kind']}): {len(png)} byte PNG")
    print(f"POST /v1/edits → done in {time.monotonic() - start:.1f} s, {len(job['edits'])} images")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
