"""Near-duplicate clips by perceptual hashes (pHash of the 8 sampled frames, imagehash).

Candidate pairs come from locality-sensitive banding (a 64-bit hash cut into 4 bands of 16 bits: two
hashes within Hamming distance 3 always share a band; within 10, usually) so the cost stays near-linear;
each candidate pair is verified by the clip distance: the mean, over A's frames, of the smallest Hamming
distance to any of B's frames (symmetrised by max). The later clip of a matching pair (manifest order) is
marked ``is_duplicate`` with ``dup_of`` = the earlier clip's id.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np


def _bits(hexes: list[str]) -> np.ndarray:
    return np.array([[int(h, 16) >> (63 - i) & 1 for i in range(64)] for h in hexes], np.uint8)


def clip_distance(a: np.ndarray, b: np.ndarray) -> float:
    d = (a[:, None, :] != b[None, :, :]).sum(-1)
    return float(max(d.min(1).mean(), d.min(0).mean()))


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
