"""A whole Step-Video-T2V generation at full size on one GPU under a memory cap (random weights).

Builds the released shapes — Step-LLM (19.6 B), the DiT (29.3 B), the Video-VAE — with random bf16 weights,
caps the process at ``--cap-gib`` (``torch.cuda.set_per_process_memory_fraction``: 78.5 GiB stands in for an
80 GB card) and runs ``TextToVideoPipeline`` with ``offload="model"`` (each component on the GPU only while it
runs, the 39 GB encoder and the 58.7 GB DiT never together), CFG, and the VAE's bounded-memory decode.
Hunyuan-CLIP (0.4 B, fp32) is replaced by a random 77 x 1024 stream: its cost is negligible and the device
image has no ``transformers``.

Runs ``--steps`` sampler steps (50 takes ~30 min per video at B=2) and reports each stage's time and the
peak allocated / reserved memory per stage; ``--projected-steps`` extrapolates the end-to-end time from the
measured per-step time. ``--cfg-split`` runs the CFG halves as two DiT calls (half the activations).
``--fp8-matmul`` and ``--sparse-attention SPEC`` run the approximate fast modes (as ``stepvid generate``'s flags).

    python benchmarks/one_gpu_video.py --steps 2 --cap-gib 78.5
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stepvid.runtime import configure_cuda_allocator

configure_cuda_allocator()

import torch

from stepvid.models.dit import StepVideoDiT, dit_config
from stepvid.models.fp8 import use_fp8_matmuls
from stepvid.models.sparse_attention import parse_sparse_attention
from stepvid.models.text.base import TextEmbeddings
from stepvid.models.text.step_llm import StepLLM, StepLLMConfig
from stepvid.models.vae import VideoVAE
from stepvid.pipeline import TextToVideoPipeline

GiB = 2**30


class RandomIdsEncoder(torch.nn.Module):
    """The TextEncoder protocol over a full-size Step-LLM fed fixed random token ids (320 per prompt)."""

    def __init__(self, llm: StepLLM, clip_dim: int, length: int = 320):
        super().__init__()
        self.llm, self.length, self.clip_dim = llm, length, clip_dim
        self.llm_dim = llm.cfg.hidden_size

    @torch.no_grad()
    def encode(self, prompts: list[str], device=None) -> TextEmbeddings:
        dev = next(self.llm.parameters()).device
        g = torch.Generator().manual_seed(0)
        ids = torch.randint(0, self.llm.cfg.padded_vocab_size, (len(prompts), self.length), generator=g)
        llm = self.llm(ids.to(dev)).to(torch.bfloat16)
        clip = torch.randn(len(prompts), 77, self.clip_dim, generator=g).to(dev, torch.bfloat16)
        mask = torch.ones(len(prompts), self.length, dtype=torch.long, device=dev)
        return TextEmbeddings(llm, mask, clip).to(device)


def _random_on_gpu(module: torch.nn.Module, device: str, std: float = 0.02) -> torch.nn.Module:
    """Materialise a meta-device module on the GPU with N(0, std) weights (norm weights 1), then move it to
    the host: fast random init of tens of billions of parameters."""
    module = module.to_empty(device=device)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.ndim == 1 and "norm" in name:
                p.fill_(1.0)
            else:
                p.normal_(0, std)
    return module.to("cpu")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cap-gib", type=float, default=78.5)
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--projected-steps", type=int, default=50)
    ap.add_argument("--frames", type=int, default=204)
    ap.add_argument("--height", type=int, default=544)
    ap.add_argument("--width", type=int, default=992)
    ap.add_argument("--cfg", type=float, default=9.0)
    ap.add_argument("--cfg-split", action="store_true")
    ap.add_argument("--split-steps", type=int, default=0,
                    help="after the main run, this many more steps with --cfg-split (same process, compared)")
    ap.add_argument("--dit-layers", type=int, default=48)
    ap.add_argument("--fp8-matmul", action="store_true", help="fp8 matmuls in the DiT blocks (fast mode)")
    ap.add_argument("--sparse-attention", default=None, metavar="SPEC", help="sliding-tile attention (fast mode)")
    ap.add_argument("--tiny", action="store_true", help="tiny presets on the CPU: a smoke test of this script")
    args = ap.parse_args()
    dev = "cpu" if args.tiny else "cuda"
    cuda = dev == "cuda"

    def sync() -> None:
        if cuda:
            torch.cuda.synchronize()

    t0 = time.perf_counter()
    with torch.device("meta"):
        llm = StepLLM(StepLLMConfig.from_preset("tiny" if args.tiny else "step-llm"))
        tiny = {"in_channels": 4, "out_channels": 4} if args.tiny else {}  # the tiny VAE's z
        dit = StepVideoDiT(dit_config("tiny" if args.tiny else "stepvideo-t2v", num_layers=args.dit_layers, **tiny))
    llm = _random_on_gpu(llm.to(torch.bfloat16), dev)
    dit = dit.to(torch.bfloat16).to_empty(device=dev)
    dit.initialize_weights(all_parameters=True)
    if args.fp8_matmul:
        use_fp8_matmuls(dit)  # on the device: quantising 29 B weights on the host would take minutes
    if args.sparse_attention:
        dit.set_sparse_attention(parse_sparse_attention(args.sparse_attention))
    dit = dit.to("cpu")
    with torch.device(dev):
        vae = VideoVAE.from_preset("tiny" if args.tiny else "stepvideo-vae-v2")
    vae = vae.to(torch.bfloat16).eval().to("cpu")
    if cuda:
        torch.cuda.empty_cache()
    for m in (llm, dit, vae):
        m.eval().requires_grad_(False)
    t_init = time.perf_counter() - t0

    if cuda:
        total = torch.cuda.get_device_properties(0).total_memory
        torch.cuda.set_per_process_memory_fraction(min(1.0, args.cap_gib * GiB / total))
    pipe = TextToVideoPipeline(dit, vae, RandomIdsEncoder(llm, dit.config.caption_channels[1]), device=dev, dtype=torch.bfloat16,
                               offload="model")
    pipe.cfg_split = args.cfg_split

    stages: dict[str, tuple[float, float, float]] = {}

    def stage(name: str, fn):
        sync()
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        t = time.perf_counter()
        out = fn()
        sync()
        peaks = (torch.cuda.max_memory_allocated() / GiB, torch.cuda.max_memory_reserved() / GiB) if cuda else (0, 0)
        stages[name] = (time.perf_counter() - t, *peaks)
        return out

    step_times: list[float] = []
    last = [time.perf_counter()]

    def on_step(i, t, x):
        sync()
        now = time.perf_counter()
        step_times.append(now - last[0])
        last[0] = now

    guided = args.cfg > 1
    emb = stage("text encode (Step-LLM in, out)", lambda: pipe.encode_prompt("a prompt", "", guided))
    latents = pipe.prepare_latents(args.frames, args.height, args.width, 0, False)

    def denoise():
        last[0] = time.perf_counter()
        return pipe.denoise(latents, emb, args.steps, args.cfg if guided else None, 13.0, callback=on_step,
                            progress=False)

    start = latents
    latents = stage(f"DiT {args.steps} steps (DiT in, out)", denoise)
    main_steps = list(step_times)
    if args.split_steps:
        pipe.cfg_split, step_times[:] = True, []
        last[0] = time.perf_counter()
        stage(f"DiT {args.split_steps} steps, CFG split", lambda: pipe.denoise(
            start, emb, args.split_steps, args.cfg, 13.0, callback=on_step, progress=False))
        split_steps, step_times[:] = list(step_times), main_steps
        print(f"CFG split: {sorted(split_steps)[len(split_steps) // 2]:.1f} s per step")
    video = stage("VAE decode (in, out)", lambda: pipe.decode(latents))
    assert tuple(video.shape) == (args.frames, 3, args.height, args.width), video.shape

    name = torch.cuda.get_device_name(0) if cuda else "cpu (tiny presets)"
    fast = (" fp8 matmuls" if args.fp8_matmul else "") + (f" sparse {args.sparse_attention}" if args.sparse_attention
                                                          else "")
    print(f"# {name}, cap {args.cap_gib} GiB, {args.frames}x{args.height}x{args.width}, cfg {args.cfg}"
          f"{' split' if args.cfg_split else ' batch 2'}, DiT {args.dit_layers} layers{fast}, init {t_init:.0f} s")
    print(f"{'stage':40s} {'s':>8s} {'peak alloc GiB':>15s} {'peak reserved GiB':>18s}")
    for k, (s, a, r) in stages.items():
        print(f"{k:40s} {s:8.1f} {a:15.2f} {r:18.2f}")
    per_step = sorted(step_times)[len(step_times) // 2]
    moves = stages[f"DiT {args.steps} steps (DiT in, out)"][0] - sum(step_times)
    e2e = sum(s for k, (s, _, _) in stages.items() if "split" not in k)
    proj = e2e + (args.projected_steps - args.steps) * per_step
    peak = max(r for _, _, r in stages.values())
    print(f"per step (median of {len(step_times)}): {per_step:.1f} s; DiT moves {moves:.1f} s; "
          f"end to end {e2e:.1f} s; projected {args.projected_steps} steps {proj:.0f} s; "
          f"peak reserved {peak:.2f} GiB, spare {args.cap_gib - peak:.2f} GiB under the cap")


if __name__ == "__main__":
    main()
