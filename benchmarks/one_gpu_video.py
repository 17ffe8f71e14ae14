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

A whole 50-step video outlasts one device call (10 minutes) at ~38 s per step, so ``--state DIR`` spreads it
over several: the text states, the sampler's state after every step (``TextToVideoPipeline.denoise``'s
``resume`` file, atomic) and each stage's measured time are kept in DIR; each call runs sampler steps until
``--max-minutes`` is spent, and the call that finishes them decodes and prints the end-to-end figures (text
encoding once + every step as measured + one DiT move in and out + decode; the per-call model builds are not
part of a generation and are not counted). The random weights are seeded, so every call builds the same model
(the resume file's fingerprint checks it). Carry DIR between calls (``$OUT`` back, then ``carry``).

    python benchmarks/one_gpu_video.py --steps 2 --cap-gib 78.5
    python benchmarks/one_gpu_video.py --steps 2 --cap-gib 24 --offload blocks --cfg-split   # a 24 GB card
    python benchmarks/one_gpu_video.py --steps 50 --state tmp/video50 --max-minutes 8   # again until it decodes
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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

    def __init__(self, llm: StepLLM, clip_dim: int, length: int = 320, built: bool = True):
        super().__init__()
        self.length, self.clip_dim = length, clip_dim
        self.llm_dim = llm.cfg.hidden_size
        self.llm = llm if built else None  # not built (a later call of a spread generation): never run

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
    ap.add_argument("--offload", default="model", choices=("model", "blocks"),
                    help="blocks: the DiT's and Step-LLM's layers streamed from host memory (24-48 GB cards)")
    ap.add_argument("--split-steps", type=int, default=0,
                    help="after the main run, this many more steps with --cfg-split (same process, compared)")
    ap.add_argument("--dit-layers", type=int, default=48)
    ap.add_argument("--fp8-matmul", action="store_true", help="fp8 matmuls in the DiT blocks (fast mode)")
    ap.add_argument("--sparse-attention", default=None, metavar="SPEC", help="sliding-tile attention (fast mode)")
    ap.add_argument("--tiny", action="store_true", help="tiny presets on the CPU: a smoke test of this script")
    ap.add_argument("--state", default=None, metavar="DIR",
                    help="spread one generation over several calls: text states, sampler state and timings kept here")
    ap.add_argument("--max-minutes", type=float, default=None,
                    help="with --state: stop sampling after this many minutes of this call (the state is saved)")
    args = ap.parse_args()
    dev = "cpu" if args.tiny else "cuda"
    cuda = dev == "cuda"

    def sync() -> None:
        if cuda:
            torch.cuda.synchronize()

    t0 = time.perf_counter()
    torch.manual_seed(0)  # the same random model in every call (--state resumes check it)
    with torch.device("meta"):
        llm = StepLLM(StepLLMConfig.from_preset("tiny" if args.tiny else "step-llm"))
        tiny = {"in_channels": 4, "out_channels": 4} if args.tiny else {}  # the tiny VAE's z
        dit = StepVideoDiT(dit_config("tiny" if args.tiny else "stepvideo-t2v", num_layers=args.dit_layers, **tiny))
    text_file = Path(args.state) / "text.safetensors" if args.state else None  # a spread generation's text states
    text_kept = text_file is not None and text_file.exists()
    if not text_kept:  # a later call of a spread generation reads the kept text states: no 39 GB encoder build
        llm = _random_on_gpu(llm.to(torch.bfloat16), dev)
    dit = dit.to(torch.bfloat16).to_empty(device=dev)
    torch.manual_seed(1)  # the DiT's weights do not depend on whether this call built the encoder
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
        m.eval().requires_grad_(False)  # (an encoder left on the meta device too: it is never run then)
    t_init = time.perf_counter() - t0

    if cuda:
        total = torch.cuda.get_device_properties(0).total_memory
        torch.cuda.set_per_process_memory_fraction(min(1.0, args.cap_gib * GiB / total))
    pipe = TextToVideoPipeline(dit, vae, RandomIdsEncoder(llm, dit.config.caption_channels[1], built=not text_kept), device=dev, dtype=torch.bfloat16,
                               offload=args.offload)
    pipe.cfg_split = args.cfg_split

    state = Path(args.state) if args.state else None
    if state is not None:
        state.mkdir(parents=True, exist_ok=True)
    record = _read_record(state)  # what earlier calls of this generation measured (empty without --state)
    stages: dict[str, tuple[float, float, float]] = {}

    def stage(name: str, fn):
        sync()
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        t = time.perf_counter()
        try:
            return fn()
        finally:  # also when sampling pauses (--max-minutes): the call's part is recorded
            sync()
            peaks = (torch.cuda.max_memory_allocated() / GiB, torch.cuda.max_memory_reserved() / GiB) if cuda else (0, 0)
            stages[name] = (time.perf_counter() - t, *peaks)

    step_times: list[float] = []  # this call's intervals between steps (the first includes the DiT's move in)
    last = [time.perf_counter()]
    deadline = None if args.max_minutes is None else time.perf_counter() + 60 * args.max_minutes

    def on_step(i, t, x):
        sync()
        now = time.perf_counter()
        step_times.append(now - last[0])
        last[0] = now
        if deadline is not None and now > deadline and i + 1 < args.steps:
            raise _Pause(i + 1)  # after the sampler saved this step's state

    guided = args.cfg > 1
    if text_kept:
        emb = _load_text(text_file, pipe.device)
    else:
        emb = stage(TEXT, lambda: pipe.encode_prompt("a prompt", "", guided))
        if text_file is not None:
            _save_text(text_file, emb)
    latents = pipe.prepare_latents(args.frames, args.height, args.width, 0, False)

    def denoise():
        last[0] = time.perf_counter()
        return pipe.denoise(latents, emb, args.steps, args.cfg if guided else None, 13.0, callback=on_step,
                            progress=False, resume=None if state is None else state / "sampler.safetensors")

    start = latents
    dit_stage = f"DiT {args.steps} steps (DiT in, out)"
    try:
        latents = stage(dit_stage, denoise)
    except _Pause as pause:
        _write_record(state, _merge(record, stages, step_times, done=False))
        print(f"paused after step {pause.step} of {args.steps} (--max-minutes {args.max_minutes}); state in {state}: "
              f"run the same command again to continue")
        return
    if state is not None:
        record = _merge(record, stages, step_times, done=True)
        _write_record(state, record)
    main_steps = list(step_times)
    if args.split_steps:
        pipe.cfg_split, step_times[:] = True, []
        last[0] = time.perf_counter()
        stage(f"DiT {args.split_steps} steps, CFG split", lambda: pipe.denoise(
            start, emb, args.split_steps, args.cfg, 13.0, callback=on_step, progress=False))
        split_steps, step_times[:] = list(step_times), main_steps
        print(f"CFG split: {sorted(split_steps)[len(split_steps) // 2]:.1f} s per step")
    video = stage(DECODE, lambda: pipe.decode(latents))
    assert tuple(video.shape) == (args.frames, 3, args.height, args.width), video.shape

    name = torch.cuda.get_device_name(0) if cuda else "cpu (tiny presets)"
    fast = (" fp8 matmuls" if args.fp8_matmul else "") + (f" sparse {args.sparse_attention}" if args.sparse_attention
                                                          else "")
    print(f"# {name}, cap {args.cap_gib} GiB, offload {args.offload}, {args.frames}x{args.height}x{args.width}, cfg {args.cfg}"
          f"{' split' if args.cfg_split else ' batch 2'}, DiT {args.dit_layers} layers{fast}, init {t_init:.0f} s")
    if state is not None:
        _report_spread(record, stages, args)
        return
    print(f"{'stage':40s} {'s':>8s} {'peak alloc GiB':>15s} {'peak reserved GiB':>18s}")
    for k, (s, a, r) in stages.items():
        print(f"{k:40s} {s:8.1f} {a:15.2f} {r:18.2f}")
    steady = step_times[1:] or step_times  # the first interval holds the DiT's move in and the first compiles
    per_step = statistics.median(steady)
    moves = stages[dit_stage][0] - sum(step_times)
    e2e = sum(s for k, (s, _, _) in stages.items() if "split" not in k)
    proj = e2e + (args.projected_steps - args.steps) * per_step
    peak = max(r for _, _, r in stages.values())
    print(f"first step (DiT move in, compiles) {step_times[0]:.1f} s; per step after it (median of {len(steady)}): "
          f"{per_step:.1f} s; DiT move out {moves:.1f} s; "
          f"end to end {e2e:.1f} s; projected {args.projected_steps} steps {proj:.0f} s; "
          f"peak reserved {peak:.2f} GiB, spare {args.cap_gib - peak:.2f} GiB under the cap")


# ------------------------------------------------------------------------- one generation over several calls
TEXT, DECODE = "text encode (Step-LLM in, out)", "VAE decode (in, out)"


class _Pause(Exception):
    """Sampling stopped at the call's time budget; ``step`` steps are done and saved."""

    def __init__(self, step: int):
        super().__init__(step)
        self.step = step


def _save_text(path: Path, emb: TextEmbeddings) -> None:
    from safetensors.torch import save_file

    tmp = path.with_suffix(".tmp")
    save_file({"llm": emb.llm.cpu().contiguous(), "llm_mask": emb.llm_mask.cpu().contiguous(),
               "clip": emb.clip.cpu().contiguous()}, str(tmp))
    os.replace(tmp, path)


def _load_text(path: Path, device) -> TextEmbeddings:
    from safetensors.torch import load_file

    t = load_file(str(path))
    return TextEmbeddings(t["llm"], t["llm_mask"], t["clip"]).to(device)


def _read_record(state: Path | None) -> dict:
    if state is None or not (state / "record.json").exists():
        return {"calls": 0, "stages": {}, "intervals": [], "dit_calls": []}
    return json.loads((state / "record.json").read_text())


def _write_record(state: Path, record: dict) -> None:
    state.mkdir(parents=True, exist_ok=True)
    tmp = state / "record.json.tmp"
    tmp.write_text(json.dumps(record, indent=1))
    os.replace(tmp, state / "record.json")


def _merge(record: dict, stages: dict, intervals: list[float], done: bool) -> dict:
    """This call's measurements added to the earlier calls': the text stage once, every step interval (each
    call's first one includes its DiT move in), each call's whole DiT stage with its step count."""
    out = {**record, "calls": record["calls"] + 1, "stages": dict(record["stages"]),
           "intervals": record["intervals"] + [intervals], "dit_calls": list(record["dit_calls"])}
    for name, value in stages.items():
        if name.startswith("DiT"):
            out["dit_calls"].append({"s": value[0], "steps": len(intervals), "alloc": value[1], "reserved": value[2],
                                     "done": done})
        else:
            out["stages"][name] = list(value)
    return out


def _report_spread(record: dict, stages: dict, args) -> None:
    """End-to-end figures of a generation measured over several calls: text encoding + every step (a call's
    first interval, which includes the DiT's move in, counted as the median step) + the last call's DiT move in
    and out + decode. Peaks are the largest of any call."""
    calls = record["intervals"]
    inner = sorted(t for c in calls for t in c[1:]) or sorted(t for c in calls for t in c)
    per_step = inner[len(inner) // 2]
    steps_s = sum(sum(c[1:]) + per_step for c in calls if c)
    last = calls[-1]  # the last call's DiT stage: move in (its first interval beyond a step), steps, move out
    moves = record["dit_calls"][-1]["s"] - sum(last) + (max(0.0, last[0] - per_step) if last else 0.0)
    text = record["stages"].get(TEXT, [0.0, 0.0, 0.0])
    decode = stages[DECODE]
    n = sum(len(c) for c in calls)
    e2e = text[0] + steps_s + moves + decode[0]
    peak_alloc = max([text[1], decode[1]] + [d["alloc"] for d in record["dit_calls"]])
    peak = max([text[2], decode[2]] + [d["reserved"] for d in record["dit_calls"]])
    print(f"{n} steps over {record['calls']} calls: text {text[0]:.1f} s, steps {steps_s:.1f} s (median "
          f"{per_step:.1f} s), DiT moves {moves:.1f} s, decode {decode[0]:.1f} s; end to end {e2e:.1f} s; peak "
          f"allocated {peak_alloc:.2f} GiB, reserved {peak:.2f} GiB, spare {args.cap_gib - peak:.2f} GiB under the cap")


if __name__ == "__main__":
    main()
