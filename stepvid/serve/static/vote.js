// Blind voting page: a rater id (kept in localStorage), then pairs "Video A / Video B" from /api/pairs/next
// with the outcome and the 1–5 rubric for both videos; model names are never sent to this page.
"use strict";

const DIMENSIONS = [
  ["instruction_following", "Instruction following"],
  ["motion_smoothness", "Motion smoothness"],
  ["physical_plausibility", "Physical plausibility"],
  ["aesthetic_appeal", "Aesthetic appeal"],
];
const RATER = /^[A-Za-z0-9_.@-]{1,64}$/;
const KEY = "stepvid-rater";
let rater = null;
let pair = null;

function buildRubric() {
  for (const box of document.querySelectorAll(".rubric")) {
    const side = box.dataset.side;
    for (const [dim, label] of DIMENSIONS) {
      const fs = el("fieldset", { "data-dimension": dim }, el("legend", {}, label));
      for (let v = 1; v <= 5; v++) {
        const id = `${side}-${dim}-${v}`;
        fs.appendChild(el("label", { for: id },
          el("input", { type: "radio", name: `${side}-${dim}`, value: v, id }), ` ${v}`));
      }
      box.appendChild(fs);
    }
  }
}

function askRater(message) {
  byId("vote-section").hidden = true;
  byId("done-section").hidden = true;
  byId("rater-section").hidden = false;
  setText("rater-error", message || "");
  byId("rater-input").value = rater || "";
  byId("rater-input").focus();
}

function startAs(id) {
  rater = id;
  localStorage.setItem(KEY, id);
  byId("rater-section").hidden = true;
  setText("rater-name", id);
  loadNext();
}

async function loadNext() {
  setText("vote-error", "");
  let data;
  try {
    data = await api.get(`/api/pairs/next?rater=${encodeURIComponent(rater)}`);
  } catch (err) {
    if (err.field === "rater") { askRater(err.message); return; }
    setText("vote-error", err.message);
    byId("vote-section").hidden = false;
    return;
  }
  setText("counter", `${data.voted} of ${data.total} pairs voted`);
  pair = data.pair;
  if (!pair) {
    byId("vote-section").hidden = true;
    byId("done-section").hidden = false;
    setText("done-text", data.total ? `Thank you: you have voted on all ${data.total} pairs.`
      : "There is nothing to vote on: start the server with --eval DIR (an eval run folder).");
    return;
  }
  byId("done-section").hidden = true;
  byId("vote-form").reset();
  setText("pair-prompt", pair.prompt);
  byId("video-left").src = pair.left.video;
  byId("video-right").src = pair.right.video;
  byId("vote-section").hidden = false;
  byId("vote-section").dataset.pair = pair.key;
}

function collect() {
  const form = byId("vote-form");
  const outcome = form.querySelector("input[name=outcome]:checked");
  if (!outcome) throw new Error("choose which video is better (or a tie)");
  const scores = { left: {}, right: {} };
  for (const side of ["left", "right"]) {
    for (const [dim, label] of DIMENSIONS) {
      const v = form.querySelector(`input[name="${side}-${dim}"]:checked`);
      if (!v) throw new Error(`score ${label.toLowerCase()} for Video ${side === "left" ? "A" : "B"}`);
      scores[side][dim] = Number(v.value);
    }
  }
  return { rater, left: pair.left.item, right: pair.right.item, outcome: outcome.value, scores };
}

async function submitVote(ev) {
  ev.preventDefault();
  let body;
  try { body = collect(); } catch (err) { setText("vote-error", err.message); return; }
  byId("submit-vote").disabled = true;
  try {
    await api.post("/api/votes", body);
    await loadNext();
  } catch (err) {
    setText("vote-error", err.message);
  } finally {
    byId("submit-vote").disabled = false;
  }
}

function init() {
  buildRubric();
  byId("rater-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const id = byId("rater-input").value.trim();
    if (!RATER.test(id)) { setText("rater-error", "use 1 to 64 characters from A-Z a-z 0-9 _ . @ -"); return; }
    startAs(id);
  });
  byId("change-rater").addEventListener("click", () => askRater(""));
  byId("vote-form").addEventListener("submit", submitVote);
  const saved = localStorage.getItem(KEY);
  if (saved && RATER.test(saved)) startAs(saved); else askRater("");
}

init();
