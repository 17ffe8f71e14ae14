"""Sample sheet of the bundled model for the README: real outputs for English and Chinese prompts, judged.

Generates each prompt with the model's defaults (one seed; the bundled model's default world prompt rewriter
included, as `stepvid generate` runs it: the caption shows what the user typed), writes a contact sheet PNG (caption strip above each
row: the prompt and the judge's verdict per attribute) and an animated GIF of all clips side by side, and prints
a table. Chinese captions need a CJK font: set ``STEPVID_FONT`` (e.g. WenQuanYi Micro Hei from the Debian
package fonts-wqy-microhei); without it they are printed instead of drawn.

    STEPVID_FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
        python benchmarks/bundled_samples.py --out docs/assets/bundled-samples
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

PROMPTS = [  # the world's own wording, then prompts as people type them
    "a red circle moves to the right",
    "一个红色的圆向右移动",
    "一个紫色的菱形变大",
    "watch as a green triangle slowly slides to the left",
    "hey, can you make two blue squares zoom up on a black background?",
    "一颗黄色的星星缓缓向上移动",
]


def verdict(res) -> str:
    return " ".join(f"{k}{'+' if v else '-'}" for k, v in res.by_type().items())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=None, help="model folder (default: the bundled model)")
    ap.add_argument("--prompts", nargs="+", default=PROMPTS)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=None, help="sampler steps (default: the model's)")
    ap.add_argument("--out", type=Path, required=True, help="output stem: writes STEM.png and STEM.gif")
    ap.add_argument("--gif-frames", type=int, default=17, help="frames in the GIF (evenly spaced)")
    ap.add_argument("--gif-size", type=int, default=128, help="GIF tile size in pixels")
    args = ap.parse_args(argv)

    from tqdm.auto import tqdm

    from stepvid.pipeline import TextToVideoPipeline
    from stepvid.pipeline_cli import bundled_model_dir
    from stepvid.video import write_gif, write_png
    from stepvid.world import judge
    from stepvid.world.sheet import contact_sheet, resize_to_height

    model = args.model or bundled_model_dir()
    if model is None:
        print("no bundled model in stepvid/bundled/; pass --model DIR", file=sys.stderr)
        return 2
    pipe = TextToVideoPipeline.from_pretrained(model)
    clips, caps, rows = [], [], []
    t0 = time.time()
    for p in tqdm(args.prompts, desc="samples", unit="video"):
        frames = pipe(p, seed=args.seed, steps=args.steps, progress=False)
        res = judge(frames, prompt=p)
        clips.append(frames)
        caps.append(f"{p}   [{'pass' if res.passed else 'fail'}: {verdict(res)}]")
        rows.append((p, res.passed, verdict(res)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_png(args.out.with_suffix(".png"), contact_sheet(clips, caps, frames_per_row=6, thumb_height=96))
    idx = np.linspace(0, len(clips[0]) - 1, args.gif_frames).round().astype(int)
    sep = np.full((args.gif_size, 4, 3), 255, np.uint8)
    gif = np.stack([np.concatenate([x for c in clips for x in (resize_to_height(c[i], args.gif_size), sep)][:-1], axis=1)
                    for i in idx])
    write_gif(args.out.with_suffix(".gif"), gif, fps=max(1.0, pipe.defaults.fps * args.gif_frames / len(clips[0])))
    print(f"\n{len(clips)} samples from {model} (seed {args.seed}) in {time.time() - t0:.0f} s -> "
          f"{args.out.with_suffix('.png')}, {args.out.with_suffix('.gif')}")
    print("| prompt | judge | attributes |\n|---|---|---|")
    for p, ok, v in rows:
        print(f"| {p} | {'pass' if ok else 'fail'} | {v} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
