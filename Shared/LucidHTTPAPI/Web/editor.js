// The LucidDrag web editor: an image, a painted mask and handle→target drags, sent to the HTTP API
// (POST /v1/edits); the job's Server-Sent Events drive one card per intention (confidence, progress,
// previews, the result); a result opens beside the input to compare and download.
"use strict";

const $ = (id) => document.getElementById(id);

const MASK_TINT = "rgba(230, 40, 40, 0.45)";
const HANDLE_COLOR = "#e02424";
const TARGET_COLOR = "#1a56db";

const state = {
  bytes: null,          // the image file as sent (Uint8Array)
  type: "image/png",
  inputURL: null,       // an object URL of the image, for the compare view
  bitmap: null,         // the decoded image (null when the browser cannot decode the file)
  width: 0,
  height: 0,
  mask: null,           // canvas at the image's size: opaque white where the image may change
  tint: null,           // the mask tinted for display
  pairs: [],            // [{handle: [x, y], target: [x, y]}] in image pixels
  pendingHandle: null,  // a handle waiting for its target
  tool: "brush",
  stroke: null,         // the last point of a brush stroke in progress
  job: null,            // the running job's id
  events: null,         // the AbortController of its event stream
  results: new Map(),   // rank → {url, kind}
};

// MARK: Image, mask and drags

function resetMask() {
  state.mask = document.createElement("canvas");
  state.mask.width = state.width;
  state.mask.height = state.height;
  state.tint = document.createElement("canvas");
  state.tint.width = state.width;
  state.tint.height = state.height;
}

/** Loads an image file's bytes; the mask and drags start empty. */
async function loadImage(bytes, type) {
  clearError();
  state.bytes = bytes;
  state.type = type || "image/png";
  if (state.inputURL) URL.revokeObjectURL(state.inputURL);
  const blob = new Blob([bytes], { type: state.type });
  state.inputURL = URL.createObjectURL(blob);
  state.pairs = [];
  state.pendingHandle = null;
  try {
    state.bitmap = await createImageBitmap(blob);
    state.width = state.bitmap.width;
    state.height = state.bitmap.height;
    setStatus(`Image ${state.width}×${state.height}. Paint the mask, then place drags.`);
  } catch {
    // The server decides what it accepts: Run still sends the file, and its answer is shown.
    state.bitmap = null;
    state.width = 1;
    state.height = 1;
    setStatus("This browser cannot show the file; Run sends it to the server, which will say what is wrong.");
  }
  resetMask();
  sizeStage();
  redraw();
  renderDrags();
  $("run").disabled = state.job !== null;
}

/** Sets the mask from a grey mask image (non-zero = editable) of the image's size. */
async function loadMask(blob) {
  const bitmap = await createImageBitmap(blob);
  const scratch = document.createElement("canvas");
  scratch.width = state.width;
  scratch.height = state.height;
  const context = scratch.getContext("2d");
  context.drawImage(bitmap, 0, 0, state.width, state.height);
  const pixels = context.getImageData(0, 0, state.width, state.height);
  const data = pixels.data;
  for (let i = 0; i < data.length; i += 4) {
    const on = data[i] > 0 || data[i + 1] > 0 || data[i + 2] > 0;
    data[i] = data[i + 1] = data[i + 2] = 255;
    data[i + 3] = on ? 255 : 0;
  }
  state.mask.getContext("2d").putImageData(pixels, 0, 0);
  redraw();
}

/** The canvas shows small images enlarged by a whole factor (crisp pixels), large ones as they are. */
function sizeStage() {
  const stage = $("stage");
  const scale = state.bitmap ? Math.max(1, Math.floor(512 / Math.max(state.width, state.height))) : 1;
  stage.width = state.width * scale;
  stage.height = state.height * scale;
  stage.classList.toggle("hidden", !state.bitmap);
  $("empty-stage").hidden = !!state.bitmap;
  $("empty-stage").textContent = state.bytes ? "No preview for this file." : "Upload an image or pick a demo to start.";
}

function redraw() {
  const stage = $("stage");
  const context = stage.getContext("2d");
  context.clearRect(0, 0, stage.width, stage.height);
  if (!state.bitmap) return;
  context.imageSmoothingEnabled = stage.width < state.width;
  context.drawImage(state.bitmap, 0, 0, stage.width, stage.height);
  const tint = state.tint.getContext("2d");
  tint.globalCompositeOperation = "copy";
  tint.drawImage(state.mask, 0, 0);
  tint.globalCompositeOperation = "source-in";
  tint.fillStyle = MASK_TINT;
  tint.fillRect(0, 0, state.width, state.height);
  tint.globalCompositeOperation = "source-over";
  context.drawImage(state.tint, 0, 0, stage.width, stage.height);
  const k = stage.width / state.width;
  const line = Math.max(2, Math.round(stage.width / 170));
  for (const pair of state.pairs) drawArrow(context, pair.handle, pair.target, k, line);
  if (state.pendingHandle) drawPoint(context, state.pendingHandle, k, line * 2, HANDLE_COLOR);
}

function drawPoint(context, [x, y], k, radius, color) {
  context.beginPath();
  context.arc(x * k, y * k, radius, 0, 2 * Math.PI);
  context.fillStyle = color;
  context.fill();
  context.lineWidth = 1.5;
  context.strokeStyle = "#fff";
  context.stroke();
}

function drawArrow(context, handle, target, k, line) {
  const [x0, y0, x1, y1] = [handle[0] * k, handle[1] * k, target[0] * k, target[1] * k];
  const angle = Math.atan2(y1 - y0, x1 - x0);
  const head = line * 4;
  context.strokeStyle = "#fff";
  context.fillStyle = "#fff";
  context.lineWidth = line;
  context.beginPath();
  context.moveTo(x0, y0);
  context.lineTo(x1 - Math.cos(angle) * head * 0.8, y1 - Math.sin(angle) * head * 0.8);
  context.stroke();
  context.beginPath();
  context.moveTo(x1, y1);
  context.lineTo(x1 - head * Math.cos(angle - 0.45), y1 - head * Math.sin(angle - 0.45));
  context.lineTo(x1 - head * Math.cos(angle + 0.45), y1 - head * Math.sin(angle + 0.45));
  context.closePath();
  context.fill();
  drawPoint(context, handle, k, line * 2, HANDLE_COLOR);
  drawPoint(context, target, k, line * 2, TARGET_COLOR);
}

/** A pointer event's position in image pixels. */
function imagePoint(event) {
  const box = $("stage").getBoundingClientRect();
  const x = ((event.clientX - box.left) / box.width) * state.width;
  const y = ((event.clientY - box.top) / box.height) * state.height;
  return [Math.round(Math.min(state.width - 1, Math.max(0, x)) * 10) / 10,
          Math.round(Math.min(state.height - 1, Math.max(0, y)) * 10) / 10];
}

/** Paints (or erases) a round-ended line on the mask from the stroke's last point to `point`. */
function paint(point) {
  const box = $("stage").getBoundingClientRect();
  const width = (Number($("brush-size").value) / box.width) * state.width;
  const context = state.mask.getContext("2d");
  context.globalCompositeOperation = state.tool === "eraser" ? "destination-out" : "source-over";
  context.strokeStyle = "#fff";
  context.fillStyle = "#fff";
  context.lineCap = "round";
  context.lineWidth = width;
  const from = state.stroke || point;
  context.beginPath();
  context.moveTo(from[0], from[1]);
  context.lineTo(point[0], point[1]);
  context.stroke();
  context.beginPath();
  context.arc(point[0], point[1], width / 2, 0, 2 * Math.PI);
  context.fill();
  context.globalCompositeOperation = "source-over";
  state.stroke = point;
  redraw();
}

function placeDragPoint(point) {
  if (!state.pendingHandle) {
    state.pendingHandle = point;
    setStatus(`Handle at (${point[0]}, ${point[1]}): now click its target.`);
  } else {
    state.pairs.push({ handle: state.pendingHandle, target: point });
    state.pendingHandle = null;
    setStatus(`Drag ${state.pairs.length} placed.`);
    renderDrags();
  }
  redraw();
}

function renderDrags() {
  const list = $("drag-list");
  list.replaceChildren();
  state.pairs.forEach((pair, index) => {
    const item = document.createElement("li");
    const text = document.createElement("span");
    text.textContent = `(${pair.handle[0]}, ${pair.handle[1]}) → (${pair.target[0]}, ${pair.target[1]})`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove drag ${index + 1}`);
    remove.addEventListener("click", () => {
      state.pairs.splice(index, 1);
      renderDrags();
      redraw();
    });
    item.append(text, remove);
    list.append(item);
  });
  $("no-drags").hidden = state.pairs.length > 0;
}

/** The mask as a PNG of the image's size: white where editable, black elsewhere. */
async function maskPNG() {
  const out = document.createElement("canvas");
  out.width = state.width;
  out.height = state.height;
  const context = out.getContext("2d");
  context.fillStyle = "#000";
  context.fillRect(0, 0, out.width, out.height);
  context.drawImage(state.mask, 0, 0);
  const blob = await new Promise((resolve) => out.toBlob(resolve, "image/png"));
  return new Uint8Array(await blob.arrayBuffer());
}

// MARK: Talking to the API

function headers(extra = {}) {
  const token = $("token").value.trim();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

function base64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The API's error body `{code, message}` as one line, or the HTTP status when there is none. */
async function problem(response) {
  try {
    const body = await response.json();
    if (body && body.message) return `${body.code}: ${body.message}`;
  } catch { /* not JSON */ }
  return `HTTP ${response.status} ${response.statusText}`;
}

async function run(event) {
  event.preventDefault();
  if (!state.bytes || state.job) return;
  clearError();
  const body = {
    image: base64(state.bytes),
    mask: base64(await maskPNG()),
    pairs: state.pairs,
    intentions: Number($("intentions").value) || undefined,
    steps: Number($("steps").value) || undefined,
  };
  const caption = $("caption").value.trim();
  if (caption) body.caption = caption;
  if ($("seed").value !== "") body.seed = Number($("seed").value);
  $("results").replaceChildren();
  state.results.clear();
  setRunning(true);
  setStatus("Sending…");
  let response;
  try {
    response = await fetch("/v1/edits", {
      method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(body),
    });
  } catch (error) {
    showError(`The server could not be reached: ${error.message}`);
    setRunning(false);
    return;
  }
  if (response.status !== 202) {
    showError(await problem(response));
    setStatus("");
    setRunning(false);
    return;
  }
  const { id } = await response.json();
  state.job = id;
  setStatus("Reasoning about the drag…");
  follow(id);
}

/** Reads the job's Server-Sent Events (with fetch, so that a bearer token can be sent). */
async function follow(id) {
  const controller = new AbortController();
  state.events = controller;
  try {
    const response = await fetch(`/v1/edits/${id}/events`, { headers: headers(), signal: controller.signal });
    if (!response.ok) throw new Error(await problem(response));
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  } catch (error) {
    if (error.name !== "AbortError") showError(`The event stream broke off: ${error.message}`);
  }
  if (state.job === id) setRunning(false);
}

function dispatch(block) {
  let name = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;  // keep-alive
    if (line.startsWith("event: ")) name = line.slice(7);
    else if (line.startsWith("data: ")) data.push(line.slice(6));
  }
  if (data.length === 0) return;
  const value = JSON.parse(data.join("\n"));
  switch (name) {
    case "intentions": showIntentions(value); break;
    case "progress": showProgress(value); break;
    case "edited": showEdit(value); break;
    case "done": finished(value); break;
    case "error": failed(value); break;
  }
}

// MARK: Results

function card(index) { return document.querySelector(`.result[data-intention="${index}"]`); }

function showIntentions({ intentions, fellBack }) {
  const list = $("results");
  list.replaceChildren();
  for (const intention of intentions) {
    const item = document.createElement("li");
    item.className = "result";
    item.dataset.intention = intention.index;
    const title = document.createElement("h3");
    title.textContent = `${intention.index + 1}. ${intention.description}`;
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = `${intention.kind.toLowerCase().replace("_", " ")} · confidence ${(intention.confidence * 100).toFixed(0)} %`;
    const confidence = document.createElement("meter");
    confidence.min = 0;
    confidence.max = 1;
    confidence.value = intention.confidence;
    confidence.setAttribute("aria-label", `Confidence of intention ${intention.index + 1}`);
    const progress = document.createElement("progress");
    progress.max = 1;
    progress.value = 0;
    progress.setAttribute("aria-label", `Progress of intention ${intention.index + 1}`);
    const stage = document.createElement("div");
    stage.className = "meta stage";
    stage.textContent = "waiting for a sampler";
    const picture = document.createElement("button");
    picture.type = "button";
    picture.className = "picture";
    picture.disabled = true;
    picture.setAttribute("aria-label", `Result of intention ${intention.index + 1}: compare with the input`);
    const image = document.createElement("img");
    image.alt = `Preview of intention ${intention.index + 1}`;
    image.hidden = true;
    picture.append(image);
    const download = document.createElement("a");
    download.className = "button download";
    download.textContent = "Download";
    download.hidden = true;
    item.append(title, meta, confidence, progress, stage, picture, download);
    list.append(item);
  }
  setStatus(`${intentions.length} intention${intentions.length === 1 ? "" : "s"}${fellBack ? " (from the built-in reasoner after a fallback)" : ""}; editing…`);
}

function showProgress({ intention, stage, step, total, preview }) {
  const item = card(intention);
  if (!item) return;
  const bar = item.querySelector("progress");
  bar.max = Math.max(1, total);
  bar.value = step;
  item.querySelector(".stage").textContent = `${stage} ${step}/${total}`;
  if (preview && !item.classList.contains("done")) {
    const image = item.querySelector("img");
    image.src = preview;
    image.hidden = false;
  }
}

async function showEdit(edit) {
  const item = card(edit.intention);
  if (!item || item.classList.contains("done")) return;
  item.classList.add("done");
  const bar = item.querySelector("progress");
  bar.value = bar.max;
  if (edit.error) {
    item.classList.add("failed");
    item.querySelector(".stage").textContent = "failed";
    const problemText = document.createElement("p");
    problemText.className = "problem";
    problemText.textContent = `${edit.error.code}: ${edit.error.message}`;
    item.append(problemText);
    return;
  }
  const response = await fetch(edit.url, { headers: headers() });
  if (!response.ok) {
    showError(await problem(response));
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  state.results.set(edit.rank, { url, kind: edit.kind });
  const image = item.querySelector("img");
  image.src = url;
  image.alt = `Result of intention ${edit.intention + 1}: ${edit.description}`;
  image.hidden = false;
  const picture = item.querySelector(".picture");
  picture.disabled = false;
  picture.addEventListener("click", () => compare(edit.rank));
  const download = item.querySelector(".download");
  download.href = url;
  download.download = `luciddrag-${edit.rank}-${edit.kind.toLowerCase()}.png`;
  download.hidden = false;
  const note = edit.note ? ` · ${edit.note}` : "";
  const quality = edit.qualityLogit == null ? "" : ` · quality ${edit.qualityLogit.toFixed(2)}`;
  item.querySelector(".stage").textContent = `done${quality}${note}`;
}

function finished(job) {
  setStatus(`Done in ${job.seconds == null ? "?" : job.seconds.toFixed(1)} s (seed ${job.seed}). Click a result to compare it with the input.`);
  setRunning(false);
}

function failed(error) {
  showError(`${error.code}: ${error.message}`);
  setStatus("");
  setRunning(false);
}

function compare(rank) {
  const result = state.results.get(rank);
  if (!result) return;
  $("compare-input").src = state.inputURL;
  $("compare-result").src = result.url;
  $("compare-download").href = result.url;
  $("compare-download").download = `luciddrag-${rank}-${result.kind.toLowerCase()}.png`;
  $("compare-split").value = 50;
  splitCompare();
  $("compare").showModal();
}

function splitCompare() {
  $("compare-top").style.clipPath = `inset(0 0 0 ${$("compare-split").value}%)`;
}

async function cancel() {
  const id = state.job;
  if (!id) return;
  setStatus("Cancelling…");
  const response = await fetch(`/v1/edits/${id}`, { method: "DELETE", headers: headers() });
  if (!response.ok) showError(await problem(response));
}

// MARK: Page state

function setRunning(running) {
  if (!running) {
    state.job = null;
    state.events = null;
  }
  $("run").disabled = running || !state.bytes;
  $("cancel").disabled = !running;
}

function setStatus(text) { $("status").textContent = text; }

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = false;
}

function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

async function loadDemos() {
  try {
    const response = await fetch("demos/demos.json");
    const { demos } = await response.json();
    for (const demo of demos) {
      const option = document.createElement("option");
      option.value = demo.id;
      option.textContent = demo.title;
      option.demo = demo;
      $("demo-select").append(option);
    }
  } catch { /* the page works without demos */ }
}

async function pickDemo() {
  const option = $("demo-select").selectedOptions[0];
  if (!option || !option.demo) return;
  const demo = option.demo;
  const image = await fetch(demo.image);
  await loadImage(new Uint8Array(await image.arrayBuffer()), "image/png");
  await loadMask(await (await fetch(demo.mask)).blob());
  state.pairs = demo.pairs.map((pair) => ({ handle: pair.handle, target: pair.target }));
  $("caption").value = demo.caption;
  renderDrags();
  redraw();
  setStatus(`Demo loaded: ${demo.title}. Adjust the mask or drags, then Run.`);
}

function setUp() {
  const stage = $("stage");
  stage.classList.add("hidden", "tool-brush");
  renderDrags();
  $("image-file").addEventListener("change", async () => {
    const file = $("image-file").files[0];
    if (!file) return;
    $("demo-select").value = "";
    await loadImage(new Uint8Array(await file.arrayBuffer()), file.type);
  });
  $("demo-select").addEventListener("change", pickDemo);
  for (const radio of document.querySelectorAll('input[name="tool"]')) {
    radio.addEventListener("change", () => {
      state.tool = radio.value;
      stage.classList.remove("tool-brush", "tool-eraser", "tool-drag");
      stage.classList.add(`tool-${state.tool}`);
      state.pendingHandle = null;
      redraw();
    });
  }
  $("brush-size").addEventListener("input", () => { $("brush-size-value").textContent = $("brush-size").value; });
  stage.addEventListener("pointerdown", (event) => {
    if (!state.bitmap) return;
    const point = imagePoint(event);
    if (state.tool === "drag") {
      placeDragPoint(point);
      return;
    }
    stage.setPointerCapture(event.pointerId);
    state.stroke = null;
    paint(point);
  });
  stage.addEventListener("pointermove", (event) => {
    if (state.stroke && event.buttons & 1) paint(imagePoint(event));
  });
  const endStroke = () => { state.stroke = null; };
  stage.addEventListener("pointerup", endStroke);
  stage.addEventListener("pointercancel", endStroke);
  $("clear-mask").addEventListener("click", () => {
    if (!state.mask) return;
    state.mask.getContext("2d").clearRect(0, 0, state.width, state.height);
    redraw();
  });
  $("clear-drags").addEventListener("click", () => {
    state.pairs = [];
    state.pendingHandle = null;
    renderDrags();
    redraw();
  });
  $("token").value = sessionStorage.getItem("luciddrag-token") || "";
  $("token").addEventListener("change", () => sessionStorage.setItem("luciddrag-token", $("token").value));
  $("run-form").addEventListener("submit", run);
  $("cancel").addEventListener("click", cancel);
  $("compare-split").addEventListener("input", splitCompare);
  $("compare-close").addEventListener("click", () => $("compare").close());
  loadDemos();
}

setUp();
