"""Natural prompts for the bundled model: an open-vocabulary encoder taught through the shipped DiT.

Phases (run by ``run.py``; state in ``--work``, which starts as a copy of a shipped model in ``work/bundled``):

  open-text  (CPU is enough) a byte-level BPE tokenizer whose word list is the shipped encoder's closed
             vocabulary (those pieces keep their ids) and whose merges are learned on natural-phrasing captions
             of the train phrasing families (``stepvid.world.phrasing``); the shipped encoder copied onto it
             (``SmallBilingualEncoder.with_tokenizer``) -> ``work/text_open``.
  distill    (GPU) ``distill_loop.TextDistillLoop``: the open encoder learns, through the frozen shipped DiT, to
             make it do for a natural caption what it does for the template caption of the same request. The
             shipped model is kept as the teacher in ``work/teacher``; the result replaces
             ``work/text_encoder`` and ``work/bundled/text_encoder`` (a later ``dit --continue-dit`` trains the
             DiT on it). Reports the held-out distillation error on held-out phrasing families and scenes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import torch
import world_data as wd

log = logging.getLogger("bundled")
TEMPLATE_KEYS = tuple(f"{lang}_{style}" for lang in wd.LANGS for style in wd.STYLES)


# ------------------------------------------------------------------------------------------------ open-text
def _corpus_part(args: tuple[int, int, int, int]) -> list[str]:
    seed, start, stop, n_nat = args
    out = []
    for i in range(start, stop):
        spec = wd.scene(seed, i)
        kind = "image" if i % 7 == 0 else "video"
        out.extend(wd.captions_of(spec, seed, i, kind).values())
        out.extend(nat for nat, _ in wd.natural_captions_of(spec, seed, i, n_nat, kind))
    return out


def caption_corpus(seed: int, scenes: int, natural: int, workers: int | None) -> list[str]:
    """Template and natural (train-family) captions of ``scenes`` train scenes (1 in 7 still images)."""
    workers = workers if workers is not None else max(1, (os.cpu_count() or 2) - 1)
    step = 1000
    spans = [(seed, s, min(scenes, s + step), natural) for s in range(0, scenes, step)]
    if workers <= 1:
        return [c for sp in spans for c in _corpus_part(sp)]
    with ProcessPoolExecutor(workers) as pool:
        return [c for part in pool.map(_corpus_part, spans) for c in part]


def phase_open_text(cfg: dict, work: Path, workers: int | None) -> dict:
    from stepvid.models.text.small import ByteBPETokenizer, SmallBilingualEncoder

    nc, seed = cfg["natural"], int(cfg["seed"])
    src = _teacher(work) / "text_encoder"
    old = SmallBilingualEncoder.from_pretrained(src)
    words = getattr(old.tokenizer, "vocab", None) or old.tokenizer.words
    t0 = time.time()
    corpus = caption_corpus(seed + 31, int(nc["corpus_scenes"]), len(wd.NATURAL_LANGS), workers)
    t_corpus = time.time() - t0
    tok = ByteBPETokenizer.train(corpus, words, int(nc["merges"]), min_count=int(nc.get("min_count", 2)))
    t_bpe = time.time() - t0 - t_corpus
    new = old.with_tokenizer(tok, seed=seed)
    new.save_pretrained(work / "text_open", dtype=torch.float32)
    lengths = [len(tok.encode(c)) for c in corpus[:20000]]
    probe = ["a red ball slides to the left", "一颗黄色的星星缓缓向上移动", "a 红色 circle 🚀 zooms rigth"]
    return {"corpus_captions": len(corpus), "corpus_s": round(t_corpus, 1), "bpe_s": round(t_bpe, 1),
            "words": len(words), "merges": len(tok.merges), "vocab": len(tok),
            "tokens_per_caption_mean": round(float(np.mean(lengths)), 2), "tokens_per_caption_max": max(lengths),
            "llm_len": new.config.llm_len, "params": sum(p.numel() for p in new.parameters()),
            "probe": {p: [tok.token_text(i) for i in tok.encode(p)[1:-1]] for p in probe}}


# ------------------------------------------------------------------------------------------------ distill
def _teacher(work: Path) -> Path:
    """``work/teacher``: the model whose DiT and encoder teach (a copy of ``work/bundled`` made once, so a
    rerun after the student replaced ``bundled/text_encoder`` still finds the teacher)."""
    teacher = work / "teacher"
    if not teacher.is_dir():
        if not (work / "bundled" / "stepvid.json").is_file():
            raise FileNotFoundError(f"{work / 'bundled'} holds no model: copy a shipped model there first")
        tmp = work / "teacher.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(work / "bundled", tmp)
        tmp.rename(teacher)
    return teacher


def distill_data(render, stage: dict, seed: int, vae, teacher, student, d, workers: int | None, deadline: float,
                 phrasing: str = "train"):
    """Rendered scenes (``stage``) as :class:`DistillData`: K = ``natural`` + 1 caption slots per scene, the
    natural captions with their teacher captions and one template caption paired with itself (an anchor).
    ``render``: ``run.render_encode``."""
    from distill_loop import DistillData
    from dit_loop import tokenize_captions

    latents, caps = render(dict(stage, phrasing=phrasing), seed, vae, d, workers, deadline)
    k = int(stage["natural"])
    anchors = [c[TEMPLATE_KEYS[i % len(TEMPLATE_KEYS)]] for i, c in enumerate(caps)]
    stud = [[c[f"nat{j}"] for j in range(k)] + [a] for c, a in zip(caps, anchors)]
    tch = [[c[f"tch{j}"] for j in range(k)] + [a] for c, a in zip(caps, anchors)]
    s = tokenize_captions(student.tokenizer, stud, student.config.llm_len)
    t = tokenize_captions(teacher.tokenizer, tch, teacher.config.llm_len)
    dev = d.device
    return DistillData(latents, *(x.to(dev) for x in s), *(x.to(dev) for x in t)), stud, tch


@torch.no_grad()
def distill_error(loop, data, batches: int = 8, batch: int = 32, seed: int = 1234) -> dict[str, float]:
    """Mean squared velocity difference to the teacher on fixed draws: natural slots (student, and the teacher's
    own encoder reading the natural caption: the error before any training) and the template anchor slot."""
    from distill_loop import _ids

    from stepvid.diffusion.flow import interpolate
    from stepvid.models.text.small import CLIP_LEN

    g = torch.Generator(device=loop.device).manual_seed(seed)
    k_nat = data.llm_ids.shape[1] - 1
    sums = {"natural": 0.0, "natural_teacher_encoder": 0.0, "template": 0.0}
    no_drop = torch.zeros(batch, dtype=torch.bool, device=loop.device)
    for _ in range(batches):
        idx = torch.randint(len(data), (batch,), generator=g, device=loop.device)
        x1 = data.latents[idx].float()
        noise = torch.randn(x1.shape, generator=g, device=loop.device)
        tau = loop.density.sample(batch, generator=g, device=loop.device)
        x = interpolate(noise, x1, tau)
        for name, k in (("natural", torch.randint(k_nat, (batch,), generator=g, device=loop.device)),
                        ("template", torch.full((batch,), k_nat, device=loop.device))):
            t_ids = (*_ids(data.t_llm_ids, data.t_llm_len, idx, k, loop.t_empty, no_drop, data.t_llm_ids.shape[2]),
                     *_ids(data.t_clip_ids, data.t_clip_len, idx, k, loop.t_empty, no_drop, CLIP_LEN))
            s_ids = (*_ids(data.llm_ids, data.llm_len, idx, k, loop.s_empty, no_drop, data.llm_ids.shape[2]),
                     *_ids(data.clip_ids, data.clip_len, idx, k, loop.s_empty, no_drop, CLIP_LEN))
            with loop.amp:
                te, se = loop.enc(*t_ids), loop.student(*s_ids)
                v_t = loop.model(x, tau, te.llm, te.clip, te.cross_attention_mask()).float()
                v_s = loop.model(x, tau, se.llm, se.clip, se.cross_attention_mask()).float()
            sums[name] += float((v_s - v_t).pow(2).mean()) / batches
            if name == "natural":  # the closed encoder on the natural caption itself (its unknown words: [UNK])
                with loop.amp:
                    oe = loop.enc(**loop.enc.tokenize(_texts(data, idx, k), loop.device))
                    v_o = loop.model(x, tau, oe.llm, oe.clip, oe.cross_attention_mask()).float()
                sums["natural_teacher_encoder"] += float((v_o - v_t).pow(2).mean()) / batches
    return {k: round(v, 6) for k, v in sums.items()}


def _texts(data, idx, k) -> list[str]:
    return [data.student_texts[i][j] for i, j in zip(idx.tolist(), k.tolist())]


def phase_distill(cfg: dict, work: Path, d, deadline: float, workers: int | None, render) -> dict:
    from distill_loop import TextDistillLoop

    from stepvid.models.text.small import SmallBilingualEncoder
    from stepvid.models.vae import VideoVAE
    from stepvid.pipeline import load_transformer
    from stepvid.train.distributed import barrier

    dc = cfg["natural"]["distill"]
    device = d.device
    if d.is_main:
        teacher_dir = _teacher(work)
    barrier()
    teacher_dir = work / "teacher"
    if not (work / "text_open" / "model.safetensors").is_file():
        raise FileNotFoundError(f"{work / 'text_open'} missing: run --phase open-text first")
    vae = VideoVAE.from_pretrained(teacher_dir / "vae" / "vae_v2.safetensors", device=device,
                                   dtype=torch.float32).eval()
    teacher = SmallBilingualEncoder.from_pretrained(teacher_dir / "text_encoder", device=device)
    student = SmallBilingualEncoder.from_pretrained(work / "text_open", device=device).requires_grad_(True)
    dit = load_transformer(teacher_dir / "transformer", device=device, dtype=torch.float32)
    seed = int(cfg["seed"])
    t0 = time.time()
    left = deadline - time.time()
    data, stud, _ = distill_data(render, dc, seed + 41, vae, teacher, student, d, workers, time.time() + 0.25 * left)
    held, held_stud, _ = distill_data(render, dict(dc, samples=int(dc.get("eval_samples", 256)) * d.world_size,
                                           split="heldout", name="distill-eval"),
                                      seed + 43, vae, teacher, student, d, workers, deadline, phrasing="heldout")
    data.student_texts, held.student_texts = stud, held_stud
    t_data = time.time() - t0
    del vae
    loop = TextDistillLoop(dit, teacher, student, d, empty_prob=float(dc["empty_prob"]), lr=float(dc["lr"]),
                           anchor_weight=float(dc["anchor_weight"]), velocity_weight=float(dc["velocity_weight"]),
                           warmup_steps=int(dc["warmup_steps"]), ema_decay=float(dc["ema_decay"]),
                           timestep=dc["timestep"], seed=seed + 45,
                           log=lambda r: log.info("distill %s", json.dumps(r)))
    ev = {"batches": int(dc.get("eval_batches", 8)), "batch": int(dc.get("eval_batch", 32))}
    before = distill_error(loop, held, **ev)
    run_key = hashlib.sha1(json.dumps([dc, seed], sort_keys=True).encode()).hexdigest()
    ckpt_dir = work / "distill"
    position = loop.load(ckpt_dir, run_key, seed + 45)
    reserve = 45.0
    res = loop.run_stage("distill", data, steps=int(position["planned"] if position else dc["steps"]),
                         batch=int(dc["batch_size"]), until=deadline - reserve, compile=bool(dc.get("compile")),
                         start=int(position["stage_step"]) if position else 0,
                         checkpoint=lambda pos: loop.save(ckpt_dir, pos, run_key),
                         checkpoint_every_s=float(dc.get("checkpoint_minutes", 2.0)) * 60)
    with torch.no_grad():  # the EMA weights are the result
        for n, p in student.named_parameters():
            p.copy_(loop.ema.shadow[n])
            p.copy_(p.bfloat16().float())
    after = distill_error(loop, held, **ev)
    train_after = distill_error(loop, data, **ev)
    if not d.is_main:
        return {}
    student.cpu()
    for dst in (work / "text_encoder", work / "bundled" / "text_encoder"):
        tmp = dst.with_name(dst.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        student.save_pretrained(tmp, dtype=torch.bfloat16)
        shutil.rmtree(dst, ignore_errors=True)
        tmp.rename(dst)
    return {"data_seconds": round(t_data, 1), "samples_per_rank": len(data), "eval_samples": len(held),
            "stage": res, "heldout_error_before": before, "heldout_error_after": after,
            "train_error_after": train_after, "vocab": len(student.tokenizer),
            "examples": [held_stud[i][0] for i in range(min(4, len(held_stud)))],
            "steps_per_s": round(res["steps"] / max(res["seconds"], 1e-9), 2)}
