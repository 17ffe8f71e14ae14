"""Decoding for curation: one low-resolution pass over every frame, then full-resolution sampled frames.

The low-res copy (``analysis_width`` wide, ~4 KB/frame at 128 px) feeds shot detection and optical flow;
only the 8 sampled frames per clip are converted at full resolution, in a second sequential decode.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np


class BadInput(ValueError):
    """An input that cannot be curated; the message is the reason recorded in the failed rows."""


@dataclass
class Source:
    path: str
    width: int
    height: int
    fps: float
    num_frames: int
    codec: str
    small: np.ndarray  # [T, h, w, 3] uint8, RGB


def decode_lowres(
    path: str, analysis_width: int = 128, max_bytes: int = 20 * 2**30, max_frames: int = 200_000
) -> Source:
    """Decode every frame at low resolution. Raises BadInput with a reason for unusable files."""
    import av

    if not os.path.exists(path):
        raise BadInput(f"{path}: file not found")
    size = os.path.getsize(path)
    if size == 0:
        raise BadInput(f"{path}: empty file (0 bytes)")
    if size > max_bytes:
        raise BadInput(f"{path}: huge file ({size / 2**30:.1f} GiB > limit {max_bytes / 2**30:.1f} GiB)")
    small: list[np.ndarray] = []
    try:
        with av.open(path) as container:
            if not container.streams.video:
                raise BadInput(f"{path}: no video stream")
            stream = container.streams.video[0]
            cc = stream.codec_context
            if cc is None or not cc.width:
                raise BadInput(f"{path}: unsupported codec or missing video dimensions")
            W, H = cc.width, cc.height
            fps = float(stream.average_rate or stream.guessed_rate or 0) or 25.0
            w = min(analysis_width, W) // 2 * 2
            h = max(2, int(round(H * w / W / 2)) * 2)
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                small.append(frame.to_ndarray(width=w, height=h, format="rgb24"))
                if len(small) > max_frames:
                    raise BadInput(f"{path}: more than {max_frames} frames (huge input)")
            codec = cc.name
    except BadInput:
        raise
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        if small:  # a truncated stream that decoded partially: refuse rather than curate half a file
            raise BadInput(f"{path}: decode error after {len(small)} frames ({exc})") from exc
        raise BadInput(f"{path}: cannot decode ({type(exc).__name__}: {exc})") from exc
    if len(small) < 2:
        raise BadInput(f"{path}: only {len(small)} decodable frame(s)")
    return Source(path, W, H, fps, len(small), codec, np.stack(small))


def grab_frames(path: str, indices: list[int] | np.ndarray) -> dict[int, np.ndarray]:
    """Full-resolution RGB frames at the given indices (one sequential decode, converting only those)."""
    import av

    want = set(int(i) for i in indices)
    out: dict[int, np.ndarray] = {}
    if not want:
        return out
    last = max(want)
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for i, frame in enumerate(container.decode(stream)):
            if i in want:
                out[i] = frame.to_ndarray(format="rgb24")
            if i >= last:
                break
    missing = want - set(out)
    if missing:
        raise BadInput(f"{path}: frames {sorted(missing)[:5]} not decodable on the second pass")
    return out
