"""`stepvid world make|judge|sheet|sample|prompts` (+ `raw` from raw.py): build world datasets and prompt sets,
judge videos, look at clips."""

from __future__ import annotations

import argparse
import json
import os
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser("world", help="synthetic bilingual video world: make data, judge videos, contact sheets",
                              description="The synthetic bilingual video world and its automatic judge.")
    sub = p.add_subparsers(dest="world_command", metavar="WORLD_COMMAND")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    m = sub.add_parser("make", help="write clips/stills with captions and a manifest")
    m.add_argument("--out", required=True, help="output folder (resumable: existing files are kept)")
    m.add_argument("--videos", type=int, default=1000, help="number of mp4 clips")
    m.add_argument("--images", type=int, default=0, help="number of png stills (text-to-image data)")
    m.add_argument("--height", type=int, default=256)
    m.add_argument("--width", type=int, default=256)
    m.add_argument("--frames", type=int, default=17, help="frames per clip")
    m.add_argument("--fps", type=float, default=12.0)
    m.add_argument("--split", choices=("train", "heldout"), default="train",
                   help="heldout = clips containing a held-out (colour, shape, motion) triple; train never does")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    m.add_argument("--lang", choices=("en", "zh", "both"), default="both", help="language of the primary caption")
    m.add_argument("--crf", type=int, default=18, help="H.264 quality (lower = better)")
    m.add_argument("--preset", default="ultrafast", help="x264 preset (ultrafast = fastest, veryfast = ~2.5x smaller files)")
    m.add_argument("--manifest", default="manifest.jsonl", help="manifest file name (.jsonl or .parquet)")
    m.add_argument("--shape-weights", type=_shape_weights, default=None, metavar="SHAPE=W,...",
                   help="rebalance shapes, e.g. star=2,cross=2 (others 1)")
    m.add_argument("--count-weights", type=_count_weights, default=None, metavar="W1,W2,W3",
                   help="relative weights of 1, 2 and 3-object scenes (default 0.45,0.35,0.2)")
    m.set_defaults(func=_make)

    j = sub.add_parser("judge", help="score videos against a prompt (English or Chinese) or a scene spec",
                       description="Score videos attribute by attribute against a prompt or a (partial) scene\n"
                       "spec. Only what the prompt or spec states is judged.", epilog=_JUDGE_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    j.add_argument("videos", nargs="*", help="video files (mp4/gif/png)")
    src = j.add_mutually_exclusive_group()
    src.add_argument("--prompt", help="the prompt the videos should follow (English, Chinese or mixed)")
    src.add_argument("--spec", help="full or partial scene spec, as JSON text or a .json file (format below)")
    j.add_argument("--manifest", help="judge every row of a manifest against its own spec (or --use caption)")
    j.add_argument("--use", choices=("spec", "caption"), default="spec",
                   help="what to judge manifest rows against (default: spec)")
    j.add_argument("--limit", type=int, help="judge at most this many manifest rows (default: all)")
    j.add_argument("--json", action="store_true", help="print one JSON object per video")
    j.set_defaults(func=_judge)

    s = sub.add_parser("sheet", help="contact sheet (PNG grid of frames) of videos")
    s.add_argument("videos", nargs="+")
    s.add_argument("-o", "--output", required=True, help="output .png")
    s.add_argument("--captions", nargs="*", help="one caption per video")
    s.add_argument("--frames", type=int, default=6, help="frames per row")
    s.add_argument("--thumb", type=int, default=96, help="thumbnail height in pixels")
    s.set_defaults(func=_sheet)

    q = sub.add_parser("sample", help="quick look: render random scenes to a captioned contact sheet")
    q.add_argument("--n", type=int, default=8)
    q.add_argument("-o", "--output", required=True, help="output .png")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--height", type=int, default=128)
    q.add_argument("--width", type=int, default=128)
    q.add_argument("--frames", type=int, default=17)
    q.add_argument("--split", choices=("train", "heldout", "any"), default="any")
    q.add_argument("--lang", choices=("en", "zh"), default="en")
    q.add_argument("--style", choices=("short", "dense"), default="dense")
    q.set_defaults(func=_sample)

    pr = sub.add_parser("prompts", help="write a JSONL prompt set (DPO/evaluation) with the request each prompt states",
                        description="Write prompts for world scenes of a split, one row per scene and language:\n"
                        '{"id", "prompt", "lang", "objects", "phrasing", "request"}; "request" is the partial spec\n'
                        "the prompt states (stepvid world judge --spec).",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    pr.add_argument("--out", required=True, help="output .jsonl (written atomically)")
    pr.add_argument("--n", type=int, default=100, help="scenes per object count")
    pr.add_argument("--objects", type=int, nargs="+", default=[1, 2], metavar="K", help="object counts (1-3)")
    pr.add_argument("--split", choices=("train", "heldout"), default="train",
                    help="heldout = scenes with a held-out (colour, shape, motion) triple and held-out phrasings")
    pr.add_argument("--phrasing", choices=("natural", "template", "mixed"), default="natural",
                    help="people's phrasings, the world's caption templates, or both alternating")
    pr.add_argument("--langs", nargs="+", default=["en", "zh"], metavar="LANG", help="en, zh (mix: natural only)")
    pr.add_argument("--seed", type=int, default=0)
    pr.add_argument("--style", choices=("short", "dense"), default="short", help="template caption style")
    pr.add_argument("--videos", default=None, metavar="DIR",
                    help="also render each scene (the prompt's ground truth) to DIR/<scene>.mp4 and add its path "
                         "as \"video\" (reference clips for `stepvid dpo pairs --reference`)")
    pr.add_argument("--frames", type=int, default=34, help="frames of the --videos clips (default: 34)")
    pr.add_argument("--height", type=int, default=192, help="height of the --videos clips (default: 192)")
    pr.add_argument("--width", type=int, default=192, help="width of the --videos clips (default: 192)")
    pr.add_argument("--fps", type=float, default=12.0, help="frame rate of the --videos clips (default: 12)")
    pr.add_argument("--video-format", choices=("mp4", "npy"), default="mp4",
                    help="--videos clips as H.264 mp4, or exact uint8 .npy arrays (no FFmpeg needed)")
    pr.set_defaults(func=_prompts)

    try:  # `stepvid world raw` (raw found-footage mode) lives in its own module
        from stepvid.world.raw import register_raw
    except ImportError:
        pass
    else:
        register_raw(sub)


_JUDGE_EPILOG = """\
partial spec: only the keys given are judged, e.g.
  {"objects": [{"color": "red", "shape": "circle", "motion": "right"}]}
  {"objects": [{"shape": "star", "count": 2, "size": "large"}], "bg_color": "white", "bg_kind": "solid"}
  object keys: color, shape, count (1-3), size, motion, speed; top-level: objects, bg_color, bg_kind.
  A full spec (a manifest's "spec" column) is judged on every attribute.

exit status: 0 every video judged; 1 some videos could not be read (the rest are judged and
reported); 2 bad arguments, or a prompt or spec the judge cannot use (nothing is read)."""


def _shape_weights(text: str) -> dict[str, float]:
    out = {}
    for part in text.split(","):
        name, sep, w = part.partition("=")
        try:
            if not sep:
                raise ValueError(part)
            out[name.strip()] = float(w)
        except ValueError:
            msg = f"expected SHAPE=WEIGHT,... (e.g. star=2,cross=2); got {part!r}"
            raise argparse.ArgumentTypeError(msg) from None
    return out


def _count_weights(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",")]
    except ValueError:
        msg = f"expected three numbers W1,W2,W3 (e.g. 1,2,1); got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _make(a: argparse.Namespace) -> int:
    from stepvid.world.dataset import WorldConfig, make_dataset

    cfg = WorldConfig(a.height, a.width, a.frames, a.fps, a.split, a.seed, a.lang, a.crf, a.preset,
                      a.shape_weights, a.count_weights)
    summary = make_dataset(a.out, a.videos, a.images, cfg, workers=a.workers, manifest=a.manifest)
    print(f"world make: {summary['samples']} samples ({summary['written']} written, {summary['skipped']} already "
          f"there) in {summary['seconds']} s, {summary['samples_per_minute']} samples/min -> {summary['manifest']}")
    return 0


def _load_spec(text: str) -> dict:
    if os.path.exists(text):
        try:
            with open(text, encoding="utf-8") as f:
                return json.load(f)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--spec {text}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"--spec is neither a file nor valid JSON ({exc.msg})") from None


def _read(path: str):
    from stepvid.video import read_video

    return read_video(path)


def _judge_targets(a: argparse.Namespace) -> tuple[list[tuple[str, object]], list[str]]:
    """(video, Request or the reason it has none) pairs and the prompt words read past; bad input raises."""
    from stepvid.world.judge import resolve_request

    if a.manifest:
        from stepvid.data.manifest import read_manifest

        if a.videos or a.prompt or a.spec:
            raise ValueError("--manifest judges its own rows; do not pass videos, --prompt or --spec with it")
        if a.limit is not None and a.limit < 1:
            raise ValueError(f"--limit must be >= 1; got {a.limit}")
        items: list[tuple[str, object]] = []
        for row in read_manifest(a.manifest)[: a.limit]:
            if a.use == "spec" and "spec" not in row:
                raise ValueError(f"{a.manifest}: row {row['path']} has no 'spec' column (use --use caption)")
            try:  # a row the judge cannot use is reported like an unreadable video
                req, _ = resolve_request(spec=row["spec"]) if a.use == "spec" else resolve_request(row["caption"])
            except ValueError as exc:
                req = str(exc)
            items.append((row["path"], req))
        return items, []
    if not a.videos:
        raise ValueError("give video files (or --manifest)")
    if not (a.prompt or a.spec):
        raise ValueError("give --prompt or --spec")
    if a.prompt is not None:
        req, ignored = resolve_request(prompt=a.prompt)
    else:
        req, ignored = resolve_request(spec=_load_spec(a.spec))
    return [(v, req) for v in a.videos], ignored


def _judge(a: argparse.Namespace) -> int:
    from stepvid.world.judge import analyze, score
    from stepvid.world.request import Request

    items, ignored = _judge_targets(a)  # the prompt or spec is checked before any video is read
    if ignored and not a.json:
        print("prompt: read past " + ", ".join(f"'{w}'" for w in ignored), file=sys.stderr)
    passed, total_score, failed = 0, 0.0, []
    for path, req in items:
        error = None if isinstance(req, Request) else req  # a manifest row the judge cannot use
        if error is None:
            try:
                res = score(analyze(_read(path)), req)
            except (ValueError, OSError) as exc:  # missing, unreadable or undecodable video
                error = str(exc).removeprefix(f"{path}: ")
        if error is not None:
            failed.append((path, error))
            print(json.dumps({"video": path, "error": error}, ensure_ascii=False) if a.json
                  else f"ERROR {path}: {error}")
            continue
        res.ignored = ignored
        passed += res.passed
        total_score += res.score
        if a.json:
            print(json.dumps({"video": path, **res.to_dict()}, ensure_ascii=False))
        else:
            bad = [k for k, v in res.attributes.items() if not v]
            print(f"{'PASS' if res.passed else 'FAIL'} {res.score:.3f} {path}" + (f"  wrong: {', '.join(bad)}" if bad else ""))
    judged = len(items) - len(failed)
    if len(items) > 1 or not a.json or failed:
        rates = (f": pass rate {passed / judged:.3f}, mean score {total_score / judged:.3f}" if judged else "")
        errors = (f"; {len(failed)} could not be judged: " + "; ".join(f"{p} ({r})" for p, r in failed)
                  if failed else "")
        print(f"judged {judged} of {len(items)}{rates}{errors}", file=sys.stderr)
    return 1 if failed else 0


def _sheet(a: argparse.Namespace) -> int:
    from stepvid.video import write_png
    from stepvid.world.sheet import contact_sheet

    if a.captions is not None and len(a.captions) != len(a.videos):
        raise ValueError(f"--captions: got {len(a.captions)} for {len(a.videos)} videos")
    clips = [_read(v) for v in a.videos]
    write_png(a.output, contact_sheet(clips, a.captions, a.frames, a.thumb))
    print(f"wrote {a.output}")
    return 0


def _sample(a: argparse.Namespace) -> int:
    import numpy as np

    from stepvid.video import write_png
    from stepvid.world.captions import caption
    from stepvid.world.render import render_video
    from stepvid.world.scene import sample_scene
    from stepvid.world.sheet import contact_sheet

    rng = np.random.default_rng(a.seed)
    specs = [sample_scene(rng, split=a.split) for _ in range(a.n)]
    clips = [render_video(s, a.height, a.width, a.frames) for s in specs]
    caps = [caption(s, a.lang, a.style, rng=rng) for s in specs]
    write_png(a.output, contact_sheet(clips, caps, thumb_height=min(a.height, 128)))
    for c in caps:
        print(c)
    print(f"wrote {a.output}")
    return 0


def _prompts(a: argparse.Namespace) -> int:
    from stepvid.video import atomic_path
    from stepvid.world.prompts import world_prompts

    rows = world_prompts(a.n, a.objects, a.split, a.phrasing, a.langs, a.seed, a.style)  # ValueError: exit 2
    if a.videos is not None:
        from stepvid.world.prompts import scene_videos

        for name in ("frames", "height", "width"):
            if getattr(a, name) < 1:
                raise ValueError(f"--{name} must be >= 1; got {getattr(a, name)}")
        rows = scene_videos(rows, a.videos, a.seed, a.split, a.frames, a.height, a.width, a.fps,
                            relative_to=os.path.dirname(os.path.abspath(a.out)), fmt=a.video_format)
    with atomic_path(a.out) as tmp:
        tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"world prompts: {len(rows)} rows ({a.split}, {a.phrasing}), languages {', '.join(a.langs)}, "
          f"objects {', '.join(map(str, a.objects))} -> {a.out}"
          + (f"; scene clips in {a.videos}" if a.videos is not None else ""))
    return 0
