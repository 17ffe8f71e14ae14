"""Bilingual captions for scene specs.

Captions come in two styles: ``short`` (count, colour, shape, motion) and ``dense`` (also size, speed and
background), each from several English and Chinese templates that vary phrasing and word order.
:func:`request_from_spec` says what a caption of a style mentions. The parser that reads captions (and
natural prompts) back into a :class:`Request` lives in ``parser.py``; ``parse_prompt`` and
:class:`CannotJudge` stay importable from here.
"""

from __future__ import annotations

import numpy as np

from stepvid.world.parser import parse_prompt
from stepvid.world.request import CannotJudge, GroupRequest, Request
from stepvid.world.scene import COLOR_ZH, DIRECTIONS, SHAPE_ZH, SceneSpec, groups

__all__ = [
    "LANGS",
    "STYLES",
    "CannotJudge",
    "GroupRequest",
    "Request",
    "all_captions",
    "caption",
    "num_templates",
    "parse_prompt",
    "request_from_spec",
]

STYLES = ("short", "dense")
LANGS = ("en", "zh")


def request_from_spec(spec: SceneSpec, style: str = "dense", motion: bool = True) -> Request:
    """The attributes a caption of ``style`` mentions (``dense`` = everything judgeable).

    ``motion=False`` drops motion and speed (captions of still images).
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}; got {style!r}")
    dense = style == "dense"
    out = []
    for idx in groups(spec):
        o = spec.objects[idx[0]]
        out.append(GroupRequest(len(idx), o.color, o.shape, o.size if dense else None, o.motion if motion else None,
                                o.speed if dense and motion else None))
    return Request(out, spec.bg_color if dense else None, spec.bg_kind if dense else None)


# ------------------------------------------------------------------------------------------------ English
_COUNT_EN = {1: "a", 2: "two", 3: "three"}
_PLURAL_EN = {"circle": "circles", "square": "squares", "triangle": "triangles", "star": "stars",
              "diamond": "diamonds", "cross": "crosses"}
_SIZE_EN = {"small": "small", "medium": "medium-sized", "large": "large"}
_SPEED_EN = {"slow": "slowly", "fast": "quickly"}
_DIR_EN = [  # two phrasings, chosen by template
    {"left": "to the left", "right": "to the right", "up": "upwards", "down": "downwards",
     "up-left": "up and to the left", "up-right": "up and to the right",
     "down-left": "down and to the left", "down-right": "down and to the right"},
    {"left": "left", "right": "right", "up": "up", "down": "down", "up-left": "diagonally up and left",
     "up-right": "diagonally up and right", "down-left": "diagonally down and left",
     "down-right": "diagonally down and right"},
]
# motion -> (participle, 3rd person singular, plural) with "{s}" where the speed adverb goes
_MOTION_EN = [
    {"dir": ("moving{s} {d}", "moves{s} {d}", "move{s} {d}"), "still": ("standing still", "stays still", "stay still"),
     "rotate": ("rotating in place", "rotates in place", "rotate in place"),
     "grow": ("growing larger", "grows larger", "grow larger"), "shrink": ("shrinking", "shrinks", "shrink"),
     "bounce": ("bouncing{s} off the walls", "bounces{s} off the walls", "bounce{s} off the walls"),
     "towards": ("moving{s} towards each other", "move{s} towards each other", "move{s} towards each other")},
    {"dir": ("{S}drifting {d}", "{S}drifts {d}", "{S}drift {d}"), "still": ("not moving", "does not move", "do not move"),
     "rotate": ("spinning", "spins", "spin"), "grow": ("getting bigger", "gets bigger", "get bigger"),
     "shrink": ("getting smaller", "gets smaller", "get smaller"),
     "bounce": ("{S}bouncing around", "{S}bounces around", "{S}bounce around"),
     "towards": ("{S}approaching each other", "{S}approach each other", "{S}approach each other")},
]
_BG_EN = {"solid": "plain {c}", "vgradient": "{c} vertical gradient", "hgradient": "{c} horizontal gradient",
          "texture": "textured {c}"}


def _en_np(g: GroupRequest, dense: bool) -> str:
    words = [_COUNT_EN[g.count]]
    if dense and g.size:
        words.append(_SIZE_EN[g.size])
    words.append(g.color)
    words.append(g.shape if g.count == 1 else _PLURAL_EN[g.shape])
    if words[0] == "a" and words[1][0] in "aeiou":
        words[0] = "an"
    return " ".join(words)


def _en_motion(g: GroupRequest, form: int, variant: int, dense: bool) -> str:
    motion = g.motion
    sp = _SPEED_EN[g.speed] if dense and g.speed else ""
    key = "dir" if motion in DIRECTIONS else motion
    text = _MOTION_EN[variant][key][form]
    return text.format(s=f" {sp}" if sp else "", S=f"{sp} " if sp else "", d=_DIR_EN[variant].get(motion, ""))


def _en_objects(r: Request, verb: str, variant: int, dense: bool) -> str:
    """Object groups joined with commas/"and"; verb = "participle" or "finite"."""
    towards = r.groups[0].motion == "towards"
    parts = []
    for g in r.groups:
        np_ = _en_np(g, dense)
        if not towards and g.motion is not None:
            form = 0 if verb == "participle" else (1 if g.count == 1 else 2)
            np_ += " " + _en_motion(g, form, variant, dense)
        parts.append(np_)
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    if towards:
        form = 0 if verb == "participle" else 2
        text += " " + _en_motion(r.groups[0], form, variant, dense)
    return text


def _en_bg(r: Request, predicate: bool = False) -> str:
    """"plain white" / "white vertical gradient"; as a predicate ("is ...") gradients take "a"."""
    text = _BG_EN[r.bg_kind].format(c=r.bg_color)
    return f"a {text}" if predicate and "gradient" in r.bg_kind else text


def _moving(r: Request) -> bool:
    return any(g.motion is not None for g in r.groups)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


_EN_TEMPLATES = {
    "short": [
        lambda r: _en_objects(r, "participle", 0, False),
        lambda r: _en_objects(r, "finite", 0, False),
        lambda r: ("video of " if _moving(r) else "picture of ") + _en_objects(r, "participle", 1, False),
        lambda r: _en_objects(r, "finite", 1, False),
    ],
    "dense": [
        lambda r: _cap(_en_objects(r, "finite", 0, True)) + f" on a {_en_bg(r)} background.",
        lambda r: f"On a {_en_bg(r)} background, " + _en_objects(r, "participle", 0, True) + ".",
        lambda r: f"The {'video' if _moving(r) else 'picture'} shows " + _en_objects(r, "participle", 1, True)
        + f" against a {_en_bg(r)} background.",
        lambda r: _cap(_en_objects(r, "finite", 1, True)) + f". The background is {_en_bg(r, True)}.",
    ],
}

# ------------------------------------------------------------------------------------------------ Chinese
_COUNT_ZH = {1: "一个", 2: "两个", 3: "三个"}
_SIZE_ZH_TXT = {"small": "小", "medium": "中等大小的", "large": "大"}
_SHAPE_ZH_ALT = {"circle": "圆", "square": "方块", "triangle": "三角形", "star": "星星", "diamond": "菱形", "cross": "十字"}
_SPEED_ZH = [{"slow": "缓慢地", "fast": "快速地"}, {"slow": "慢慢地", "fast": "飞快地"}]
_DIR_ZH = [{"left": "向左", "right": "向右", "up": "向上", "down": "向下", "up-left": "向左上方",
            "up-right": "向右上方", "down-left": "向左下方", "down-right": "向右下方"},
           {"left": "往左", "right": "往右", "up": "往上", "down": "往下", "up-left": "往左上方",
            "up-right": "往右上方", "down-left": "往左下方", "down-right": "往右下方"}]
_MOTION_ZH = [
    {"dir": "{s}{d}移动", "still": "静止不动", "rotate": "在原地旋转", "grow": "逐渐变大", "shrink": "逐渐变小",
     "bounce": "{s}在墙壁之间来回弹跳", "towards": "{s}相互靠近"},
    {"dir": "{s}{d}运动", "still": "保持静止", "rotate": "不停地转动", "grow": "慢慢长大", "shrink": "慢慢缩小",
     "bounce": "{s}四处反弹", "towards": "{s}彼此靠近"},
]
_BG_ZH = [{"solid": "纯{c}", "vgradient": "{c}的竖直渐变", "hgradient": "{c}的水平渐变", "texture": "带纹理的{c}"},
          {"solid": "单一的{c}", "vgradient": "{c}的上下渐变", "hgradient": "{c}的左右渐变", "texture": "有纹理的{c}"}]


def _zh_np(g: GroupRequest, dense: bool, variant: int) -> str:
    size = _SIZE_ZH_TXT[g.size] if dense and g.size else ""
    shape = SHAPE_ZH[g.shape] if variant == 0 else _SHAPE_ZH_ALT[g.shape]
    if variant == 0:
        return f"{_COUNT_ZH[g.count]}{size}{'的' if size and not size.endswith('的') else ''}{COLOR_ZH[g.color]}的{shape}"
    return f"{_COUNT_ZH[g.count]}{COLOR_ZH[g.color]}的{size}{shape}"


def _zh_motion(g: GroupRequest, variant: int, dense: bool) -> str:
    if g.motion is None:
        return ""
    key = "dir" if g.motion in DIRECTIONS else g.motion
    sp = _SPEED_ZH[variant][g.speed] if dense and g.speed else ""
    return _MOTION_ZH[variant][key].format(s=sp, d=_DIR_ZH[variant].get(g.motion, ""))


def _zh_objects(r: Request, variant: int, dense: bool, sep: str = "，", prefix: str = "") -> str:
    towards = r.groups[0].motion == "towards"
    if towards:
        return prefix + "和".join(_zh_np(g, dense, variant) for g in r.groups) + _zh_motion(r.groups[0], variant, dense)
    return sep.join(prefix + _zh_np(g, dense, variant) + _zh_motion(g, variant, dense) for g in r.groups)


def _zh_bg(r: Request, variant: int) -> str:
    return _BG_ZH[variant][r.bg_kind].format(c=COLOR_ZH[r.bg_color])


_ZH_TEMPLATES = {
    "short": [
        lambda r: _zh_objects(r, 0, False),
        lambda r: _zh_objects(r, 1, False, sep="，"),
        lambda r: ("视频里，" if _moving(r) else "图片里，") + _zh_objects(r, 0, False, sep="，"),
        lambda r: "画面中" + _zh_objects(r, 1, False, sep="；画面中", prefix="有"),
    ],
    "dense": [
        lambda r: f"在{_zh_bg(r, 0)}背景上，" + _zh_objects(r, 0, True) + "。",
        lambda r: _zh_objects(r, 1, True) + f"，背景是{_zh_bg(r, 1)}。",
        lambda r: "画面中，" + _zh_objects(r, 0, True) + f"，背景为{_zh_bg(r, 0)}。",
        lambda r: f"背景是{_zh_bg(r, 1)}的。" + _zh_objects(r, 1, True, sep="，") + "。",
    ],
}

_TEMPLATES = {"en": _EN_TEMPLATES, "zh": _ZH_TEMPLATES}


def num_templates(lang: str, style: str) -> int:
    return len(_TEMPLATES[lang][style])


def caption(spec: SceneSpec, lang: str = "en", style: str = "short", rng: np.random.Generator | None = None,
            template: int | None = None, kind: str = "video") -> str:
    """Caption ``spec`` in ``lang`` ("en"/"zh") and ``style`` ("short"/"dense").

    ``template`` picks a template by index; otherwise ``rng`` picks one at random (template 0 without rng).
    ``kind="image"`` leaves motion out (captions of still images).
    """
    if kind not in ("video", "image"):
        raise ValueError(f"kind must be video or image; got {kind!r}")
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}; got {lang!r}")
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}; got {style!r}")
    temps = _TEMPLATES[lang][style]
    if template is None:
        template = int(rng.integers(len(temps))) if rng is not None else 0
    if not 0 <= template < len(temps):
        raise ValueError(f"template must be in [0, {len(temps)}) for {lang}/{style}; got {template}")
    return temps[template](request_from_spec(spec, style, motion=kind == "video"))


def caption_request(r: Request, lang: str, variant: int = 0) -> str:
    """A template-vocabulary caption of exactly what ``r`` states (any attribute may be None except each
    group's colour and shape), in the words and order of the ``dense`` templates; a background of known colour
    but unstated kind is "a {colour} background". ``variant`` (0/1) picks the phrasing table.

    Used as the teacher text when a model that only knows the templates supervises one that reads natural
    phrasing (the recipe's encoder distillation)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}; got {lang!r}")
    if variant not in (0, 1):
        raise ValueError(f"variant must be 0 or 1; got {variant!r}")
    for i, g in enumerate(r.groups):
        if g.color is None or g.shape is None:
            raise ValueError(f"caption_request: group {i} needs a colour and a shape; got {g}")
    if lang == "en":
        text = _cap(_en_objects(r, "finite", variant, True))
        if r.bg_color is None and r.bg_kind is None:
            return text + "."
        bg = _en_bg(r) if r.bg_kind and r.bg_color else r.bg_color or _BG_EN[r.bg_kind].format(c="").strip()
        return text + f" on {'an' if bg[:1] in 'aeiou' else 'a'} {bg} background."  # an orange background
    text = _zh_objects(r, variant, True)
    if r.bg_color is None and r.bg_kind is None:
        return text + "。"
    if r.bg_kind and r.bg_color:
        bg = _zh_bg(r, variant)
    else:
        bg = COLOR_ZH[r.bg_color] if r.bg_color else _BG_ZH_KIND[r.bg_kind]
    return f"在{bg}背景上，" + text + "。"


_BG_ZH_KIND = {"solid": "纯色", "vgradient": "竖直渐变", "hgradient": "水平渐变", "texture": "带纹理的"}


def all_captions(spec: SceneSpec, rng: np.random.Generator | None = None, kind: str = "video") -> dict[str, str]:
    """{"en_short", "en_dense", "zh_short", "zh_dense"}: one caption per language and style."""
    return {f"{lang}_{style}": caption(spec, lang, style, rng=rng, kind=kind) for lang in LANGS for style in STYLES}
