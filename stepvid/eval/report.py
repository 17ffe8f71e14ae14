"""The eval folder's ``summary.json`` (numbers per model, category, prompt length, and model against model) and
``report.html`` (self-contained: inline CSS and SVG charts, no script, no network; only the videos are linked,
relatively). Both are rebuilt from the items alone, so ``stepvid eval report OUT`` works on any folder.

Prompt text, categories and ids come from users' files: everything written into the page goes through
``html.escape``.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import numpy as np

from stepvid.eval.metrics import METRICS

__all__ = ["LENGTH_BUCKETS", "build_summary", "length_bucket", "prompt_length", "render_html", "write_report"]

# (bucket, largest length in it); length = CJK characters + 2 x other words (an English word ~ two characters).
LENGTH_BUCKETS: tuple[tuple[str, int | None], ...] = (("short", 20), ("medium", 50), ("long", None))
LENGTH_UNIT = "CJK characters + 2 x other words"
UNCATEGORISED = "uncategorised"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def prompt_length(text: str) -> int:
    """Length in units of one CJK character (Chinese, Japanese kana, Hangul): CJK characters count 1 each,
    every other word (a run of letters/digits) 2."""
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    return cjk + 2 * words


def length_bucket(text: str) -> str:
    """short (<= 20), medium (21-50) or long (> 50) in :func:`prompt_length` units."""
    n = prompt_length(text)
    return next(name for name, top in LENGTH_BUCKETS if top is None or n <= top)


def _bounds() -> dict[str, str]:
    out, low = {}, 0
    for name, top in LENGTH_BUCKETS:
        out[name] = f"{low + 1}-{top}" if top is not None else f"> {low}"
        low = top if top is not None else low
    out["unit"] = LENGTH_UNIT
    return out


# ------------------------------------------------------------------------------------------------ summary


def _mean(values: Sequence[float]) -> float | None:
    v = [float(x) for x in values if isinstance(x, (int, float)) and math.isfinite(x)]
    return float(np.mean(v)) if v else None


def _stats(rows: Sequence[dict]) -> dict:
    """Counts, judge pass rate and mean score (over judged rows), metric means, generation seconds."""
    judged = [r for r in rows if r.get("judge") is not None]
    passed = sum(1 for r in judged if r["judge"].get("passed"))
    secs = [float(r["seconds"]) for r in rows]
    return {
        "items": len(rows),
        "judged": len(judged),
        "passed": passed,
        "pass_rate": passed / len(judged) if judged else None,
        "judge_score": _mean([r["judge"].get("score") for r in judged]),
        "metrics": {k: _mean([r["metrics"].get(k) for r in rows]) for k in METRICS},
        "seconds": {"mean": _mean(secs), "median": float(np.median(secs)) if secs else None,
                    "total": float(np.sum(secs)) if secs else 0.0},
    }


def _category(value: str | None) -> str:
    return value if value else UNCATEGORISED


def _pairwise(tags: list[str], items: Sequence[dict]) -> list[dict]:
    """Judge-score win/tie/loss of each model against each later one, on the (prompt_id, seed) items both have
    judged."""
    score = {(r["model"], r["prompt_id"], r["seed"]): float(r["judge"]["score"]) for r in items
             if r.get("judge") is not None}
    out = []
    for i, a in enumerate(tags):
        for b in tags[i + 1:]:
            keys = sorted({(p, s) for (m, p, s) in score if m == a} & {(p, s) for (m, p, s) in score if m == b})
            diff = [score[(a, *k)] - score[(b, *k)] for k in keys]
            out.append({"a": a, "b": b, "shared": len(keys), "win": sum(d > 1e-9 for d in diff),
                        "tie": sum(abs(d) <= 1e-9 for d in diff), "loss": sum(d < -1e-9 for d in diff)})
    return out


def build_summary(run: dict, prompts: Sequence[dict], items: Sequence[dict]) -> dict:
    """summary.json's content (layout in docs/eval.md) from run.json, prompts.jsonl and the items."""
    from stepvid.eval.runner import EvalPrompt, judge_target

    world = [judge_target(EvalPrompt(p["id"], p["prompt"], p.get("category"), p.get("request")))[0] is not None
             for p in prompts]
    cats = list(dict.fromkeys(_category(p.get("category")) for p in prompts))
    expected = len(prompts) * len(run["seeds"])
    models = {}
    for m in run["models"]:
        rows = [r for r in items if r["model"] == m["tag"]]
        by_cat = {c: _stats([r for r in rows if _category(r.get("category")) == c]) for c in cats}
        by_len = {b: _stats([r for r in rows if length_bucket(r["prompt"]) == b]) for b, _ in LENGTH_BUCKETS}
        models[m["tag"]] = {"path": m["path"], "name": m.get("name"), "domain": m.get("domain"),
                            "settings": m.get("settings"), "expected": expected, **_stats(rows),
                            "by_category": by_cat, "by_length": by_len}
    understood = sum(world)
    return {
        "version": 1,
        "prompts_file": run["prompts_file"],
        "prompts": len(prompts),
        "seeds": run["seeds"],
        "categories": cats,
        "world_prompts": {"understood": understood, "total": len(prompts),
                          "fraction": understood / len(prompts) if prompts else None},
        "length_buckets": _bounds(),
        "items": len(items),
        "expected": expected * len(run["models"]),
        "models": models,
        "pairwise": _pairwise([m["tag"] for m in run["models"]], items),
    }


# ------------------------------------------------------------------------------------------------ html

_e = html.escape
_COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d")
_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1600px}
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 7px;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.banner{border:2px solid #d9822b;background:#fff4e5;padding:.7em 1em;margin:1em 0}
.note{border:1px solid #9ab;background:#f2f7fa;padding:.6em 1em;margin:1em 0}
.pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}.na{color:#777}
.prompt{max-width:28em}.id{color:#777;font-size:.85em}.m{font-size:.8em;color:#555}
video{display:block;background:#000}svg{margin:.5em 1em .5em 0}.charts{display:flex;flex-wrap:wrap}
"""


def _fmt(v: float | None, digits: int = 3) -> str:
    if v is None:
        return "–"
    return f"{v:.{digits}g}" if abs(v) < 1e4 else f"{v:,.0f}"


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.1f} %"


def svg_bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
             unit: str = "", percent: bool = False) -> str:
    """A horizontal grouped bar chart as inline SVG: one group per label, one bar per series (model)."""
    values = [v for _, vs in series for v in vs if v is not None and math.isfinite(v)]
    top = max(values, default=0.0) or 1.0
    bar, gap, left, width = 11, 8, 170, 330
    height = 36 + len(labels) * (len(series) * bar + gap) + 14 * len(series)
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 90}" height="{height}" '
             f'role="img" aria-label="{_e(title)}">'),
             (f'<text x="0" y="14" font-size="13" font-weight="bold">{_e(title)}{_e(f" ({unit})" if unit else "")}'
             f"</text>")]
    y = 26
    for k, (name, _) in enumerate(series):
        parts.append(f'<rect x="{left}" y="{y}" width="10" height="10" fill="{_COLOURS[k % len(_COLOURS)]}"/>'
                     f'<text x="{left + 14}" y="{y + 9}" font-size="11">{_e(name)}</text>')
        y += 14
    y += 4
    for i, label in enumerate(labels):
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(f'<text x="{left - 6}" y="{y + len(series) * bar / 2 + 4}" font-size="11" '
                     f'text-anchor="end">{_e(short)}</text>')
        for k, (_, vs) in enumerate(series):
            v = vs[i]
            w = 0.0 if v is None or not math.isfinite(v) else max(v, 0.0) / top * width
            text = "n/a" if v is None else (_pct(v) if percent else _fmt(v))
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 2}" '
                         f'fill="{_COLOURS[k % len(_COLOURS)]}"/><text x="{left + w + 4:.1f}" y="{y + bar - 3}" '
                         f'font-size="10">{_e(text)}</text>')
            y += bar
        y += gap
    parts.append("</svg>")
    return "".join(parts)


def _banners(summary: dict) -> list[str]:
    w = summary["world_prompts"]
    u, n = w["understood"], w["total"]
    out = []
    for tag, m in summary["models"].items():
        if m.get("domain") == "world" and u < n:
            out.append(
                f'<div class="banner"><b>Out of domain for model {_e(tag)}.</b> Only {u} of {n} prompts '
                f"({_pct(w['fraction'])}) are world prompts that the world judge's parser understands. "
                f"{_e(tag)} was trained only on stepvid's synthetic world (coloured shapes moving over plain "
                f"backgrounds, described in English or Chinese), so the other {n - u} prompts lie outside its "
                f"domain and its videos for them are expected to fail; their metrics describe the videos, not "
                f"whether they follow the prompts.</div>")
    if u < n and not out:
        out.append(f'<div class="note">The world judge understands {u} of {n} prompts ({_pct(w["fraction"])}); '
                   f"the others show “not a world prompt” and are measured by the offline metrics only.</div>")
    if summary["items"] < summary["expected"]:
        out.append(f'<div class="note">{summary["items"]} of {summary["expected"]} videos are made: the run is '
                   f"unfinished or other shards are still running; missing cells say so. Rebuild this page with "
                   f"<code>stepvid eval report OUT</code>.</div>")
    return out


def _model_table(summary: dict) -> str:
    head = ("<tr><th>model</th><th>videos</th><th>judged</th><th>judge pass rate</th><th>mean judge score</th>"
            + "".join(f"<th>{_e(METRICS[k][0])}<br><span class=m>{_e(METRICS[k][1])}</span></th>" for k in METRICS)
            + "<th>seconds per video<br><span class=m>mean / median</span></th></tr>")
    rows = []
    for tag, m in summary["models"].items():
        rows.append(
            f"<tr><th>{_e(tag)}</th><td class=n>{m['items']} / {m['expected']}</td><td class=n>{m['judged']}</td>"
            f"<td class=n>{_pct(m['pass_rate'])}</td><td class=n>{_fmt(m['judge_score'])}</td>"
            + "".join(f"<td class=n>{_fmt(m['metrics'][k])}</td>" for k in METRICS)
            + f"<td class=n>{_fmt(m['seconds']['mean'])} / {_fmt(m['seconds']['median'])}</td></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _breakdown_table(summary: dict, key: str, labels: Sequence[str], names: dict | None = None) -> str:
    tags = list(summary["models"])
    head = "<tr><th></th>" + "".join(f"<th colspan=3>{_e(t)}</th>" for t in tags) + "</tr><tr><th></th>" + (
        "<th>videos</th><th>pass rate (judged)</th><th>flicker / motion / sharpness / consistency</th>" * len(tags)
    ) + "</tr>"
    rows = []
    for label in labels:
        cells = []
        for t in tags:
            s = summary["models"][t][key][label]
            ms = " / ".join(_fmt(s["metrics"][k]) for k in METRICS)
            cells.append(f"<td class=n>{s['items']}</td><td class=n>{_pct(s['pass_rate'])} ({s['judged']})</td>"
                         f"<td class=n>{ms}</td>")
        shown = names.get(label, label) if names else label
        rows.append(f"<tr><th>{_e(shown)}</th>{''.join(cells)}</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _charts(summary: dict) -> str:
    cats, tags = summary["categories"], list(summary["models"])
    charts = []
    if any(m["judged"] for m in summary["models"].values()):
        charts.append(svg_bars("judge pass rate by category", cats,
                               [(t, [summary["models"][t]["by_category"][c]["pass_rate"] for c in cats]) for t in tags],
                               percent=True))
        lens = [b for b, _ in LENGTH_BUCKETS]
        charts.append(svg_bars("judge pass rate by prompt length", lens,
                               [(t, [summary["models"][t]["by_length"][b]["pass_rate"] for b in lens]) for t in tags],
                               percent=True))
    for k, (label, unit, _) in METRICS.items():
        charts.append(svg_bars(f"{label} by category", cats,
                               [(t, [summary["models"][t]["by_category"][c]["metrics"][k] for c in cats])
                                for t in tags], unit=unit))
    return f'<div class="charts">{"".join(charts)}</div>'


def _cell(row: dict | None, width: int) -> str:
    if row is None:
        return '<td class="na">not generated yet</td>'
    j = row.get("judge")
    if j is None:
        verdict = '<span class="na">not a world prompt</span>'
    else:
        wrong = [k for k, v in j.get("attributes", {}).items() if not v]
        verdict = (f'<span class="{"pass" if j.get("passed") else "fail"}">{"PASS" if j.get("passed") else "FAIL"}'
                   f"</span> {_fmt(j.get('score'))}" + (f' <span class=m>wrong: {_e(", ".join(wrong))}</span>'
                                                        if wrong else ""))
    ms = " · ".join(f"{k} {_fmt(row['metrics'].get(k))}" for k in METRICS if k in row["metrics"])
    src = _e(quote(row["video"]))
    return (f'<td><video src="{src}" width="{width}" controls loop muted preload="metadata"></video>'
            f'<div>{verdict}</div><div class="m">{_e(ms)} · {row["seconds"]:.1f} s</div></td>')


def _grids(run: dict, prompts: Sequence[dict], items: Sequence[dict], summary: dict) -> str:
    tags = [m["tag"] for m in run["models"]]
    widths = [m.get("settings", {}).get("width") or 192 for m in run["models"]]
    width = min(max(max(widths), 128), 256)  # display size; the videos keep their own
    by_key = {(r["model"], r["prompt_id"], r["seed"]): r for r in items}
    out = []
    for ci, cat in enumerate(summary["categories"]):
        ps = [p for p in prompts if _category(p.get("category")) == cat]
        rates = ", ".join(f"{_e(t)} {_pct(summary['models'][t]['by_category'][cat]['pass_rate'])}" for t in tags)
        out.append(f'<h2 id="cat-{ci}">{_e(cat)} <span class=m>({len(ps)} prompts; judge pass rate: {rates})</span>'
                   f"</h2><table><tr><th>prompt</th><th>seed</th>"
                   + "".join(f"<th>{_e(t)}</th>" for t in tags) + "</tr>")
        for p in ps:
            for k, seed in enumerate(run["seeds"]):
                head = (f'<td rowspan="{len(run["seeds"])}" class="prompt">{_e(p["prompt"])}<div class="id">'
                        f"{_e(p['id'])}</div></td>") if k == 0 else ""
                cells = "".join(_cell(by_key.get((t, p["id"], seed)), width) for t in tags)
                out.append(f"<tr>{head}<td class=n>{seed}</td>{cells}</tr>")
        out.append("</table>")
    return "".join(out)


def render_html(run: dict, prompts: Sequence[dict], items: Sequence[dict], summary: dict,
                title: str = "stepvid eval") -> str:
    """The whole report page (no script, no external resource except the videos, linked relatively)."""
    w = summary["world_prompts"]
    cats = summary["categories"]
    models = "".join(
        f"<tr><th>{_e(m['tag'])}</th><td>{_e(str(m.get('name') or ''))}</td><td>{_e(m['path'])}</td>"
        f"<td>{_e(', '.join(f'{k} {v}' for k, v in (m.get('settings') or {}).items()))}</td></tr>"
        for m in run["models"])
    pair = ""
    if summary["pairwise"]:
        pair = ("<h2>Model against model</h2><p>Judge score on the items both models made and the judge scored "
                "(same prompt, same seed).</p><table><tr><th>A</th><th>B</th><th>shared</th><th>A wins</th>"
                "<th>ties</th><th>B wins</th></tr>" + "".join(
                    f"<tr><td>{_e(p['a'])}</td><td>{_e(p['b'])}</td><td class=n>{p['shared']}</td><td class=n>"
                    f"{p['win']}</td><td class=n>{p['tie']}</td><td class=n>{p['loss']}</td></tr>"
                    for p in summary["pairwise"]) + "</table>")
    lens = [b for b, _ in LENGTH_BUCKETS]
    bounds = summary["length_buckets"]
    metric_rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v[0])}</td><td>{_e(v[1])}</td><td>{_e(v[2])} is better"
                          f"</td></tr>" for k, v in METRICS.items())
    toc = " · ".join(f'<a href="#cat-{i}">{_e(c)}</a>' for i, c in enumerate(cats))
    return "".join([
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>',
        f"<style>{_CSS}</style></head><body><h1>{_e(title)}</h1>",
        (f"<p>Prompts: {_e(str(summary['prompts_file']))} ({summary['prompts']} prompts, {len(cats)} categories); "
        f"seeds {_e(', '.join(map(str, run['seeds'])))}; {summary['items']} of {summary['expected']} videos made; "
        f"world prompts the judge understands: {w['understood']} of {w['total']} ({_pct(w['fraction'])}). "
        f"Report written {_e(time.strftime('%Y-%m-%d %H:%M:%S'))}.</p>"),
        *_banners(summary),
        f"<table><tr><th>model</th><th>name</th><th>folder</th><th>settings</th></tr>{models}</table>",
        "<h2>Summary</h2>", _model_table(summary), pair,
        "<h2>Charts</h2>", _charts(summary),
        "<h2>By category</h2>", _breakdown_table(summary, "by_category", cats),
        f"<h2>By prompt length</h2><p>Length in {_e(bounds['unit'])}.</p>",
        _breakdown_table(summary, "by_length", lens, {b: f"{b} ({bounds[b]})" for b in lens}),
        "<h2>Metrics</h2><table><tr><th>name</th><th>what</th><th>unit</th><th></th></tr>", metric_rows,
        ("</table><p class=m>Definitions: docs/eval.md. The judge checks only what a world prompt states "
        "(objects' colour, shape, count, size, motion, speed, background).</p>"),
        f"<h2>Videos</h2><p>{toc}</p>", _grids(run, prompts, items, summary),
        "</body></html>\n",
    ])


def write_report(out: str | os.PathLike) -> dict:
    """Rebuild ``items.jsonl`` (merged view), ``summary.json`` and ``report.html`` of an eval folder from its
    items; returns the summary."""
    from stepvid.eval.runner import load_run, write_items_view
    from stepvid.video import atomic_path

    out = Path(out)
    write_items_view(out)
    run, prompts, items = load_run(out)
    summary = build_summary(run, prompts, items)
    with atomic_path(out / "summary.json") as tmp:
        tmp.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    page = render_html(run, prompts, items, summary, title=f"stepvid eval: {out.resolve().name}")
    with atomic_path(out / "report.html") as tmp:
        tmp.write_text(page, encoding="utf-8")
    return summary
