"""How well the world judge's prompt parser reads natural phrasing: parse rate and wrong parses.

The prompts are the natural-phrasing adherence benchmark's (``bundled_adherence.heldout_prompts`` with
``phrasing="natural"``: held-out scenes, held-out phrasing families), each with the request it states (the
grammar's ground truth). A prompt is *parsed* when ``parse_prompt`` returns a request, *right* when that request
equals the ground truth, *wrong* when it returns another one (worse than a refusal: the judge would score the
video against something the prompt did not ask for). Refusals are counted by their message.

    python benchmarks/natural_parse.py                      # 200 scenes x 1-2 objects x EN/ZH (+ mixed)
    python benchmarks/natural_parse.py --split train --n 500
    python benchmarks/natural_parse.py --prompts tests/data/natural_prompts.jsonl   # prompts + expected requests
    python benchmarks/natural_parse.py --prompts my_prompts.txt   # one prompt per line: parse rate only
    python benchmarks/natural_parse.py --prompts benchmarks/data/natural_probe_writers_2026-12-05.jsonl --by round
    python benchmarks/natural_parse.py --prompts benchmarks/data/natural_probe_writers_2026-12-05.jsonl --by round --rewrite
    python benchmarks/natural_parse.py --roundtrip 600      # grammar vs parser: 600 scenes x 54 settings

``--roundtrip N`` reads back the grammar's own captions: N scenes (train/held-out/any attribute splits in turn),
each captioned in every language x phrasing split x video/image x detail (default, 0, 1) — 54 captions a
scene — and compares the parser's request with the one the grammar says the caption states. Any wrong parse
there is a disagreement between the two (an ambiguous caption, or a parser misreading).

A ``.jsonl`` file holds one object per line: ``{"prompt": ..., "request": <partial spec dict>
(stepvid/world/request.py) or null, "note": ...}``; null means a careful judge refuses the prompt, so a refusal
there is right and a parse is wrong. Rows are grouped by script (en / zh / mix).

Targets (issue 18): parse rate >= 95 % with zero wrong parses on the benchmark.
"""

from __future__ import annotations

import argparse
import json
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


ROUNDTRIP = [(lang, split, kind, detail) for lang in ("en", "zh", "mix") for split in ("train", "heldout", "any")
             for kind in ("video", "image") for detail in (None, 0.0, 1.0)]


def roundtrip_prompts(n: int, seed: int = 0) -> list[dict]:
    """Grammar captions of n scenes in every setting of :data:`ROUNDTRIP`, with the requests they state."""
    from stepvid.world import sample_scene
    from stepvid.world.phrasing import natural_caption

    out = []
    for k in range(n):
        for c, (lang, split, kind, detail) in enumerate(ROUNDTRIP):
            rng = np.random.default_rng([seed, k, c])
            spec = sample_scene(rng, ("train", "heldout", "any")[k % 3])
            text, req = natural_caption(spec, lang, rng, split=split, kind=kind, detail=detail)
            out.append({"lang": lang, "prompt": text, "request": req})
    return out


def script_lang(text: str) -> str:
    """en / zh / mix by the scripts a prompt uses."""
    zh, en = re.search(r"[\u3400-\u9fff]", text) is not None, re.search(r"[A-Za-z]{2}", text) is not None
    return "mix" if zh and en else "zh" if zh else "en"


def read_prompts(path: Path, by: str | None = None) -> list[dict]:
    """Prompts from a file: ``.jsonl`` rows with expected requests, else one prompt per line. Rows are grouped by
    script, or by the row field ``by`` (e.g. ``round`` in benchmarks/data/natural_probe_writers_2026-12-05.jsonl).

    Raises ValueError naming the file, line and problem.
    """
    from stepvid.world.request import request_from_dict

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"--prompts {path}: {e}") from None
    if path.suffix != ".jsonl":
        return [{"lang": "file", "prompt": s.strip()} for s in lines if s.strip() and not s.startswith("#")]
    out = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"--prompts {path}:{no}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{where}: not JSON ({e.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("prompt"), str) or "request" not in row:
            raise ValueError(f"{where}: expected an object with 'prompt' (text) and 'request' (a spec dict or null)")
        try:
            want = None if row["request"] is None else request_from_dict(row["request"])
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from None
        group = script_lang(row["prompt"]) if by is None else str(row.get(by, "?"))
        out.append({"lang": group, "prompt": row["prompt"], "request": want, "line": no})
    return out


def evaluate(prompts: list[dict], progress: bool = False) -> dict:
    """Per language: counts of right / wrong / refused, refusal reasons, and examples of wrong parses.

    A prompt whose ``request`` is None must be refused: that counts under ``refusals_right`` (or ``accepted``,
    a wrong parse, when it parses), not in the parse rate. A prompt without a ``request`` key counts as right when it parses.
    """
    from stepvid.world.captions import CannotJudge, parse_prompt

    out: dict[str, dict] = {}
    for i, p in enumerate(prompts):
        if progress and i and i % 2000 == 0:
            print(f"  parsed {i} of {len(prompts)}", file=sys.stderr, flush=True)
        r = out.setdefault(p["lang"], {"n": 0, "right": 0, "wrong": 0, "refused": 0, "should_refuse": 0,
                                       "refusals_right": 0, "accepted": 0, "reasons": Counter(), "wrong_examples": [],
                                       "refused_examples": []})
        must_refuse = "request" in p and p["request"] is None
        r["should_refuse" if must_refuse else "n"] += 1
        try:
            got = parse_prompt(p["prompt"])
        except CannotJudge as e:
            if must_refuse:
                r["refusals_right"] += 1
                continue
            r["refused"] += 1
            r["reasons"][re.sub(r"'[^']*'", "'…'", str(e))] += 1
            if len(r["refused_examples"]) < 5:
                r["refused_examples"].append((p["prompt"], str(e)))
            continue
        if "request" not in p or got == p["request"]:
            r["right"] += 1
        else:
            r["accepted" if must_refuse else "wrong"] += 1
            if len(r["wrong_examples"]) < 10:
                r["wrong_examples"].append((p["prompt"], got, p["request"]))
    return out


_GROUP_KEYS = ("count", "color", "shape", "size", "motion", "speed")


def _compare(asked, drawn, agree) -> bool:
    """Same objects in the same order, and ``agree(asked value, drawn value)`` for every attribute and the background."""
    return len(asked.groups) == len(drawn.groups) and all(
        agree(getattr(a, k), getattr(d, k)) for a, d in zip(asked.groups, drawn.groups) for k in _GROUP_KEYS) \
        and agree(asked.bg_color, drawn.bg_color) and agree(asked.bg_kind, drawn.bg_kind)


def drawn_as_asked(asked, drawn) -> bool:
    """Does the request the model is given (``drawn``) state everything ``asked`` states (open attributes may be
    filled in, nothing stated may change)?"""
    return _compare(asked, drawn, lambda a, d: a in (None, d))


def drawn_in_part(asked, drawn) -> bool:
    """Does ``drawn`` state part of ``asked`` and nothing against it (a motion or background left out, say)?"""
    return _compare(asked, drawn, lambda a, d: a is None or d is None or a == d)


def evaluate_rewrite(prompts: list[dict]) -> dict:
    """Per group, for the prompts that state a request: what ``stepvid generate``'s world rewriter hands the model —
    a caption stating the request (``asked``), one stating part of it and nothing against it (``part``), one
    stating something else (``other``), or the prompt as typed."""
    from stepvid.prompt_rewrite import rewrite_prompt
    from stepvid.world.parser import parse_prompt

    out: dict[str, Counter] = {}
    for p in prompts:
        if p.get("request") is None:
            continue
        r = out.setdefault(p["lang"], Counter())
        r["n"] += 1
        rw = rewrite_prompt(p["prompt"], "world")
        if rw.reason is not None:
            r["typed"] += 1
        else:
            drawn = parse_prompt(rw.text)
            kind = "asked" if drawn_as_asked(p["request"], drawn) else "part" if drawn_in_part(p["request"], drawn) \
                else "other"
            r[kind] += 1
            if kind == "other":
                out.setdefault("_other", []).append((p["prompt"], rw.text))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="scenes per object count")
    ap.add_argument("--objects", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--langs", nargs="+", choices=["en", "zh", "mix"], default=["en", "zh", "mix"])
    ap.add_argument("--split", choices=["heldout", "train"], default="heldout", help="phrasing families")
    ap.add_argument("--prompts", type=Path, default=None,
                    help="a UTF-8 file: .jsonl rows {prompt, request|null, note} or one prompt per line")
    ap.add_argument("--by", default=None, metavar="FIELD", help="--prompts .jsonl: group rows by this field, not script")
    ap.add_argument("--rewrite", action="store_true",
                    help="--prompts .jsonl: what the world rewriter hands the model, not what the judge reads")
    ap.add_argument("--roundtrip", type=int, default=None, metavar="N",
                    help="read back the grammar's captions of N scenes in 54 settings each (see above)")
    ap.add_argument("--seed", type=int, default=0, help="--roundtrip: scene and caption seed")
    args = ap.parse_args(argv)
    source = args.prompts or f"{args.split} phrasing families"
    if args.roundtrip is not None:
        if args.roundtrip < 1:
            print(f"--roundtrip: need at least 1 scene; got {args.roundtrip}", file=sys.stderr)
            return 2
        prompts = roundtrip_prompts(args.roundtrip, args.seed)
        source = f"grammar round trip, {args.roundtrip} scenes x {len(ROUNDTRIP)} settings, seed {args.seed}"
    elif args.prompts is not None:
        try:
            prompts = read_prompts(args.prompts, args.by)
        except ValueError as e:
            print(e, file=sys.stderr)
            return 2
        if not prompts:
            print(f"--prompts {args.prompts}: no prompts", file=sys.stderr)
            return 2
    else:
        prompts = benchmark_prompts(args.n, args.objects, tuple(args.langs), args.split)
    if args.rewrite:
        groups = evaluate_rewrite(prompts)
        other = groups.pop("_other", [])
        total = sum(groups.values(), Counter())
        print(f"world rewriter on {total['n']} prompts that state a request ({source})")
        print("| group | n | drawn as asked | in part | something else | as typed |\n|---|---|---|---|---|---|")
        for name, r in [*groups.items(), ("all", total)] if len(groups) > 1 else groups.items():
            print(f"| {name} | {r['n']} | {100 * r['asked'] / max(r['n'], 1):.1f} % ({r['asked']}) | {r['part']} "
                  f"| {r['other']} | {r['typed']} |")
        print("(in part: part of the request and nothing against it, e.g. a background left out)")
        for prompt, text in other[:10]:
            print(f"ELSE {prompt!r}\n   drawn {text!r}")
        return 0
    res = evaluate(prompts, progress=len(prompts) > 4000)
    total = {k: sum(r[k] for r in res.values()) for k in ("n", "right", "wrong", "refused", "should_refuse",
                                                          "refusals_right", "accepted")}
    print(f"parser on {len(prompts)} natural prompts ({source})")
    print("| lang | n | parsed | right | wrong | refused | must refuse: refused |\n|---|---|---|---|---|---|---|")
    for lang, r in [*res.items(), ("all", total)] if len(res) > 1 else res.items():
        rate = f"{100 * (r['right'] + r['wrong']) / r['n']:.1f} %" if r["n"] else "-"
        print(f"| {lang} | {r['n']} | {rate} | {r['right']} | {r['wrong'] + r['accepted']} | {r['refused']} "
              f"| {r['refusals_right']} of {r['should_refuse']} |")
    print("(wrong: parsed to another request, or parsed a prompt that must be refused)")
    for lang, r in res.items():
        for text, got, want in r["wrong_examples"]:
            print(f"WRONG [{lang}] {text!r}\n   parsed {got}\n   means  {want or 'nothing (must be refused)'}")
        for text, why in r["refused_examples"]:
            print(f"refused [{lang}] {text!r}: {why}")
        for why, k in r["reasons"].most_common(5):
            print(f"  [{lang}] {k} x {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
