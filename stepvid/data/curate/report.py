"""The HTML funnel report: counts per stage, tag histograms with thresholds, sample thumbnails.

Self-contained (inline SVG and base64 PNG), no plotting library.
"""

from __future__ import annotations

import html
import os
from typing import Any

import numpy as np

from stepvid.data.curate.config import CurateConfig
from stepvid.video import atomic_path

# tag -> (threshold attribute of CurateConfig or a number, label)
HISTOGRAMS = {
    "motion_mean": ("static_motion", "static below"),
    "shake": ("shake_score", "shaky above"),
    "blur_ratio": ("blur_ratio_max", "blurry above"),
    "saturation_mean": (("saturation_low", "saturation_high"), "under / over"),
    "brightness": (None, ""),
    "aesthetic": (None, ""),
    "text_frames": ("text_min_frames", "subtitle from"),
    "watermark_score": ("watermark_min_score", "watermark from"),
    "center_sim": ("min_center_sim", "outlier below"),
    "duration": (("min_seconds", "max_seconds"), "min / max"),
}


def _svg_hist(
    values: list[float], thresholds: list[float], width: int = 320, height: int = 120, bins: int = 30
) -> str:
    v = np.asarray([x for x in values if x is not None], np.float64)
    if not len(v):
        return "<i>no values</i>"
    lo, hi = (
        float(min(v.min(), *thresholds)) if thresholds else float(v.min()),
        float(max(v.max(), *thresholds)) if thresholds else float(v.max()),
    )
    if hi <= lo:
        hi = lo + 1.0
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    top = counts.max() or 1
    bw = width / bins
    parts = [
        f'<svg width="{width}" height="{height + 16}" xmlns="http://www.w3.org/2000/svg" style="background:#fafafa">'
    ]
    for i, c in enumerate(counts):
        h = c / top * height
        parts.append(
            f'<rect x="{i * bw:.1f}" y="{height - h:.1f}" width="{bw - 1:.1f}" height="{h:.1f}" fill="#4a7ab7"/>'
        )
    for t in thresholds:
        x = (t - lo) / (hi - lo) * width
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height}" stroke="#d33" stroke-width="2"/>')
    parts.append(
        f'<text x="0" y="{height + 13}" font-size="11">{lo:.3g}</text>'
        f'<text x="{width}" y="{height + 13}" font-size="11" text-anchor="end">{hi:.3g}</text></svg>'
    )
    return "".join(parts)


def write_report(path: str | os.PathLike, res: Any, cfg: CurateConfig, samples: int = 12) -> None:
    esc = html.escape
    out = [
        "<!doctype html><meta charset='utf-8'><title>stepvid curate report</title>",
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px}table{border-collapse:collapse}"
        "tr:nth-child(even){background:#f3f3f3}.g{display:flex;flex-wrap:wrap;gap:12px}"
        ".c{font-size:11px;width:170px}</style>",
        "<h1>Curation report</h1><h2>Funnel</h2><table>",
        "<tr><th>stage</th><th>remaining</th><th>dropped</th><th></th></tr>",
    ]
    first = max(1, res.funnel[3][1] if len(res.funnel) > 3 else 1)
    prev = None
    for name, n in res.funnel:
        drop = "" if prev is None or name in ("shots", "clips (trimmed, >= min length)") else str(prev - n)
        bar = f"<svg width='200' height='10'><rect width='{min(200, 200 * n / first):.0f}' height='10' fill='#4a7ab7'/></svg>"
        out.append(f"<tr><td><code>{esc(name)}</code></td><td>{n}</td><td>{drop}</td><td>{bar}</td></tr>")
        prev = n
    out.append("</table>")
    if res.failed:
        out.append(f"<h2>Failed inputs ({len(res.failed)})</h2><ul>")
        out += [f"<li>{esc(f['reason'])}</li>" for f in res.failed[:200]]
        out.append("</ul>")
    if res.seconds:
        out.append("<h2>Time per stage (s, summed over workers)</h2><table>")
        out += [f"<tr><td>{esc(k)}</td><td>{v:.2f}</td></tr>" for k, v in res.seconds.items()]
        out.append("</table>")
    out.append("<h2>Tags</h2><div class='g'>")
    for tag, (thr, label) in HISTOGRAMS.items():
        vals = [r.get(tag) for r in res.clips if isinstance(r.get(tag), (int, float))]
        if not vals:
            continue
        names = thr if isinstance(thr, tuple) else ((thr,) if thr else ())
        ts = [float(getattr(cfg, n)) for n in names if float(getattr(cfg, n)) > -1]
        out.append(f"<div><b>{esc(tag)}</b> <small>{esc(label)}</small><br>{_svg_hist(vals, ts)}</div>")
    out.append("</div>")
    rng = np.random.default_rng(0)
    for title, group in (
        ("Kept", [r for r in res.clips if r.get("keep")]),
        ("Dropped", [r for r in res.clips if not r.get("keep")]),
    ):
        pick = (
            [group[i] for i in sorted(rng.choice(len(group), min(samples, len(group)), replace=False))]
            if group
            else []
        )
        out.append(f"<h2>{title} samples ({len(group)} clips)</h2><div class='g'>")
        for r in pick:
            img = f"<img src='data:image/png;base64,{r['_thumb']}' width='160'>" if r.get("_thumb") else ""
            why = esc(r.get("drop_reason") or r.get("caption") or "")
            out.append(f"<div class='c'>{img}<br><code>{esc(r['clip_id'])}</code><br>{why}</div>")
        out.append("</div>")
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(out), encoding="utf-8")
