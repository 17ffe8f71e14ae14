"""Teach a new (open-vocabulary) text encoder to speak to a trained DiT: distillation through the frozen DiT.

The shipped DiT reads the old closed-vocabulary encoder's states of template captions well. A new encoder
must make the same DiT do the same thing when the prompt is phrased as people write it. For each training
scene the data holds pairs (student caption, teacher caption): a natural-phrasing caption of the scene and the
template-vocabulary caption of exactly the same request (``captions.caption_request``), plus template
captions paired with themselves (anchors: the old behaviour stays). A step draws latents, noise and tau as
flow-matching training does, runs the teacher (DiT reading the teacher encoder's states of the teacher
caption) and records what each block's cross-attention receives (its queries: the video tokens) and returns;
then it feeds the same queries to each block's cross-attention with the student's states instead and
minimises the difference of the outputs, block by block:

    sum_i || XAttn_i(h_i, student(caption)) - XAttn_i(h_i, teacher(teacher caption)) ||^2 / blocks

over the student encoder's weights only (the DiT and the teacher encoder are frozen). When every block's
term is zero the DiT's whole forward is the teacher's, and each term depends on the student only through one
cross-attention (no compounding through the network: well conditioned, and the student side costs a few
attention calls instead of a DiT forward and backward). ``velocity_weight`` > 0 adds the end-to-end
||v_student - v_teacher||^2 (a full student forward); ``anchor_weight`` > 0 adds the mean squared difference of
the two encoders' token states on the template captions (the last caption slot), which both tokenize alike:
the student must keep reading the templates exactly as the teacher did while it learns new words. With probability ``empty_prob`` both sides read the
empty prompt, so the unconditional branch that CFG uses stays the teacher's. The rest — device-resident data,
no host syncs, time-fitted cosine schedule, checkpoints — is :class:`dit_loop.FastDiTLoop`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from dist_util import average_gradients
from dit_loop import FastDiTLoop, StageData, _prefix_mask

from stepvid.diffusion.flow import interpolate
from stepvid.models.text.base import TextEmbeddings
from stepvid.models.text.small import CLIP_LEN


@dataclass
class DistillData(StageData):
    """StageData (the student's K captions per sample) plus the teacher's K captions, slot for slot."""

    t_llm_ids: torch.Tensor | None = None  # [N, K, L] int32
    t_llm_len: torch.Tensor | None = None  # [N, K]
    t_clip_ids: torch.Tensor | None = None  # [N, K, 77]
    t_clip_len: torch.Tensor | None = None  # [N, K]


def _ids(ids: torch.Tensor, lens: torch.Tensor, idx, k, empty: torch.Tensor, drop: torch.Tensor, width: int):
    """Rows ``(idx, k)`` of a caption table, with the rows where ``drop`` holds replaced by ``empty``."""
    row, n = ids[idx, k].long(), lens[idx, k]
    row = torch.where(drop[:, None], empty[None, : row.shape[1]].long(), row)
    n = torch.where(drop, torch.full_like(n, 2), n)  # the empty prompt is [BOS][EOS]
    return row, _prefix_mask(n, width)


class TextDistillLoop(FastDiTLoop):
    """Trains ``student`` (a SmallBilingualEncoder) so the frozen ``dit`` reads it as it reads ``teacher``."""

    def __init__(self, dit: torch.nn.Module, teacher, student, d, *, empty_prob: float, velocity_weight: float = 0.0,
                 anchor_weight: float = 0.0, **kw):
        dit.requires_grad_(False)
        super().__init__(dit, teacher, _empty_embeddings(teacher), d, text_dropout=0.0, trained=student, **kw)
        self.student, self.empty_prob = student, empty_prob
        self.velocity_weight, self.anchor_weight = velocity_weight, anchor_weight
        self.s_empty = _empty_ids(student, self.device)
        self.t_empty = _empty_ids(teacher, self.device)
        self._seen: list[tuple[torch.Tensor, torch.Tensor]] | None = None
        for blk in dit.transformer_blocks:
            blk.attn2.register_forward_hook(self._record)

    def _record(self, module, args, out) -> None:
        """While the teacher runs: keep each cross-attention's queries (video tokens) and output."""
        if self._seen is not None:
            self._seen.append((args[0].detach(), out.detach()))

    def step(self, fwd, data: DistillData, batch: int, lr: float, weight: float) -> torch.Tensor:
        g, dev = self.gen, self.device
        idx = torch.randint(len(data), (batch,), generator=g, device=dev)
        k = torch.randint(data.llm_ids.shape[1], (batch,), generator=g, device=dev)
        drop = torch.rand(batch, generator=g, device=dev) < self.empty_prob
        x1 = data.latents[idx].float()
        noise = torch.randn(x1.shape, generator=g, device=dev)
        tau = self.density.sample(batch, generator=g, device=dev)
        x = interpolate(noise, x1, tau)
        t_llm, t_llm_m = _ids(data.t_llm_ids, data.t_llm_len, idx, k, self.t_empty, drop, data.t_llm_ids.shape[2])
        t_clip, t_clip_m = _ids(data.t_clip_ids, data.t_clip_len, idx, k, self.t_empty, drop, CLIP_LEN)
        s_llm, s_llm_m = _ids(data.llm_ids, data.llm_len, idx, k, self.s_empty, drop, data.llm_ids.shape[2])
        s_clip, s_clip_m = _ids(data.clip_ids, data.clip_len, idx, k, self.s_empty, drop, CLIP_LEN)
        self._seen = []
        try:
            with torch.no_grad(), self.amp:
                te = self.enc(t_llm, t_llm_m, t_clip, t_clip_m)
                v_t = fwd(x, tau, te.llm, te.clip, te.cross_attention_mask()).float()
            seen = self._seen
        finally:
            self._seen = None
        with self.amp:
            se = self.student(s_llm, s_llm_m, s_clip, s_clip_m)
            dt = self.model.dtype
            ctx = self.model.embed_text(se.llm.to(dt), se.clip.to(dt))
            keep = se.cross_attention_mask() != 0
            loss = sum((blk.attn2(h, ctx, keep).float() - out.float()).pow(2).mean()
                       for blk, (h, out) in zip(self.model.transformer_blocks, seen)) / len(seen)
            if self.velocity_weight:
                v_s = fwd(x, tau, se.llm, se.clip, se.cross_attention_mask())
                loss = loss + self.velocity_weight * (v_s.float() - v_t).pow(2).mean()
            if self.anchor_weight:
                loss = loss + self.anchor_weight * self._anchor(data, idx)
        loss = loss * weight
        for grp in self.opt.param_groups:
            grp["lr"] = lr
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        average_gradients(self.params, self.d)
        torch.nn.utils.clip_grad_norm_(self.params, self.grad_clip, foreach=dev.type == "cuda")
        self.opt.step()
        self.ema.update(self.trained)
        self.global_step += 1
        return loss.detach()


    def _anchor(self, data: DistillData, idx: torch.Tensor) -> torch.Tensor:
        """Mean squared difference of the two encoders' states (LLM stream on valid tokens, all 77 CLIP
        positions) on the template captions of the samples ``idx`` (slot K-1, the same text on both sides)."""
        k = torch.full_like(idx, data.llm_ids.shape[1] - 1)
        keep = torch.zeros_like(idx, dtype=torch.bool)
        s_llm, m = _ids(data.llm_ids, data.llm_len, idx, k, self.s_empty, keep, data.llm_ids.shape[2])
        s_clip, cm = _ids(data.clip_ids, data.clip_len, idx, k, self.s_empty, keep, CLIP_LEN)
        t_llm, _ = _ids(data.t_llm_ids, data.t_llm_len, idx, k, self.t_empty, keep, data.t_llm_ids.shape[2])
        t_clip, _ = _ids(data.t_clip_ids, data.t_clip_len, idx, k, self.t_empty, keep, CLIP_LEN)
        with torch.no_grad():
            te = self.enc(t_llm, m, t_clip, cm)
        se = self.student(s_llm, m, s_clip, cm)
        w = m[..., None].float()
        llm = ((se.llm.float() - te.llm.float()).pow(2) * w).sum() / (w.sum() * se.llm.shape[-1])
        return llm + (se.clip.float() - te.clip.float()).pow(2).mean()


def _empty_ids(enc, device) -> torch.Tensor:
    """Token ids of the empty prompt, right-padded to the LLM length (a prefix serves the 77-token stream)."""
    ids, _ = enc.tokenizer.batch([""], max(enc.config.llm_len, CLIP_LEN))
    return ids[0].to(device)


def _empty_embeddings(enc) -> TextEmbeddings:
    dev = next(enc.parameters()).device
    return enc.encode([""], device=dev)
