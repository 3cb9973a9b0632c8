"""The web editor in a real browser: Debian's chromium, driven by Playwright, against real services.

The gateway (with the HTTP API and the page), the built-in reasoner, one demo-model sampler and the
discriminator run as separate processes over ipc:// (`Tests/PythonSupport/lucid_services.py`), from the
Swift build (`swift build` first; LUCID_BIN overrides where the executables are). The test uploads a dev-set image, paints a mask, places a drag, runs N = 2 and waits
for both results; then uploads a broken PNG and checks that the server's error message is shown and
the services still serve. Screenshots go to out/browser/ (LUCID_TEST_OUT overrides). The edit runs 8
steps (LUCID_BROWSER_STEPS overrides; docs/web/editor.png was taken with 50).

    .venv-test/bin/python -m pytest -q Tests/Browser
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests/PythonSupport"))
from lucid_services import get_json, running_services  # noqa: E402

TASK = ROOT / "Benchmarks/data/drag-large-dev/task-0001"
CHROMIUM = os.environ.get("LUCID_CHROMIUM", "/usr/bin/chromium")
OUT = Path(os.environ.get("LUCID_TEST_OUT", ROOT / "out/browser"))
STEPS = os.environ.get("LUCID_BROWSER_STEPS", "8")


@pytest.fixture(scope="module")
def server():
    """The four processes; yields the HTTP base URL and the processes; logs kept under OUT."""
    with running_services(OUT) as services:
        yield services.base, services.processes


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (scripts/setup.sh does)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


def stage_point(page: Page, x: float, y: float, width: int = 128, height: int = 128) -> tuple[float, float]:
    """Page coordinates of image pixel (x, y) on the stage canvas."""
    box = page.locator("#stage").bounding_box()
    return box["x"] + (x + 0.5) / width * box["width"], box["y"] + (y + 0.5) / height * box["height"]


def paint_rectangle(page: Page, left: int, top: int, right: int, bottom: int, step: int = 4) -> None:
    for y in range(top, bottom + 1, step):
        page.mouse.move(*stage_point(page, left, y))
        page.mouse.down()
        page.mouse.move(*stage_point(page, right, y), steps=6)
        page.mouse.up()


def test_an_edit_from_upload_to_two_results_and_a_bad_upload_shows_the_servers_error(server, browser):
    base, processes = server
    task = json.loads((TASK / "task.json").read_text())
    (handle, target) = task["pairs"][0]["handle"], task["pairs"][0]["target"]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.goto(base + "/")
    expect(page).to_have_title("LucidDrag editor")
    expect(page.get_by_label("Upload an image (PNG or JPEG)")).to_be_visible()
    expect(page.locator("#demo-select option")).to_have_count(5)  # the placeholder and four demos

    # Upload, paint the mask over the object and where it goes, place the drag.
    page.get_by_label("Upload an image (PNG or JPEG)").set_input_files(str(TASK / "input.png"))
    expect(page.locator("#stage")).to_be_visible()
    page.get_by_label("Brush size").fill("40")
    paint_rectangle(page, 44, 58, 116, 120)
    mask_pixels = page.evaluate(
        "() => { const d = state.mask.getContext('2d').getImageData(0, 0, 128, 128).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n; }")
    assert 3000 < mask_pixels < 128 * 128, f"the painted mask covers {mask_pixels} pixels"
    page.get_by_label("Place drags").check()
    page.mouse.click(*stage_point(page, *handle))
    page.mouse.click(*stage_point(page, *target))
    expect(page.locator("#drag-list li")).to_have_count(1)
    pairs = page.evaluate("() => state.pairs")
    assert abs(pairs[0]["handle"][0] - handle[0]) <= 1 and abs(pairs[0]["target"][1] - target[1]) <= 1, pairs

    # A second drag, removed again.
    page.mouse.click(*stage_point(page, 20, 20))
    page.mouse.click(*stage_point(page, 30, 30))
    expect(page.locator("#drag-list li")).to_have_count(2)
    page.get_by_label("Remove drag 2").click()
    expect(page.locator("#drag-list li")).to_have_count(1)

    page.get_by_label("Caption (optional)").fill(task["caption"])
    page.get_by_label("Intentions").fill("2")
    page.get_by_label("Steps").fill(STEPS)
    page.get_by_label("Seed (optional)").fill("7")
    page.get_by_role("button", name="Run").click()

    # The intentions arrive with their confidences, then both results.
    expect(page.locator(".result")).to_have_count(2, timeout=60_000)
    expect(page.locator(".result meter").first).to_have_attribute("aria-label", "Confidence of intention 1")
    expect(page.locator(".result.done")).to_have_count(2, timeout=240_000)
    expect(page.locator("#status")).to_contain_text("Done in", timeout=30_000)
    for index in range(2):
        image = page.locator(f'.result[data-intention="{index}"] img')
        assert image.get_attribute("src").startswith("blob:")
        assert page.evaluate(f"() => document.querySelectorAll('.result img')[{index}].naturalWidth") == 128
    assert page.locator(".result.failed").count() == 0
    expect(page.locator("#error")).to_be_hidden()
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / "editor-results.png"), full_page=True)

    # A result opens beside the input, with a download link.
    page.get_by_label("Result of intention 1: compare with the input").click()
    expect(page.locator("#compare")).to_be_visible()
    assert page.locator("#compare-download").get_attribute("download").startswith("luciddrag-1-")
    page.screenshot(path=str(OUT / "editor-compare.png"))
    page.get_by_role("button", name="Close").click()
    expect(page.locator("#compare")).to_be_hidden()

    # A broken PNG: the browser cannot show it, the server refuses it, the page says why.
    broken = OUT / "broken.png"
    broken.write_bytes((TASK / "input.png").read_bytes()[:120])
    page.get_by_label("Upload an image (PNG or JPEG)").set_input_files(str(broken))
    expect(page.locator("#status")).to_contain_text("cannot show the file")
    page.get_by_role("button", name="Run").click()
    error = page.locator("#error")
    expect(error).to_be_visible(timeout=30_000)
    expect(error).to_contain_text("INVALID_ARGUMENT")
    expect(error).to_contain_text("image")
    page.screenshot(path=str(OUT / "editor-bad-upload.png"))
    assert all(process.poll() is None for process in processes.values()), "a service exited"
    status, _ = get_json(base + "/v1/health")
    assert status == 200
    assert not [text for text in console_errors if "Failed to load resource" not in text], console_errors


def test_the_page_fits_a_narrow_window(server, browser):
    base, _ = server
    page = browser.new_page(viewport={"width": 400, "height": 800})
    page.goto(base + "/")
    page.get_by_label("or pick a demo").select_option(index=1)
    expect(page.locator("#drag-list li")).to_have_count(1)
    expect(page.get_by_label("Caption (optional)")).not_to_have_value("")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than a 400 px window"
    stage = page.locator("#stage").bounding_box()
    assert stage["width"] <= 400 and stage["width"] > 200, stage
    page.screenshot(path=str(OUT / "editor-narrow.png"), full_page=True)
