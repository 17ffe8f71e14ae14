"""Serving files without serving the disk: URL paths are checked segment by segment, then resolved
(realpath, so symlinks count where they lead) and must stay inside their root; byte ranges for <video> seeking.

Refusals are :class:`Refused` with the HTTP status to answer: 400 for a path no honest client sends (``..``,
``.``, empty segments, NUL bytes, backslashes, percent signs left after decoding — i.e. double encoding),
404 for anything that does not resolve to a regular media file inside the root.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

__all__ = ["CONTENT_TYPES", "RangeNotSatisfiable", "Refused", "parse_range", "resolve_under", "safe_segments"]

# What /media/ serves, by suffix; any other file (databases, JSON, logs) is never served from there.
CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".gif": "image/gif",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


class Refused(Exception):
    """A request for a path that is not served; ``status`` is 400 or 404."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def safe_segments(encoded: str) -> list[str]:
    """The decoded segments of a percent-encoded relative URL path, or :class:`Refused` (400).

    Decoded exactly once; every segment must be a plain name: not empty (``//`` or a leading ``/`` would make
    the path absolute), not ``.`` or ``..``, without NUL, backslash or ``%`` (a ``%`` left after one decoding
    is double encoding such as ``%252e%252e``)."""
    if "\x00" in encoded or "%00" in encoded.lower():
        raise Refused(400, "NUL byte in path")
    if not encoded:
        raise Refused(404, "no file named")
    try:
        decoded = unquote(encoded, errors="strict")
    except UnicodeDecodeError:
        raise Refused(400, "path is not UTF-8") from None
    parts = decoded.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise Refused(400, f"path segment {part!r} is not allowed (no '..', '.', empty or absolute paths)")
        if "\x00" in part or "\\" in part or "%" in part or any(ord(c) < 32 for c in part):
            raise Refused(400, f"path segment {part!r} has a forbidden character")
    return parts


def resolve_under(root: str | os.PathLike, segments: list[str]) -> Path:
    """The regular file ``root/segments...`` after resolving every symlink, if it lies inside ``root``
    (itself resolved) and has a media suffix; else :class:`Refused` (404)."""
    base = os.path.realpath(root)
    target = os.path.realpath(os.path.join(base, *segments))
    if os.path.commonpath([base, target]) != base or target == base:
        raise Refused(404, "not found")
    if Path(target).suffix.lower() not in CONTENT_TYPES or not os.path.isfile(target):
        raise Refused(404, "not found")
    return Path(target)


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(Exception):
    """The Range header asks for bytes past the end of the file (HTTP 416)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``Range: bytes=a-b`` → (first, last) inclusive, clipped to the file; None means send the whole file
    (no header, several ranges, or a form this server does not parse — all allowed by RFC 9110).
    :class:`RangeNotSatisfiable` when the range starts at or past the end (or asks for zero suffix bytes)."""
    if not header:
        return None
    m = _RANGE.match(header.strip())
    if not m or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
    if not first:  # suffix range: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(size - n, 0), size - 1
    a = int(first)
    if last and int(last) < a:
        return None  # syntactically invalid: ignore the header
    if a >= size:
        raise RangeNotSatisfiable
    return a, min(int(last), size - 1) if last else size - 1
