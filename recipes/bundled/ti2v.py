"""Image-to-video variant of the bundled model (issue 23): the bundled DiT taught to start from a given frame.

One process, one GPU (or the CPU for a dry run), within a training budget:

1. **start**: the bundled DiT (``--init``) widened to read first-frame condition latents next to the noisy latents
   (``stepvid.ti2v.ti2v_from_t2v``: the new patch-embed inputs are zero, so step 0 *is* the T2V model). No
   motion-score input: the motion comes from the prompt.
2. **data**: ``--samples`` train-split world scenes rendered at the model's size (34 x 192 x 192), encoded by the
   frozen VAE (posterior means, as the bundled recipe caches them); each clip's first frame is also encoded
   alone as a one-frame clip (posterior mean and std), the condition the pipeline builds from an image; the
   four captions (EN/ZH x short/dense) tokenized. All on the device.
3. **train**: ``dit_loop.FastDiTLoop`` (the bundled recipe's flow-matching loop) with each step conditioned on a
   fresh posterior sample of its clips' first frames at latent frame 0 (zeros after it); the text is dropped
   10 % of the time but the image never is, so CFG contrasts text with and without the same image, as the
   official TI2V sampler does. AdamW, warmup + cosine fitted to ``--train-seconds``, EMA.
4. **export**: a complete model folder ``--work``/ti2v-model (the EMA DiT in bf16, the init's VAE and text
   encoder, stepvid.json naming it) and, in ``--out``, that folder as ``ti2v-model.tar.NN`` parts (<= 15 MB) plus
   report.json. Unpack with ``cat ti2v-model.tar.* | tar x``.

Scoring is ``benchmarks/bundled_adherence.py --first-frame`` (recipes/bundled/ti2v.sh runs both).

    python recipes/bundled/ti2v.py --out OUT --train-seconds 170          # one GPU
    python recipes/bundled/ti2v.py --out /tmp/t --tiny                    # CPU dry run, seconds
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import shutil
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO)]

import torch
import world_data as wd

log = logging.getLogger("ti2v")
PART_BYTES = 15 * 1024 * 1024
TINY = {"samples": 8, "batch": 2, "max_steps": 3, "height": 32, "width": 32, "frames": 17}


def build_data(
    vae,
    enc,
    *,
    samples: int,
    frames: int,
    height: int,
    width: int,
    seed: int,
    device: torch.device,
    workers: int | None,
    deadline: float,
):
    """``samples`` train-split scenes as a device-resident ``StageData`` with first-frame condition moments."""
    from dit_loop import StageData, tokenize_captions
    from run import _prefetched, caption_keys
    from vae_loop import to_video

    jobs = [wd.RenderJob(seed, i, height, width, frames) for i in range(samples)]
    lat, cmean, cstd, caps_all, t0 = [], [], [], [], time.time()
    amp = torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")
    for clips, caps in _prefetched(wd.render_many(jobs, workers, chunk=256)):
        clips = torch.from_numpy(clips)
        with torch.no_grad():
            for b in range(0, len(clips), 64):
                x = to_video(clips[b : b + 64].to(device))  # [B, T, 3, H, W] in [-1, 1]
                with amp:
                    lat.append(vae.encode_moments(x)[0].bfloat16())
                    mean, logvar = vae.encode_moments(x[:, :1])  # the first frame alone: one latent frame
                cmean.append(mean.bfloat16())
                cstd.append(torch.exp(0.5 * logvar.float()).bfloat16())
        caps_all.extend(caps)
        if time.time() > deadline:
            log.warning("data budget reached after %d of %d samples", len(caps_all), samples)
            break
    keys = caption_keys({})
    toks = tokenize_captions(enc.tokenizer, [[c[k] for k in keys] for c in caps_all], enc.config.llm_len)
    data = StageData(
        torch.cat(lat), *(t.to(device) for t in toks), cond_mean=torch.cat(cmean), cond_std=torch.cat(cstd)
    )
    log.info(
        "data: %d clips %s rendered and encoded in %.1f s (latents %s, condition %s)",
        len(data),
        (frames, height, width),
        time.time() - t0,
        list(data.latents.shape[1:]),
        list(data.cond_mean.shape[1:]),
    )
    return data


def export(dit, init: Path, dest: Path, report: dict) -> int:
    """A complete model folder: the init's VAE, text encoder and defaults with this DiT (bf16 shards). Installed
    as stepvid/bundled/ti2v/ it keeps only transformer/, stepvid.json and MODEL_CARD.md, with ``bundled:`` paths
    for the VAE and the text encoder when they are the bundled model's own (tests/test_bundled.py checks them)."""
    from stepvid.checkpoints import save_sharded_safetensors
    from stepvid.models.dit import config_dict

    desc = json.loads((init / "stepvid.json").read_text())
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for role in ("vae", "text_encoder"):
        rel = Path(desc[role]["path"])
        top = rel.parts[0]
        (shutil.copytree if (init / top).is_dir() else shutil.copy2)(init / top, tmp / top)
    tdir = tmp / desc["transformer"]["path"]
    tdir.mkdir(parents=True)
    state = {k: v.detach().to("cpu", torch.bfloat16).contiguous() for k, v in dit.state_dict().items()}
    save_sharded_safetensors(state, tdir, max_shard_bytes=PART_BYTES)
    (tdir / "config.json").write_text(json.dumps(config_dict(dit.config), indent=1))
    desc.update(
        name=desc.get("name", "stepvid-bundled") + "-ti2v",
        notes="Image-to-video variant of the bundled model (recipes/bundled/ti2v.py): the first frame is given "
        "(stepvid generate --image), the motion comes from the prompt; see MODEL_CARD.md",
    )
    (tmp / "stepvid.json").write_text(json.dumps(desc, indent=1, ensure_ascii=False))
    (tmp / "MODEL_CARD.md").write_text(
        "# stepvid bundled model, image-to-video variant\n\n"
        f"The bundled DiT ({init}) widened to read first-frame condition latents (zero-initialised) and trained by "
        "`recipes/bundled/ti2v.py` on world clips with their first frame as the condition and the motion in the "
        'caption. Use it with `stepvid generate --model DIR --image FIRST_FRAME.png "..."`. Training: '
        f"{report['steps']} steps of batch {report['batch']} on {report['samples']} clips, final loss "
        f"{report['last_loss']}. Held-out adherence: recipes/bundled/ti2v.sh, docs/ti2v.md.\n"
    )
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())


def pack(folder: Path, out: Path, name: str) -> list[Path]:
    """``folder`` as a tar split into <= 15 MB parts ``name.tar.NN`` in ``out`` (what a device call returns)."""
    out.mkdir(parents=True, exist_ok=True)
    tar_path = out / f"{name}.tar"
    with tarfile.open(tar_path, "w") as tar:
        tar.add(folder, arcname=folder.name)
    data = tar_path.read_bytes()
    tar_path.unlink()
    parts = []
    for i in range(math.ceil(len(data) / PART_BYTES)):
        p = out / f"{name}.tar.{i:02d}"
        p.write_bytes(data[i * PART_BYTES : (i + 1) * PART_BYTES])
        parts.append(p)
    return parts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--init", type=Path, default=REPO / "stepvid" / "bundled", help="the T2V model folder to start from"
    )
    ap.add_argument(
        "--out", type=Path, required=True, help="results: ti2v-model.tar.NN parts and report.json"
    )
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: OUT/../ti2v-work)")
    ap.add_argument(
        "--train-seconds", type=float, default=170.0, help="training budget after the data is built"
    )
    ap.add_argument("--samples", type=int, default=8000, help="train-split clips rendered and encoded")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--max-steps", type=int, default=100_000, help="planned steps (the budget cuts them)")
    ap.add_argument("--frames", type=int, default=None, help="clip frames (default: the model's)")
    ap.add_argument("--height", type=int, default=None)
    ap.add_argument("--width", type=int, default=None)
    ap.add_argument("--compile", action="store_true", help="torch.compile the DiT (pays off past ~3 minutes)")
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--device", default=None, help="default: cuda if available, else cpu")
    ap.add_argument("--workers", type=int, default=None, help="render processes (default: CPUs - 1)")
    ap.add_argument("--tiny", action="store_true", help=f"a CPU dry run: {TINY}")
    ap.add_argument(
        "--export-start",
        type=Path,
        default=None,
        help="also write the untrained start (the T2V model with zero-weight condition inputs) as a model folder: "
        "the reference that ignores the image",
    )
    args = ap.parse_args(argv)
    if args.tiny:
        for k, v in TINY.items():
            if getattr(args, k) in (None, ap.get_default(k)):
                setattr(args, k, v)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    t_start = time.time()

    from dit_loop import FastDiTLoop

    from stepvid.model_folder import plan_model
    from stepvid.ti2v import ti2v_from_t2v
    from stepvid.train.distributed import init_distributed

    d = init_distributed(device=args.device)
    device = d.device
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    work = args.work or args.out.parent / "ti2v-work"
    work.mkdir(parents=True, exist_ok=True)
    plan = plan_model(args.init)
    t2v = plan.components["transformer"].load(torch.device("cpu"), torch.float32)
    vae = plan.components["vae"].load(device, torch.float32).eval()
    enc = plan.components["text_encoder"].load(device, torch.float32)
    dit = ti2v_from_t2v(t2v)
    del t2v
    if args.export_start is not None:
        export(dit, args.init, args.export_start, {"steps": 0, "batch": 0, "samples": 0, "last_loss": None})
    dflt = plan.defaults
    frames, height, width = (
        args.frames or dflt.num_frames,
        args.height or dflt.height,
        args.width or dflt.width,
    )
    workers = args.workers if args.workers is not None else max(1, (os.cpu_count() or 2) - 1)
    data = build_data(
        vae,
        enc,
        samples=args.samples,
        frames=frames,
        height=height,
        width=width,
        seed=args.seed,
        device=device,
        workers=workers,
        deadline=time.time() + max(30.0, 0.35 * args.train_seconds),
    )
    del vae
    neg = enc.encode([dflt.negative_prompt], device=device)
    import yaml

    timestep = yaml.safe_load((HERE / "config.yaml").read_text())["dit"]["timestep"]
    loop = FastDiTLoop(
        dit,
        enc,
        neg,
        d,
        lr=args.lr,
        warmup_steps=args.warmup,
        ema_decay=args.ema,
        text_dropout=0.1,
        timestep=timestep,
        seed=args.seed,
        log=lambda r: log.info("train %s", json.dumps(r)),
        log_every=100,
    )
    res = loop.run_stage(
        "ti2v",
        data,
        steps=args.max_steps,
        batch=args.batch,
        until=time.time() + args.train_seconds,
        compile=args.compile,
    )
    dit.load_state_dict(loop.ema_state_dict())  # ship the EMA weights
    report = {
        "init": str(args.init),
        "samples": len(data),
        "clip": [frames, height, width],
        "batch": args.batch,
        "steps": res["steps"],
        "train_seconds": res["seconds"],
        "last_loss": res["last_loss"],
        "lr": args.lr,
        "ema": args.ema,
        "device": str(device),
        "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else None,
    }
    model = work / "ti2v-model"
    report["bytes"] = export(dit, args.init, model, report)
    report["parts"] = [p.name for p in pack(model, args.out, "ti2v-model")]
    report["wall_s"] = round(time.time() - t_start, 1)
    (args.out / "report.json").write_text(json.dumps(report, indent=1))
    print(
        f"ti2v: {res['steps']} steps in {res['seconds']:.0f} s on {len(data)} clips, last loss "
        f"{res['last_loss']}; model folder {model} ({report['bytes'] / 1e6:.1f} MB) -> {args.out}/"
        f"{report['parts'][0].rsplit('.', 1)[0]}.NN ({len(report['parts'])} parts); {report['wall_s']:.0f} s in all"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
