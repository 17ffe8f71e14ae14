// Results page: the report's tables from /api/export/tables, written as text cells only.
"use strict";

const pct = (x) => `${(100 * x).toFixed(1)}%`;

// The first `textColumns` columns hold names (left-aligned), the rest numbers.
function fill(id, head, rows, textColumns) {
  const cls = (i) => (i < textColumns ? "text" : null);
  const table = byId(id);
  table.tHead.replaceChildren(el("tr", {}, ...head.map((h, i) => el("th", { class: cls(i) }, h))));
  table.tBodies[0].replaceChildren(...rows.map((r) => el("tr", {},
    ...r.map((c, i) => el("td", { class: cls(i) }, String(c))))));
}

function wtl(r) {
  return [r.model_a, r.model_b, r.votes, r.wins, r.ties, r.losses, pct(r.win_rate), pct(r.tie_rate),
    pct(r.loss_rate)];
}

async function init() {
  const t = await api.get("/api/export/tables");
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  setText("summary", t.votes ? `${plural(t.votes, "vote")} by ${plural(t.raters, "rater")}.` : "No votes yet.");
  const head = ["model A", "model B", "votes", "A wins", "ties", "B wins", "A win rate", "tie rate", "A loss rate"];
  fill("wtl-table", head, t.pairs.map(wtl), 2);
  fill("category-table", ["category", ...head], t.by_category.map((r) => [r.category || "(none)", ...wtl(r)]), 3);
  const dims = t.dimensions;
  fill("rubric-table", ["model", "n", ...dims.map((d) => d.replaceAll("_", " "))], t.rubric.map((r) => [
    r.model, r.n, ...dims.map((d) => {
      const s = r.dimensions[d];
      return s.std === null ? s.mean.toFixed(2) : `${s.mean.toFixed(2)} ± ${s.std.toFixed(2)}`;
    }),
  ]), 1);
}

init().catch((err) => setText("results-error", err.message));
