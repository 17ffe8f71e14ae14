"""Video and image file IO through PyAV (FFmpeg with x264 inside the wheel).

Frames are NumPy uint8 arrays [T, H, W, 3] (RGB) everywhere in the project. Writes are atomic: the file
appears complete under its final name or not at all.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

__all__ = ["VideoInfo", "atomic_path", "probe", "read_clip", "read_image", "read_video", "write_gif", "write_png", "write_video"]


def _file_mode() -> int:
    """The mode ``open()`` gives a new file (0o666 less the umask): mkstemp's 0o600 would make outputs private."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


class atomic_path:
    """Context manager yielding a temporary path next to ``path``; renamed onto ``path`` on success.

    The temporary name keeps ``path``'s suffix so format-sniffing writers (FFmpeg, PIL) still work
    (``keep_suffix=False``: it ends in ``.tmp``, so a crash leaves nothing a ``*.safetensors`` glob would pick
    up); the file gets the permissions a plain ``open()`` would give it.
    """

    def __init__(self, path: str | os.PathLike, keep_suffix: bool = True) -> None:
        self.path = Path(path)
        self.suffix = f".tmp{self.path.suffix}" if keep_suffix else ".tmp"

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=self.suffix, dir=self.path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                os.chmod(self.tmp, _file_mode())
                os.replace(self.tmp, self.path)
            except BaseException:  # e.g. the target is a directory: leave no temporary file behind
                self.tmp.unlink(missing_ok=True)
                raise
        else:
            self.tmp.unlink(missing_ok=True)


def _check_frames(frames: np.ndarray) -> np.ndarray:
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"frames must be [T, H, W, 3]; got shape {frames.shape}")
    if frames.dtype != np.uint8:
        raise ValueError(f"frames must be uint8; got {frames.dtype}")
    if frames.shape[0] == 0:
        raise ValueError("frames is empty (T = 0)")
    return np.ascontiguousarray(frames)


def write_video(
    path: str | os.PathLike,
    frames: np.ndarray,
    fps: float = 25.0,
    crf: int = 18,
    codec: str = "libx264",
    preset: str = "medium",
) -> Path:
    """Write RGB uint8 frames [T, H, W, 3] to an H.264 mp4 (yuv420p; odd sizes are padded by one pixel)."""
    frames = _check_frames(frames)
    t, h, w, _ = frames.shape
    if h % 2 or w % 2:  # yuv420p needs even sizes: pad by edge replication rather than crop
        frames = np.pad(frames, ((0, 0), (0, h % 2), (0, w % 2), (0, 0)), mode="edge")
    import av

    with atomic_path(path) as tmp, av.open(str(tmp), mode="w") as container:
        stream = container.add_stream(codec, rate=Fraction(fps).limit_denominator(1001))
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": preset}
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return Path(path)


def write_gif(path: str | os.PathLike, frames: np.ndarray, fps: float = 12.0) -> Path:
    """Write an animated GIF (palette per file, for README previews)."""
    frames = _check_frames(frames)
    from PIL import Image

    images = [Image.fromarray(f) for f in frames]
    with atomic_path(path) as tmp:
        images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0)
    return Path(path)


def write_png(path: str | os.PathLike, image: np.ndarray) -> Path:
    """Write one RGB uint8 image [H, W, 3] as PNG (through PyAV's encoder, no Pillow needed)."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[-1] != 3 or image.dtype != np.uint8:
        raise ValueError(f"image must be uint8 [H, W, 3]; got {image.dtype} {image.shape}")
    import av

    with atomic_path(path) as tmp, av.open(str(tmp), mode="w", format="image2") as container:
        stream = container.add_stream("png", rate=1)
        stream.width, stream.height = image.shape[1], image.shape[0]
        stream.pix_fmt = "rgb24"
        for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")):
            container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return Path(path)


@dataclass
class VideoInfo:
    path: str
    width: int
    height: int
    fps: float
    num_frames: int  # exact when the container states it, else estimated from duration × fps
    duration: float
    codec: str


def probe(path: str | os.PathLike) -> VideoInfo:
    """Read stream metadata without decoding. Raises ValueError naming the file if it has no video."""
    import av

    path = str(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"video not found: {path}")
    if os.path.getsize(path) == 0:
        raise ValueError(f"{path}: empty file (0 bytes)")
    try:
        with av.open(path) as container:
            if not container.streams.video:
                raise ValueError(f"{path}: no video stream")
            s = container.streams.video[0]
            fps = float(s.average_rate or s.guessed_rate or 0) or 25.0
            duration = float(s.duration * s.time_base) if s.duration else (container.duration or 0) / 1e6
            n = s.frames or int(round(duration * fps))
            return VideoInfo(path, s.codec_context.width, s.codec_context.height, fps, n, duration, s.codec_context.name)
    except av.FFmpegError as exc:
        raise ValueError(f"{path}: cannot read video ({exc})") from exc


def read_video(
    path: str | os.PathLike,
    start: int = 0,
    num_frames: int | None = None,
    step: int = 1,
) -> np.ndarray:
    """Decode frames ``start, start+step, ...`` (at most ``num_frames``) as RGB uint8 [T, H, W, 3].

    Raises ValueError naming the file when it cannot be decoded or yields no frames.
    """
    import av

    path = str(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"video not found: {path}")
    if os.path.getsize(path) == 0:
        raise ValueError(f"{path}: empty file (0 bytes)")
    out: list[np.ndarray] = []
    try:
        with av.open(path) as container:
            if not container.streams.video:
                raise ValueError(f"{path}: no video stream")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for i, frame in enumerate(container.decode(stream)):
                if i < start or (i - start) % step:
                    continue
                out.append(frame.to_ndarray(format="rgb24"))
                if num_frames is not None and len(out) >= num_frames:
                    break
    except av.FFmpegError as exc:
        raise ValueError(f"{path}: cannot decode video ({exc})") from exc
    if not out:
        raise ValueError(f"{path}: no frames decoded (start={start})")
    return np.stack(out)


def read_clip(path: str | os.PathLike) -> np.ndarray:
    """A whole clip as RGB uint8 [T, H, W, 3]: a video file (:func:`read_video`), or a ``.npy`` array of that
    dtype and layout (lossless, and readable without FFmpeg; loaded without pickle)."""
    if str(path).endswith(".npy"):
        if not os.path.exists(path):
            raise FileNotFoundError(f"clip not found: {path}")
        try:
            arr = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a .npy array ({exc})") from None
        if arr.dtype != np.uint8 or arr.ndim != 4 or arr.shape[-1] != 3 or arr.shape[0] < 1:
            raise ValueError(f"{path}: expected uint8 [T, H, W, 3]; got {arr.dtype} {list(arr.shape)}")
        return arr
    return read_video(path)


def read_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image file (png/jpg/…) as RGB uint8 [H, W, 3]."""
    frames = read_video(path, num_frames=1)
    return frames[0]
