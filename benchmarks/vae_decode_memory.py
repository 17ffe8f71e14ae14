"""Where the Video-VAE decode's memory goes, stage by stage, and the whole 204-frame decode (random weights).

Released width, bf16, 544x992: one chunk's latent path (dual-path unpatchify + mid block with its causal
single-head attention over 42,160 tokens of width 512, with each SDPA backend), its upsampling levels in one
pass and time-sliced, then the full 36-latent decode to host memory, one pass and with time_slice 1 and 2.
Prints ms and the peak allocated beyond what was resident.

    python benchmarks/vae_decode_memory.py
    python benchmarks/vae_decode_memory.py --where 1,2   # what is alive at one chunk's peak, time_slice 1 and 2

``--where`` records the allocator's history (``torch.cuda.memory._record_memory_history``) over one chunk's
upsampling levels and lists the blocks alive at the highest point, grouped by the stepvid source line that
asked for them (cuDNN workspaces show under the conv call that requested them).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

from stepvid.models.vae import VideoVAE

KERNELS = {"efficient": SDPBackend.EFFICIENT_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION,
           "flash": SDPBackend.FLASH_ATTENTION, "math": SDPBackend.MATH}


def measure(name: str, fn, repeats: int = 2):
    torch.cuda.synchronize()
    torch.cuda.empty_cache()
    base = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    try:
        for _ in range(repeats):
            t = time.perf_counter()
            out = fn()
            torch.cuda.synchronize()
            sec = time.perf_counter() - t
    except RuntimeError as e:
        print(f"{name:44s} not available ({str(e)[:60]})")
        return None
    peak = (torch.cuda.max_memory_allocated() - base) / 2**30
    print(f"{name:44s} {sec * 1000:9.1f} ms  peak +{peak:6.2f} GiB", flush=True)
    return out


def _site(frames: list[dict]) -> str:
    """The innermost stepvid frame of an allocation's stack (file:line function), and the innermost frame."""
    inner = frames[0]["name"][:50] if frames else "?"
    for f in frames:
        if "stepvid" in f["filename"] and "benchmarks" not in f["filename"]:
            return f"{Path(f['filename']).name}:{f['line']} {f['name']}  <- {inner}"
    return f"(no stepvid frame) {inner}"


def alive_at_peak(fn, rows: int = 14) -> None:
    """Run ``fn`` with the allocator history on; print the blocks alive at its highest point, by site."""
    torch.cuda.synchronize()
    torch.cuda.empty_cache()
    torch.cuda.memory._record_memory_history(max_entries=2_000_000)
    try:
        fn()
        torch.cuda.synchronize()
        snap = torch.cuda.memory._snapshot()
    finally:
        torch.cuda.memory._record_memory_history(enabled=None)
    trace = snap["device_traces"][torch.cuda.current_device()]
    live, total, best, best_i = {}, 0, -1, -1
    for i, ev in enumerate(trace):  # first pass: when was the most allocated
        if ev["action"] == "alloc":
            total += ev["size"]
            if total > best:
                best, best_i = total, i
        elif ev["action"] == "free_requested":
            total -= ev["size"]
    for ev in trace[: best_i + 1]:  # second pass: who was alive then
        if ev["action"] == "alloc":
            live[ev["addr"]] = ev
        elif ev["action"] == "free_requested":
            live.pop(ev["addr"], None)
    by_site = collections.Counter()
    count = collections.Counter()
    for ev in live.values():
        key = _site(ev.get("frames", []))
        by_site[key] += ev["size"]
        count[key] += 1
    print(f"  peak of this run: {best / 2**30:.2f} GiB allocated during it ({len(live)} blocks alive); largest sites:")
    for key, size in by_site.most_common(rows):
        print(f"  {size / 2**30:7.3f} GiB  x{count[key]:<3d} {key}")


def time_parts(d, h, ts: int | None) -> None:
    """CUDA time of one chunk's upsampling levels by module kind and level (CUDA events in forward hooks)."""
    from stepvid.models.vae_layers import CausalConv3d, FrameGroupNorm, ResBlock3d, Upsample2d, Upsample3d

    spans: list[tuple[str, torch.cuda.Event, torch.cuda.Event]] = []
    hooks = []
    names = {m: n for n, m in d.named_modules()}
    for m in d.up.modules():
        if isinstance(m, (ResBlock3d, Upsample2d, Upsample3d, FrameGroupNorm, CausalConv3d)):
            level = names[m].split(".")[1]
            key = f"{type(m).__name__:14s} level {level}"

            def pre(mod, args, key=key):
                ev = torch.cuda.Event(enable_timing=True)
                ev.record()
                spans.append((key, ev, None))

            def post(mod, args, out, key=key):
                ev = torch.cuda.Event(enable_timing=True)
                ev.record()
                for i in range(len(spans) - 1, -1, -1):
                    if spans[i][0] == key and spans[i][2] is None:
                        spans[i] = (key, spans[i][1], ev)
                        break

            hooks += [m.register_forward_pre_hook(pre), m.register_forward_hook(post)]
    t0 = torch.cuda.Event(enable_timing=True)
    t1 = torch.cuda.Event(enable_timing=True)
    t0.record()
    d.up_path(h, ts)
    t1.record()
    torch.cuda.synchronize()
    for hk in hooks:
        hk.remove()
    total = collections.Counter()
    for key, a, b in spans:
        total[key] += a.elapsed_time(b)
    print(f"  one chunk's upsampling levels: {t0.elapsed_time(t1):.1f} ms; inclusive time by module kind and level:")
    for key, ms in sorted(total.items()):
        print(f"    {key}  {ms:8.1f} ms")


def where(slices: list[int]) -> None:
    torch.manual_seed(0)
    with torch.device("cuda"):
        vae = VideoVAE.from_preset("stepvideo-vae-v2")
    vae = vae.to(torch.bfloat16).eval().requires_grad_(False)
    d = vae.decoder
    with torch.no_grad():
        x = torch.randn(1, 64, 3, 34, 62, device="cuda", dtype=torch.bfloat16)
        h = d.latent_path(x)
        for ts in slices:
            d.up_path(h, ts or None)  # warm-up: cuDNN plans and their workspaces
            print(f"# one chunk's upsampling levels, time_slice {ts or 'none'}:")
            alive_at_peak(lambda ts=ts: d.up_path(h, ts or None))
            time_parts(d, h, ts or None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--where", default=None, help="comma list of time slices (0 = one pass): attribute the peak")
    args = ap.parse_args()
    if args.where is not None:
        where([int(v) for v in args.where.split(",")])
        return
    torch.manual_seed(0)
    with torch.device("cuda"):
        vae = VideoVAE.from_preset("stepvideo-vae-v2")
    vae = vae.to(torch.bfloat16).eval().requires_grad_(False)
    d = vae.decoder
    kw = {"device": "cuda", "dtype": torch.bfloat16}
    print(f"# {torch.cuda.get_device_name(0)}, stepvideo-vae-v2 bf16, 544x992")
    with torch.no_grad():
        x = torch.randn(1, 64, 3, 34, 62, **kw)
        h0 = d.conv_unpatchify(d.unpatchify_input(x))
        n = h0.shape[2] * h0.shape[3] * h0.shape[4]
        q, k, v = (torch.randn(1, 1, n, 512, **kw) for _ in range(3))
        for name, kind in KERNELS.items():
            def attn(kind=kind):
                with sdpa_kernel(kind):
                    return F.scaled_dot_product_attention(q, k, v, is_causal=True)
            measure(f"mid attention {name} (N={n}, d=512)", attn)
        h = measure("latent path (stepvid dispatch)", lambda: d.latent_path(x))
        measure("upsampling levels, one pass", lambda: d.up_path(h))
        measure("upsampling levels, time_slice 1", lambda: d.up_path(h, 1))
        lat = torch.randn(1, 36, 64, 34, 62, **kw)
        for ts in (None, 1, 2):
            measure(f"decode 204 frames to host, time_slice {ts}",
                    lambda ts=ts: vae.decode(lat, output_device="cpu", time_slice=ts), repeats=1)


if __name__ == "__main__":
    main()
