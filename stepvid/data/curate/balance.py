"""Concept balancing (report §6.2 stage 5): embeddings, k-means, Cluster_Cnt / Center_Sim, per-cluster caps.

The embedding is pluggable (``embed`` argument; any row -> vector function, e.g. a VideoCLIP model); the
built-in one is computed during tagging (``tags.embedding``). K-means is plain NumPy with k-means++ seeding
and a fixed seed, so a rerun gives the same clusters.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def kmeans(x: np.ndarray, k: int, iters: int = 50, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(centroids [k, d], labels [n]) by Lloyd's algorithm with k-means++ initialisation."""
    x = np.asarray(x, np.float64)
    n = len(x)
    if not 1 <= k <= n:
        raise ValueError(f"k-means: k must be in [1, {n}], got {k}")
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(n)]]
    d2 = ((x - centres[0]) ** 2).sum(1)
    for _ in range(1, k):
        p = d2 / d2.sum() if d2.sum() > 0 else np.full(n, 1 / n)
        centres.append(x[rng.choice(n, p=p)])
        d2 = np.minimum(d2, ((x - centres[-1]) ** 2).sum(1))
    c = np.stack(centres)
    labels = np.full(n, -1)
    for _ in range(iters):
        dist = (x**2).sum(1)[:, None] - 2 * x @ c.T + (c**2).sum(1)[None]
        new = dist.argmin(1)
        if (new == labels).all():
            break
        labels = new
        for j in range(k):
            members = x[labels == j]
            if len(members):
                c[j] = members.mean(0)
            else:  # re-seed an empty cluster at the point farthest from its centre
                far = dist[np.arange(n), labels].argmax()
                c[j] = x[far]
    return c, labels


def balance(
    rows: list[dict],
    k: int = 0,
    cap: int = 0,
    min_center_sim: float = -1.0,
    seed: int = 0,
    embed: Callable[[dict], np.ndarray] | None = None,
) -> None:
    """Add cluster, cluster_cnt, center_sim (cosine similarity to the centroid) and balance_keep, in place.

    ``balance_keep`` is False for in-cluster outliers (center_sim < min_center_sim) and, with ``cap`` > 0, for
    all but the ``cap`` clips closest to their centroid in each cluster.
    """
    usable = [i for i, r in enumerate(rows) if (embed is not None) or r.get("embedding")]
    for r in rows:
        r.update(cluster=-1, cluster_cnt=0, center_sim=None, balance_keep=True)
    if not usable:
        return
    x = np.stack([np.asarray(embed(rows[i]) if embed else rows[i]["embedding"], np.float64) for i in usable])
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-12
    k = k or max(1, int(round(np.sqrt(len(usable) / 2))))
    k = min(k, len(usable))
    centres, labels = kmeans(x, k, seed=seed)
    cn = centres / (np.linalg.norm(centres, axis=1, keepdims=True) + 1e-12)
    sims = (x * cn[labels]).sum(1)
    counts = np.bincount(labels, minlength=k)
    for i, lab, s in zip(usable, labels, sims):
        rows[i].update(
            cluster=int(lab),
            cluster_cnt=int(counts[lab]),
            center_sim=round(float(s), 5),
            balance_keep=bool(s >= min_center_sim),
        )
    if cap > 0:
        for j in range(k):
            members = [i for i, lab in zip(usable, labels) if lab == j and rows[i]["balance_keep"]]
            members.sort(key=lambda i: -rows[i]["center_sim"])
            for i in members[cap:]:
                rows[i]["balance_keep"] = False
