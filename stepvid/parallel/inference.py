"""Multi-process text-to-video: the pipeline's three components wrapped so that N processes share one video.

``load_parallel_pipeline(path)`` (every rank calls it) returns an ordinary
:class:`~stepvid.pipeline.TextToVideoPipeline` whose components are:

* :class:`BroadcastTextEncoder` — rank 0 loads and runs the text encoder; the embeddings (three tensors and
  their shapes, nothing pickled) are broadcast to the other ranks, which never read the encoder's weights.
* :class:`BatchParallelDiT` — the DiT with Ulysses sequence parallelism over the rank's sp group; a batch
  the cfg groups divide (the guided batch [conditional; unconditional]) is split between them and the
  halves' velocities are all-gathered, once per step. Every rank ends each step with the same state.
* :class:`ChunkParallelVAE` — the VAE decodes its independent 3-latent chunks round-robin over all ranks
  (chunk i on rank i mod N); rank 0 gathers them and applies the seam blend exactly as the one-process
  decode does, so the video is bit-identical to decoding the same latents in one process. The other ranks
  get an empty video ([B, 0, 3, H, W]), so only rank 0 has frames to write.

The sampler, the schedule, seeded noise and post-processing are the pipeline's own, unchanged.
"""

from __future__ import annotations

import math
import os
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

from stepvid.models.text.base import TextEmbeddings
from stepvid.models.vae import blend_seams, to_uint8
from stepvid.parallel.mesh import DEFAULT_TIMEOUT_S, InferenceMesh

__all__ = [
    "BatchParallelDiT",
    "BroadcastTextEncoder",
    "ChunkParallelVAE",
    "load_parallel_pipeline",
    "parallel_pipeline_from_plan",
]

# Tensor dtypes that travel between ranks (an index is sent instead of a pickled dtype object).
_WIRE_DTYPES = (
    torch.float32,
    torch.bfloat16,
    torch.float16,
    torch.float64,
    torch.int64,
    torch.int32,
    torch.uint8,
    torch.bool,
)


def _broadcast_tensor(t: torch.Tensor | None, mesh: InferenceMesh, device: torch.device) -> torch.Tensor:
    """Rank 0's tensor on every rank (shape, dtype and data broadcast as tensors), on ``device``."""
    comm = mesh.comm_device
    head = [0] * 9  # dtype index, ndim, shape (at most 7 dimensions)
    if mesh.is_main:
        if t.ndim > 7:
            raise ValueError(f"cannot broadcast a {t.ndim}-d tensor (at most 7 dimensions)")
        head[: 2 + t.ndim] = [_WIRE_DTYPES.index(t.dtype), t.ndim, *t.shape]
    meta = torch.tensor(head, dtype=torch.int64, device=comm)
    dist.broadcast(meta, src=0)
    dtype, ndim = _WIRE_DTYPES[int(meta[0])], int(meta[1])
    shape = tuple(int(s) for s in meta[2 : 2 + ndim])
    wire = torch.uint8 if dtype == torch.bool else dtype  # bool goes as bytes (not every backend takes it)
    buf = (
        t.to(device=comm, dtype=wire).contiguous()
        if mesh.is_main
        else torch.empty(shape, dtype=wire, device=comm)
    )
    dist.broadcast(buf, src=0)
    return buf.to(device=device, dtype=dtype)


class BroadcastTextEncoder:
    """The :class:`~stepvid.models.text.base.TextEncoder` protocol for every rank: rank 0 holds ``encoder``
    and encodes, the others receive its embeddings. ``encode`` is collective: every rank calls it (the
    pipeline does), with whatever prompts — only rank 0's are read."""

    def __init__(self, encoder: Any | None, mesh: InferenceMesh, llm_dim: int, clip_dim: int) -> None:
        if mesh.is_main and encoder is None:
            raise ValueError("rank 0 needs the text encoder")
        self.encoder, self.mesh = (encoder if mesh.is_main else None), mesh
        self.llm_dim = int(getattr(encoder, "llm_dim", llm_dim)) if mesh.is_main else llm_dim
        self.clip_dim = int(getattr(encoder, "clip_dim", clip_dim)) if mesh.is_main else clip_dim

    def encode(self, prompts: list[str], device: torch.device | str | None = None) -> TextEmbeddings:
        emb = self.encoder.encode(prompts, device=device) if self.mesh.is_main else None
        if self.mesh.world == 1:
            return emb
        dev = torch.device(device) if device is not None else torch.device("cpu")
        parts = [
            _broadcast_tensor(getattr(emb, k) if emb is not None else None, self.mesh, dev)
            for k in ("llm", "llm_mask", "clip")
        ]
        return TextEmbeddings(*parts)

    def overflow(self, prompt: str) -> dict:
        """Rank 0 reports what the encoder would cut (``pipeline.cut_message``); the others stay silent."""
        fn = getattr(self.encoder, "overflow", None)
        return fn(prompt) if fn is not None else {}

    def to(self, device: torch.device | str) -> BroadcastTextEncoder:
        if self.encoder is not None and hasattr(self.encoder, "to"):
            self.encoder.to(device)
        return self


class BatchParallelDiT(nn.Module):
    """A DiT split over the mesh: Ulysses over ``mesh.sp_group`` inside, the batch over the cfg groups.

    A call whose batch the cfg groups divide runs this rank's rows only (group c takes rows
    [c*B/cfg, (c+1)*B/cfg) of every batch-sized tensor argument) and all-gathers the outputs; any other
    batch runs whole on every group. Rows are independent in the DiT, so both give the batch's velocity.
    """

    def __init__(self, dit: nn.Module, mesh: InferenceMesh) -> None:
        super().__init__()
        self.dit, self.mesh = dit, mesh
        dit.set_sequence_parallel(mesh.sp_group)

    @property
    def config(self):
        return self.dit.config

    @property
    def dtype(self) -> torch.dtype:
        return self.dit.dtype

    def forward(self, hidden_states: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
        c, b = self.mesh.cfg, hidden_states.shape[0]
        if c == 1 or b % c:
            return self.dit(hidden_states, *args, **kwargs)
        rows = slice(self.mesh.cfg_rank * (b // c), (self.mesh.cfg_rank + 1) * (b // c))

        def mine(v: Any) -> Any:
            return v[rows] if isinstance(v, torch.Tensor) and v.ndim and v.shape[0] == b else v

        out = self.dit(mine(hidden_states), *map(mine, args), **{k: mine(v) for k, v in kwargs.items()})
        comm = self.mesh.comm_device
        part = out.to(comm).contiguous()
        parts = [torch.empty_like(part) for _ in range(c)]
        dist.all_gather(parts, part, group=self.mesh.cfg_group)
        return torch.cat(parts).to(out.device)


class ChunkParallelVAE(nn.Module):
    """A VideoVAE whose ``decode`` splits the chunks over all ranks (module docstring); everything else
    (``encode``, ``config``, ...) is the wrapped VAE's."""

    def __init__(self, vae: nn.Module, mesh: InferenceMesh) -> None:
        super().__init__()
        self.vae, self.mesh = vae, mesh

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name == "vae":  # not set yet (e.g. while copying): no delegation loop
                raise
            return getattr(self.vae, name)

    @property
    def config(self):
        return self.vae.config

    def decode(
        self,
        latents: torch.Tensor,
        *,
        output_device: torch.device | str | None = None,
        uint8: bool = False,
        progress: bool = False,
        **kw: Any,
    ) -> torch.Tensor:
        """Latents [B, T_lat, z, h, w] -> video [B, T, 3, 16h, 16w] on rank 0, [B, 0, 3, 16h, 16w] on the
        others. ``kw`` (``tile_size``, ``tile_overlap``, ``time_slice``) go to each chunk's decode."""
        vae, mesh, cfg = self.vae, self.mesh, self.vae.config
        z = cfg.z_channels
        if latents.dim() != 5 or latents.shape[2] != z:
            raise ValueError(f"latents must be [B, T_lat, {z}, h, w], got {list(latents.shape)}")
        vae.num_frames(latents.shape[1])  # a length the chunking takes, else a clear error
        chunks = latents.split(cfg.latents_per_chunk, dim=1)
        b, (h, w), r = latents.shape[0], latents.shape[-2:], cfg.spatial_ratio
        dtype = vae.decoder.conv_out.weight.dtype
        compute = vae.decoder.conv_out.weight.device
        if mesh.world == 1:
            return vae.decode(latents, output_device=output_device, uint8=uint8, progress=progress, **kw)
        shape = (b, vae.num_frames(chunks[0].shape[1]), cfg.out_channels, h * r, w * r)

        def finish(x: torch.Tensor) -> torch.Tensor:
            x = x.to(output_device) if output_device is not None else x
            return to_uint8(x) if uint8 else x

        comm, n, world = mesh.comm_device, len(chunks), mesh.world
        rounds = math.ceil(n / world)
        out: list[torch.Tensor] = []
        pending = None
        bar = None
        if progress and mesh.is_main:
            from tqdm.auto import tqdm

            bar = tqdm(total=n, desc=f"VAE decode ({world} ranks)", unit="chunk", leave=False)
        try:
            for k in range(rounds):
                i = k * world + mesh.rank
                if i < n:  # one chunk decoded alone is exactly that chunk of the one-process decode
                    mine = vae.decode(chunks[i], **kw)
                else:
                    mine = torch.zeros(shape, dtype=dtype, device=compute)
                mine = mine.to(comm).contiguous()
                got = [torch.empty_like(mine) for _ in range(world)] if mesh.is_main else None
                dist.gather(mine, got, dst=0)
                if not mesh.is_main:
                    continue
                for y in got[: min(world, n - k * world)]:
                    y = y.to(compute)
                    if pending is not None:
                        pending, y = blend_seams(pending, y)
                        out.append(finish(pending))
                    pending = y
                    if bar is not None:
                        bar.update(1)
        finally:
            if bar is not None:
                bar.close()
        if not mesh.is_main:
            empty = torch.empty((b, 0, *shape[2:]), dtype=torch.uint8 if uint8 else dtype)
            return empty.to(output_device if output_device is not None else compute)
        out.append(finish(pending))
        return torch.cat(out, dim=1)


def parallel_pipeline_from_plan(
    plan: Any,
    mesh: InferenceMesh,
    dtype: torch.dtype | str | None = None,
    offload: str = "none",
):
    """Every rank: the pipeline of a checked model folder (:func:`stepvid.model_folder.plan_model`) with
    its components wrapped for ``mesh`` (module docstring). Only rank 0 reads the text encoder's weights."""
    from stepvid.pipeline import TextToVideoPipeline, parse_dtype

    dtype = parse_dtype(dtype, mesh.device)
    encoder = None
    if mesh.is_main:
        text_device = torch.device("cpu") if offload in ("text", "model") else mesh.device
        encoder = plan.components["text_encoder"].load(text_device, dtype)
    llm_dim, clip_dim = plan.dit_config.caption_channels
    text = BroadcastTextEncoder(encoder, mesh, llm_dim, clip_dim)
    pipe = TextToVideoPipeline.from_plan(
        plan, device=mesh.device, dtype=dtype, offload=offload, text_encoder=text
    )
    pipe.transformer = BatchParallelDiT(pipe.transformer, mesh)
    pipe.vae = ChunkParallelVAE(pipe.vae, mesh)
    pipe.cfg_split = False  # with cfg groups each rank already runs one row; without, a caller may set it
    pipe.mesh = mesh
    return pipe


def load_parallel_pipeline(
    path: str | os.PathLike,
    *,
    device: torch.device | str | None = None,
    dtype: torch.dtype | str | None = None,
    offload: str = "none",
    transformer_path: str | os.PathLike | None = None,
    guided: bool = True,
    cfg_parallel: bool = True,
    mesh: InferenceMesh | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
):
    """Every rank of a ``torchrun`` job: a :class:`~stepvid.pipeline.TextToVideoPipeline` that generates
    with all of them (module docstring). ``guided`` / ``cfg_parallel`` shape the mesh
    (:func:`~stepvid.parallel.mesh.plan_mesh`; an unguided call on a cfg-parallel mesh still gives the
    right video, with each cfg group computing it); ``mesh`` skips building one. Calls are collective: every
    rank makes the same calls; rank 0's result holds the video, the others' are empty."""
    from stepvid.model_folder import plan_model

    if mesh is None:
        mesh = InferenceMesh.build(guided, cfg_parallel, device, timeout_s)
    plan = plan_model(path, transformer_path, with_text_encoder=True)
    return parallel_pipeline_from_plan(plan, mesh, dtype=dtype, offload=offload)
