"""What a prompt or a (partial) spec asks of a clip: a :class:`Request`, and the rules every request obeys.

A request is a list of object groups plus the background; ``None`` means "not mentioned, not judged".
The same rules check requests from the prompt parser and from partial specs, so both refuse the same
things: groups that could match the same objects, more than three objects, "towards" without exactly
two objects, a speed on a motion that has none.

Partial spec JSON (``judge(spec=dict)``, ``stepvid world judge --spec``) — every key optional except
``objects``; only the attributes given are judged::

    {"objects": [{"color": "red", "shape": "circle", "count": 2, "size": "large",
                  "motion": "right", "speed": "fast"}],
     "bg_color": "white", "bg_kind": "solid"}

A full :class:`~stepvid.world.scene.SceneSpec` dict (``spec.to_dict()``, a manifest's ``spec`` column) is a
valid partial spec: its geometry keys (x, y, dx, ...) and ``seed`` are accepted and not judged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from stepvid.world.scene import BACKGROUNDS, COLORS, MOTIONS, SHAPES, SIZES, SPEED_MOTIONS, SPEEDS, ObjectSpec

__all__ = [
    "MAX_OBJECTS",
    "CannotJudge",
    "GroupRequest",
    "Request",
    "check_request",
    "describe_group",
    "normalize_groups",
    "request_from_dict",
    "request_to_spec",
]

MAX_OBJECTS = 3  # the world's scenes hold 1-3 objects


class CannotJudge(ValueError):
    """The prompt asks for something the judge cannot check, or is unclear (the message names the word)."""


@dataclass
class GroupRequest:
    """One group of identical objects a prompt asks for; None means "not mentioned, not judged".

    ``shape`` (and ``color``) None: any shape ("a red object"); the group then counts every object of its
    colour (or every object).
    """

    count: int
    color: str | None
    shape: str | None
    size: str | None = None
    motion: str | None = None
    speed: str | None = None


@dataclass
class Request:
    """Everything a prompt asks for."""

    groups: list[GroupRequest]
    bg_color: str | None = None
    bg_kind: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


_NUM = {1: "a", 2: "two", 3: "three"}


def describe_group(g: GroupRequest) -> str:
    """'two red circles', 'a circle', 'an object': how messages name a group."""
    noun = g.shape or "object"
    if g.count != 1:
        noun = noun + ("es" if noun.endswith("s") else "s")
    words = [w for w in (_NUM.get(g.count, str(g.count)), g.size, g.color, noun) if w]
    if words[0] == "a" and words[1][0] in "aeiou":
        words[0] = "an"
    return " ".join(words)


def _overlap(a: GroupRequest, b: GroupRequest) -> bool:
    """True when one object could belong to both groups (then neither count can be judged)."""
    return (a.color is None or b.color is None or a.color == b.color) and (
        a.shape is None or b.shape is None or a.shape == b.shape)


def normalize_groups(groups: list[GroupRequest]) -> list[GroupRequest]:
    """Merge identical groups and check the world's rules; raises ValueError with a one-line reason.

    Two groups with the same colour and shape are one group (the world gives such objects the same
    attributes) when every other attribute agrees; groups that could match the same object are refused.
    "towards" applies to every object of the pair (a group with no motion joins it; speeds are shared).
    """
    out: list[GroupRequest] = []
    for g in groups:
        same = [o for o in out if (o.color, o.shape) == (g.color, g.shape)]
        if same:
            o = same[0]
            if (o.size, o.motion, o.speed) != (g.size, g.motion, g.speed):
                raise ValueError(f"'{describe_group(o)}' and '{describe_group(g)}' are described differently; "
                                 f"the world gives objects of one colour and shape the same attributes")
            o.count += g.count
            continue
        for o in out:
            if _overlap(o, g):
                raise ValueError(f"'{describe_group(o)}' and '{describe_group(g)}' could be the same object; "
                                 f"give each a colour and a shape")
        out.append(GroupRequest(g.count, g.color, g.shape, g.size, g.motion, g.speed))
    total = sum(g.count for g in out)
    if total > MAX_OBJECTS:
        raise ValueError(f"{total} objects, more than this world's {MAX_OBJECTS}")
    if any(g.motion == "towards" for g in out):
        if total != 2:
            raise ValueError(f"'towards each other' needs exactly two objects; got {total}")
        other = [g for g in out if g.motion not in (None, "towards")]
        if other:
            raise ValueError(f"'{describe_group(other[0])}' moves '{other[0].motion}' but the other object "
                             f"moves towards it")
        speeds = {g.speed for g in out if g.speed}
        if len(speeds) > 1:
            raise ValueError(f"conflicting speeds {sorted(speeds)} for two objects moving towards each other")
        for g in out:
            g.motion, g.speed = "towards", g.speed or (next(iter(speeds)) if speeds else None)
    for g in out:
        if g.speed is not None and g.motion not in SPEED_MOTIONS:
            what = f"motion '{g.motion}'" if g.motion else "no motion"
            raise ValueError(f"speed '{g.speed}' for '{describe_group(g)}' with {what} (speeds go with "
                             f"directions, bounce and towards)")
    return out


# ------------------------------------------------------------------------------------------ partial specs
_OBJECT_KEYS = {"color": COLORS, "shape": SHAPES, "size": SIZES, "motion": MOTIONS, "speed": SPEEDS}
_GEOMETRY_KEYS = {f.name for f in fields(ObjectSpec)} - set(_OBJECT_KEYS)  # x, y, dx, ...: not judged
_TOP_KEYS = {"objects", "bg_color", "bg_kind", "seed"}


def _choice(where: str, value, vocab) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in vocab:
        raise ValueError(f"{where}: unknown value {value!r}; choose from {sorted(vocab)}")
    return value


def check_request(d: object, where: str) -> Request:
    """:func:`request_from_dict` for a row read from a file: the error says ``WHERE: request: ...``."""
    try:
        return request_from_dict(d)
    except ValueError as e:
        raise ValueError(f"{where}: request: {e}") from None


def request_from_dict(d: dict) -> Request:
    """A :class:`Request` from a partial spec dict (format in the module docstring); ValueError names the key.

    Objects listed separately with the same colour and shape form one group (as ``request_from_spec``
    does), so a full spec dict gives the same request as ``request_from_spec(SceneSpec, "dense")``.
    """
    if not isinstance(d, dict):
        raise ValueError(f"spec: expected a JSON object; got {type(d).__name__}")  # noqa: TRY004 (CLI input)
    extra = sorted(set(d) - _TOP_KEYS)
    if extra:
        raise ValueError(f"spec: unknown key {extra[0]!r}; known keys: {sorted(_TOP_KEYS)}")
    objs = d.get("objects")
    if not isinstance(objs, list) or not objs:
        raise ValueError("spec: 'objects' must be a non-empty list of objects")
    groups = []
    for i, o in enumerate(objs):
        where = f"spec: objects[{i}]"
        if not isinstance(o, dict):
            raise ValueError(f"{where}: expected a JSON object; got {type(o).__name__}")  # noqa: TRY004
        bad = sorted(set(o) - set(_OBJECT_KEYS) - _GEOMETRY_KEYS - {"count"})
        if bad:
            raise ValueError(f"{where}: unknown key {bad[0]!r}; known keys: {sorted(_OBJECT_KEYS) + ['count']}")
        vals = {k: _choice(f"{where}.{k}", o.get(k), vocab) for k, vocab in _OBJECT_KEYS.items()}
        count = o.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_OBJECTS:
            raise ValueError(f"{where}.count: must be 1, 2 or 3; got {count!r}")
        if vals["speed"] is not None and vals["motion"] is None:
            raise ValueError(f"{where}.speed: a speed needs a motion ({', '.join(SPEED_MOTIONS)})")
        groups.append(GroupRequest(count, vals["color"], vals["shape"], vals["size"], vals["motion"], vals["speed"]))
    bg_color = _choice("spec: bg_color", d.get("bg_color"), COLORS)
    bg_kind = _choice("spec: bg_kind", d.get("bg_kind"), BACKGROUNDS)
    try:
        groups = normalize_groups(groups)
    except ValueError as exc:
        raise ValueError(f"spec: {exc}") from None
    return Request(groups, bg_color, bg_kind)


def request_to_spec(req: Request) -> dict:
    """The partial spec dict (format in the module docstring) of ``req``: what :func:`request_from_dict` reads back.

    Every group is one entry of ``objects`` (with its ``count``); attributes that are None, and a background
    that is not stated, are left out, so ``request_from_dict(request_to_spec(r)) == r`` for every normalized
    request (what the parser, ``request_from_spec`` and ``natural_caption`` give). JSON-serialisable.
    """
    objects = []
    for g in req.groups:
        o = {"count": g.count}
        o.update({k: v for k in _OBJECT_KEYS if (v := getattr(g, k)) is not None})
        objects.append(o)
    out: dict = {"objects": objects}
    if req.bg_color is not None:
        out["bg_color"] = req.bg_color
    if req.bg_kind is not None:
        out["bg_kind"] = req.bg_kind
    return out
