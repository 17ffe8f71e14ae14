"""What ``stepvid curate run`` accepts as inputs, decided by what each path is.

* a video file: by extension (``VIDEO_EXTS``), or any other file PyAV opens with a video stream;
* a folder: its videos, recursively, by extension (hidden files and folders skipped: an interrupted
  atomic write leaves ``.name.tmp.mp4``; the output folder skipped when it lies inside);
* a list: a ``.txt``/``.lst`` file of UTF-8 text, one path a line (relative to the list's folder, ``#``
  comments); a line naming a folder expands like a folder argument;
* a manifest: ``.jsonl``/``.parquet`` rows with a ``path``.

Several paths may be given; duplicates (same absolute path) are kept once, in first-seen order. Anything
else fails here, before any video is decoded, with one line saying what was expected. A path that looks
like a video but is not one (a text file named ``x.mp4``) is not refused here: decoding records it as a
failed input and the run goes on with the rest.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

VIDEO_EXTS = {".mp4", ".mkv", ".mov", ".webm", ".avi", ".m4v", ".ts", ".flv", ".mpg", ".mpeg", ".wmv", ".gif"}
LIST_EXTS = {".txt", ".lst"}
MANIFEST_EXTS = {".jsonl", ".parquet"}
EXPECTED = (
    "expected a video file, a folder of videos, a .txt/.lst list of paths (one a line) "
    "or a .jsonl/.parquet manifest"
)


class InputError(ValueError):
    """An input argument that is not a video, a folder, a list or a manifest (the CLI exits 2)."""


def resolve_inputs(specs: str | os.PathLike | Iterable[str | os.PathLike], exclude: Path | None = None) -> list[str]:
    """The video paths named by ``specs`` (see the module docstring); ``exclude``: a folder to skip."""
    if isinstance(specs, (str, os.PathLike)):
        specs = [specs]
    skip = exclude.resolve() if exclude is not None else None
    out: list[str] = []
    seen: set[str] = set()
    for spec in specs:
        for p in _expand(Path(spec), skip):
            key = os.path.abspath(p)
            if key not in seen:
                seen.add(key)
                out.append(p)
    if not out:
        raise InputError(f"no inputs given; {EXPECTED}")
    return out


def _expand(p: Path, skip: Path | None) -> list[str]:
    if p.is_dir():
        found = _walk(p, skip)
        if not found:
            raise InputError(f"{p}: folder holds no videos (looked for {' '.join(sorted(VIDEO_EXTS))})")
        return found
    if not p.exists():
        raise InputError(f"{p}: no such file or folder; {EXPECTED}")
    suffix = p.suffix.lower()
    if suffix in VIDEO_EXTS:
        return [str(p)]
    if suffix in LIST_EXTS:
        return _read_list(p, skip)
    if suffix in MANIFEST_EXTS:
        from stepvid.data.manifest import read_manifest

        return [r["path"] for r in read_manifest(p, validate=False) if r.get("path")]
    if _has_video_stream(p):
        return [str(p)]
    raise InputError(f"{p}: not a video PyAV can open; {EXPECTED}")


def _walk(folder: Path, skip: Path | None) -> list[str]:
    found: list[str] = []

    def onerror(exc: OSError) -> None:
        raise InputError(f"{exc.filename}: cannot list folder ({exc.strerror})")

    for root, dirs, files in os.walk(folder, onerror=onerror):
        r = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (skip is None or (r / d).resolve() != skip))
        found += [
            str(r / f) for f in sorted(files) if not f.startswith(".") and Path(f).suffix.lower() in VIDEO_EXTS
        ]
    return sorted(found)


def _read_list(p: Path, skip: Path | None) -> list[str]:
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from exc
    try:
        if b"\0" in data:
            raise UnicodeDecodeError("utf-8", data, data.index(b"\0"), data.index(b"\0") + 1, "NUL byte")
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{p}: a {p.suffix} list must be UTF-8 text, one video path a line (byte {exc.start} is not)"
        ) from None
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        q = Path(line) if os.path.isabs(line) else p.parent / line
        out += _walk(q, skip) if q.is_dir() else [str(q)]
    if not out:
        raise InputError(f"{p}: the list names no videos (one path a line; # starts a comment)")
    return out


def _has_video_stream(p: Path) -> bool:
    """True when PyAV opens ``p`` as a container with a video stream (reads the header only)."""
    import av

    try:
        with av.open(str(p)) as c:
            return bool(c.streams.video)
    except (av.FFmpegError, UnicodeDecodeError, OSError, ValueError):
        return False
