"""The 30B DiT with its blocks streamed from host memory, under 40 GiB and 24 GiB caps (random weights).

Builds the released DiT (``stepvideo-t2v``: 48 blocks, 6144 wide) with random bf16 weights on the GPU, then
:func:`stepvid.models.streaming.stream_blocks` packs all 48 blocks into pinned host memory (60 GB in bf16,
30 GB in fp8, as allocated) and leaves 0.7 GB resident plus two block buffers. Then, per storage (bf16, fp8) and per cap
(``torch.cuda.set_per_process_memory_fraction``), it times full-size forwards at 204x544x992 (75,888 video
tokens + 77 + 320 text, batch 1: one CFG branch, as ``--cfg-split`` runs it). One sampler step is two such
forwards (conditional, unconditional; same shapes): both are timed (``--branches 1``: one, doubled). With
``--layers N`` only N blocks are built, streamed and run, and the 48-block step is projected as
2 x (outside + 48 x per-block), ``outside`` (embeddings, final layer) timed separately. The kernels are warmed
up by the resident model at the same size first, so no streamed warm-up step is run. ~220 s on an H200.

Also printed: the pinned host -> device copy rate (1 GiB, 5 copies), the streamed forward's pure transfer time
(48 blocks through the buffers with no compute), the resident model's per-block time at the same size (the
compute floor; 2 blocks, no cap), whether the streamed forward is bit-identical to the resident one (a small
input), the fp8 output's difference to bf16, and docs/benchmarks.md lines.

    PYTHONPATH=. python benchmarks/stream_30b.py                 # bf16 + fp8, caps 40 and 24 GiB, 48 blocks
    PYTHONPATH=. python benchmarks/stream_30b.py --tiny          # CPU smoke test (tiny preset, no caps)
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stepvid.runtime import configure_cuda_allocator

configure_cuda_allocator()

import torch
from torch import nn

from stepvid.bench import build_random_dit, dit_inputs
from stepvid.models.dit import dit_config
from stepvid.models.streaming import stream_blocks

GiB = 2**30


def h2d_rate(device: torch.device, nbytes: int = GiB, repeats: int = 5) -> float:
    """Bytes per second of a pinned host -> device copy (median of ``repeats``)."""
    src = torch.empty(nbytes, dtype=torch.uint8, pin_memory=True)
    dst = torch.empty(nbytes, dtype=torch.uint8, device=device)
    dst.copy_(src, non_blocking=True)
    rates = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        dst.copy_(src, non_blocking=True)
        end.record()
        end.synchronize()
        rates.append(nbytes / (start.elapsed_time(end) / 1e3))
    return sorted(rates)[len(rates) // 2]


class Timer:
    def __init__(self, device: torch.device):
        self.cuda = device.type == "cuda"

    def __call__(self, fn):
        if self.cuda:
            torch.cuda.synchronize()
        t = time.perf_counter()
        out = fn()
        if self.cuda:
            torch.cuda.synchronize()
        return time.perf_counter() - t, out


def with_blocks(model, count: int, fn):
    """Run ``fn`` with only the first ``count`` resident blocks (timing the blocks and what lies outside)."""
    blocks = model.transformer_blocks
    model.transformer_blocks = nn.ModuleList(list(blocks)[:count])
    try:
        return fn()
    finally:
        model.transformer_blocks = blocks


def rel_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return ((a.float() - b.float()).abs().max() / b.float().abs().max()).item()


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cap-gib", type=float, nargs="+", default=[40.0, 24.0])
    ap.add_argument("--storage", nargs="+", default=["bf16", "fp8"], choices=["bf16", "fp8"])
    ap.add_argument("--layers", type=int, default=48, help="blocks built, streamed and run (48: the model)")
    ap.add_argument("--branches", type=int, default=2, choices=[1, 2], help="CFG branches timed per step")
    ap.add_argument("--buffers", type=int, default=2)
    ap.add_argument("--frames", type=int, default=204)
    ap.add_argument("--height", type=int, default=544)
    ap.add_argument("--width", type=int, default=992)
    ap.add_argument("--text-len", type=int, default=320)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--tiny", action="store_true", help="tiny preset on the CPU: a smoke test of this script")
    return ap.parse_args()


class Bench:
    """The model's settings, inputs and the resident reference shared by the runs."""

    def __init__(self, args: argparse.Namespace):
        self.args, self.full_layers = args, 48
        if args.tiny:
            self.dev, self.dtype = torch.device("cpu"), torch.float32
            self.cfg = dit_config("tiny", num_layers=min(args.layers, 4))
            grid, self.full_layers, text_len = (3, 4, 6), self.cfg.num_layers, 8
        else:
            self.dev, self.dtype = torch.device("cuda", torch.cuda.current_device()), torch.bfloat16
            self.cfg = dit_config("stepvideo-t2v", num_layers=args.layers)
            grid, text_len = (args.frames // 17 * 3, args.height // 16, args.width // 16), args.text_len
        self.cuda, self.timer = self.dev.type == "cuda", Timer(self.dev)
        self.inputs = dit_inputs(self.cfg, grid, 1, text_len, self.dev, self.dtype)
        self.small = dit_inputs(self.cfg, (3, 8, 8), 1, 16, self.dev, self.dtype, seed=1)
        self.total = torch.cuda.get_device_properties(self.dev).total_memory if self.cuda else 0
        self.res: dict = {
            "device": torch.cuda.get_device_name(self.dev) if self.cuda else "CPU (tiny preset)",
            "video": [args.frames, args.height, args.width] if not args.tiny else None,
            "layers": self.cfg.num_layers,
            "tokens": grid[0] * grid[1] * grid[2],
            "buffers": args.buffers,
            "runs": [],
        }

    def build(self) -> nn.Module:
        t, model = self.timer(lambda: build_random_dit(self.cfg, self.dev, self.dtype, seed=0))
        print(f"built {self.cfg.num_layers} random blocks on {self.dev} in {t:.1f} s", flush=True)
        return model

    @torch.no_grad()
    def resident(self, model: nn.Module) -> None:
        """The small-input reference, and the compute floor at full size (0 and 2 resident blocks, no cap;
        the first call also warms up the kernels)."""
        self.ref_small = model(**self.small)
        with_blocks(model, 2, lambda: model(**self.inputs))
        outside, _ = self.timer(lambda: with_blocks(model, 0, lambda: model(**self.inputs)))
        two, _ = self.timer(lambda: with_blocks(model, 2, lambda: model(**self.inputs)))
        self.outside = outside
        self.res["outside_s"], self.res["resident_per_block_s"] = outside, (two - outside) / 2
        print(
            f"resident: outside the blocks {outside:.2f} s, per block {(two - outside) / 2:.3f} s", flush=True
        )

    @torch.no_grad()
    def streamed(self, model: nn.Module, storage: str) -> dict:
        """Stream ``model``'s blocks in ``storage``; parity, transfer-only time, then a forward per cap."""
        args, dev, cuda = self.args, self.dev, self.cuda
        t_pack, st = self.timer(
            lambda: stream_blocks(model, dev, args.buffers, "fp8" if storage == "fp8" else "model")
        )
        if cuda:
            torch.cuda.empty_cache()
        print(
            f"{storage}: packed {st.host_bytes / 1e9:.1f} GB into {'pinned ' if cuda else ''}host memory in "
            f"{t_pack:.1f} s; {st.device_bytes / GiB:.2f} GiB of block buffers on the device",
            flush=True,
        )
        out_small = model(**self.small)
        identical, diff = bool(torch.equal(out_small, self.ref_small)), rel_diff(out_small, self.ref_small)

        def transfer_only():
            for _ in st.blocks():
                pass

        transfer_only()
        t_xfer, _ = self.timer(transfer_only)
        row = {
            "storage": storage,
            "pack_s": t_pack,
            "host_bytes": st.host_bytes,
            "device_buffer_bytes": st.device_bytes,
            "identical_to_resident": identical,
            "rel_diff_to_resident": diff,
            "transfer_only_s": t_xfer,
            "transfer_bytes_per_s": st.layout.nbytes * self.cfg.num_layers / t_xfer,
            "caps": [],
        }
        print(
            f"{storage}: small-input output {'bit-identical to' if identical else f'{diff:.2e} from'} the "
            f"resident model; {self.cfg.num_layers} blocks' transfer alone {t_xfer:.2f} s "
            f"({row['transfer_bytes_per_s'] / 1e9:.1f} GB/s)",
            flush=True,
        )
        for cap in args.cap_gib if cuda else [0.0]:
            row["caps"].append(self.capped(model, cap))
            print(f"{storage} cap {cap:g} GiB: {describe(row['caps'][-1])}", flush=True)
        if cuda:
            torch.cuda.set_per_process_memory_fraction(1.0, dev)
        return row

    def capped(self, model: nn.Module, cap: float) -> dict:
        dev, entry = self.dev, {"cap_gib": cap}
        if self.cuda:
            torch.cuda.empty_cache()
            torch.cuda.set_per_process_memory_fraction(min(1.0, cap * GiB / self.total), dev)
            torch.cuda.reset_peak_memory_stats(dev)
        try:
            times = [self.timer(lambda: model(**self.inputs))[0] for _ in range(self.args.branches)]
        except torch.OutOfMemoryError as exc:
            entry["error"] = f"out of memory: {str(exc).splitlines()[0]}"
            return entry
        fwd, n = sum(times) / len(times), self.cfg.num_layers
        entry.update(forward_s=times, step_s=2 * (self.outside + self.full_layers * (fwd - self.outside) / n))
        if self.cuda:
            entry.update(
                peak_allocated=torch.cuda.max_memory_allocated(dev),
                peak_reserved=torch.cuda.max_memory_reserved(dev),
            )
        return entry


def describe(entry: dict) -> str:
    if "error" in entry:
        return entry["error"]
    fwd = sum(entry["forward_s"]) / len(entry["forward_s"])
    out = f"forward {fwd:.2f} s, step {entry['step_s']:.1f} s"
    if "peak_allocated" in entry:
        out += (
            f", peak {entry['peak_allocated'] / GiB:.2f} GiB allocated / "
            f"{entry['peak_reserved'] / GiB:.2f} GiB reserved"
        )
    return out


def main() -> None:
    args = parse_args()
    bench = Bench(args)
    if bench.cuda:
        bench.res["h2d_bytes_per_s"] = h2d_rate(bench.dev)
        print(f"pinned host -> device copy: {bench.res['h2d_bytes_per_s'] / 1e9:.1f} GB/s", flush=True)
    model = bench.build()
    bench.resident(model)
    for i, storage in enumerate(args.storage):
        if i:  # the same random weights again (same seed), for the next storage
            model = bench.build()
        bench.res["runs"].append(bench.streamed(model, storage))
        model = None
        gc.collect()
        if bench.cuda:
            torch.cuda.empty_cache()
            getattr(torch._C, "_host_emptyCache", lambda: None)()  # give the pinned memory back
    report(bench.res, args, bench.cuda)


def report(res: dict, args: argparse.Namespace, cuda: bool) -> None:
    """The table, the JSON (``--json``) and, on CUDA, one docs/benchmarks.md line per storage."""
    layers, proj = res["layers"], cuda and res["layers"] != 48
    size = "x".join(map(str, res["video"])) if res["video"] else "tiny grid"
    print(
        f"\n# {res['device']}, {size} = {res['tokens']:,} video tokens, batch 1 (CFG split), {layers} blocks "
        f"streamed through {res['buffers']} buffers; step = 2 forwards{' (projected to 48 blocks)' if proj else ''}"
    )
    print(
        f"{'storage':8s} {'cap GiB':>8s} {'forward s':>10s} {'step s':>8s} {'alloc GiB':>10s} "
        f"{'reserved GiB':>13s} {'host GB':>8s} {'pack s':>7s}"
    )
    for row in res["runs"]:
        for c in row["caps"]:
            if "error" in c:
                print(f"{row['storage']:8s} {c['cap_gib']:8g} {c['error']}")
                continue
            fwd = sum(c["forward_s"]) / len(c["forward_s"])
            alloc, reserved = c.get("peak_allocated", 0) / GiB, c.get("peak_reserved", 0) / GiB
            print(
                f"{row['storage']:8s} {c['cap_gib']:8g} {fwd:10.2f} {c['step_s']:8.1f} {alloc:10.2f} "
                f"{reserved:13.2f} {row['host_bytes'] / 1e9:8.1f} {row['pack_s']:7.1f}"
            )
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, default=str))
    if not cuda:
        return
    day = datetime.date.today().isoformat()
    cmd = "PYTHONPATH=. python benchmarks/stream_30b.py" + (f" --layers {layers}" if proj else "")
    floor = 2 * (res["outside_s"] + 48 * res["resident_per_block_s"])
    how = f" (projected from {layers} blocks)" if proj else ""
    print("\ndocs/benchmarks.md:")
    for row in res["runs"]:
        caps = "; ".join(
            f"cap {c['cap_gib']:g} GiB: {c['error']}"
            if "error" in c
            else f"cap {c['cap_gib']:g} GiB: {c['step_s']:.1f} s per step{how}, {c['peak_allocated'] / GiB:.2f} GiB "
            f"allocated / {c['peak_reserved'] / GiB:.2f} GiB reserved peak"
            for c in row["caps"]
        )
        vs = (
            "bit-identical"
            if row["identical_to_resident"]
            else f"{row['rel_diff_to_resident']:.1e} max rel diff"
        )
        print(
            f'- 30B DiT with block streaming (`offload="blocks"`, {row["storage"]} block weights in '
            f"{row['host_bytes'] / 1e9:.1f} GB of pinned host memory, {res['buffers']} device buffers), random "
            f"weights, {size} ({res['tokens']:,} tokens), CFG split (step = 2 forwards): {caps}; resident "
            f"compute floor {floor:.1f} s per step; {layers} blocks' transfer alone {row['transfer_only_s']:.2f} s "
            f"per forward ({row['transfer_bytes_per_s'] / 1e9:.1f} GB/s; pinned copy "
            f"{res['h2d_bytes_per_s'] / 1e9:.1f} GB/s); packing {row['pack_s']:.0f} s; output vs the resident "
            f"bf16 model: {vs} — `{cmd}`, 1x {res['device']}, {day}"
        )


if __name__ == "__main__":
    main()
