"""Scene specs of the synthetic world: what is in a clip and how it moves, independent of resolution.

Coordinates are resolution-free: an object's centre ``(x, y)`` is a fraction of the frame's width and
height, its ``size`` an equal-area radius as a fraction of ``min(height, width)``. Motion is defined over
clip time ``t in [0, 1]`` (first to last frame), so a clip of any length and fps shows the same travel.
Sampling checks containment and non-overlap in a square frame, which is the worst case for every aspect
ratio (a wider or taller frame only moves objects further apart, measured in object radii).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

# ---------------------------------------------------------------------------------------------- vocabulary
# Colours far apart in RGB so they stay separable after VAE/codec blur; names in English and Chinese.
COLORS: dict[str, tuple[int, int, int]] = {
    "red": (220, 30, 40),
    "orange": (250, 140, 20),
    "yellow": (245, 225, 40),
    "green": (40, 170, 60),
    "cyan": (40, 210, 220),
    "blue": (30, 70, 220),
    "purple": (140, 50, 200),
    "pink": (250, 130, 200),
    "white": (245, 245, 245),
    "black": (20, 20, 20),
    "gray": (128, 128, 128),
}
COLOR_ZH = {
    "red": "红色", "orange": "橙色", "yellow": "黄色", "green": "绿色", "cyan": "青色", "blue": "蓝色",
    "purple": "紫色", "pink": "粉色", "white": "白色", "black": "黑色", "gray": "灰色",
}
SHAPES = ("circle", "square", "triangle", "star", "diamond", "cross")
SHAPE_ZH = {"circle": "圆形", "square": "正方形", "triangle": "三角形", "star": "星形", "diamond": "菱形", "cross": "十字形"}
SIZES = {"small": 0.07, "medium": 0.105, "large": 0.15}  # equal-area radius / min(H, W)
SIZE_ZH = {"small": "小", "medium": "中等大小", "large": "大"}
DIRECTIONS: dict[str, tuple[int, int]] = {  # (dx, dy) signs; y grows downwards
    "left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1),
    "up-left": (-1, -1), "up-right": (1, -1), "down-left": (-1, 1), "down-right": (1, 1),
}
MOTIONS = tuple(DIRECTIONS) + ("still", "rotate", "grow", "shrink", "bounce", "towards")
SPEED_MOTIONS = tuple(DIRECTIONS) + ("bounce", "towards")  # motions that carry a speed (slow/fast)
SPEEDS = ("slow", "fast")
BACKGROUNDS = ("solid", "vgradient", "hgradient", "texture")

# Travel over the whole clip, as a fraction of the frame along each moving axis.
TRAVEL = {"slow": 0.25, "fast": 0.5}
BOUNCE_TRAVEL = {"slow": 0.8, "fast": 1.5}  # unfolded path per axis; walls fold it back
TOWARDS_TRAVEL = {"slow": 0.11, "fast": 0.22}  # per object, along the line joining the two
GROW_FACTOR = 1.7  # linear scale at the end of a grow clip (1/GROW_FACTOR for shrink)
ROTATE_DEGREES = 90.0
GRADIENT_AMPLITUDE = 0.28  # gradients go from base mixed 28% with white to base mixed 28% with black
TEXTURE_AMPLITUDE = 16.0  # +- uint8 levels of the light texture

# Outer radius of each shape per unit equal-area radius (bounds the shape under any rotation).
SHAPE_BOUND = {"circle": 1.0, "square": 1.2534, "triangle": 1.5551, "star": 1.5412, "diamond": 1.5855, "cross": 1.2370}

# Held-out attribute combinations: (colour, shape, motion) triples never emitted by the train split.
# A clip is held out when ANY of its objects matches one of these triples (see ``is_heldout``).
HELDOUT_TRIPLES: frozenset[tuple[str, str, str]] = frozenset({
    ("red", "star", "up"),
    ("blue", "triangle", "rotate"),
    ("green", "circle", "bounce"),
    ("yellow", "square", "left"),
    ("purple", "diamond", "grow"),
    ("orange", "cross", "down"),
    ("cyan", "star", "shrink"),
    ("pink", "circle", "right"),
    ("white", "triangle", "down-right"),
    ("black", "square", "up-left"),
    ("gray", "cross", "towards"),
    ("red", "diamond", "still"),
})

MIN_COLOR_CONTRAST = 110.0  # min RGB distance between an object colour and any background colour it sits on
GAP = 0.05  # min clearance between object bounds, in min-side units


@dataclass
class ObjectSpec:
    """One object: attributes (what captions mention) and its resolved trajectory (what the renderer draws)."""

    shape: str
    color: str
    size: str
    motion: str
    speed: str | None = None  # only for SPEED_MOTIONS
    x: float = 0.5  # start centre, fraction of width
    y: float = 0.5  # start centre, fraction of height
    dx: float = 0.0  # travel over the clip (unfolded for bounce), fraction of width
    dy: float = 0.0  # travel over the clip, fraction of height
    angle: float = 0.0  # start rotation, degrees
    spin: float = 0.0  # rotation over the clip, degrees
    scale_end: float = 1.0  # linear scale at t = 1 relative to t = 0

    @property
    def radius(self) -> float:
        """Equal-area radius at t = 0, in min-side units."""
        return SIZES[self.size]

    def state(self, t: np.ndarray | float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Centre x, y (frame fractions), radius (min-side units) and angle (degrees) at clip times ``t``."""
        t = np.asarray(t, dtype=np.float64)
        x = self.x + self.dx * t
        y = self.y + self.dy * t
        r = self.radius * (1.0 + (self.scale_end - 1.0) * t)
        if self.motion == "bounce":  # fold the unfolded path back into the allowed band
            b = self.radius * SHAPE_BOUND[self.shape]
            x = _fold(x, b, 1.0 - b)
            y = _fold(y, b, 1.0 - b)
        return x, y, r, self.angle + self.spin * t


def _fold(v: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Reflect positions into [lo, hi] (a triangle wave): a ball bouncing between two walls."""
    span = hi - lo
    p = np.mod(v - lo, 2 * span)
    return lo + np.where(p > span, 2 * span - p, p)


@dataclass
class SceneSpec:
    """A whole clip: background and 1-3 objects. ``seed`` drives the background texture."""

    objects: list[ObjectSpec]
    bg_color: str = "white"
    bg_kind: str = "solid"
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SceneSpec:
        known = {f.name for f in fields(ObjectSpec)}
        objs = []
        for i, o in enumerate(d.get("objects", [])):
            extra = set(o) - known
            if extra:
                raise ValueError(f"scene spec: object {i} has unknown keys {sorted(extra)}")
            objs.append(ObjectSpec(**o))
        spec = cls(objects=objs, **{k: v for k, v in d.items() if k != "objects"})
        spec.validate()
        return spec

    def validate(self) -> None:
        """Raise ValueError naming the first unknown attribute value."""
        if self.bg_color not in COLORS:
            raise ValueError(f"scene spec: unknown bg_color {self.bg_color!r}; choose from {sorted(COLORS)}")
        if self.bg_kind not in BACKGROUNDS:
            raise ValueError(f"scene spec: unknown bg_kind {self.bg_kind!r}; choose from {BACKGROUNDS}")
        if not self.objects:
            raise ValueError("scene spec: no objects")
        for i, o in enumerate(self.objects):
            for name, value, vocab in (("shape", o.shape, SHAPES), ("color", o.color, COLORS), ("size", o.size, SIZES),
                                       ("motion", o.motion, MOTIONS)):
                if value not in vocab:
                    raise ValueError(f"scene spec: object {i}: unknown {name} {value!r}; choose from {sorted(vocab)}")
            if (o.speed is None) != (o.motion not in SPEED_MOTIONS) or (o.speed is not None and o.speed not in SPEEDS):
                raise ValueError(f"scene spec: object {i}: speed {o.speed!r} invalid for motion {o.motion!r}")


# ------------------------------------------------------------------------------------------------ held-out
def is_heldout(spec: SceneSpec | dict) -> bool:
    """True when any object's (colour, shape, motion) is one of ``HELDOUT_TRIPLES``."""
    objs = spec["objects"] if isinstance(spec, dict) else [asdict(o) for o in spec.objects]
    return any((o["color"], o["shape"], o["motion"]) in HELDOUT_TRIPLES for o in objs)


# ------------------------------------------------------------------------------------------------ sampling
def background_colors(spec_bg: str, kind: str) -> list[np.ndarray]:
    """The extreme colours a background takes (the ends of a gradient), as float RGB."""
    base = np.array(COLORS[spec_bg], dtype=np.float64)
    if kind in ("vgradient", "hgradient"):
        a = GRADIENT_AMPLITUDE
        return [base * (1 - a) + 255 * a, base * (1 - a)]
    if kind == "texture":
        return [np.clip(base + TEXTURE_AMPLITUDE, 0, 255), np.clip(base - TEXTURE_AMPLITUDE, 0, 255)]
    return [base]


def compatible_colors(bg_color: str, bg_kind: str) -> list[str]:
    """Object colours that contrast with every point of the background (so segmentation is unambiguous)."""
    ends = background_colors(bg_color, bg_kind)
    out = []
    for name, rgb in COLORS.items():
        c = np.array(rgb, dtype=np.float64)
        if len(ends) == 2:  # distance from c to the segment between the two ends
            a, b = ends
            s = np.clip(np.dot(c - a, b - a) / max(np.dot(b - a, b - a), 1e-9), 0, 1)
            d = np.linalg.norm(c - (a + s * (b - a)))
        else:
            d = np.linalg.norm(c - ends[0])
        if d >= MIN_COLOR_CONTRAST:
            out.append(name)
    return out


def _choice(rng: np.random.Generator, seq):
    seq = list(seq)
    return seq[int(rng.integers(len(seq)))]


def _place(o: ObjectSpec, rng: np.random.Generator) -> bool:
    """Choose start position and trajectory for ``o`` so it stays inside the frame; False if impossible."""
    b = o.radius * SHAPE_BOUND[o.shape] * max(1.0, o.scale_end)
    m = o.motion
    if m in DIRECTIONS:
        sx, sy = DIRECTIONS[m]
        travel = TRAVEL[o.speed]
        o.dx, o.dy = sx * travel, sy * travel
    elif m == "bounce":
        travel = BOUNCE_TRAVEL[o.speed]
        sx, sy = _choice(rng, [(1, 1), (1, -1), (-1, 1), (-1, -1)])
        o.dx, o.dy = sx * travel * rng.uniform(0.8, 1.0), sy * travel * rng.uniform(0.5, 0.8)
        if rng.random() < 0.5:
            o.dx, o.dy = o.dy, o.dx
    lo_x, hi_x = b - min(o.dx, 0), 1 - b - max(o.dx, 0)
    lo_y, hi_y = b - min(o.dy, 0), 1 - b - max(o.dy, 0)
    if m == "bounce":
        lo_x, hi_x, lo_y, hi_y = b, 1 - b, b, 1 - b
    if lo_x > hi_x or lo_y > hi_y:
        return False
    o.x, o.y = float(rng.uniform(lo_x, hi_x)), float(rng.uniform(lo_y, hi_y))
    if m == "bounce":  # require a wall hit well inside the clip so the reversal is visible
        t = np.linspace(0, 1, 65)
        x, y, _, _ = o.state(t)
        inner = (t > 0.15) & (t < 0.85)
        turns = (np.diff(np.sign(np.diff(x)))[inner[1:-1]] != 0).any() or (np.diff(np.sign(np.diff(y)))[inner[1:-1]] != 0).any()
        if not turns:
            return False
    return True


def _place_towards(a: ObjectSpec, b: ObjectSpec, rng: np.random.Generator) -> bool:
    """Place two objects on a line and move each towards the other, stopping with a clear gap."""
    ra, rb = a.radius * SHAPE_BOUND[a.shape], b.radius * SHAPE_BOUND[b.shape]
    travel = TOWARDS_TRAVEL[a.speed]
    end_sep = ra + rb + GAP + rng.uniform(0.0, 0.08)
    sep = end_sep + 2 * travel
    theta = rng.uniform(0, 2 * math.pi) if rng.random() < 0.5 else _choice(rng, [0.0, math.pi / 2])
    ux, uy = math.cos(theta), math.sin(theta)
    cx = rng.uniform(0.2, 0.8)
    cy = rng.uniform(0.2, 0.8)
    a.x, a.y = cx - ux * sep / 2, cy - uy * sep / 2
    b.x, b.y = cx + ux * sep / 2, cy + uy * sep / 2
    a.dx, a.dy = ux * travel, uy * travel
    b.dx, b.dy = -ux * travel, -uy * travel
    for o, r in ((a, ra), (b, rb)):
        if not (r <= o.x <= 1 - r and r <= o.y <= 1 - r):
            return False
    return True


def _collides(objs: list[ObjectSpec], samples: int = 33) -> bool:
    """True when any two objects come closer than their bounding circles plus GAP (square frame)."""
    t = np.linspace(0, 1, samples)
    states = [o.state(t) for o in objs]
    for i in range(len(objs)):
        for j in range(i + 1, len(objs)):
            xi, yi, ri, _ = states[i]
            xj, yj, rj, _ = states[j]
            need = ri * SHAPE_BOUND[objs[i].shape] + rj * SHAPE_BOUND[objs[j].shape] + GAP
            if np.any(np.hypot(xi - xj, yi - yj) < need):
                return True
    return False


OBJECT_COUNT_P = (0.45, 0.35, 0.2)  # default mix of 1, 2 and 3 objects per scene


def _probabilities(weights: Sequence[float], what: str) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"{what}: weights must be finite, >= 0 and not all 0; got {list(weights)}")
    return w / w.sum()


def sample_scene(
    rng: np.random.Generator | int,
    split: str = "train",
    num_objects: int | None = None,
    motions: tuple[str, ...] | None = None,
    bg_kinds: tuple[str, ...] = BACKGROUNDS,
    max_tries: int = 500,
    shape_weights: Mapping[str, float] | None = None,
    count_weights: Sequence[float] | None = None,
) -> SceneSpec:
    """Sample a random scene.

    ``split``: "train" never contains a held-out triple; "heldout" always contains at least one;
    "any" ignores the rule. Objects sharing colour and shape share every attribute (so "two red circles
    moving right" describes them exactly); a "towards" scene has exactly two objects.
    ``shape_weights`` (shape -> relative weight, missing shapes 1) and ``count_weights`` (1, 2, 3 objects)
    rebalance a training mix, e.g. towards the shapes a model gets wrong; None keeps the uniform shapes and
    :data:`OBJECT_COUNT_P`, with the same random stream as before these options existed.
    """
    if split not in ("train", "heldout", "any"):
        raise ValueError(f"split must be train, heldout or any; got {split!r}")
    shape_p = None
    if shape_weights is not None:
        unknown = sorted(set(shape_weights) - set(SHAPES))
        if unknown:
            raise ValueError(f"shape_weights: unknown shape(s) {unknown}; choose from {SHAPES}")
        shape_p = _probabilities([shape_weights.get(x, 1.0) for x in SHAPES], "shape_weights")
    count_p = list(OBJECT_COUNT_P)
    if count_weights is not None:
        if len(count_weights) != 3:
            raise ValueError(f"count_weights: one weight for each of 1, 2, 3 objects; got {list(count_weights)}")
        count_p = list(_probabilities(count_weights, "count_weights"))
    rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    motions = tuple(motions or MOTIONS)
    for m in motions:
        if m not in MOTIONS:
            raise ValueError(f"unknown motion {m!r}; choose from {MOTIONS}")
    if motions == ("towards",):
        if num_objects not in (None, 2):
            raise ValueError(f"'towards' needs exactly 2 objects; got num_objects={num_objects}")
        num_objects = 2
    for _ in range(max_tries):
        bg_color = _choice(rng, COLORS)
        bg_kind = _choice(rng, bg_kinds)
        colors = compatible_colors(bg_color, bg_kind)
        n = num_objects or int(rng.choice([1, 2, 3], p=count_p))
        towards = n == 2 and "towards" in motions and (rng.random() < 0.25 or motions == ("towards",))
        objs: list[ObjectSpec] = []
        if split == "heldout":  # seed the scene with a held-out triple that fits this background
            options = [t for t in sorted(HELDOUT_TRIPLES) if t[0] in colors and t[2] in motions
                       and (t[2] != "towards" or n == 2)]
            if not options:
                continue
            c, s, m = _choice(rng, options)
            if m == "towards":
                towards = True
            objs.append(_new_object(rng, s, c, m))
        while len(objs) < n:
            if towards:
                m = "towards"
            else:
                m = _choice(rng, [m for m in motions if m != "towards"])
            c = _choice(rng, colors)
            s = _choice(rng, SHAPES) if shape_p is None else SHAPES[int(rng.choice(len(SHAPES), p=shape_p))]
            same = [o for o in objs if (o.color, o.shape) == (c, s)]
            if same:  # an identical twin: copy attributes, re-place later
                objs.append(_new_object(rng, s, c, same[0].motion, same[0].size, same[0].speed))
            else:
                objs.append(_new_object(rng, s, c, m))
        if towards:
            objs[1].speed = objs[0].speed
            if objs[0].color == objs[1].color and objs[0].shape == objs[1].shape:
                objs[1].size = objs[0].size
            if any(o.motion != "towards" for o in objs):
                continue
        elif any(o.motion == "towards" for o in objs):
            continue
        spec = SceneSpec(objects=objs, bg_color=bg_color, bg_kind=bg_kind, seed=int(rng.integers(2**31)))
        if (split == "train" and is_heldout(spec)) or (split == "heldout" and not is_heldout(spec)):
            continue
        if not _group_consistent(objs):
            continue
        for _ in range(40):
            ok = _place_towards(objs[0], objs[1], rng) if towards else all(_place(o, rng) for o in objs)
            if ok and not _collides(objs):
                spec.validate()
                return spec
    raise RuntimeError(f"could not sample a valid scene in {max_tries} tries (split={split}, motions={motions})")


def _group_consistent(objs: list[ObjectSpec]) -> bool:
    groups: dict[tuple[str, str], tuple] = {}
    for o in objs:
        key, attrs = (o.color, o.shape), (o.size, o.motion, o.speed)
        if groups.setdefault(key, attrs) != attrs:
            return False
    return True


def _new_object(rng, shape: str, color: str, motion: str, size: str | None = None, speed: str | None = None) -> ObjectSpec:
    size = size or _choice(rng, SIZES)
    if motion in SPEED_MOTIONS:
        speed = speed or _choice(rng, SPEEDS)
    else:
        speed = None
    o = ObjectSpec(shape=shape, color=color, size=size, motion=motion, speed=speed,
                   angle=float(rng.uniform(-20, 20)) if shape != "circle" else 0.0)
    if motion == "rotate":
        o.spin = ROTATE_DEGREES * (1 if rng.random() < 0.5 else -1)
    elif motion == "grow":
        o.scale_end = GROW_FACTOR
    elif motion == "shrink":
        o.scale_end = 1.0 / GROW_FACTOR
    if motion == "rotate" and shape == "circle":  # a spinning circle is invisible: draw a different shape
        o.shape = _choice(rng, [s for s in SHAPES if s != "circle"])
    return o


def groups(spec: SceneSpec) -> list[list[int]]:
    """Indices of objects grouped by (colour, shape), in first-appearance order (captions name groups)."""
    out: dict[tuple[str, str], list[int]] = {}
    for i, o in enumerate(spec.objects):
        out.setdefault((o.color, o.shape), []).append(i)
    return list(out.values())


__all__ = [
    "BACKGROUNDS",
    "COLORS",
    "COLOR_ZH",
    "DIRECTIONS",
    "HELDOUT_TRIPLES",
    "MOTIONS",
    "SHAPES",
    "SHAPE_ZH",
    "SIZES",
    "SIZE_ZH",
    "SPEEDS",
    "SPEED_MOTIONS",
    "ObjectSpec",
    "SceneSpec",
    "compatible_colors",
    "groups",
    "is_heldout",
    "sample_scene",
]
