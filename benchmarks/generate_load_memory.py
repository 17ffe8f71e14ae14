"""Peak host memory while loading a sharded DiT checkpoint with stepvid.checkpoints (vs. a naive loader).

Writes a random bf16 checkpoint of a DiT preset (default: the released architecture cut to a few layers) in
shards, then loads it in fresh subprocesses, reads every weight once (so memory-mapped pages count), and
reports each one's peak RSS growth (VmHWM − RSS before loading) relative to the checkpoint size:

* ``stepvid``: meta-device model + ``load_sharded_safetensors`` → expected ≈ 1.0× model + one shard;
* ``naive``:   model built for real + all shards read into one dict + ``load_state_dict`` → ≈ 2× or more.

    python benchmarks/generate_load_memory.py --layers 4 --heads 16 --shard-mb 64
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, sys, torch
sys.path.insert(0, {repo!r})
from stepvid.models.dit import StepVideoDiT, dit_config

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
cfg = dit_config("stepvideo-t2v", num_layers={layers}, num_attention_heads={heads})
base = rss("VmRSS")
if {mode!r} == "stepvid":
    from stepvid.checkpoints import empty_weights, load_sharded_safetensors
    with empty_weights():
        model = StepVideoDiT(cfg)
    load_sharded_safetensors(model, {folder!r}, device="cpu", dtype=torch.bfloat16)
else:
    from safetensors.torch import load_file
    import glob
    model = StepVideoDiT(cfg).to(torch.bfloat16)
    sd = {{}}
    for f in sorted(glob.glob({folder!r} + "/*.safetensors")):
        sd.update(load_file(f))
    model.load_state_dict(sd)
    del sd
# touch every weight, so lazily mapped pages are counted too
total = sum(float(p.sum()) for p in model.parameters())
print(json.dumps({{"peak": rss("VmHWM") - base, "after": rss("VmRSS") - base}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layers", type=int, default=4, help="DiT blocks (the release has 48)")
    ap.add_argument(
        "--heads", type=int, default=16, help="attention heads x 128 = width (the release has 48)"
    )
    ap.add_argument("--shard-mb", type=int, default=64)
    args = ap.parse_args()

    sys.path.insert(0, str(REPO))
    import torch

    from stepvid.checkpoints import save_sharded_safetensors
    from stepvid.models.dit import StepVideoDiT, dit_config

    with tempfile.TemporaryDirectory(prefix="stepvid-loadmem-") as folder:
        with torch.device("meta"):
            shapes = {
                k: v.shape
                for k, v in StepVideoDiT(
                    dit_config("stepvideo-t2v", num_layers=args.layers, num_attention_heads=args.heads)
                )
                .state_dict()
                .items()
            }
        state = {k: torch.zeros(s, dtype=torch.bfloat16) for k, s in shapes.items()}
        total = sum(t.numel() * 2 for t in state.values())
        files = save_sharded_safetensors(state, folder, max_shard_bytes=args.shard_mb * 2**20)
        del state
        shard = max(f.stat().st_size for f in files if f.suffix == ".safetensors")
        results = {}
        for mode in ("stepvid", "naive"):
            code = _CHILD.format(
                repo=str(REPO), layers=args.layers, heads=args.heads, mode=mode, folder=folder
            )
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
            results[mode] = json.loads(out.strip().splitlines()[-1])

    gib = 2**30
    print(
        f"\ncheckpoint {total / gib:.2f} GiB in {len(files) - 1} shards (largest {shard / gib:.2f} GiB), "
        f"DiT stepvideo-t2v with {args.layers} layers x {args.heads} heads"
    )
    print(f"{'loader':<10}{'peak RSS growth (GiB)':>24}{'x checkpoint':>14}")
    for mode, r in results.items():
        print(f"{mode:<10}{r['peak'] / gib:>24.2f}{r['peak'] / total:>14.2f}")
    print(
        f"\n- Peak host RAM while loading a {total / gib:.2f} GiB sharded DiT checkpoint (stepvid loader): "
        f"{results['stepvid']['peak'] / total:.2f} x checkpoint size (naive: {results['naive']['peak'] / total:.2f} x) — "
        f"`python benchmarks/generate_load_memory.py {' '.join(sys.argv[1:])}`, 2-core CPU (dev box), "
        f"{datetime.date.today().isoformat()}"
    )


if __name__ == "__main__":
    main()
