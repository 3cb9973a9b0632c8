"""The HTTP API fuzzed from its own OpenAPI document, against the real services.

Schemathesis (from PyPI) reads /openapi.json from a gateway that requires a bearer token, generates
valid and invalid requests for every operation (deterministically, so a failure reproduces), follows the
document's links from a created edit to its status, events, image and cancellation, and runs its checks on
every answer: no 5xx, statuses and bodies as documented, the content type declared, unauthenticated
calls refused, invalid input rejected. Afterwards every service must still be running and serving.

Two checks are left out. `positive_data_acceptance` expects every schema-valid body to be accepted, but
the schema cannot say that `image` must decode as a PNG or JPEG, so random base64 is rightly refused
with 400 INVALID_ARGUMENT. `use_after_free` expects a deleted job to be gone, but DELETE cancels a job
and leaves it readable as cancelled (the document says so) until finished jobs expire. The report (JUnit, and the log of requests that failed) goes to
out/http-fuzz/ (LUCID_TEST_OUT overrides).

    .venv-test/bin/python -m pytest -q Tests/HTTPFuzz
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests/PythonSupport"))
from lucid_services import get_json, running_services  # noqa: E402

OUT = Path(os.environ.get("LUCID_TEST_OUT", ROOT / "out/http-fuzz"))
EXAMPLES = os.environ.get("LUCID_FUZZ_EXAMPLES", "40")
TOKEN = "fuzz-token-31"


def test_every_operation_holds_to_the_openapi_document_and_the_services_keep_serving():
    # Valid bodies start real edits (up to 1000 steps): two jobs at a time, 10 s each, keep the run short.
    with running_services(OUT, token=TOKEN, gateway_flags=("--max-jobs", "2", "--edit-timeout", "10")) as services:
        schemathesis = Path(sys.executable).parent / "schemathesis"
        run = subprocess.run(
            [
                str(schemathesis), "run", f"{services.base}/openapi.json",
                "--header", f"Authorization: Bearer {TOKEN}",
                "--checks", "all",
                "--exclude-checks", "positive_data_acceptance,use_after_free",
                "--max-examples", EXAMPLES,
                "--generation-deterministic",
                "--request-timeout", "30",
                "--workers", "1",
                "--no-color",
                "--report", "junit",
                "--report-dir", str(OUT),
            ],
            cwd=OUT, capture_output=True, text=True, timeout=900,  # its own state goes under OUT
        )
        (OUT / "schemathesis.txt").write_text(run.stdout + run.stderr)
        assert run.returncode == 0, f"schemathesis found failures; see {OUT / 'schemathesis.txt'}:\n{run.stdout[-6000:]}"

        assert services.all_alive(), f"a service exited during the fuzzing; logs in {OUT}"
        status, health = get_json(f"{services.base}/v1/health", services.headers)
        assert status == 200 and health["serving"], health
