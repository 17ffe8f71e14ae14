"""One Video-DPO training step at the released 30B DiT width (6144 = 48 heads x 128), sharded with FSDP2.

Why: full-width DPO holds a trainable policy (fp32 master weights, gradients, AdamW state) *and* a frozen
reference, and runs the policy on winner + loser together (2 x 75,888 tokens per pair at 204x544x992), so
its memory and step time are not those of plain DiT training. This measures them on a cut-depth model and
projects the peak memory to the full 48 layers.

    python benchmarks/dpo_smoke_30b.py --layers 4                 # one GPU: a 1-rank FSDP2 mesh in-script
    torchrun --standalone --nproc-per-node 8 benchmarks/dpo_smoke_30b.py --layers 8
    python benchmarks/dpo_smoke_30b.py --tiny                     # CPU + gloo smoke run, a few seconds

What runs: ``StepVideoDiT.from_preset(--preset, num_layers=--layers)`` built on the meta device, sharded
(FSDP2: each block, then the root) and materialised with ``to_empty`` (no full copy in host memory);
then the model's own ``initialize_weights(all_parameters=True)`` (norm weights 1, biases 0, adaLN tables
N(0, 1/d) as the constructor draws them), except that the three output projections it zeroes (adaLN linear, cross-attention
``wo``, ``proj_out``) get xavier weights, so the first step's gradient reaches every parameter as it does
from a trained checkpoint. Policy: FSDP2 with bf16 compute,
fp32 master weights and fp32 gradient reduction, AdamW (lr 1e-5, no weight decay, fused on CUDA). Reference:
the same weights as bf16 shards, FSDP2-wrapped too (so it shards like the policy under torchrun), no grad.
Each step is :func:`stepvid.train.dpo.dpo_step_loss` (policy on [winner; loser] with one shared noise and
tau per pair, reference under no_grad, beta 500) + backward + optimizer step, on the same random batch
(bf16 latents ``--latent F,C,h,w``, default the 204-frame 544x992 latent 36,64,34,62; random Step-LLM
``--text-len`` x 6144 and CLIP 77 x 1024 states, all tokens valid). The first of ``--steps`` is a warm-up,
excluded from the timing. At step 0 the policy equals the reference, so the margin z is 0, the loss log 2
and dpo_acc 0 (a nonzero z there means the two forwards ran different kernels).

Peak memory is ``torch.cuda.max_memory_allocated`` over the run, also split into the forward phase (policy
+ reference forward) and the backward + optimizer phase. Projection to the preset's full depth L (48),
per rank, for a world size W (this run's W_run, and 8): with, per block, ``state`` = the policy's fp32
shard + its AdamW moments + the reference's bf16 shard and ``grad`` = the fp32 gradient shard (both counted
from the actual tensors after a step), and ``act`` = the bytes one policy block leaves allocated during
the forward (measured with ``torch.cuda.memory_allocated`` between consecutive blocks; with activation
checkpointing that is its output [2B, tokens, 6144] bf16),

    forward  = T_f + (root_state + L*state) * W_run/W + L*act
    backward = T_b + (root_state + root_grad + L*state) * W_run/W + L*max(grad * W_run/W, act)

where T_f, T_b are this run's phase peaks minus the same terms at its own depth (what does not grow with
depth: one block's gathered bf16 weights, its recomputed activations, collective buffers); the projection
is max(forward, backward). Backward frees each block's saved activations as it makes that block's
gradient, hence the max(). Assumes every block is alike and T does not depend on W. CUDA only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
import warnings
from collections.abc import Sequence
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from stepvid.models.dit import DIT_PRESETS, DiTConfig, StepVideoDiT, dit_config, estimate_flops
from stepvid.train.distributed import DistInfo, apply_fsdp, cleanup, finish_worker, init_distributed
from stepvid.train.dpo import dpo_step_loss

PROG = "dpo_smoke_30b"
OFFICIAL_GRID = (36, 34, 62)  # 204 frames x 544 x 992 -> latent F x h x w (64 channels: 36,64,34,62)
TINY = {"preset": "tiny", "latent": (2, 4, 4), "text_len": 8, "device": "cpu"}
GIB = 2**30
_SAMPLE = 256  # elements per parameter kept to tell whether the step changed it


def fail(msg: str) -> SystemExit:
    return SystemExit(f"{PROG}: error: {msg}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default=None, help="DiT preset (default stepvideo-t2v; --tiny: tiny)")
    ap.add_argument("--layers", type=int, default=4, help="DiT blocks (the released model has 48)")
    ap.add_argument("--latent", default=None, metavar="F,C,h,w",
                    help="latent per sample (default 36,64,34,62 = 204x544x992; --tiny: 2,16,4,4)")
    ap.add_argument("--text-len", type=int, default=None, help="Step-LLM tokens (default 320; CLIP adds 77)")
    ap.add_argument("--batch", type=int, default=1, help="winner/loser pairs per rank")
    ap.add_argument("--steps", type=int, default=3, help="DPO steps, the first a warm-up (not timed)")
    ap.add_argument("--beta", type=float, default=500.0, help="DPO beta (default 500)")
    ap.add_argument("--lr", type=float, default=1e-5)
    ap.add_argument("--activation-checkpointing", action=argparse.BooleanOptionalAction, default=None,
                    help="recompute each block in backward (default: on on CUDA, off on CPU)")
    ap.add_argument("--device", default=None, help="cuda or cpu (default cuda; --tiny: cpu)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tiny", action="store_true", help="CPU smoke run: preset tiny, latent 2,16,4,4, text 8")
    ap.add_argument("--json-out", default=None, help="also write the JSON result to this file")
    return ap.parse_args(argv)


def parse_latent(text: str, cfg: DiTConfig) -> tuple[int, int, int, int]:
    """``F,C,h,w`` -> ints, checked against what the DiT takes (channels, patch divisibility)."""
    parts = [s.strip() for s in text.split(",")]
    if len(parts) != 4:
        raise fail(f"--latent {text!r}: expected 4 comma-separated integers F,C,h,w, got {len(parts)}")
    vals = []
    for name, s in zip("FChw", parts):
        try:
            v = int(s)
        except ValueError:
            raise fail(f"--latent {text!r}: {name}={s!r} is not an integer") from None
        if v < 1:
            raise fail(f"--latent {text!r}: {name}={v} must be >= 1")
        vals.append(v)
    f, c, h, w = vals
    if c != cfg.in_channels:
        raise fail(f"--latent {text!r}: C={c}, but this DiT takes {cfg.in_channels} latent channels")
    p = cfg.patch_size
    if h % p or w % p:
        raise fail(f"--latent {text!r}: h={h} and w={w} must be divisible by the DiT patch size {p}")
    return f, c, h, w


def resolve(args: argparse.Namespace) -> tuple[DiTConfig, tuple[int, int, int, int], torch.device, bool]:
    """Fill the --tiny / full-width defaults and validate everything before any process group exists."""
    base = dict(TINY) if args.tiny else {"preset": "stepvideo-t2v", "latent": OFFICIAL_GRID,
                                         "text_len": 320, "device": None}
    args.preset = args.preset or base["preset"]
    args.text_len = base["text_len"] if args.text_len is None else args.text_len
    for name in ("layers", "batch", "text_len"):
        if getattr(args, name) < 1:
            raise fail(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    if args.steps < 2:
        raise fail(f"--steps must be >= 2 (one warm-up + at least one timed step), got {args.steps}")
    try:
        cfg = dit_config(args.preset, num_layers=args.layers)
    except ValueError as e:
        raise fail(f"--preset: {e}") from None
    if cfg.motion_score_embedder:
        raise fail(f"--preset {args.preset}: an image-to-video DiT; this DPO step is text-to-video")
    f, h, w = base["latent"]  # default channels: what the preset takes
    latent = parse_latent(args.latent or f"{f},{cfg.in_channels},{h},{w}", cfg)
    if args.device is None and base["device"] is None and not torch.cuda.is_available():
        raise fail("no CUDA device here: the full-width run needs a GPU; --tiny is the CPU smoke run "
                   "(--device cpu forces the full width onto the CPU)")
    name = args.device or base["device"] or "cuda"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise fail(f"--device {name}: CUDA is not available here (use --device cpu, e.g. with --tiny)")
    if not name.startswith(("cuda", "cpu")):
        raise fail(f"--device {name!r}: use cuda or cpu")
    ac = args.activation_checkpointing
    if ac is None:
        ac = name.startswith("cuda")
    return cfg, latent, torch.device("cuda" if name.startswith("cuda") else "cpu"), ac


def setup_distributed(dev: torch.device) -> tuple[DistInfo, bool]:
    """torchrun with WORLD_SIZE > 1: ``init_distributed``. Otherwise a 1-rank process group on an
    in-process HashStore (no port) and a 1-rank mesh, so FSDP2 runs as it would on many GPUs.
    Returns (info, whether this call created the group and so must destroy it)."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        return init_distributed(device=dev.type), False
    if dev.type == "cuda":
        dev = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(dev)
    own = not dist.is_initialized()
    if own:
        backend = "nccl" if dev.type == "cuda" else "gloo"
        dist.init_process_group(backend, store=dist.HashStore(), rank=0, world_size=1,
                                device_id=dev if dev.type == "cuda" else None)
    from torch.distributed.device_mesh import init_device_mesh

    info = DistInfo(rank=dist.get_rank(), world_size=dist.get_world_size(), device=dev)
    info.mesh = init_device_mesh(dev.type, (info.world_size,), mesh_dim_names=("fsdp",))
    return info, own


def local(t: torch.Tensor) -> torch.Tensor:
    return t.to_local() if hasattr(t, "to_local") else t


@torch.no_grad()
def init_weights(model: StepVideoDiT) -> None:
    """The model's init on materialised (sharded) parameters; the zero-initialised output projections get
    xavier weights so that every parameter sees a gradient at the first step."""
    model.initialize_weights(all_parameters=True)  # norms and adaLN tables too: to_empty left them undefined
    for w in (model.adaln_single.linear.weight, model.proj_out.weight,
              *(blk.attn2.wo.weight for blk in model.transformer_blocks)):
        nn.init.xavier_uniform_(w)


def build_models(cfg: DiTConfig, info: DistInfo, ac: bool, seed: int) -> tuple[StepVideoDiT, StepVideoDiT]:
    """(policy: fp32 shards, bf16 compute; reference: the same weights as bf16 shards, frozen)."""
    models = []
    for dtype in (torch.float32, torch.bfloat16):
        with torch.device("meta"):
            m = StepVideoDiT(cfg)
        m.to(dtype)
        apply_fsdp(m, info, m.transformer_blocks, torch.bfloat16)
        m.to_empty(device=info.device)
        models.append(m)
    policy, reference = models
    torch.manual_seed(seed)
    init_weights(policy)
    with torch.no_grad():
        for r, p in zip(reference.parameters(), policy.parameters(), strict=True):
            local(r).copy_(local(p))  # same mesh and placements, so the local shards line up
    policy.gradient_checkpointing = ac
    reference.requires_grad_(False).eval()
    return policy.train(), reference


def nbytes(tensors) -> int:
    return sum(local(t).numel() * local(t).element_size() for t in tensors if t is not None)


def state_bytes(policy: nn.Module, reference: nn.Module, opt: torch.optim.Optimizer) -> dict[str, float]:
    """Bytes held on this rank, per block (mean over blocks) and for the root (everything else):
    state = policy shard + AdamW moments + reference shard; grad = policy gradient shard."""
    def split(m: nn.Module) -> tuple[list[list[nn.Parameter]], list[nn.Parameter]]:
        blocks = [list(b.parameters()) for b in m.transformer_blocks]
        in_blocks = {id(p) for ps in blocks for p in ps}
        return blocks, [p for p in m.parameters() if id(p) not in in_blocks]

    def state(ps, rs) -> int:
        moments = [t for p in ps for t in opt.state.get(p, {}).values() if torch.is_tensor(t) and t.ndim]
        return nbytes(ps) + nbytes(moments) + nbytes(rs)

    (pb, pr), (rb, rr) = split(policy), split(reference)
    n = len(pb)
    return {
        "state_per_layer": sum(state(p, r) for p, r in zip(pb, rb)) / n,
        "grad_per_layer": sum(nbytes(p.grad for p in ps) for ps in pb) / n,
        "root_state": state(pr, rr),
        "root_grad": nbytes(p.grad for p in pr),
    }


class BlockMemory:
    """``memory_allocated`` after each policy block's forward while armed (CUDA); ``per_block`` is the
    median growth from one block to the next, i.e. what one block leaves allocated for its backward."""

    def __init__(self, model: StepVideoDiT, dev: torch.device):
        self.dev, self.armed, self.marks = dev, False, []
        blocks = model.transformer_blocks
        blocks[0].register_forward_pre_hook(lambda *_: self._mark())
        for b in blocks:
            b.register_forward_hook(lambda *_: self._mark())

    def _mark(self) -> None:
        if self.armed and self.dev.type == "cuda":
            self.marks.append(torch.cuda.memory_allocated(self.dev))

    @property
    def per_block(self) -> float | None:
        d = [b - a for a, b in zip(self.marks, self.marks[1:])]
        if not d:
            return None
        return float(statistics.median(d[1:] if len(d) > 1 else d))  # d[0] may include first-use buffers


def project(mem: dict[str, float], layers: int, full: int, world: int, worlds: list[int]) -> dict[str, float]:
    """Projected per-rank peak (GiB) at ``full`` layers for each world size (formula in the module doc)."""
    s, g, a = mem["state_per_layer"], mem["grad_per_layer"], mem["act_per_layer"]
    rs, rg = mem["root_state"], mem["root_grad"]
    t_f = mem["peak_fwd"] - (rs + layers * s) - layers * a
    t_b = mem["peak_bwd"] - (rs + rg + layers * s) - layers * max(g, a)
    out = {}
    for w in worlds:
        k = world / w
        fwd = t_f + (rs + full * s) * k + full * a
        bwd = t_b + (rs + rg + full * s) * k + full * max(g * k, a)
        out[str(w)] = round(max(fwd, bwd) / GIB, 1)
    return out


def run(args: argparse.Namespace, cfg: DiTConfig, latent: tuple[int, int, int, int], info: DistInfo,
        ac: bool) -> dict[str, Any]:
    dev, main_rank = info.device, info.is_main
    cuda = dev.type == "cuda"

    def say(msg: str) -> None:
        if main_rank:
            print(f"[{PROG}] {msg}", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    policy, reference = build_models(cfg, info, ac, args.seed)
    params_total = sum(p.numel() for p in policy.parameters())  # a DTensor's numel is the global size
    per_layer = sum(p.numel() for p in policy.transformer_blocks[0].parameters())
    root = params_total - cfg.num_layers * per_layer
    full_layers = DIT_PRESETS[args.preset].num_layers
    say(f"built policy + reference: {cfg.num_layers} layers x width {cfg.hidden_size}, "
        f"{count(params_total)} params each, in {time.perf_counter() - t0:.1f} s")
    opt = torch.optim.AdamW(policy.parameters(), lr=args.lr, weight_decay=0.0, fused=cuda)
    probe = BlockMemory(policy, dev)
    before = [local(p).detach().reshape(-1)[:_SAMPLE].float().clone() for p in policy.parameters()]

    f, c, h, w = latent
    b, dt = args.batch, torch.bfloat16
    gen = torch.Generator(device=dev).manual_seed(args.seed + 1 + info.rank)
    winner, loser, noise = (torch.randn(b, f, c, h, w, generator=gen, device=dev, dtype=dt) for _ in range(3))
    tau = torch.rand(b, generator=gen, device=dev)
    llm = torch.randn(b, args.text_len, cfg.caption_channels[0], generator=gen, device=dev, dtype=dt)
    clip = torch.randn(b, 77, cfg.caption_channels[1], generator=gen, device=dev, dtype=dt)
    mask = torch.ones(b, 77 + args.text_len, device=dev, dtype=torch.long)
    cond = (llm, clip, mask)
    tokens = f * h * w // cfg.patch_size**2

    losses, accs, margins, times, peak_fwd, peak_bwd, mem = [], [], [], [], 0, 0, None
    for i in range(args.steps):
        timed = i > 0
        if cuda:
            torch.cuda.synchronize(dev)
            if timed:
                torch.cuda.reset_peak_memory_stats(dev)
        start = time.perf_counter()
        probe.armed = i == 1
        loss, metrics = dpo_step_loss(policy, reference, winner, loser, noise, tau, cond, args.beta)
        probe.armed = False
        if cuda and timed:
            peak_fwd = max(peak_fwd, torch.cuda.max_memory_allocated(dev))
            torch.cuda.reset_peak_memory_stats(dev)
        loss.backward()
        opt.step()
        if i == 0:  # gradients and AdamW moments all exist now; counted outside the timed steps
            mem = state_bytes(policy, reference, opt)
        opt.zero_grad(set_to_none=True)
        if cuda:
            torch.cuda.synchronize(dev)
            if timed:
                peak_bwd = max(peak_bwd, torch.cuda.max_memory_allocated(dev))
        elapsed = time.perf_counter() - start
        stats = torch.stack([loss.detach(), metrics["dpo_acc"], metrics["dpo_margin"]]).float()
        if info.distributed:
            dist.all_reduce(stats)
            stats /= info.world_size
        losses.append(float(stats[0]))
        accs.append(float(stats[1]))
        margins.append(float(stats[2]))
        if timed:
            times.append(elapsed)
        say(f"step {i}/{args.steps - 1}{'' if timed else ' (warm-up)'}: loss {losses[-1]:.6f}, "
            f"dpo_acc {accs[-1]:.2f}, margin {margins[-1]:.3g}, {elapsed:.2f} s")

    after = [local(p).detach().reshape(-1)[:_SAMPLE].float() for p in policy.parameters()]
    diffs = [(a - b0).abs().max().item() for a, b0 in zip(after, before) if b0.numel()]
    step_s = statistics.median(times)
    peak = float(torch.cuda.max_memory_allocated(dev)) if cuda else 0.0  # the whole run, warm-up included
    if info.distributed:  # the slowest rank's step time, the largest rank's memory
        t = torch.tensor([step_s, peak, peak_fwd, peak_bwd], device=dev, dtype=torch.float64)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        step_s, peak, peak_fwd, peak_bwd = (float(v) for v in t)
    text = 77 + args.text_len
    fwd_flops = estimate_flops(cfg, tokens, text, batch=2 * b)  # policy and reference each see 2B samples
    model_flops = 4 * fwd_flops  # policy forward + backward (3x) + reference forward; no AC recompute

    projection = None
    act = probe.per_block
    if cuda and mem is not None and act is not None:
        mem.update(act_per_layer=act, peak_fwd=peak_fwd, peak_bwd=peak_bwd)
        worlds = sorted({info.world_size, 8})
        projection = {
            "layers": full_layers,
            "peak_gib_by_world_size": project(mem, cfg.num_layers, full_layers, info.world_size, worlds),
            "per_layer_gib": {"state": round(mem["state_per_layer"] / GIB, 3),
                              "grad": round(mem["grad_per_layer"] / GIB, 3),
                              "activations": round(act / GIB, 3)},
            "method": "phase peaks + (L - N) x per-block state/grad (counted) and activations (measured); "
                      "see the script's docstring",
        }
    name = torch.cuda.get_device_name(dev) if cuda else "cpu"
    return {
        "device": name,
        "world_size": info.world_size,
        "preset": args.preset,
        "layers": cfg.num_layers,
        "hidden_size": cfg.hidden_size,
        "heads": cfg.num_attention_heads,
        "head_dim": cfg.attention_head_dim,
        "params_total": params_total,
        "params_per_layer": per_layer,
        "params_root": root,
        "params_at_full_depth": root + full_layers * per_layer,
        "latent": list(latent),
        "tokens_per_sample": tokens,
        "text_len": text,
        "batch_pairs": b,
        "activation_checkpointing": ac,
        "steps": args.steps,
        "beta": args.beta,
        "lr": args.lr,
        "step_time_s": round(step_s, 4),
        "step_times_s": [round(t, 4) for t in times],
        "model_tflop_per_step": round(model_flops / 1e12, 3),
        "model_tflops_per_s": float(f"{model_flops / step_s / 1e12:.4g}"),
        "peak_mem_gib": round(peak / GIB, 2) if cuda else None,
        "peak_mem_fwd_gib": round(peak_fwd / GIB, 2) if cuda else None,
        "peak_mem_bwd_opt_gib": round(peak_bwd / GIB, 2) if cuda else None,
        "loss": losses,
        "dpo_acc": accs,
        "dpo_margin": margins,
        "params_changed_frac": sum(d > 0 for d in diffs) / len(diffs),
        "max_param_change": max(diffs),
        "projection": projection,
    }


def count(n: float) -> str:
    return f"{n / 1e9:.2f} B" if n >= 1e9 else f"{n / 1e6:.2f} M"


def report(r: dict[str, Any]) -> None:
    """The table (stdout), then the result as one JSON line."""
    def gib(v: float | None) -> str:
        return "n/a (CPU)" if v is None else f"{v:.2f} GiB"

    ac = "on" if r["activation_checkpointing"] else "off"
    latent = "x".join(map(str, r["latent"]))
    heads = f"{r['heads']} heads x {r['head_dim']}"
    params = (f"{count(r['params_total'])} = {count(r['params_root'])} root + {r['layers']} x "
              f"{count(r['params_per_layer'])}; full depth {count(r['params_at_full_depth'])}")
    step = (f"{r['step_time_s']:.3f} s over {len(r['step_times_s'])} timed step(s), "
            f"{r['model_tflops_per_s']:.3g} model TFLOP/s")
    peak = (f"{gib(r['peak_mem_gib'])} (forward {gib(r['peak_mem_fwd_gib'])}, "
            f"backward + optimizer {gib(r['peak_mem_bwd_opt_gib'])})")
    rows = [
        ("device", f"{r['world_size']} x {r['device']}"),
        ("model", f"{r['preset']}, width {r['hidden_size']} = {heads}, {r['layers']} layers"),
        ("params (policy)", params),
        ("batch / rank", f"{r['batch_pairs']} pair(s) of latent {latent}, {r['tokens_per_sample']:,} tokens"),
        ("text tokens", f"{r['text_len']} (CLIP 77 + Step-LLM)"),
        ("parallel", f"FSDP2 x {r['world_size']}, policy fp32 master/bf16 compute, reference bf16, AC {ac}"),
        ("step time (median)", step),
        ("peak memory", peak),
        ("loss per step", ", ".join(f"{v:.6f}" for v in r["loss"]) + f"  (log 2 = {math.log(2):.6f})"),
        ("dpo_acc per step", ", ".join(f"{v:.2f}" for v in r["dpo_acc"])),
        ("margin z per step", ", ".join(f"{v:.4g}" for v in r["dpo_margin"]) + "  (0 if policy = reference)"),
        ("params changed", f"{r['params_changed_frac']:.0%} of tensors, max {r['max_param_change']:.2e}"),
    ]
    proj = r["projection"]
    if proj:
        by_w = ", ".join(f"{v:.1f} GiB/GPU on {w} GPU(s)" for w, v in proj["peak_gib_by_world_size"].items())
        pl = proj["per_layer_gib"]
        rows.append((f"projected peak, {proj['layers']} layers", by_w))
        per = f"state {pl['state']}, grad {pl['grad']}, activations {pl['activations']} GiB per rank"
        rows.append(("per layer (this run)", per))
    width = max(len(k) for k, _ in rows)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    print(json.dumps(r))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cfg, latent, dev, ac = resolve(args)
    warnings.filterwarnings("ignore", message="DTensor random operators may not have complete support")
    # The DiT returns a reshaped view; dpo_step_loss reads it out of place only, so this warning is moot.
    warnings.filterwarnings("ignore", message=r"FSDP2-wrapped module \(\w+\) returned a view tensor")
    info, own = setup_distributed(dev)
    try:
        result = run(args, cfg, latent, info, ac)
    except torch.cuda.OutOfMemoryError:
        peak = torch.cuda.max_memory_allocated(info.device) / GIB
        print(f"{PROG}: error: CUDA out of memory on rank {info.rank} with {args.layers} layers and latent "
              f"{','.join(map(str, latent))} (peak {peak:.1f} GiB): use fewer --layers or a smaller --latent",
              file=sys.stderr)
        return 3
    finally:
        if own:
            dist.destroy_process_group()
    if info.is_main:
        report(result)
        if args.json_out:
            with open(args.json_out, "w") as fh:
                json.dump(result, fh, indent=1)
    return 0


if __name__ == "__main__":
    code = main()
    if dist.is_initialized():  # torchrun: main leaves the group to finish_worker (barrier, then exit)
        if code == 0:
            finish_worker(code)
        cleanup()
    # Leave without interpreter finalization: DTensor's caches keep the process group's backend threads
    # alive until then, and tearing them down there can abort a finished run (see finish_worker).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
