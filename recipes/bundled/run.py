#!/usr/bin/env python
"""Train the bundled default model from nothing but this checkout, within a wall-clock budget.

Phases (each resumable; state lives in ``--work``):

  vae     render world clips, train the small Video-VAE (recipes/bundled/vae_loop.py), report held-out
          PSNR; then pre-train the small bilingual text encoder (stepvid.models.text.small). Weights are
          rounded to bf16 right away, so everything downstream sees exactly the shipped weights.
  text    only the text-encoder part of ``vae``.
  dit     render + encode a latent cache per stage of the cascade (images -> 96 px video -> 192 px video),
          then train the StepVideoDiT (recipes/bundled/dit_loop.py: the project's flow objective with every
          step on the device), stopping cleanly at the budget; then ``export``.
  export  assemble the shipped folder (stepvid.json, transformer/, vae/, text_encoder/; bf16, <= 40 MB).
  all     vae, then dit (budget split 35 / 65).
  install copy the exported folder into stepvid/bundled/ (``--dest``); ``--vae FILE`` ships a decoder trained
          in another call instead (decoder_and_dit.sh), refused unless its encoder is the export's.
  soup    average the DiT weights of several exported models (``--models A B ...``: continuations of one
          parent, e.g. lines.sh lines) into ``--work``/bundled; their VAE and text encoder must be identical.
          Sampler defaults come from the config's ``generate``. Then ``install`` ships it.

Results go to ``--out`` as at most 8 files of <= 15 MB: ``artifacts-<phase>.tar.NN`` parts, ``report.json``
and ``log.txt``. A later call (possibly on a fresh machine) gets them back with ``--from DIR``.

Device commands (one H100, <= 9 minutes each):
  python recipes/bundled/run.py --phase vae --budget-minutes 8 --out $OUT
  python recipes/bundled/run.py --phase dit --budget-minutes 8.5 --from <returned vae files> --out $OUT
  python recipes/bundled/run.py --phase dit --continue-dit --budget-minutes 8.5 --from <returned dit files> --out $OUT
                                                                  # optional: more target-resolution training
  python recipes/bundled/run.py --phase install --from <returned dit files>            # here, no GPU
  python recipes/bundled/run.py --phase install --work runs/bX --vae runs/bXvae/vae/vae_v2.safetensors
  python recipes/bundled/run.py --phase soup --models runs/r6/mix2/bundled runs/r6/mix3/bundled --work runs/r6/soup

CPU dry run of everything at toy sizes: ``python recipes/bundled/run.py --phase all --tiny --out /tmp/b``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import logging
import math
import os
import shutil
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO)]

import natural
import numpy as np
import torch
import world_data as wd

log = logging.getLogger("bundled")
PART_BYTES = 15 * 1024 * 1024
MAX_RETURN_FILES = 8

# Toy sizes for a CPU dry run of the whole recipe (minutes, not hours; the model it makes is noise).
TINY = [
    "target.height=32", "target.width=32", "target.frames=17",
    "vae.clips=16", "vae.images=16", "vae.steps=3", "vae.batch_size=2", "vae.image_batch_size=2", "vae.crop=32",
    "vae.eval_clips=2",
    "text.steps=5", "text.batch_size=8", "text.pool=64", "text.vocab_scenes=200", "text.config.llm_dim=32", "text.config.clip_dim=32",
    "text.config.llm_heads=2", "text.config.clip_heads=2", "text.config.llm_len=96",
    "dit.model.num_layers=2", "dit.model.num_attention_heads=2", "dit.warmup_steps=1",
    "dit.stages.0.height=32", "dit.stages.0.width=32", "dit.stages.0.samples=8", "dit.stages.0.steps=2",
    "dit.stages.0.batch_size=4",
    "dit.stages.1.height=16", "dit.stages.1.width=16", "dit.stages.1.frames=17", "dit.stages.1.samples=8",
    "dit.stages.1.steps=2", "dit.stages.1.batch_size=4",
    "dit.stages.2.height=32", "dit.stages.2.width=32", "dit.stages.2.frames=17", "dit.stages.2.samples=8",
    "dit.stages.2.steps=3", "dit.stages.2.batch_size=4", "dit.stages.2.compile=false",
    "generate.steps=2",
    "natural.merges=50", "natural.corpus_scenes=40", "natural.distill.height=32", "natural.distill.width=32",
    "natural.distill.frames=17", "natural.distill.samples=8", "natural.distill.eval_samples=4",
    "natural.distill.steps=3", "natural.distill.batch_size=4", "natural.distill.eval_batches=1",
    "natural.distill.eval_batch=4",
    "natural.distill.warmup_steps=1",
]


# ------------------------------------------------------------------------------------------------ config
def load_cfg(path: Path, overrides: list[str]) -> dict[str, Any]:
    import yaml

    from stepvid.train.config import apply_overrides

    cfg = yaml.safe_load(path.read_text())
    return apply_overrides(cfg, overrides)


def vae_config(cfg: dict):
    from stepvid.models.vae import VAEConfig

    return VAEConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in cfg["vae"]["config"].items()})


def round_bf16_(module: torch.nn.Module) -> None:
    """Round weights to bf16 values in place (kept fp32): downstream phases see the shipped weights."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(p.bfloat16().float())


class State:
    """``work/state.json``: finished phases and their reports (atomic writes)."""

    def __init__(self, work: Path):
        self.path = work / "state.json"
        self.data = json.loads(self.path.read_text()) if self.path.exists() else {"done": [], "reports": {}}

    def done(self, key: str) -> bool:
        return key in self.data["done"]

    def finish(self, key: str, report: dict | None = None) -> None:
        if key not in self.data["done"]:
            self.data["done"].append(key)
        if report is not None:
            self.data["reports"][key] = report
        self.save()

    def save(self) -> None:
        from stepvid.video import atomic_path

        with atomic_path(self.path) as tmp:
            Path(tmp).write_text(json.dumps(self.data, indent=1))


# ------------------------------------------------------------------------------------------------ VAE
def render_stack(jobs: list[wd.RenderJob], workers: int | None) -> np.ndarray:
    """All frames of ``jobs`` as one uint8 array [N, T, H, W, 3]."""
    out = np.empty((len(jobs), jobs[0].frames, jobs[0].height, jobs[0].width, 3), np.uint8)
    at = 0
    for frames, _ in wd.render_many(jobs, workers, chunk=512):
        out[at : at + len(frames)] = frames
        at += len(frames)
    return out


def load_vae_part(vae, src: Path, part: str, strict: bool) -> tuple[int, int]:
    """Copy the ``{part}.*`` tensors (``part`` = "encoder" or "decoder") of the VAE file ``src`` — the setting
    ``vae.{part}_from`` — into ``vae``. ``strict``: every key and shape of ``vae``'s part must match (a shipped
    encoder, bit for bit); otherwise those of the same key and shape are copied and the rest stays freshly
    initialised (a widened decoder keeps e.g. the latent path, mid block and lowest level of a trained one), and
    a file that shares none is refused. Returns (tensors copied, tensors left fresh)."""
    from safetensors import safe_open

    setting = f"vae.{part}_from={src}"
    if not src.is_file():
        raise FileNotFoundError(f"{setting}: no such file")
    own = {k: p for k, p in vae.state_dict().items() if k.startswith(part + ".")}
    copied = 0
    with safe_open(str(src), framework="pt") as f, torch.no_grad():
        theirs = {k for k in f.keys() if k.startswith(part + ".")}  # noqa: SIM118
        if strict and theirs != set(own):
            raise ValueError(f"{setting}: {part} keys differ from vae.config's {part} "
                             f"(missing {sorted(set(own) - theirs)[:3]}, unexpected {sorted(theirs - set(own))[:3]})")
        for k, p in own.items():
            shape = list(f.get_slice(k).get_shape()) if k in theirs else None
            if shape != list(p.shape):
                if strict:
                    raise ValueError(f"{setting}: {k} has shape {shape}, vae.config's {part} wants {list(p.shape)}")
                continue
            p.copy_(f.get_tensor(k))
            copied += 1
    if not copied:
        raise ValueError(f"{setting}: no {part} tensor matches vae.config's {part} by key and shape")
    return copied, len(own) - copied


def start_vae(cfg: dict, path: Path, device) -> tuple:
    """The VAE a ``vae`` phase trains, and whether it continues ``path``. Without ``vae.encoder_from`` an existing
    ``path`` is continued (its own architecture), else a new VAE of ``vae.config`` starts. With it, ``path`` is
    continued only if it already has ``vae.config``'s architecture (a later call of the same run); otherwise a new
    VAE of ``vae.config`` starts with that file's encoder — with ``vae.freeze_encoder`` a new decoder for the
    latent space (and the DiT trained on it) of a shipped VAE. ``vae.decoder_from`` warm-starts such a new VAE's
    decoder with a file's decoder tensors of the same key and shape (:func:`load_vae_part`)."""
    from stepvid.models.vae import VideoVAE

    src, dsrc = cfg["vae"].get("encoder_from"), cfg["vae"].get("decoder_from")
    if path.exists():
        vae = VideoVAE.from_pretrained(path, device=device, dtype=torch.float32)
        if not (src or dsrc) or vae.config == vae_config(cfg):
            log.info("VAE: continuing from %s", path)
            return vae, True
    torch.manual_seed(int(cfg["seed"]))
    vae = VideoVAE(vae_config(cfg))
    if src:
        load_vae_part(vae, Path(src), "encoder", strict=True)
        log.info("VAE: new decoder (%s) on the encoder of %s", vae_config(cfg), src)
    if dsrc:
        copied, fresh = load_vae_part(vae, Path(dsrc), "decoder", strict=False)
        log.info("VAE: %d decoder tensors from %s, %d fresh", copied, dsrc, fresh)
    return vae.to(device), False


def phase_vae(cfg: dict, work: Path, d, deadline: float, workers: int | None) -> dict:
    """Train (or continue) the VAE; with several ranks each renders and trains on its own share of clips."""
    from vae_loop import eval_psnr, latent_drift, train_vae

    from stepvid.train.distributed import barrier

    v, t, seed = cfg["vae"], cfg["target"], int(cfg["seed"])
    device = d.device
    path = work / "vae" / "vae_v2.safetensors"
    vae, continued = start_vae(cfg, path, device)
    n_params = sum(p.numel() for p in vae.parameters())
    t0 = time.time()
    mine = range(d.rank, int(v["clips"]), d.world_size)
    clips = torch.from_numpy(render_stack([wd.RenderJob(seed + 11, i, t["height"], t["width"], 17) for i in mine],
                                          workers)).to(device)
    mine = range(d.rank, int(v["images"]), d.world_size)
    images = torch.from_numpy(render_stack([wd.RenderJob(seed + 12, i, t["height"], t["width"], 1) for i in mine],
                                           workers)).to(device)
    held = list(render_stack([wd.RenderJob(seed + 13, i, t["height"], t["width"], t["frames"], "heldout")
                              for i in range(v["eval_clips"])], workers)) if d.is_main else []
    log.info("VAE data: %d clips + %d images per rank (x%d ranks) rendered in %.1f s", len(clips), len(images),
             d.world_size, time.time() - t0)
    # On the same clips as the final PSNR, so that "before" and "after" compare.
    psnr_before = eval_psnr(vae, held, device) if d.is_main and continued else None
    frozen = bool(v.get("freeze_encoder", False))
    fresh_decoder = bool(v.get("encoder_from")) and not continued
    start = (copy.deepcopy(vae).cpu() if d.is_main and (continued or fresh_decoder) and not frozen
             else None)  # for latent_drift
    path.parent.mkdir(parents=True, exist_ok=True)
    barrier()
    summary = train_vae(vae, clips, images, steps=int(v["steps"]), batch_size=int(v["batch_size"]),
                        image_batch_size=int(v["image_batch_size"]), crop=int(v["crop"]), lr=float(v["lr"]),
                        kl_weight=float(v["kl_weight"]), l1_weight=float(v.get("l1_weight", 1.0)),
                        mse_weight=float(v.get("mse_weight", 1.0)), device=device, deadline=deadline, seed=seed, dist=d,
                        warmup=int(v.get("warmup", 100)), freeze_encoder=frozen,
                        latent_noise=float(v.get("latent_noise", 0.0)), anchor_weight=float(v.get("anchor_weight", 0.0)),
                        border_weight=float(v.get("border_weight", 1.0)), border_px=int(v.get("border_px", 16)),
                        corner_weight=float(v.get("corner_weight", 1.0)), corner_px=int(v.get("corner_px", 16)),
                        checkpoint=lambda: vae.save_pretrained(path),  # fp32 until the final bf16 save
                        checkpoint_every_s=float(v.get("checkpoint_minutes", 2.0)) * 60,
                        log=lambda r: log.info("vae %s", json.dumps({k: round(x, 4) if isinstance(x, float) else x
                                                                     for k, x in r.items()})))
    del clips, images
    round_bf16_(vae)
    if not d.is_main:
        return {}
    psnr = eval_psnr(vae, held, device)
    drift = None if start is None else round(latent_drift(vae, start, held, device), 4)
    path.parent.mkdir(parents=True, exist_ok=True)
    vae.to(torch.bfloat16).save_pretrained(path)
    before = None if psnr_before is None else round(psnr_before, 2)
    return {"params": n_params, "steps": summary["steps"], "train_seconds": round(summary["seconds"], 1),
            "ranks": d.world_size, "continued": continued, "decoder_only": frozen,
            "encoder_from": v.get("encoder_from") if fresh_decoder else None,
            "decoder_from": v.get("decoder_from") if not continued else None,
            "heldout_psnr_db": round(psnr, 2), "heldout_psnr_before_db": before, "latent_drift": drift,
            "eval_clips": len(held), "last": summary["history"][-1] if summary["history"] else None}


# ------------------------------------------------------------------------------------------------ text encoder
def phase_text(cfg: dict, work: Path, device: torch.device, deadline: float, workers: int | None) -> dict:
    from stepvid.models.text.small import (
        SmallBilingualEncoder,
        SmallTextConfig,
        WordCharTokenizer,
        pretrain_small_encoder,
    )

    tc, seed = cfg["text"], int(cfg["seed"])
    tok = WordCharTokenizer.build(wd.vocabulary_texts(seed, int(tc["vocab_scenes"])))
    torch.manual_seed(seed)
    enc = SmallBilingualEncoder(SmallTextConfig(vocab_size=len(tok), **tc["config"]), tok)
    t0 = time.time()
    pool = wd.text_examples(seed + 21, int(tc["pool"]), workers)
    log.info("text: %d pre-training examples (EN+ZH pairs) in %.1f s", len(pool), time.time() - t0)
    sizes = wd.label_sizes()
    hist, heads = pretrain_small_encoder(enc.to(device), pool, sizes, steps=int(tc["steps"]),
                                         batch_size=int(tc["batch_size"]), lr=float(tc["lr"]), seed=seed,
                                         device=device, deadline=deadline,
                                         log_every=max(1, int(tc["steps"]) // 20))
    round_bf16_(enc)
    # held-out scenes (attribute combinations never seen in training): per-language attribute accuracy
    held = []
    for i in range(256):
        spec = wd.scene(seed + 22, i, "heldout")
        style = wd.STYLES[i % 2]
        caps = wd.captions_of(spec, seed + 22, i)
        held.append(wd.PretrainExample((caps[f"en_{style}"], caps[f"zh_{style}"]), wd.spec_labels(spec, style)))
    acc_en, acc_zh = heads.accuracy(held)
    longest = max(len(tok.encode(c)) for ex in held for c in ex.captions)
    enc.cpu().save_pretrained(work / "text_encoder", dtype=torch.bfloat16)
    return {"params": sum(p.numel() for p in enc.parameters()), "vocab": len(tok), "steps": len(hist),
            "final": {k: round(v, 4) for k, v in hist[-1].items()} if hist else None,
            "heldout_attr_acc_en": round(acc_en, 4), "heldout_attr_acc_zh": round(acc_zh, 4),
            "longest_caption_tokens": longest, "llm_len": enc.config.llm_len}


# ------------------------------------------------------------------------------------------------ DiT
def _prefetched(it, depth: int = 1):
    """Iterate ``it`` in a background thread (copies of its items), so rendering overlaps encoding."""
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()

    def work():
        try:
            for frames, caps in it:
                q.put((np.array(frames), caps))
        except BaseException as e:  # noqa: BLE001 - re-raised in the consumer
            q.put(e)
        q.put(done)

    threading.Thread(target=work, daemon=True).start()
    while (item := q.get()) is not done:
        if isinstance(item, BaseException):
            raise item
        yield item


def build_stage_data(stage: dict, stage_index: int, cfg: dict, vae, enc, d, workers: int | None,
                     deadline: float):
    """This rank's share of a stage's training set, on its device: world scenes of the train split rendered
    at the stage's size, VAE posterior means, and the token ids of each scene's four captions (EN/ZH x
    short/dense). Every rank renders different scenes (index = rank mod world).

    ``frames`` may be a cycle of clip lengths (e.g. [34, 34, 34, 17]): then one set per distinct length, with
    ``samples`` shared in proportion, is returned as that cycle (a list; ``FastDiTLoop.run_stage`` draws step
    ``i`` from element ``i % k``). The first length keeps the single-length stage's scenes."""
    frames = stage["frames"]
    if not isinstance(frames, list):
        return _stage_set(stage, int(cfg["seed"]) + 100 + stage_index, enc, vae, d, workers, deadline)
    sets, t0 = {}, time.time()
    for i, f in enumerate(dict.fromkeys(frames)):
        share = frames.count(f) / len(frames)
        sub = dict(stage, frames=int(f), samples=max(d.world_size, round(int(stage["samples"]) * share)))
        left = deadline - time.time()
        sets[f] = _stage_set(sub, int(cfg["seed"]) + 100 + stage_index + 7919 * i, enc, vae, d, workers,
                             time.time() + left * share)
    log.info("stage %s: clip-length cycle %s built in %.1f s", stage["name"], frames, time.time() - t0)
    return [sets[f] for f in frames]


def caption_keys(stage: dict) -> list[str]:
    """The captions a stage trains on: EN/ZH x short/dense templates, then ``natural`` natural-phrasing ones."""
    return [f"{lang}_{style}" for lang in wd.LANGS for style in wd.STYLES] + [
        f"nat{j}" for j in range(int(stage.get("natural", 0)))]


def render_encode(stage: dict, seed: int, vae, d, workers: int | None, deadline: float
                  ) -> tuple[torch.Tensor, list[dict[str, str]]]:
    """This rank's share of a stage's scenes rendered at the stage's size and encoded by ``vae`` (posterior
    means, bf16, on the device), with each scene's captions (``stage["natural"]`` natural ones too)."""
    from vae_loop import to_video

    n, f, h, w = int(stage["samples"]), int(stage["frames"]), int(stage["height"]), int(stage["width"])
    mix = wd.Mix.from_config(stage.get("mix"), f"dit stage {stage['name']}: mix")
    nat, split, phrasing = int(stage.get("natural", 0)), stage.get("split", "train"), stage.get("phrasing", "train")
    jobs = [wd.RenderJob(seed, i, h, w, f, split, mix, nat, phrasing) for i in range(d.rank, n, d.world_size)]
    chunk = 2048 if f == 1 else 256
    device = d.device
    lat, caps_all, t0 = [], [], time.time()
    for frames, caps in _prefetched(wd.render_many(jobs, workers, chunk=chunk)):
        frames = torch.from_numpy(frames)
        with torch.no_grad():
            for b in range(0, len(frames), 64):
                x = to_video(frames[b : b + 64].to(device))
                with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                    lat.append(vae.encode_moments(x)[0].bfloat16())
        caps_all.extend(caps)
        if time.time() > deadline:
            log.warning("stage %s: data budget reached after %d samples on rank %d", stage["name"],
                        len(caps_all), d.rank)
            break
    log.info("stage %s: %d samples rendered and encoded on rank %d in %.1f s", stage["name"], len(caps_all),
             d.rank, time.time() - t0)
    return torch.cat(lat), caps_all


def _stage_set(stage: dict, seed: int, enc, vae, d, workers: int | None, deadline: float):
    """One clip length's set for :func:`build_stage_data`."""
    from dit_loop import StageData, tokenize_captions

    latents, caps = render_encode(stage, seed, vae, d, workers, deadline)
    keys = caption_keys(stage)
    toks = tokenize_captions(enc.tokenizer, [[c[k] for k in keys] for c in caps], enc.config.llm_len)
    data = StageData(latents, *(t.to(d.device) for t in toks))
    log.info("stage %s data: %d samples x %d captions on rank %d (latents %s)", stage["name"], len(data),
             len(keys), d.rank, list(data.latents.shape[1:]))
    return data


def phase_dit(cfg: dict, work: Path, d, deadline: float, workers: int | None, resume_export: bool = False) -> dict:
    """Train the DiT through the stage cascade with ``dit_loop.FastDiTLoop``; rank 0 writes
    ``dit/final/{model,ema}.safetensors`` (what ``export`` ships)."""
    from dit_loop import FastDiTLoop

    from stepvid.checkpoints import load_sharded_safetensors
    from stepvid.models.text.small import SmallBilingualEncoder
    from stepvid.models.vae import VideoVAE
    from stepvid.train.checkpoint import export_full_weights
    from stepvid.train.distributed import barrier
    from stepvid.train.dit_trainer import build_dit

    device = d.device
    dcfg = cfg["dit"]
    stages = list(dcfg["stages"])
    if resume_export:  # continue from a previous call's exported model (fresh machine: no checkpoints)
        if not (work / "bundled" / "transformer").is_dir():
            raise FileNotFoundError(f"--continue-dit needs {work / 'bundled'}: pass --from <a dit call's files>")
        if d.is_main:
            for name in ("vae", "text_encoder"):
                if not (work / name).exists():
                    shutil.copytree(work / "bundled" / name, work / name)
        barrier()
        keep = set(dcfg["continue_stages"])
        stages = [s for s in stages if s["name"] in keep]
    for need in ("vae/vae_v2.safetensors", "text_encoder/model.safetensors"):
        if not (work / need).exists():
            raise FileNotFoundError(f"{work / need} missing: run --phase vae first (or pass --from its output)")
    vae = VideoVAE.from_pretrained(work / "vae" / "vae_v2.safetensors", device=device, dtype=torch.float32).eval()
    enc = SmallBilingualEncoder.from_pretrained(work / "text_encoder", device=device)
    reserve = 40.0  # seconds kept for the final save and export
    z = vae.config.z_channels  # the VAE file's, not the config's (a continued VAE keeps its architecture)
    model_cfg = dict(dcfg["model"], in_channels=z, out_channels=z, caption_channels=[enc.llm_dim, enc.clip_dim])
    torch.manual_seed(int(cfg["seed"]))
    model = build_dit(model_cfg)
    scale = float(dcfg["continue_lr_scale"]) if resume_export else 1.0
    if resume_export:
        load_sharded_safetensors(model, work / "bundled" / "transformer", dtype=torch.float32)
    neg = enc.encode([cfg["generate"]["negative_prompt"]], device=device)
    seed = int(cfg["seed"]) + (7 if resume_export else 0)
    loop = FastDiTLoop(model, enc, neg, d, lr=float(dcfg["lr"]) * scale, warmup_steps=int(dcfg["warmup_steps"]),
                       ema_decay=float(dcfg["ema_decay"]), text_dropout=float(dcfg["text_dropout"]),
                       timestep=dcfg["timestep"], seed=seed, log=lambda r: log.info("dit %s", json.dumps(r)))
    # resume: a checkpoint of this very run (same stages, model, seed, start) continues where it stopped
    run_key = hashlib.sha1(json.dumps([stages, model_cfg, seed, resume_export, dcfg["lr"]],
                                      sort_keys=True).encode()).hexdigest()
    ckpt_dir = work / "dit"  # checkpoints/step-N/ as written by stepvid.train.checkpoint
    position = loop.load(ckpt_dir, run_key, seed)
    first = 0
    if position is not None:
        first = [s["name"] for s in stages].index(position["stage"])
        log.info("DiT: resuming at stage %s step %d (global step %d)", position["stage"], position["stage_step"],
                 loop.global_step)
    t_data = time.time()
    data = {}
    for i, st in enumerate(stages[first:], first):  # the remaining stages' data first: at most ~35 % of the budget
        left = deadline - time.time()
        data[i] = build_stage_data(st, [s["name"] for s in dcfg["stages"]].index(st["name"]), cfg, vae, enc, d,
                                   workers, time.time() + 0.35 * left / (len(stages) - i))
    t_data = time.time() - t_data
    del vae
    if device.type == "cuda":
        torch.cuda.empty_cache()
    stop_at = deadline - reserve
    shares = [float(s.get("share", 1.0)) for s in stages]
    results = []
    for i in range(first, len(stages)):
        st, now = stages[i], time.time()
        until = now + (stop_at - now) * shares[i] / sum(shares[i:])
        resumed = position is not None and i == first
        results.append(loop.run_stage(
            st["name"], data[i], steps=int(position["planned"] if resumed else st["steps"]),
            batch=int(st["batch_size"]), until=until, compile=bool(st.get("compile", False)),
            weight=float(st.get("loss_weight", 1.0)), start=int(position["stage_step"]) if resumed else 0,
            checkpoint=lambda pos: loop.save(ckpt_dir, pos, run_key),
            checkpoint_every_s=float(dcfg.get("checkpoint_minutes", 2.0)) * 60))
    if not d.is_main:
        return {}
    final = work / "dit" / "final"
    final.mkdir(parents=True, exist_ok=True)
    export_full_weights(model, final / "model.safetensors")
    export_full_weights(model, final / "ema.safetensors", tensors=loop.ema_state_dict())
    (final / "model_config.json").write_text(json.dumps(model_cfg))
    (work / "dit" / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in loop.history))
    return {"finished": True, "continued_from_export": resume_export, "global_step": loop.global_step,
            "data_seconds": round(t_data, 1), "stages": results, "ranks": d.world_size,
            "resumed_from": position,
            "samples_per_rank": {stages[i]["name"]: _num_samples(sd) for i, sd in data.items()},
            "last_metrics": loop.history[-3:]}


def _num_samples(data) -> int:
    """Samples in a stage's data: one set, or a cycle of sets (each distinct set counted once)."""
    return len(data) if not isinstance(data, list) else sum(len(x) for x in {id(x): x for x in data}.values())


# ------------------------------------------------------------------------------------------------ export
def phase_export(cfg: dict, work: Path) -> dict:
    from safetensors.torch import load_file

    from stepvid.checkpoints import save_sharded_safetensors
    from stepvid.models.dit import StepVideoDiT, config_dict

    final = work / "dit" / "final"
    weights = final / "ema.safetensors" if (final / "ema.safetensors").exists() else final / "model.safetensors"
    if not weights.exists():
        raise FileNotFoundError(f"{weights} missing: run --phase dit first")
    from stepvid.train.dit_trainer import build_dit

    dit: StepVideoDiT = build_dit(json.loads((final / "model_config.json").read_text()))
    dit.load_state_dict(load_file(str(weights)), strict=True)
    out = work / "bundled"
    if out.exists():
        shutil.rmtree(out)
    (out / "transformer").mkdir(parents=True)
    state = {k: v.to(torch.bfloat16).contiguous() for k, v in dit.state_dict().items()}
    save_sharded_safetensors(state, out / "transformer", max_shard_bytes=PART_BYTES)
    (out / "transformer" / "config.json").write_text(json.dumps(config_dict(dit.config), indent=1))
    shutil.copytree(work / "vae", out / "vae")
    shutil.copytree(work / "text_encoder", out / "text_encoder")
    g, t = cfg["generate"], cfg["target"]
    desc = {"name": "stepvid-bundled", "format": 1,
            "notes": "Small Step-Video-family model trained by recipes/bundled on the synthetic world; see MODEL_CARD.md",
            "transformer": {"path": "transformer"}, "vae": {"path": "vae/vae_v2.safetensors"},
            "text_encoder": {"class": "stepvid.models.text.small:SmallBilingualEncoder", "path": "text_encoder"},
            "defaults": {"num_frames": t["frames"], "height": t["height"], "width": t["width"],
                         "steps": g["steps"], "cfg": g["cfg"], "shift": g["shift"], "fps": t["fps"],
                         "positive_suffix": g["positive_suffix"], "negative_prompt": g["negative_prompt"],
                         "prompt_rewrite": g.get("prompt_rewrite", "none")}}
    if cfg.get("presets"):  # named sampler settings beside the defaults (stepvid generate --preset NAME)
        desc["presets"] = cfg["presets"]
    (out / "stepvid.json").write_text(json.dumps(desc, indent=1, ensure_ascii=False))
    (out / "MODEL_CARD.md").write_text(model_card(cfg, State(work).data["reports"], dit))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    if size > cfg["max_bundle_mb"] * 1e6:
        raise ValueError(f"bundled model is {size / 1e6:.1f} MB > max_bundle_mb={cfg['max_bundle_mb']}")
    return {"bytes": size, "dit_params": sum(p.numel() for p in dit.parameters()), "weights": weights.name,
            "files": sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())}


def _count(n: int | None) -> str:
    """A parameter count for the card, or "?" when the state has no report of that phase."""
    return f"{n:,}" if isinstance(n, int) else "?"


def model_card(cfg: dict, reports: dict, dit) -> str:
    """MODEL_CARD.md shipped next to the weights: what it is, how it was made, what it scored in training."""
    v, t, d = reports.get("vae", {}), reports.get("text", {}), reports.get("dit", {})
    c, g = dit.config, cfg["generate"]
    tg = cfg["target"]
    return f"""# stepvid bundled model

A small Step-Video-family text-to-video model trained by `recipes/bundled/run.py` on stepvid's synthetic
bilingual world (coloured shapes that move; English and Chinese captions). It only knows that world. Loaded by
`stepvid generate` when no `--model` is given. Full description: docs/model-card.md.

| component | architecture | parameters |
|---|---|---|
| DiT | StepVideoDiT, {c.num_layers} layers x {c.hidden_size} ({c.num_attention_heads} heads x {c.attention_head_dim}) | {sum(p.numel() for p in dit.parameters()):,} |
| Video-VAE | causal 3D, per-frame GroupNorm, 8x16x16, dual path; z = {cfg["vae"]["config"]["z_channels"]} | {_count(v.get("params"))} |
| text encoder | SmallBilingualEncoder (causal sqrt-ALiBi stream + 77-token bidirectional stream) | {_count(t.get("params"))} |

Defaults: {tg["frames"]} frames at {tg["fps"]} fps, {tg["height"]}x{tg["width"]}, {g["steps"]} Euler steps, CFG {g["cfg"]}, shift {g["shift"]}.
Weights stored in bf16.

Training (numbers recorded by the recipe): VAE {v.get("steps", "?")} steps, held-out PSNR {v.get("heldout_psnr_db", "?")} dB;
text encoder {t.get("steps", "?")} steps, held-out attribute accuracy EN {t.get("heldout_attr_acc_en", "?")} /
ZH {t.get("heldout_attr_acc_zh", "?")}; DiT {d.get("global_step", "?")} steps over stages {[(s["stage"], s["steps"]) for s in d.get("stages", [])]}.
Adherence and speed: `benchmarks/bundled_adherence.py`, `benchmarks/bundled_speed.py` (docs/benchmarks.md).
"""


# ------------------------------------------------------------------------------------------------ transfer
def pack(work: Path, names: list[str], out: Path, tag: str) -> list[Path]:
    """Tar ``work/<names>`` and split it into <= 15 MB parts ``artifacts-<tag>.tar.NN`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    tar_path = work / f"artifacts-{tag}.tar"
    with tarfile.open(tar_path, "w") as tar:
        for n in names:
            if (work / n).exists():
                tar.add(work / n, arcname=n)
    data = tar_path.read_bytes()
    parts = []
    for i in range(math.ceil(len(data) / PART_BYTES)):
        p = out / f"artifacts-{tag}.tar.{i:02d}"
        p.write_bytes(data[i * PART_BYTES : (i + 1) * PART_BYTES])
        parts.append(p)
    tar_path.unlink()
    return parts


def unpack(src: Path, work: Path) -> list[str]:
    """Reassemble every ``artifacts-*.tar.NN`` group in ``src`` and extract it into ``work``."""
    groups: dict[str, list[Path]] = {}
    for p in sorted(src.glob("artifacts-*.tar.[0-9][0-9]")):
        groups.setdefault(p.name.rsplit(".", 1)[0], []).append(p)
    if not groups:
        raise FileNotFoundError(f"--from {src}: no artifacts-*.tar.NN files")
    work.mkdir(parents=True, exist_ok=True)
    for name, parts in groups.items():
        tmp = work / name
        with open(tmp, "wb") as f:
            for p in parts:
                f.write(p.read_bytes())
        with tarfile.open(tmp) as tar:
            for m in tar.getmembers():  # refuse absolute paths and parent references
                if m.name.startswith("/") or ".." in Path(m.name).parts:
                    raise ValueError(f"{name}: unsafe member path {m.name!r}")
            tar.extractall(work)
        tmp.unlink()
    return sorted(groups)


# ------------------------------------------------------------------------------------------------ install
def check_same_encoder(new: Path, old: Path) -> None:
    """Refuse a VAE whose encoder differs from the one the DiT was trained on (its latents would not match):
    only a decoder-only fine-tune (``vae.freeze_encoder``) may replace a shipped VAE."""
    from safetensors import safe_open

    if not new.is_file():
        raise SystemExit(f"--vae {new}: no such file")
    with safe_open(str(new), framework="pt") as a, safe_open(str(old), framework="pt") as b:
        enc_a = sorted(k for k in a.keys() if k.startswith("encoder."))  # noqa: SIM118
        enc_b = sorted(k for k in b.keys() if k.startswith("encoder."))  # noqa: SIM118
        if not enc_a or enc_a != enc_b:
            raise SystemExit(f"--vae {new}: its encoder tensors ({len(enc_a)}) are not those of {old} "
                             f"({len(enc_b)}): not a decoder fine-tune of the exported VAE")
        differ = [k for k in enc_a if not torch.equal(a.get_tensor(k), b.get_tensor(k))]
    if differ:
        raise SystemExit(f"--vae {new}: encoder differs from {old} in {len(differ)} of {len(enc_a)} tensors "
                         f"(first: {differ[0]}); the DiT was trained on that encoder's latents, so only a "
                         "decoder-only fine-tune (vae.freeze_encoder=true) can replace the VAE")


def install(src: Path, dst: Path, vae: Path | None = None) -> None:
    """Copy the exported model folder ``src`` into ``dst``; ``vae`` replaces its VAE file (same encoder only)."""
    if not (src / "stepvid.json").exists():
        raise SystemExit(f"{src} has no exported model; run --phase dit/export (or pass --from)")
    vae_rel = json.loads((src / "stepvid.json").read_text())["vae"]["path"]
    if vae is not None:
        check_same_encoder(vae, src / vae_rel)
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("stepvid.json", "MODEL_CARD.md", "transformer", "vae", "text_encoder"):
        if (dst / name).is_dir():
            shutil.rmtree(dst / name)
        elif (dst / name).exists():
            (dst / name).unlink()
        (shutil.copytree if (src / name).is_dir() else shutil.copy2)(src / name, dst / name)
    if vae is not None:
        shutil.copy2(vae, dst / vae_rel)
    print(f"installed {src} -> {dst}" + (f" with the VAE {vae}" if vae is not None else ""))


def soup(cfg: dict, models: list[Path], work: Path, weights: list[float] | None = None) -> Path:
    """Write ``work/bundled``: the first model folder with its DiT replaced by the weighted mean of all the
    models' DiTs (``stepvid.checkpoints.average_checkpoints``) and the config's sampler defaults."""
    from stepvid.checkpoints import average_checkpoints, save_sharded_safetensors

    for m in models:
        if not (m / "stepvid.json").exists():
            raise SystemExit(f"--models {m}: no stepvid.json (not an exported model folder)")
    desc = json.loads((models[0] / "stepvid.json").read_text())
    shared = [desc["vae"]["path"], *(str(f.relative_to(models[0])) for f in
                                      sorted((models[0] / desc["text_encoder"]["path"]).rglob("*")) if f.is_file()),
              f"{desc['transformer']['path']}/config.json"]
    for m in models[1:]:
        for rel in shared:  # the DiTs must share the latent space, the text embeddings and the architecture
            if not (m / rel).is_file() or (m / rel).read_bytes() != (models[0] / rel).read_bytes():
                raise SystemExit(f"--models {m}: {rel} differs from {models[0]}'s; only DiTs trained on the same "
                                 "VAE and text encoder can be averaged")
    state = average_checkpoints([m / desc["transformer"]["path"] for m in models], weights)
    out = work / "bundled"
    tmp = work / "bundled.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    src_dit = models[0] / desc["transformer"]["path"]
    # everything of the first model but its DiT shards and index, whose place the mean takes
    shutil.copytree(models[0], tmp, ignore=lambda d, names: [n for n in names if n != "config.json"]
                    if Path(d) == src_dit else [])
    save_sharded_safetensors(state, tmp / desc["transformer"]["path"], max_shard_bytes=PART_BYTES)
    g = cfg["generate"]
    desc["defaults"].update(steps=g["steps"], cfg=g["cfg"], shift=g["shift"])
    if cfg.get("presets"):
        desc["presets"] = cfg["presets"]
    (tmp / "stepvid.json").write_text(json.dumps(desc, indent=1, ensure_ascii=False))
    w = weights or [1.0] * len(models)
    with (tmp / "MODEL_CARD.md").open("a") as f:
        f.write(f"\nDiT weights: mean of {len(models)} continuations (weights {w}); sampler defaults, replacing "
                f"those above: {g['steps']} steps, CFG {g['cfg']}, shift {g['shift']}.\n")
    size = sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file())
    if size > cfg["max_bundle_mb"] * 1e6:
        raise SystemExit(f"soup is {size / 1e6:.1f} MB > max_bundle_mb={cfg['max_bundle_mb']}")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    print(f"soup of {len(models)} DiTs ({len(state)} tensors) -> {out} ({size / 1e6:.1f} MB)")
    return out


# ------------------------------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--phase", required=True,
                    choices=["vae", "text", "dit", "export", "all", "install", "soup", "open-text", "distill"])
    ap.add_argument("--budget-minutes", type=float, default=8.0, help="wall budget of this call, all included")
    ap.add_argument("--out", type=Path, help="where results go (<= 8 files of <= 15 MB)")
    ap.add_argument("--work", type=Path, default=REPO / "runs" / "bundled", help="state folder (resumable)")
    ap.add_argument("--from", dest="src", type=Path, help="folder with a previous call's artifacts-*.tar.NN")
    ap.add_argument("--config", type=Path, default=HERE / "config.yaml")
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--tiny", action="store_true", help="toy sizes: a CPU dry run of the whole recipe")
    ap.add_argument("--device", default=None, help="default: cuda if available, else cpu")
    ap.add_argument("--workers", type=int, default=None, help="render processes (default: CPUs - 1)")
    ap.add_argument("--force", action="store_true", help="redo phases already marked done in --work")
    ap.add_argument("--redo", action="append", default=[], choices=["vae", "text", "dit", "export"],
                    help="redo this phase even if state.json marks it done (e.g. --phase vae --redo vae: "
                         "continue the VAE, keep the text encoder)")
    ap.add_argument("--continue-dit", action="store_true",
                    help="phase dit: start from the exported model in --work/bundled (e.g. unpacked by --from) "
                         "and train dit.continue_stages more, at dit.continue_lr_scale x the learning rate")
    ap.add_argument("--dest", type=Path, default=REPO / "stepvid" / "bundled", help="phase install: target folder")
    ap.add_argument("--models", type=Path, nargs="+", default=[], help="phase soup: exported model folders")
    ap.add_argument("--soup-weights", type=float, nargs="+", default=None, help="phase soup: one per model")
    ap.add_argument("--vae", type=Path, default=None,
                    help="phase install: ship this vae_v2.safetensors (a decoder-only fine-tune of the export's VAE)")
    args = ap.parse_args(argv)
    start = time.time()
    deadline = start + 60 * args.budget_minutes - 20  # 20 s for packing the results

    from stepvid.train.distributed import barrier, init_distributed

    d = init_distributed(device=args.device)
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if d.is_main:
        handlers.append(logging.FileHandler(work / "log.txt"))
    logging.basicConfig(level=logging.INFO if d.is_main else logging.WARNING,
                        format=f"%(asctime)s %(name)s[{d.rank}] %(message)s", handlers=handlers, force=True)
    if args.src and d.is_main:
        log.info("unpacked %s from %s", unpack(args.src, work), args.src)
    barrier()
    if args.phase == "install":
        install(work / "bundled", args.dest, args.vae)
        return 0
    if args.phase == "soup":
        if len(args.models) < 2:
            raise SystemExit("--phase soup needs --models with at least 2 exported model folders")
        soup(load_cfg(args.config, args.overrides), args.models, work, args.soup_weights)
        return 0
    if args.out is None:
        raise SystemExit("--out is required for training phases")
    cfg = load_cfg(args.config, (TINY if args.tiny else []) + args.overrides)
    for st in cfg["dit"]["stages"]:  # a bad mix fails now, not after the phases before the stage
        wd.Mix.from_config(st.get("mix"), f"dit stage {st['name']}: mix")
    device = d.device
    workers = args.workers if args.workers is not None else max(1, (os.cpu_count() or 2) // d.world_size - 1)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True  # fixed shapes per phase: let cuDNN pick its conv3d kernels
    state = State(work)
    report: dict[str, Any] = {"phase": args.phase, "device": str(device), "ranks": d.world_size,
                              "budget_minutes": args.budget_minutes}
    if device.type == "cuda":
        report["gpu"] = torch.cuda.get_device_name(device)

    def run(key: str, fn, until: float, ranks: str = "all") -> None:
        """Run a phase on every rank (``ranks='all'``) or on rank 0 only; rank 0 records it."""
        if state.done(key) and not (args.force or key in args.redo):
            log.info("%s: already done (state.json); --force redoes it", key)
            report[key] = state.data["reports"].get(key)
            return
        t0 = time.time()
        res = fn(until) if ranks == "all" or d.is_main else {}
        barrier()
        if not d.is_main:
            return
        res["wall_s"] = round(time.time() - t0, 1)
        report[key] = res
        state.finish(key, res)
        log.info("%s: %s", key, json.dumps(res)[:2000])

    phases = ["vae", "dit"] if args.phase == "all" else [args.phase]
    for ph in phases:
        left = deadline - time.time()
        until = time.time() + (left * 0.35 if args.phase == "all" and ph == "vae" else left)
        if ph in ("vae", "text"):
            if ph == "vae":
                share = float(cfg["vae"]["share"]) if not state.done("text") or args.force else 1.0
                run("vae", lambda u, share=share: phase_vae(cfg, work, d, time.time() + share * (u - time.time()),
                                                            workers), until)
            run("text", lambda u: phase_text(cfg, work, device, u, workers), until, ranks="main")
            tag, names = "vae", ["vae", "text_encoder", "state.json"]
        if ph == "dit":
            if args.continue_dit or args.force:
                state.data["done"] = [k for k in state.data["done"] if k not in ("dit", "export")]
            if args.force and d.is_main:  # redo: drop the checkpoint a rerun would resume from
                shutil.rmtree(work / "dit", ignore_errors=True)
            barrier()
            run("dit", lambda u: phase_dit(cfg, work, d, u, workers, args.continue_dit), until)
            state.data["done"] = [k for k in state.data["done"] if k != "export"]
            run("export", lambda u: phase_export(cfg, work), until, ranks="main")
            tag, names = "dit", ["bundled", "state.json"]
        if ph == "export":
            run("export", lambda u: phase_export(cfg, work), until, ranks="main")
            tag, names = "dit", ["bundled", "state.json"]
        if ph == "open-text":
            run("open-text", lambda u: natural.phase_open_text(cfg, work, workers), until, ranks="main")
            tag, names = "open-text", ["text_open", "state.json"]
        if ph == "distill":
            run("distill", lambda u: natural.phase_distill(cfg, work, d, u, workers, render_encode), until)
            tag, names = "distill", ["text_encoder", "state.json"]
    if not d.is_main:
        return 0
    parts = pack(work, names, args.out, tag)
    report["artifacts"] = [p.name for p in parts]
    report["wall_s"] = round(time.time() - start, 1)
    (args.out / "report.json").write_text(json.dumps(report, indent=1))
    shutil.copy2(work / "log.txt", args.out / "log.txt")
    n_files = len(list(args.out.iterdir()))
    if n_files > MAX_RETURN_FILES:
        log.warning("%s holds %d files (> %d come back)", args.out, n_files, MAX_RETURN_FILES)
    print(json.dumps({k: v for k, v in report.items() if k in ("phase", "wall_s", "artifacts")}))
    for key in ("vae", "text", "dit", "export", "open-text", "distill"):
        if key in report and isinstance(report[key], dict):
            r = report[key]
            brief = {k: r[k] for k in ("heldout_psnr_db", "latent_drift", "heldout_attr_acc_en", "heldout_attr_acc_zh", "global_step",
                                       "finished", "bytes", "steps", "wall_s", "vocab", "heldout_error_before",
                                       "heldout_error_after") if k in r}
            print(f"{key}: {json.dumps(brief)}")
    return 0


if __name__ == "__main__":
    from stepvid.train.distributed import finish_worker

    sys.exit(finish_worker(main()))  # torchrun ranks: barrier, destroy the group, exit (see finish_worker)
