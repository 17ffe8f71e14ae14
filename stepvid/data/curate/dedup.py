"""Near-duplicate clips by perceptual hashes (pHash, imagehash, of every 2nd frame, central region).

Candidate pairs come from locality-sensitive banding (a 64-bit hash cut into 4 bands of 16 bits: two
hashes within Hamming distance 3 always share a band; within 10, usually) so the cost stays near-linear;
each candidate pair is verified by the clip distance (``clip_distance``). The later clip of a matching pair (manifest order) is
marked ``is_duplicate`` with ``dup_of`` = the earlier clip's id.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np


def _bits(hexes: list[str]) -> np.ndarray:
    return np.array([[int(h, 16) >> (63 - i) & 1 for i in range(64)] for h in hexes], np.uint8)


def clip_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Best temporal alignment of two hash sequences (same frame stride): the smallest mean Hamming
    distance along any diagonal offset overlapping at least half of the shorter clip (and 3 hashes).
    A re-upload cut at other points aligns at one offset; unrelated clips match nowhere consistently."""
    d = (a[:, None, :] != b[None, :, :]).sum(-1).astype(np.float64)
    na, nb = d.shape
    need = max(min(3, na, nb), int(np.ceil(0.5 * min(na, nb))))
    best = np.inf
    for off in range(-(nb - 1), na):
        diag = np.diagonal(d, offset=-off)
        if len(diag) >= need:
            best = min(best, float(diag.mean()))
    return best


def mark_duplicates(rows: list[dict], max_hamming: int = 10) -> int:
    """Set is_duplicate / dup_of / dup_distance on rows (in place); returns the number marked."""
    bits = [_bits(r["phash"]) if r.get("phash") else None for r in rows]
    buckets: dict[tuple, list[int]] = defaultdict(list)
    cands: set[tuple[int, int]] = set()
    for i, r in enumerate(rows):
        r["is_duplicate"], r["dup_of"], r["dup_distance"] = False, "", None
        for h in r.get("phash") or []:
            v = int(h, 16)
            for band in range(4):
                key = (band, (v >> (16 * band)) & 0xFFFF)
                for j in buckets[key]:
                    if j != i:
                        cands.add((j, i))
                if not buckets[key] or buckets[key][-1] != i:
                    buckets[key].append(i)
    marked = 0
    best: dict[int, tuple[float, int]] = {}
    for j, i in cands:
        if bits[i] is None or bits[j] is None:
            continue
        d = clip_distance(bits[i], bits[j])
        if d <= max_hamming and (i not in best or d < best[i][0]):
            best[i] = (d, j)
    for i, (d, j) in best.items():
        if rows[j]["is_duplicate"] and rows[j]["dup_of"] == rows[i].get("clip_id"):
            continue
        rows[i].update(is_duplicate=True, dup_of=rows[j].get("clip_id", str(j)), dup_distance=round(d, 3))
        marked += 1
    return marked
