"""How well the world judge's prompt parser reads natural phrasing: parse rate and wrong parses.

The prompts are the natural-phrasing adherence benchmark's (``bundled_adherence.heldout_prompts`` with
``phrasing="natural"``: held-out scenes, held-out phrasing families), each with the request it states (the
grammar's ground truth). A prompt is *parsed* when ``parse_prompt`` returns a request, *right* when that request
equals the ground truth, *wrong* when it returns another one (worse than a refusal: the judge would score the
video against something the prompt did not ask for). Refusals are counted by their message.

    python benchmarks/natural_parse.py                      # 200 scenes x 1-2 objects x EN/ZH (+ mixed)
    python benchmarks/natural_parse.py --split train --n 500
    python benchmarks/natural_parse.py --prompts my_prompts.txt   # one prompt per line: parse rate only

Targets (issue 18): parse rate >= 95 % with zero wrong parses on the benchmark.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np


def benchmark_prompts(n: int, objects: list[int], langs: tuple[str, ...], split: str, seed: int = 2026) -> list[dict]:
    """The adherence benchmark's natural prompts (``split="heldout"``), or train-family prompts of the same
    scenes (``split="train"``) as a control."""
    from bundled_adherence import heldout_prompts

    if split == "heldout":
        return [p for k in objects for p in heldout_prompts(n, k, "short", seed, "natural", langs)]
    from stepvid.world import sample_scene
    from stepvid.world.phrasing import natural_caption

    out = []
    for k in objects:
        for i in range(n):
            spec = sample_scene(np.random.default_rng([seed, k, i]), "heldout", num_objects=k)
            for j, lang in enumerate(langs):
                text, req = natural_caption(spec, lang, np.random.default_rng([seed, k, i, 13, j]), split="train")
                out.append({"id": f"{k}obj-{i:03d}", "objects": k, "lang": lang, "prompt": text, "request": req})
    return out


def evaluate(prompts: list[dict]) -> dict:
    """Per language: counts of right / wrong / refused, refusal reasons, and examples of wrong parses."""
    from stepvid.world.captions import CannotJudge, parse_prompt

    out: dict[str, dict] = {}
    for p in prompts:
        r = out.setdefault(p["lang"], {"n": 0, "right": 0, "wrong": 0, "refused": 0, "reasons": Counter(),
                                       "wrong_examples": [], "refused_examples": []})
        r["n"] += 1
        try:
            got = parse_prompt(p["prompt"])
        except CannotJudge as e:
            r["refused"] += 1
            r["reasons"][re.sub(r"'[^']*'", "'…'", str(e))] += 1
            if len(r["refused_examples"]) < 5:
                r["refused_examples"].append((p["prompt"], str(e)))
            continue
        if "request" not in p or got == p["request"]:
            r["right"] += 1
        else:
            r["wrong"] += 1
            if len(r["wrong_examples"]) < 10:
                r["wrong_examples"].append((p["prompt"], got, p["request"]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="scenes per object count")
    ap.add_argument("--objects", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--langs", nargs="+", choices=["en", "zh", "mix"], default=["en", "zh", "mix"])
    ap.add_argument("--split", choices=["heldout", "train"], default="heldout", help="phrasing families")
    ap.add_argument("--prompts", type=Path, default=None, help="a UTF-8 file of prompts, one per line")
    args = ap.parse_args(argv)
    if args.prompts is not None:
        try:
            lines = args.prompts.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            print(f"--prompts {args.prompts}: {e}", file=sys.stderr)
            return 2
        prompts = [{"lang": "file", "prompt": s.strip()} for s in lines if s.strip() and not s.startswith("#")]
    else:
        prompts = benchmark_prompts(args.n, args.objects, tuple(args.langs), args.split)
    res = evaluate(prompts)
    print(f"parser on {len(prompts)} natural prompts ({args.prompts or args.split + ' phrasing families'})")
    print("| lang | n | parsed | right | wrong | refused |\n|---|---|---|---|---|---|")
    for lang, r in res.items():
        print(f"| {lang} | {r['n']} | {100 * (r['right'] + r['wrong']) / r['n']:.1f} % | {r['right']} | {r['wrong']} "
              f"| {r['refused']} |")
    for lang, r in res.items():
        for text, got, want in r["wrong_examples"]:
            print(f"WRONG [{lang}] {text!r}\n   parsed {got}\n   means  {want}")
        for text, why in r["refused_examples"]:
            print(f"refused [{lang}] {text!r}: {why}")
        for why, k in r["reasons"].most_common(5):
            print(f"  [{lang}] {k} x {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
