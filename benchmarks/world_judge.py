"""How exact is the world judge? Accuracy on held-out renders, precision on mismatched prompts, degradation.

    python benchmarks/world_judge.py                      # 200 held-out clips, 128x128x17 (~2-3 min, 2 cores)
    python benchmarks/world_judge.py --clips 50 --size 96 # quicker

Three measurements on clips of the held-out split (attribute combinations never seen in training):
1. matched: each clip judged against its own captions (English and Chinese, short and dense, random
   template) and its spec; every attribute should be read correctly.
2. mismatched: each clip judged against the short and dense captions of a *different* clip. The true verdict of each
   attribute comes from scoring the clip's ground-truth tracks, so the judge's precision/recall per
   attribute and its pass rate can be set against the chance rate (how often the other prompt really fits).
3. degraded: the same clips after Gaussian blur + noise + an H.264 round trip, judged against their specs;
   and the first ``--shift-clips`` also after a global colour drift (as generated video often has).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from stepvid.world.captions import LANGS, caption, parse_prompt, request_from_spec
from stepvid.world.degrade import color_shift, degrade
from stepvid.world.judge import analyze, ground_truth_analysis, score
from stepvid.world.render import render_video
from stepvid.world.scene import sample_scene


def _atype(key: str) -> str:
    return key.split(".", 1)[1] if key.startswith("g") else key


def _accumulate(table: dict, result) -> None:
    for k, ok in result.attributes.items():
        table[_atype(k)].append(bool(ok))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clips", type=int, default=200)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--frames", type=int, default=17)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--blur", type=float, default=1.2, help="degradation: Gaussian blur sigma (px)")
    ap.add_argument("--noise", type=float, default=5.0, help="degradation: noise sigma (uint8 levels)")
    ap.add_argument("--crf", type=int, default=28, help="degradation: H.264 crf")
    ap.add_argument("--shift-clips", type=int, default=100,
                    help="clips also judged after colour drift (desaturate 0.75, gain 0.9, +10) + degradation")
    ap.add_argument("--json", help="also write the numbers to this file")
    a = ap.parse_args()

    t0 = time.time()
    rng = np.random.default_rng(a.seed)
    specs = [sample_scene(rng, split="heldout") for _ in range(a.clips)]
    clips = [render_video(s, a.size, a.size, a.frames) for s in specs]
    analyses = [analyze(v) for v in clips]
    t_render_judge = time.time() - t0

    # 1. matched prompts, per language
    matched = {lang: defaultdict(list) for lang in (*LANGS, "spec")}
    passed = defaultdict(list)
    for s, an in zip(specs, analyses):
        for lang in LANGS:
            for style in ("short", "dense"):
                r = score(an, parse_prompt(caption(s, lang, style, rng=rng)))
                _accumulate(matched[lang], r)
                passed[f"{lang}_{style}"].append(r.passed)
        r = score(an, request_from_spec(s))
        _accumulate(matched["spec"], r)
        passed["spec"].append(r.passed)

    # 2. mismatched prompts: clip i vs the short and dense captions of clip i+1 (both languages)
    conf = defaultdict(lambda: np.zeros((2, 2), int))  # [truth, verdict]
    mm_pass, mm_true = [], []
    for i, (s, an) in enumerate(zip(specs, analyses)):
        other = specs[(i + 1) % len(specs)]
        gt = ground_truth_analysis(s, a.frames)
        for lang in LANGS:
            for style in ("short", "dense"):
                req = parse_prompt(caption(other, lang, style, rng=rng))
                r, truth = score(an, req), score(gt, req)
                for k, ok in r.attributes.items():
                    conf[_atype(k)][int(truth.attributes[k]), int(ok)] += 1
                mm_pass.append(r.passed)
                mm_true.append(truth.passed)

    # 3. degraded renders
    t1 = time.time()
    degraded = defaultdict(list)
    deg_pass = []
    for s, v in zip(specs, clips):
        r = score(analyze(degrade(v, rng, a.blur, a.noise, a.crf)), request_from_spec(s))
        _accumulate(degraded, r)
        deg_pass.append(r.passed)
    t_degraded = time.time() - t1
    shifted, shift_pass = defaultdict(list), []
    for s, v in list(zip(specs, clips))[: a.shift_clips]:
        r = score(analyze(degrade(color_shift(v), rng, a.blur, a.noise, a.crf)), request_from_spec(s))
        _accumulate(shifted, r)
        shift_pass.append(r.passed)

    types = sorted({t for d in matched.values() for t in d})
    print(f"world judge: {a.clips} held-out clips {a.size}x{a.size}x{a.frames}; "
          f"render+analyse {t_render_judge / a.clips * 1000:.0f} ms/clip")
    print(f"{'attribute':<10} {'en':>7} {'zh':>7} {'spec':>7} {'degraded':>9} {'+colour':>8} | "
          f"mismatched: {'prec':>6} {'recall':>6} {'acc':>6}")
    out = {"clips": a.clips, "size": a.size, "frames": a.frames, "attributes": {}}
    for t in types:
        c = conf[t]
        prec = c[1, 1] / c[:, 1].sum() if c[:, 1].sum() else None  # None: no positive verdicts / truths
        rec = c[1, 1] / c[1, :].sum() if c[1, :].sum() else None
        acc = (c[0, 0] + c[1, 1]) / max(c.sum(), 1)
        row = {k: float(np.mean(matched[k][t])) if matched[k][t] else None for k in matched}
        row.update(degraded=float(np.mean(degraded[t])) if degraded[t] else None,
                   shifted=float(np.mean(shifted[t])) if shifted[t] else None, mm_precision=prec and float(prec),
                   mm_recall=rec and float(rec), mm_accuracy=float(acc))
        out["attributes"][t] = row

        def f(x):
            return f"{x:.4f}" if x is not None else "-"

        print(f"{t:<10} {f(row['en']):>7} {f(row['zh']):>7} {f(row['spec']):>7} {f(row['degraded']):>9} "
              f"{f(row['shifted']):>8} | "
              f"{'':>11} {f(prec):>6} {f(rec):>6} {acc:.4f}")
    all_en = np.mean([v for t in types for v in matched["en"][t]])
    all_zh = np.mean([v for t in types for v in matched["zh"][t]])
    all_deg = np.mean([v for t in types for v in degraded[t]])
    out.update(attr_acc_en=float(all_en), attr_acc_zh=float(all_zh), attr_acc_degraded=float(all_deg),
               pass_rate={k: float(np.mean(v)) for k, v in passed.items()},
               degraded_pass_rate=float(np.mean(deg_pass)), mismatched_pass_rate=float(np.mean(mm_pass)),
               mismatched_true_match_rate=float(np.mean(mm_true)), seconds=round(time.time() - t0, 1))
    n_en = sum(len(matched["en"][t]) for t in types)
    n_zh = sum(len(matched["zh"][t]) for t in types)
    out.update(verdicts_en=n_en, verdicts_zh=n_zh)
    print(f"all attributes correct: en {all_en:.4f} (n={n_en}), zh {all_zh:.4f} (n={n_zh}), degraded {all_deg:.4f} "
          f"(blur {a.blur}, noise {a.noise}, crf {a.crf}; {t_degraded / a.clips * 1000:.0f} ms/clip)")
    print("clip pass rate (matched): " + ", ".join(f"{k} {np.mean(v):.4f}" for k, v in passed.items())
          + f"; degraded {np.mean(deg_pass):.4f}")
    if shift_pass:
        all_shift = np.mean([v for t in types for v in shifted[t]])
        out.update(attr_acc_shifted=float(all_shift), shifted_pass_rate=float(np.mean(shift_pass)))
        print(f"colour drift + degradation ({len(shift_pass)} clips): attributes {all_shift:.4f}, "
              f"pass rate {np.mean(shift_pass):.4f}")
    print(f"mismatched prompts: judge pass rate {np.mean(mm_pass):.4f} vs chance (prompt truly fits) "
          f"{np.mean(mm_true):.4f}")
    print(f"total {time.time() - t0:.1f} s")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
