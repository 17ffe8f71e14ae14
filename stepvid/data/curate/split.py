"""Stage 1: shot splitting with cut-aware trimming.

Boundaries are found on a low-resolution Lab copy of every frame by three detectors:

* hard cuts — AdaptiveDetector's rule (PySceneDetect): a frame difference that is both large and several
  times the mean difference of its neighbours, so fast motion does not fire but a cut does;
* gradual transitions (cross-dissolves, fades) — the difference between frames ``t - gap`` and ``t + gap``
  peaks in the middle of a dissolve while it stays near its local median inside a shot;
* fades through black — a short run of black frames between brighter content.

We run our own implementation of the adaptive rule rather than scenedetect's because the same pass must
also catch dissolves, which AdaptiveDetector by design ignores (its rolling average absorbs slow change),
and because sharing one decode with optical flow halves decoding time. Each shot loses ``trim_frames`` at
both ends (report §6.2), gradual transitions lose their whole estimated extent, shots shorter than
``min_seconds`` are dropped and longer than ``max_seconds`` are split into equal parts.
"""

from __future__ import annotations

import numpy as np

from stepvid.data.curate.config import CurateConfig


def _lab(small: np.ndarray) -> np.ndarray:
    import cv2

    return np.stack(
        [cv2.cvtColor(cv2.GaussianBlur(f, (0, 0), 1.0), cv2.COLOR_RGB2LAB) for f in small]
    ).astype(np.float32)


def detect_boundaries(small: np.ndarray, cfg: CurateConfig = CurateConfig()) -> list[dict]:
    """Shot boundaries in a [T, h, w, 3] uint8 clip: dicts {frame, type, start, end}.

    ``frame`` is the first frame of the new shot (the middle, for gradual transitions); ``[start, end)`` is
    the span of transition frames that belongs to neither shot (empty for a hard cut).
    """
    T = len(small)
    lab = _lab(small)
    d = np.zeros(T, np.float32)
    d[1:] = np.abs(lab[1:] - lab[:-1]).mean(axis=(1, 2, 3))
    luma = lab[..., 0].mean(axis=(1, 2))  # OpenCV's 8-bit L* (0..255)
    w = cfg.cut_window
    cands: list[dict] = []
    for t in np.flatnonzero(d >= cfg.cut_min_diff):
        nb = np.concatenate([d[max(1, t - w) : t], d[t + 1 : t + 1 + w]])
        ratio = d[t] / (nb.mean() + 1.0) if len(nb) else np.inf
        if ratio >= cfg.cut_ratio:
            cands.append(
                {"frame": int(t), "type": "cut", "start": int(t), "end": int(t), "score": float(d[t]) * 10}
            )
    g = cfg.gradual_gap
    if T > 2 * g + 1:
        D = np.zeros(T, np.float32)
        D[g : T - g] = np.abs(lab[2 * g :] - lab[: T - 2 * g]).mean(axis=(1, 2, 3))
        from scipy.ndimage import maximum_filter1d, median_filter

        local_max = maximum_filter1d(D, 2 * g + 1, mode="nearest")
        # each shot's own change rate, measured clear of the transition: medians centred 3*gap before and after
        med = median_filter(D, 2 * g + 1, mode="nearest")
        idx = np.arange(T)
        base = np.maximum(med[np.clip(idx - 3 * g, g, T - g - 1)], med[np.clip(idx + 3 * g, g, T - g - 1)])
        for t in np.flatnonzero(
            (D >= cfg.gradual_min_diff) & (D >= local_max) & (D >= cfg.gradual_ratio * (base + 1.0))
        ):
            j = int(t - g + np.argmax(d[t - g + 1 : t + g + 1])) + 1
            if d[j] >= 0.5 * D[t]:  # the change happened in one frame: a (low-contrast) hard cut
                cands.append({"frame": j, "type": "cut", "start": j, "end": j, "score": float(D[t])})
            else:
                cands.append(
                    {
                        "frame": int(t),
                        "type": "gradual",
                        "start": int(t) - g,
                        "end": int(t) + g,
                        "score": float(D[t]),
                    }
                )
    dark = luma < cfg.black_luma
    t = 0
    while t < T:
        if dark[t]:
            u = t
            while u < T and dark[u]:
                u += 1
            if 0 < t and u < T and u - t <= 2 * cfg.gradual_gap + 30:
                cands.append(
                    {
                        "frame": (t + u) // 2,
                        "type": "fade_black",
                        "start": max(0, t - g),
                        "end": min(T, u + g),
                        "score": 1e6,
                    }
                )
            t = u
        else:
            t += 1
    # non-maximum suppression: hard cuts and black runs win over the broad gradual peaks near them
    cands.sort(key=lambda c: -c["score"])
    kept: list[dict] = []
    for c in cands:
        if all(abs(c["frame"] - k["frame"]) > 2 * g for k in kept):
            kept.append(c)
    kept.sort(key=lambda c: c["frame"])
    for c in kept:
        c.pop("score")
    return kept


def shots_from_boundaries(boundaries: list[dict], num_frames: int) -> list[tuple[int, int]]:
    """[start, end) of each shot between the transition spans."""
    shots, pos = [], 0
    for b in boundaries:
        shots.append((pos, b["start"]))
        pos = max(pos, b["end"])
    shots.append((pos, num_frames))
    return [(s, e) for s, e in shots if e > s]


def clips_from_shots(
    shots: list[tuple[int, int]], fps: float, cfg: CurateConfig = CurateConfig()
) -> tuple[list[dict], int]:
    """Trim, length-filter and split shots into clips; returns (clips, number of shots dropped as too short)."""
    min_len = int(np.ceil(cfg.min_seconds * fps))
    max_len = max(min_len, int(cfg.max_seconds * fps))
    clips, short = [], 0
    for shot, (s, e) in enumerate(shots):
        s, e = s + cfg.trim_frames, e - cfg.trim_frames
        if e - s < min_len:
            short += 1
            continue
        parts = int(np.ceil((e - s) / max_len))
        edges = np.linspace(s, e, parts + 1).round().astype(int)
        for p in range(parts):
            clips.append(
                {"shot": shot, "part": p, "start_frame": int(edges[p]), "end_frame": int(edges[p + 1])}
            )
    return clips, short


def split_video(
    small: np.ndarray, fps: float, cfg: CurateConfig = CurateConfig()
) -> tuple[list[dict], list[dict], int]:
    """Boundaries, clips and the count of too-short shots for one decoded low-res video."""
    b = detect_boundaries(small, cfg)
    clips, short = clips_from_shots(shots_from_boundaries(b, len(small)), fps, cfg)
    for c in clips:
        c.update(
            num_frames=c["end_frame"] - c["start_frame"],
            start_time=round(c["start_frame"] / fps, 4),
            end_time=round(c["end_frame"] / fps, 4),
            duration=round((c["end_frame"] - c["start_frame"]) / fps, 4),
        )
    return b, clips, short
