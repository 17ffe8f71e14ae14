"""Prompt adherence of the bundled model on held-out attribute combinations, judged by the world's judge.

Prompts come from the world's held-out split (every scene contains at least one (colour, shape, motion)
triple the train split never emits), one- and two-object scenes, captioned in English and Chinese from the
same spec (so both languages ask for exactly the same thing). Each prompt is generated with several seeds
and judged (``stepvid.world.judge``); the table gives pass rates (all attributes right) and mean attribute
scores per language and object count. ``--ground-truth`` judges renders of the prompts' own specs instead:
the judge's ceiling on the same prompts; ``--vae-ceiling`` judges the model's VAE round trip of those renders
(the best a DiT can do through this VAE). ``--vae-psnr N`` also reports the VAE's reconstruction PSNR on N
held-out clips.

Image-to-video models (docs/ti2v.md): ``--first-frame`` gives each prompt the render of its own held-out scene at
frame 0 as the first frame (``stepvid generate --image``); ``--static-first-frame`` judges that frame held still
for the whole clip instead, no model: the floor a model gets by copying the image without moving it. The judge
checks the prompt, not the image, so ``--first-frame`` also reports how close each video's frame 0 is to the
given frame (PSNR, rows' ``first_frame_psnr``): a model that ignored the image would still pass the judge.

    python benchmarks/bundled_adherence.py                           # bundled model, 64 prompts/lang/count, 3 seeds
    python benchmarks/bundled_adherence.py --ground-truth            # the judge's ceiling
    python benchmarks/bundled_adherence.py --model DIR --device cuda --vae-psnr 32 --out results.jsonl

Speed: ``--batch`` prompts go through the DiT and the VAE together (``TextToVideoPipeline.generate_batch``)
while a process pool (``--judge-workers``) judges finished videos. Several GPUs: run one process per GPU with
``--shard I/N --out shard-I.jsonl``, then ``--merge shard-*.jsonl`` prints the table for all of them.

Targets (issue): one object >= 80 % pass, two objects >= 60 %, |EN - ZH| <= 5 points; VAE PSNR >= 32 dB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from stepvid.cli import parse_shard
from stepvid.prompt_rewrite import REWRITERS
from stepvid.world import caption, judge, render_video, sample_scene


def heldout_prompts(n: int, num_objects: int, style: str, seed: int = 2026, phrasing: str = "template",
                    langs: tuple[str, ...] = ("en", "zh")) -> list[dict]:
    """``n`` held-out scenes with ``num_objects`` objects; each gives one prompt per language of ``langs``.

    ``phrasing="template"``: the world's caption templates of ``style`` (EN and ZH state the same attributes);
    ``"natural"``: ``stepvid.world.phrasing.natural_caption`` from the held-out phrasing families, each prompt
    with the request it states (``request``: what it is judged against; languages may state different
    optional attributes). The scenes are the same for both phrasings."""
    out = []
    for i in range(n):
        rng = np.random.default_rng([seed, num_objects, i])
        spec = sample_scene(rng, "heldout", num_objects=num_objects)
        for lang in langs:
            row = {"id": f"{num_objects}obj-{i:03d}", "objects": num_objects, "lang": lang, "spec": spec}
            if phrasing == "natural":
                from stepvid.world.phrasing import natural_caption

                r = np.random.default_rng([seed, num_objects, i, 11, langs.index(lang)])
                row["prompt"], row["request"] = natural_caption(spec, lang, r, split="heldout")
            else:
                row["prompt"] = caption(spec, lang, style, rng=np.random.default_rng([seed, num_objects, i, 7]))
            out.append(row)
    return out


def summarize(rows: list[dict]) -> dict:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["objects"], r["lang"])].append(r)
    table = {}
    for (obj, lang), rs in sorted(groups.items()):
        table[f"{obj}obj/{lang}"] = {"n": len(rs), "pass": float(np.mean([r["passed"] for r in rs])),
                                     "score": float(np.mean([r["score"] for r in rs]))}
    for obj in sorted({k[0] for k in groups}):
        en, zh = table.get(f"{obj}obj/en"), table.get(f"{obj}obj/zh")
        if en and zh:
            table[f"{obj}obj/gap_en_minus_zh"] = {"pass": en["pass"] - zh["pass"]}
    return table


def vae_psnr(model_dir: Path, n: int, height: int, width: int, frames: int, device: str) -> float:
    """Mean per-clip PSNR of ``model_dir``'s VAE on the first ``n`` clips of ``benchmarks/vae_psnr.py``'s "other"
    held-out set."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from vae_psnr import clip_psnrs, clip_sets

    return float(np.mean(clip_psnrs(model_dir / "vae", clip_sets(0, n, height, width, frames)["other"], device)))


ROW_KEY = ("id", "lang", "seed")  # one row per (prompt, language, seed)


def row_key(row: dict) -> tuple:
    return tuple(row[k] for k in ROW_KEY)


def read_rows(paths: list[Path]) -> list[dict]:
    """Rows of result JSONL files; a (id, lang, seed) seen twice is an error (overlapping shards)."""
    rows, seen = [], {}
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise SystemExit(f"result file not found: {path}") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                key = row_key(row)
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise SystemExit(f"{path}:{n}: not a result row ({e})") from None
            if key in seen:
                raise SystemExit(f"{path}:{n}: {key} already in {seen[key]} (overlapping shards or runs?)")
            seen[key] = f"{path}:{n}"
            rows.append(row)
    return rows


def frame_psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR (dB, capped at 100) of two uint8 frames."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 100.0 if mse == 0 else min(100.0, 10 * np.log10(255.0**2 / mse))


def print_report(rows: list[dict], what: str, detail: str) -> None:
    table = summarize(rows)
    seeds = sorted({r["seed"] for r in rows})
    print(f"\nheld-out adherence ({what}; {detail}{len(rows)} videos, seeds {seeds})")
    print("| objects | lang | n | pass rate | mean attribute score |\n|---|---|---|---|---|")
    for k, v in table.items():
        if "gap" in k:
            continue
        obj, lang = k.split("/")
        print(f"| {obj[:-3]} | {lang} | {v['n']} | {100 * v['pass']:.1f} % | {v['score']:.3f} |")
    for k, v in table.items():
        if "gap" in k:
            print(f"{k.split('/')[0]}: EN - ZH pass-rate gap {100 * v['pass']:+.1f} points")
    for obj in sorted({r["objects"] for r in rows if "first_frame_psnr" in r}):
        ps = [r["first_frame_psnr"] for r in rows if r["objects"] == obj and "first_frame_psnr" in r]
        print(f"{obj}obj: frame 0 vs the given first frame, mean PSNR {np.mean(ps):.2f} dB over {len(ps)} videos")


def default_workers() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(cpus - 1, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=None, help="model folder (default: the bundled model)")
    ap.add_argument("--n", type=int, default=64, help="held-out scenes per object count (x2 languages)")
    ap.add_argument("--objects", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--style", choices=["short", "dense"], default="short")
    ap.add_argument("--phrasing", choices=["template", "natural"], default="template",
                    help="natural: prompts of the held-out phrasing families (stepvid.world.phrasing), judged "
                         "against the request each states")
    ap.add_argument("--langs", nargs="+", choices=["en", "zh", "mix"], default=["en", "zh"])
    ap.add_argument("--preset", default=None,
                    help="score the model as this stepvid.json preset runs it (its DiT and sampler settings; e.g. the "
                         "bundled 'turbo' or 'base'); default: the folder's own DiT and defaults, as training reads it")
    ap.add_argument("--steps", type=int, default=None, help="sampler steps (default: the model's)")
    ap.add_argument("--cfg", type=float, default=None, help="guidance scale (default: the model's)")
    ap.add_argument("--shift", type=float, default=None, help="sampler time shift (default: the model's)")
    ap.add_argument("--solver", choices=["euler", "ab2"], default=None, help="sampler solver (default: the model's)")
    ap.add_argument("--cfg-decay", action="store_true", help="the Turbo report's linearly decaying guidance")
    ap.add_argument("--dtype", choices=["auto", "bf16", "fp32"], default="auto",
                    help="model dtype (auto: bf16 on CUDA, the pipeline's CPU default elsewhere)")
    ap.add_argument("--frames", type=int, default=None,
                    help="clip length in frames (default: the model's; e.g. 17 to check shorter clips)")
    ap.add_argument("--height", type=int, default=None, help="clip height (default: the model's; a multiple of 16)")
    ap.add_argument("--width", type=int, default=None, help="clip width (default: the model's; a multiple of 16)")
    ap.add_argument("--prompt-rewrite", choices=REWRITERS, default=None,
                    help="prompt rewriter before the text encoder (default: the model's; the bundled model: world)")
    ap.add_argument("--device", default="cpu", help="e.g. cuda, cuda:1 (or set CUDA_VISIBLE_DEVICES)")
    ap.add_argument("--batch", type=int, default=32, help="videos generated together (DiT batch x2 with CFG)")
    ap.add_argument("--decode-batch", type=int, default=16, help="videos the VAE decodes at once (memory)")
    ap.add_argument("--judge-workers", type=int, default=default_workers(),
                    help="judge processes running alongside generation (0: judge inline); default CPUs - 1")
    ap.add_argument("--shard", type=parse_shard, default=(0, 1), metavar="I/N",
                    help="only the videos with index %% N == I (one process per GPU; merge with --merge)")
    ap.add_argument("--merge", type=Path, nargs="+", default=None, metavar="JSONL",
                    help="print the table for these result files (e.g. the shards') without generating")
    ap.add_argument("--resume", action="store_true", help="keep the rows already in --out; generate the rest")
    ap.add_argument("--ground-truth", action="store_true", help="judge renders of the prompts' specs (ceiling)")
    ap.add_argument("--vae-ceiling", action="store_true",
                    help="judge the model VAE's reconstructions of the ground-truth renders")
    ap.add_argument("--vae-psnr", type=int, default=0, metavar="N", help="also VAE PSNR on N held-out clips")
    ap.add_argument("--first-frame", action="store_true",
                    help="image-to-video models: the first frame is the render of the prompt's scene at frame 0")
    ap.add_argument("--static-first-frame", action="store_true",
                    help="judge the scene's first frame held still for the whole clip (no model): the TI2V floor")
    ap.add_argument("--out", type=Path, default=None, help="per-sample results (JSONL)")
    args = ap.parse_args(argv)
    if args.batch < 1 or args.decode_batch < 1 or args.judge_workers < 0:
        ap.error("--batch and --decode-batch must be >= 1 and --judge-workers >= 0")
    if args.frames is not None and (args.frames < 17 or args.frames % 17):
        ap.error(f"--frames {args.frames}: clips are whole 17-frame VAE chunks (17, 34, ...)")
    for name in ("height", "width"):
        v = getattr(args, name)
        if v is not None and (v < 16 or v % 16):
            ap.error(f"--{name} {v}: a positive multiple of 16 (the VAE's spatial factor)")
    if args.resume and args.out is None:
        ap.error("--resume needs --out")
    if args.shard[1] > 1 and args.out is None:
        ap.error("--shard needs --out (merge the shards' files with --merge)")

    if args.vae_ceiling or args.static_first_frame:
        args.ground_truth = True
    model_dir = args.model
    if (args.merge is None and not args.ground_truth or args.vae_psnr or args.vae_ceiling) and model_dir is None:
        from stepvid.pipeline_cli import bundled_model_dir

        model_dir = bundled_model_dir()
        if model_dir is None:
            print("no bundled model in stepvid/bundled/; pass --model DIR", file=sys.stderr)
            return 2
    if args.merge is not None:
        rows = read_rows(args.merge)
        print_report(rows, f"merged from {len(args.merge)} file(s)", "")
        h = w = f = None
    else:
        rows, (h, w, f) = run(args, model_dir)
    if args.vae_psnr:
        if h is None:
            from stepvid.pipeline import GenerationDefaults

            d = GenerationDefaults.from_dict(
                json.loads((model_dir / "stepvid.json").read_text()).get("defaults", {})
            ) if (model_dir / "stepvid.json").is_file() else GenerationDefaults()
            h, w, f = d.height, d.width, d.num_frames
        print(f"VAE PSNR on {args.vae_psnr} held-out {h}x{w}x{f} clips: "
              f"{vae_psnr(model_dir, args.vae_psnr, h, w, f, args.device):.2f} dB")
    return 0


def run(args: argparse.Namespace, model_dir: Path | None) -> tuple[list[dict], tuple[int, int, int]]:
    """Generate (or render) this shard's videos in batches, judge them in a process pool, stream rows to
    ``--out``; print the table. Returns the rows and the clip size."""
    from tqdm.auto import tqdm

    prompts = [p for k in args.objects
               for p in heldout_prompts(args.n, k, args.style, phrasing=args.phrasing, langs=tuple(args.langs))]
    seeds = [0] if args.ground_truth else args.seeds
    jobs = [(p, s) for p in prompts for s in seeds]
    shard, nshards = args.shard
    jobs = [job for i, job in enumerate(jobs) if i % nshards == shard]

    done: list[dict] = []
    if args.resume and args.out.is_file():
        done = read_rows([args.out])
        have = {row_key(r) for r in done}
        jobs = [(p, s) for p, s in jobs if (p["id"], p["lang"], s) not in have]

    rows: list[dict] = []
    pending: dict[Future, tuple[dict, int]] = {}
    with contextlib.ExitStack() as stack:
        # The pool starts before the model is loaded (CUDA initialised); "spawn" never forks a CUDA process.
        pool = None
        if args.judge_workers > 0 and jobs:
            pool = ProcessPoolExecutor(args.judge_workers, mp_context=multiprocessing.get_context("spawn"))
            stack.callback(pool.shutdown, wait=True, cancel_futures=True)
        pipe = vae = None
        if args.vae_ceiling:
            import torch

            from stepvid.models.vae import VideoVAE

            vae = VideoVAE.from_pretrained(model_dir / "vae", device=args.device, dtype=torch.float32).eval()
        if not args.ground_truth:
            import torch

            from stepvid.model_folder import plan_model, with_preset
            from stepvid.pipeline import TextToVideoPipeline

            dtype = {"auto": None, "bf16": torch.bfloat16, "fp32": torch.float32}[args.dtype]
            plan = plan_model(model_dir)
            if args.preset is not None:
                if args.preset not in plan.presets:
                    raise SystemExit(f"--preset {args.preset!r}: {model_dir} has presets {sorted(plan.presets)}")
                plan = with_preset(plan, args.preset)
            pipe = TextToVideoPipeline.from_plan(plan, device=args.device, dtype=dtype)
            if args.solver is not None:
                pipe.defaults = replace(pipe.defaults, solver=args.solver)
        d = pipe.defaults if pipe is not None else None
        h, w, f = (d.height, d.width, d.num_frames) if d else (192, 192, 34)
        h, w, f = args.height or h, args.width or w, args.frames or f

        t0, gen_s = time.time(), 0.0
        # Progress is shown even without a terminal (device runs), and each judged video is appended to --out
        # at once, so a run cut short by a time limit still leaves its results (continue it with --resume).
        out = None
        if args.out is not None:
            out = stack.enter_context(open(args.out, "a" if args.resume else "w", encoding="utf-8"))
        bar = stack.enter_context(tqdm(total=len(jobs), desc="adherence", unit="video", mininterval=5,
                                       disable=False))

        first_psnr: dict[tuple, float] = {}  # --first-frame: (id, lang, seed) -> frame 0 vs the given frame

        def record(p: dict, seed: int, res) -> None:
            rows.append({"id": p["id"], "objects": p["objects"], "lang": p["lang"], "seed": seed,
                         "prompt": p["prompt"], "passed": bool(res.passed), "score": float(res.score),
                         "attributes": res.by_type()})
            if (p["id"], p["lang"], seed) in first_psnr:
                rows[-1]["first_frame_psnr"] = round(first_psnr.pop((p["id"], p["lang"], seed)), 3)
            if out is not None:
                out.write(json.dumps(rows[-1], ensure_ascii=False) + "\n")
                out.flush()
            bar.update(1)

        def finish(fut: Future) -> None:
            p, seed = pending.pop(fut)
            try:
                res = fut.result()
            except Exception as e:
                what = f"{p['id']}/{p['lang']} seed {seed} ({p['prompt']!r})"
                raise RuntimeError(f"judging {what} failed: {e}") from e
            record(p, seed, res)

        def collect(limit: int) -> None:
            """Record the finished judgements, then wait until at most ``limit`` are pending."""
            for fut in [fut for fut in pending if fut.done()]:
                finish(fut)
            while len(pending) > limit:
                for fut in wait(pending, return_when=FIRST_COMPLETED).done:
                    finish(fut)

        for start in range(0, len(jobs), args.batch):
            batch = jobs[start : start + args.batch]
            t_gen = time.time()
            if pipe is None:
                videos = [render_video(p["spec"], h, w, f) for p, _ in batch]
                if args.static_first_frame:
                    videos = [np.repeat(v[:1], f, axis=0) for v in videos]
                if vae is not None:
                    videos = [vae.reconstruct(v) for v in videos]
            else:
                images = [render_video(p["spec"], h, w, f)[0] for p, _ in batch] if args.first_frame else None
                videos = pipe.generate_batch([p["prompt"] for p, _ in batch], [s for _, s in batch],
                                             num_frames=f, height=h, width=w, steps=args.steps, cfg=args.cfg,
                                             shift=args.shift, cfg_decay=args.cfg_decay,
                                             prompt_rewrite=args.prompt_rewrite,
                                             decode_batch_size=args.decode_batch, images=images)
                for (p, seed), frames, image in zip(batch, videos, images or []):
                    first_psnr[(p["id"], p["lang"], seed)] = frame_psnr(frames[0], image)
            gen_s += time.time() - t_gen
            for (p, seed), frames in zip(batch, videos):
                # Natural prompts are judged against the request they were written from, templates by parsing.
                # The pool runs stepvid's own judge: a spawned worker imports it by name (not this script).
                target = {"request": p["request"]} if "request" in p else {"prompt": p["prompt"]}
                if pool is None:
                    record(p, seed, judge(frames, **target))
                else:
                    pending[pool.submit(judge, frames, **target)] = (p, seed)
            # Bound the videos waiting for a judge (memory) without stalling generation in the normal case.
            collect(limit=4 * args.judge_workers + args.batch)
        collect(limit=0)

    what = (f"VAE reconstructions of ground truth ({model_dir / 'vae'})" if args.vae_ceiling
            else "first frames held still" if args.static_first_frame
            else "ground truth renders" if args.ground_truth
            else f"{model_dir}, first frame given" if args.first_frame else str(model_dir))
    part = f"shard {shard}/{nshards}, " if nshards > 1 else ""
    resumed = f"{len(done)} resumed + " if done else ""
    took = f"{time.time() - t0:.0f} s ({gen_s:.0f} s {'rendering' if args.ground_truth else 'generating'})"
    kind = "natural-phrasing (held-out families)" if args.phrasing == "natural" else args.style
    if pipe is not None:
        kind += f", prompt rewriter {args.prompt_rewrite or pipe.defaults.prompt_rewrite}"
    print_report(done + rows, what, f"{kind} prompts, {h}x{w}x{f}, {part}{resumed}{took}, ")
    return done + rows, (h, w, f)


if __name__ == "__main__":
    sys.exit(main())
