"""What users get on natural prompts: a model end to end on labelled prompts, through a prompt rewriter.

Each row of a labelled prompt file (``{"prompt", "request"}``, as ``benchmarks/data/natural_probe_writers_*.jsonl``;
rows whose request is null are skipped) is rewritten (the world rewriter by default, as ``stepvid generate``
does), generated in batches, and judged against the writer's request, so the pass rate is the share of clips
that show what the person asked for. Two rewriters are compared on one model by writing the texts of one code
version (``--dump-texts``) and generating both from their text files (``--texts``), e.g. a worktree of an older
commit for the first:

    PYTHONPATH=<old worktree> python benchmarks/natural_e2e.py --prompts P.jsonl --dump-texts old.jsonl
    python benchmarks/natural_e2e.py --prompts P.jsonl --dump-texts new.jsonl
    python benchmarks/natural_e2e.py --texts old.jsonl new.jsonl --seeds 0 1 2 3 --device cuda

Prints the pass rate per text file (one object / more; per ``round`` when rows have one) and, with two files,
over the prompts whose texts differ.

``--tries T`` also measures ``stepvid generate``'s world check (:mod:`stepvid.world.verify`): the seeds, in
consecutive groups of T (``--seeds 0 1 2 3 --tries 4``: one group), stand for one verified generation each — the
first clip of the group that the world judge passes against the rewritten text, else its best-scoring one — and
that clip's verdict against the writer's request is counted, with the clips it took (a video that needs no
second try costs one).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def rewritten_rows(path: Path, rewriter: str) -> list[dict]:
    """The labelled rows of ``path`` with ``text``: what the model is given."""
    from stepvid.prompt_rewrite import rewrite_prompt

    out = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if "prompt" not in row or "request" not in row:
            raise ValueError(f"{path}:{no}: a row needs 'prompt' and 'request'")
        if row["request"] is None:
            continue
        text = row["prompt"] if rewriter == "none" else rewrite_prompt(row["prompt"], rewriter).text
        out.append({"id": f"{path.stem}:{no}", **row, "text": text})
    return out


def _kind(request: dict) -> str:
    objs = request["objects"]
    return "1 object" if len(objs) == 1 and objs[0].get("count", 1) == 1 else "2-3 objects"


def run(rows: list[dict], seeds: list[int], model: str, device: str, batch: int, workers: int,
        steps: int | None) -> list[dict]:
    """Generate every row once per seed (the row's ``text``, no further rewriting) and judge it."""
    import torch
    from tqdm.auto import tqdm

    from stepvid.pipeline import TextToVideoPipeline
    from stepvid.world.judge import judge_requests
    from stepvid.world.request import request_from_dict
    from stepvid.world.verify import world_request

    dtype = torch.bfloat16 if device.startswith("cuda") else None
    pipe = TextToVideoPipeline.from_pretrained(model, device=device, dtype=dtype)
    jobs = [(r, s) for r in rows for s in seeds]
    out, futures = [], []
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for i in tqdm(range(0, len(jobs), batch), desc="generate", unit="batch"):
            part = jobs[i:i + batch]
            videos = pipe.generate_batch([r["text"] for r, _ in part], [s for _, s in part], steps=steps,
                                         prompt_rewrite="none", decode_batch_size=16)
            # (stepvid's own judge: a spawned worker imports it by name, not this script)
            for (r, s), v in zip(part, videos):
                # the writer's request, and what the world check holds the clip to (None: no check possible)
                asked = [request_from_dict(r["request"])] + [q for q in [world_request(r["text"])] if q is not None]
                futures.append((r, s, pool.submit(judge_requests, v, asked)))
        for r, s, fut in futures:
            res = fut.result()
            row = {"id": r["id"], "seed": s, "kind": _kind(r["request"]), "round": r.get("round"),
                   "pass": bool(res[0].passed), "score": float(res[0].score)}
            if len(res) > 1:
                row["check"], row["check_score"] = bool(res[1].passed), float(res[1].score)
            out.append(row)
    return out


def verified(results: list[dict], seeds: list[int], tries: int) -> tuple[list[dict], float]:
    """One result per prompt and group of ``tries`` consecutive seeds: the clip the world check keeps (the first
    it passes, else the best-scoring, else — no check possible — the first); and the mean clips made."""
    from stepvid.world.verify import Attempt
    from stepvid.world.verify import kept as keep

    by = {(r["id"], r["seed"]): r for r in results}
    ids = list(dict.fromkeys(r["id"] for r in results))
    kept, made = [], []
    for start in range(0, len(seeds) - tries + 1, tries):
        group = seeds[start:start + tries]
        for i in ids:
            clips = [by[(i, s)] for s in group]
            if "check" not in clips[0]:
                kept.append(clips[0])
                made.append(1)
                continue
            attempts = [Attempt(c["seed"], c["check"], c["check_score"]) for c in clips]
            k = attempts.index(keep(attempts))  # stepvid generate's own rule
            kept.append(clips[k])
            made.append(k + 1 if attempts[k].passed else len(clips))
    return kept, sum(made) / max(1, len(made))


def _rate(results: list[dict]) -> str:
    n = len(results)
    return f"{100 * sum(r['pass'] for r in results) / n:.1f} % ({sum(r['pass'] for r in results)} / {n})" if n else "-"


def report(name: str, results: list[dict]) -> None:
    by: dict[str, list] = defaultdict(list)
    for r in results:
        by[r["kind"]].append(r)
        if r["round"]:
            by[f"round {r['round']}"].append(r)
    print(f"{name}: {_rate(results)}; " + "; ".join(f"{k} {_rate(v)}" for k, v in sorted(by.items())))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prompts", type=Path, help="labelled prompt file (.jsonl rows {prompt, request})")
    ap.add_argument("--rewriter", choices=["world", "none"], default="world")
    ap.add_argument("--dump-texts", type=Path, help="write the rewritten rows here and stop")
    ap.add_argument("--texts", type=Path, nargs="+", help="rewritten rows (from --dump-texts) to generate")
    ap.add_argument("--model", default="stepvid/bundled")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--steps", type=int, default=None, help="sampler steps (default: the model's)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--batch", type=int, default=32, help="videos generated together")
    ap.add_argument("--workers", type=int, default=max(1, (multiprocessing.cpu_count() or 2) - 2),
                    help="judge processes")
    ap.add_argument("--tries", type=int, default=None,
                    help="also report the world check's pass rate with up to this many clips per prompt")
    ap.add_argument("--out", type=Path, help="per-video results (JSON)")
    args = ap.parse_args(argv)
    if args.prompts and args.dump_texts:
        rows = rewritten_rows(args.prompts, args.rewriter)
        args.dump_texts.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{len(rows)} labelled rows -> {args.dump_texts}")
        return 0
    files = {str(p): [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
             for p in args.texts or []}
    if args.prompts:
        files[str(args.prompts)] = rewritten_rows(args.prompts, args.rewriter)
    if not files:
        ap.error("give --prompts or --texts")
    results = {name: run(rows, args.seeds, args.model, args.device, args.batch, args.workers, args.steps)
               for name, rows in files.items()}
    if args.tries is not None and not 1 <= args.tries <= len(args.seeds):
        ap.error(f"--tries must be from 1 to the number of seeds ({len(args.seeds)}); got {args.tries}")
    for name, res in results.items():
        report(name, res)
        if args.tries is not None:
            kept, made = verified(res, args.seeds, args.tries)
            report(f"{name}, world check, up to {args.tries} clips ({made:.2f} made on average)", kept)
    if len(files) == 2:
        (na, rows_a), (nb, rows_b) = list(files.items())
        changed = {x["id"] for x, y in zip(rows_a, rows_b) if x["text"] != y["text"]}
        for name in (na, nb):
            report(f"{name}, the {len(changed)} prompts whose texts differ",
                   [r for r in results[name] if r["id"] in changed])
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
