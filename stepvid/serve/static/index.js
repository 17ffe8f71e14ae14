// Generation page: the form (defaults and limits from /api/model), live progress of the submitted job,
// and the gallery of past jobs (polled).
"use strict";

const INT_FIELDS = ["width", "height", "num_frames", "steps", "seed"];
const TERMINAL = new Set(["done", "failed", "cancelled"]);
let current = null;
let pollTimer = null;
const cards = new Map();

async function init() {
  const model = await api.get("/api/model");
  setText("model-name", model.name);
  setText("size-multiple", String(model.size_multiple));
  const d = model.defaults, L = model.limits, m = model.size_multiple;
  for (const name of ["width", "height"]) {
    const input = byId(name);
    Object.assign(input, { min: m, max: L.max_side, step: m, value: d[name] });
  }
  const frames = byId("num_frames");
  const choices = [1];
  for (let n = 17; n <= L.max_frames; n += 17) choices.push(n);
  for (const n of choices) frames.appendChild(el("option", { value: n }, n === 1 ? "1 (image)" : String(n)));
  frames.value = String(d.num_frames);
  Object.assign(byId("steps"), { max: L.max_steps, value: d.steps });
  Object.assign(byId("cfg"), { max: L.max_cfg, value: d.cfg });
  Object.assign(byId("seed"), { max: L.max_seed, value: d.seed });
  byId("negative_prompt").value = d.negative_prompt;
  byId("random-seed").addEventListener("click", () => {
    byId("seed").value = String(Math.floor(Math.random() * 2147483647));
  });
  byId("gen-form").addEventListener("submit", submit);
  byId("cancel-current").addEventListener("click", () => cancel(current));
  await refreshGallery();
  setInterval(refreshGallery, 2000);
}

async function submit(ev) {
  ev.preventDefault();
  const form = byId("gen-form");
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  setText("form-error", "");
  const body = { prompt: byId("prompt").value, negative_prompt: byId("negative_prompt").value };
  for (const name of INT_FIELDS) body[name] = Number(byId(name).value);
  body.cfg = Number(byId("cfg").value);
  byId("submit").disabled = true;
  try {
    const job = await api.post("/api/jobs", body);
    track(job.id);
    await refreshGallery();
  } catch (err) {
    setText("form-error", err.message);
    if (err.field && byId(err.field)) byId(err.field).setAttribute("aria-invalid", "true");
  } finally {
    byId("submit").disabled = false;
  }
}

function track(id) {
  current = id;
  byId("current").hidden = false;
  setText("current-id", id);
  byId("cancel-current").hidden = false;
  if (pollTimer) clearInterval(pollTimer);
  const tick = async () => {
    let job;
    try { job = await api.get(`/api/jobs/${id}`); } catch (err) { setText("current-state", err.message); return; }
    if (current !== id) return;
    showProgress(job);
    if (TERMINAL.has(job.state)) {
      clearInterval(pollTimer);
      pollTimer = null;
      byId("cancel-current").hidden = true;
      refreshGallery();
    }
  };
  pollTimer = setInterval(tick, 250);
  tick();
}

function showProgress(job) {
  const bar = byId("progress");
  bar.max = Math.max(job.progress.total, 1);
  bar.value = job.state === "done" ? bar.max : job.progress.step;
  setText("progress-text", `${job.progress.step} / ${job.progress.total} steps`);
  let state = job.state;
  if (job.state === "queued" && job.queue_position) state += ` (${job.queue_position} ahead)`;
  if (job.state === "failed") state += `: ${job.error}`;
  setText("current-state", state);
  setText("current-phase", job.state === "running" ? job.progress.phase : "");
  byId("current").dataset.state = job.state;
}

async function cancel(id) {
  try {
    const job = await api.post(`/api/jobs/${id}/cancel`);
    if (id === current) showProgress(job);
  } catch (err) {
    setText("form-error", err.message);
  }
  refreshGallery();
}

function describe(p) {
  return `${p.width}×${p.height}, ${p.num_frames} frame${p.num_frames === 1 ? "" : "s"}, ${p.steps} steps, ` +
    `cfg ${p.cfg}, seed ${p.seed}`;
}

function makeCard(job) {
  const card = el("div", { class: "card", "data-job-id": job.id, "data-state": job.state });
  if (job.state === "done") {
    card.appendChild(el("video", { src: job.result, controls: true, loop: true, muted: true, playsinline: true,
      preload: "metadata" }));
  }
  card.appendChild(el("p", { class: "prompt" }, job.params.prompt));
  card.appendChild(el("p", { class: "meta" }, describe(job.params)));
  const state = el("p", { class: `state state-${job.state}` }, job.state);
  if (job.state === "running") state.textContent += ` — ${job.progress.step}/${job.progress.total}`;
  if (job.state === "done" && job.seconds !== null) state.textContent += ` in ${job.seconds.toFixed(1)} s`;
  if (job.state === "failed") state.textContent += `: ${job.error}`;
  card.appendChild(state);
  if (job.state === "queued" || job.state === "running") {
    const b = el("button", { type: "button", class: "cancel" }, "Cancel");
    b.addEventListener("click", () => cancel(job.id));
    card.appendChild(b);
  }
  if (job.state === "done") card.appendChild(el("a", { href: job.result, download: `${job.id}.mp4` }, "download"));
  return card;
}

async function refreshGallery() {
  let data;
  try { data = await api.get("/api/jobs"); } catch (err) { return; }
  const gallery = byId("gallery");
  byId("gallery-empty").hidden = data.jobs.length > 0;
  for (const job of [...data.jobs].reverse()) {  // oldest first, so prepending leaves the newest on top
    const key = `${job.state}:${job.progress.step}`;
    const old = cards.get(job.id);
    if (old && old.key === key) continue;
    const card = makeCard(job);
    if (old) old.node.replaceWith(card); else gallery.prepend(card);
    cards.set(job.id, { key, node: card });
  }
}

init().catch((err) => setText("form-error", `cannot load the model description: ${err.message}`));
