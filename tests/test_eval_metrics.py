"""stepvid.eval.metrics against closed forms: static, translated, flashing, blurred and inverted videos."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stepvid.eval.metrics import (
    METRICS,
    compute_metrics,
    frame_consistency,
    luma,
    motion_magnitude,
    optical_flow,
    sharpness,
    temporal_flicker,
)


def _grey(img: np.ndarray) -> np.ndarray:
    """uint8 RGB with R = G = B (luma weights sum to 1, so luma = the grey value)."""
    return np.repeat(np.clip(np.rint(img), 0, 255).astype(np.uint8)[..., None], 3, axis=-1)


def _smooth_texture(h: int, w: int, seed: int = 0) -> np.ndarray:
    """A smooth random pattern (sum of random low-frequency sinusoids), 0-255 floats."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w))
    for _ in range(12):
        fx, fy = rng.uniform(-0.12, 0.12, 2)
        img += np.cos(2 * math.pi * (fx * x + fy * y) + rng.uniform(0, 2 * math.pi))
    return (img - img.min()) / (img.max() - img.min()) * 255


def _translated(k: tuple[int, int], frames: int = 6, size: int = 64) -> np.ndarray:
    """A window moving over a larger pattern: the content shifts by (-kx, -ky) pixels per frame."""
    big = _smooth_texture(size + 8 * frames, size + 8 * frames)
    kx, ky = k
    return np.stack([_grey(big[8 + ky * t: 8 + ky * t + size, 8 + kx * t: 8 + kx * t + size]) for t in range(frames)])


def test_static_video_has_no_flicker_no_motion_and_full_consistency():
    frames = np.repeat(_translated((0, 0), 1), 5, axis=0)
    m = compute_metrics(frames)
    assert m["flicker"] == 0.0 and m["motion"] == 0.0 and m["consistency"] == pytest.approx(1.0, abs=1e-12)
    assert m["sharpness"] > 0 and list(m) == list(METRICS)


@pytest.mark.parametrize("k", [(1, 0), (2, 0), (0, 3), (2, 2)])
def test_translation_by_k_pixels_per_frame_has_motion_k(k):
    frames = _translated(k)
    flow = optical_flow(frames)
    assert motion_magnitude(frames, flow) == pytest.approx(math.hypot(*k), rel=0.05)
    # content moves by -k, so the flow's mean vector is -k (direction, not only magnitude)
    assert flow[..., 0].mean() == pytest.approx(-k[0], abs=0.1) and flow[..., 1].mean() == pytest.approx(-k[1], abs=0.1)
    # after removing the motion almost nothing changes; the raw frame difference is large
    raw = np.abs(np.diff(luma(frames), axis=0)).mean()
    assert temporal_flicker(frames, flow) < 0.05 * raw
    assert 0.5 < frame_consistency(frames) < 1.0


def test_a_uniform_frame_stepping_in_brightness_flickers_by_the_step():
    frames = np.stack([np.full((24, 40, 3), 100 + 10 * (t % 2), np.uint8) for t in range(5)])
    m = compute_metrics(frames)
    assert m["flicker"] == pytest.approx(10.0, abs=1e-5)
    assert m["motion"] == 0.0 and m["sharpness"] == 0.0
    assert m["consistency"] == 1.0  # two featureless frames: same structure


def test_flicker_is_the_mean_over_pairs():
    base = _smooth_texture(48, 48) * 200 / 255  # 0-200: the offsets below never clip
    steps = [0, 6, 6, 0]  # consecutive pairs differ by a uniform 6, 0 and 6 grey levels: no motion
    frames = np.stack([_grey(base + s) for s in steps])
    assert motion_magnitude(frames) < 0.01
    assert temporal_flicker(frames) == pytest.approx((6 + 0 + 6) / 3, abs=0.02)


def test_sharpness_of_a_checkerboard_is_64_a_squared():
    a, m = 50, 128
    y, x = np.mgrid[0:33, 0:47]
    img = m + a * np.where((x + y) % 2 == 0, 1, -1)
    assert sharpness(_grey(img)[None]) == pytest.approx(64 * a * a, rel=1e-4)


def test_blurring_a_sinusoid_lowers_sharpness_by_the_expected_ratio():
    w, omega, amp = 8 * 20 + 2, 2 * math.pi / 8, 100.0  # interior = 20 whole periods
    x = np.arange(-1, w + 1, dtype=np.float64)
    f = 128 + amp * np.cos(omega * x)
    blurred = (f[:-2] + 2 * f[1:-1] + f[2:]) / 4  # [1, 2, 1] / 4 along x: amplitude x (1 + cos w) / 2
    sharp_img, blur_img = np.tile(f[1:-1], (16, 1)), np.tile(blurred, (16, 1))
    s_sharp, s_blur = sharpness(_grey(sharp_img)[None]), sharpness(_grey(blur_img)[None])
    # discrete Laplacian of A cos(wx) is A (2 cos w - 2) cos(wx); over whole periods its variance is that^2 / 2
    assert s_sharp == pytest.approx(amp**2 * (2 - 2 * math.cos(omega)) ** 2 / 2, rel=0.01)
    assert s_blur / s_sharp == pytest.approx(((1 + math.cos(omega)) / 2) ** 2, rel=0.02)


def test_consistency_closed_forms():
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    assert frame_consistency(np.stack([img, 255 - img])) == pytest.approx(-1.0, abs=1e-9)  # inverted picture
    noise = rng.integers(0, 256, (2, 64, 64, 3), dtype=np.uint8)  # independent: ~0 (3,072 features)
    assert abs(frame_consistency(noise)) < 0.1
    flat = np.full((64, 64, 3), 90, np.uint8)
    assert frame_consistency(np.stack([flat, img])) == 0.0  # featureless against textured
    # averaging then correlating: a frame and the same frame +20 (no clipping) are identical in structure
    low = rng.integers(0, 200, (40, 50, 3), dtype=np.uint8)
    assert frame_consistency(np.stack([low, low + 20])) == pytest.approx(1.0, abs=1e-12)


def test_single_frame_gets_only_sharpness_and_bad_input_is_refused():
    one = _translated((0, 0), 1)
    assert list(compute_metrics(one)) == ["sharpness"]
    with pytest.raises(ValueError, match="at least 2 frames"):
        temporal_flicker(one)
    with pytest.raises(ValueError, match="uint8"):
        compute_metrics(one.astype(np.float32))
    with pytest.raises(ValueError, match=r"\[T, H, W, 3\]"):
        sharpness(one[..., :2])
    frames = _translated((1, 0), 3)
    with pytest.raises(ValueError, match="flow must be"):
        motion_magnitude(frames, np.zeros((1, 64, 64, 2), np.float32))
