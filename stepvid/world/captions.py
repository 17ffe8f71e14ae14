"""Bilingual captions for scene specs, and the parser that inverts them into requested attributes.

Captions come in two styles: ``short`` (count, colour, shape, motion) and ``dense`` (also size, speed and
background), each from several English and Chinese templates that vary phrasing and word order. The
parser reads any of them back (and free text written with the same vocabulary) into a :class:`Request`:
a list of object groups plus the background. Words it does not know raise :class:`CannotJudge` naming
the word, so a judge never silently scores a prompt it only half understood.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np

from stepvid.world.scene import COLOR_ZH, COLORS, DIRECTIONS, SHAPE_ZH, SceneSpec, groups

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


class CannotJudge(ValueError):
    """The prompt uses words outside the world's vocabulary (the message names them)."""


@dataclass
class GroupRequest:
    """One group of identical objects a prompt asks for; None means "not mentioned, not judged"."""

    count: int
    color: str | None
    shape: str
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
        return text + f" on a {bg} background."
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


# ------------------------------------------------------------------------------------------------ parser
# Lexicon entries: phrase -> (kind, value). Kinds: count, color, shape, size, dir, motion, speed, bgkind,
# bgstart (enter background mode), bg (the word "background"), stop (no meaning), sep (clause break).
def _lexicon_en() -> dict[tuple[str, ...], tuple[str, object]]:
    lex: dict[str, tuple[str, object]] = {}
    for w, n in {"a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3}.items():
        lex[w] = ("count", n)
    for c in COLORS:
        lex[c] = ("color", c)
    lex["grey"] = ("color", "gray")
    for s, pl in _PLURAL_EN.items():
        lex[s] = lex[pl] = ("shape", s)
    for w, s in {"small": "small", "tiny": "small", "medium-sized": "medium", "medium": "medium",
                 "large": "large", "big": "large"}.items():
        lex[w] = ("size", s)
    for w in ("left", "to the left", "leftwards", "leftward"):
        lex[w] = ("dir", "left")
    for w in ("right", "to the right", "rightwards", "rightward"):
        lex[w] = ("dir", "right")
    for w in ("up", "upwards", "upward"):
        lex[w] = ("dir", "up")
    for w in ("down", "downwards", "downward"):
        lex[w] = ("dir", "down")
    motions = {"still": "still", "motionless": "still", "not moving": "still", "does not move": "still",
               "do not move": "still", "stationary": "still", "rotating": "rotate", "rotates": "rotate",
               "rotate": "rotate", "spinning": "rotate", "spins": "rotate", "spin": "rotate", "growing": "grow",
               "grows": "grow", "grow": "grow", "getting bigger": "grow", "gets bigger": "grow",
               "get bigger": "grow", "shrinking": "shrink", "shrinks": "shrink", "shrink": "shrink",
               "getting smaller": "shrink", "gets smaller": "shrink", "get smaller": "shrink",
               "bouncing": "bounce", "bounces": "bounce", "bounce": "bounce", "towards each other": "towards",
               "toward each other": "towards", "approaching each other": "towards", "approach each other": "towards",
               "approaches each other": "towards"}
    for w, m in motions.items():
        lex[w] = ("motion", m)
    for w, s in {"slowly": "slow", "slow": "slow", "quickly": "fast", "fast": "fast", "rapidly": "fast"}.items():
        lex[w] = ("speed", s)
    for w, k in {"plain": "solid", "solid": "solid", "vertical gradient": "vgradient",
                 "horizontal gradient": "hgradient", "textured": "texture"}.items():
        lex[w] = ("bgkind", k)
    for w in ("on", "against", "over", "the background is"):
        lex[w] = ("bgstart", None)
    lex["background"] = ("bg", None)
    for w in ("the", "video", "picture", "image", "of", "shows", "showing", "and", "moving", "moves", "move", "drifting", "drifts",
              "drift", "in place", "larger", "off the walls", "around", "diagonally", "standing", "stays", "stay",
              "with", "is", "are", "there", "frame", "scene", "clip", "while", "in", "across"):
        lex[w] = ("stop", None)
    return {tuple(k.split()): v for k, v in lex.items()}


def _lexicon_zh() -> dict[str, tuple[str, object]]:
    lex: dict[str, tuple[str, object]] = {}
    for w, n in {"一个": 1, "两个": 2, "二个": 2, "三个": 3}.items():
        lex[w] = ("count", n)
    for c, z in COLOR_ZH.items():
        lex[z] = ("color", c)
        lex[z[:-1] + "的"] = ("color", c)  # 红的
    lex["粉红色"] = ("color", "pink")
    for s, z in SHAPE_ZH.items():
        lex[z] = ("shape", s)
    for s, z in _SHAPE_ZH_ALT.items():
        lex[z] = ("shape", s)
    lex.update({"圆圈": ("shape", "circle"), "五角星": ("shape", "star"), "星": ("shape", "star"),
                "正方形": ("shape", "square")})
    lex.update({"小": ("size", "small"), "中等大小的": ("size", "medium"), "中等大小": ("size", "medium"),
                "中等": ("size", "medium"), "大": ("size", "large")})
    for table in _DIR_ZH:
        for d, w in table.items():
            lex[w] = ("dir", d)
    lex.update({"静止不动": ("motion", "still"), "保持静止": ("motion", "still"), "静止": ("motion", "still"),
                "不动": ("motion", "still"), "旋转": ("motion", "rotate"), "转动": ("motion", "rotate"),
                "变大": ("motion", "grow"), "长大": ("motion", "grow"), "变小": ("motion", "shrink"),
                "缩小": ("motion", "shrink"), "弹跳": ("motion", "bounce"), "反弹": ("motion", "bounce"),
                "相互靠近": ("motion", "towards"), "彼此靠近": ("motion", "towards"),
                "互相靠近": ("motion", "towards")})
    for table in _SPEED_ZH:
        for s, w in table.items():
            lex[w] = ("speed", s)
    lex.update({"缓缓地": ("speed", "slow"), "迅速地": ("speed", "fast")})
    lex.update({"纯": ("bgkind", "solid"), "单一的": ("bgkind", "solid"), "纯色": ("bgkind", "solid"),
                "竖直渐变": ("bgkind", "vgradient"), "上下渐变": ("bgkind", "vgradient"),
                "垂直渐变": ("bgkind", "vgradient"), "水平渐变": ("bgkind", "hgradient"),
                "左右渐变": ("bgkind", "hgradient"), "带纹理的": ("bgkind", "texture"),
                "有纹理的": ("bgkind", "texture")})
    lex["背景"] = ("bg", None)
    for w in ("的", "在", "上", "是", "为", "和", "与", "移动", "运动", "原地", "在原地", "不停地", "逐渐", "慢慢",
              "墙壁之间", "来回", "四处", "视频里", "视频中", "图片里", "图片中", "画面中", "画面里", "有", "正在", "着"):
        lex[w] = ("stop", None)
    for w in "，。；、,.;!！":
        lex[w] = ("sep", None)
    return lex


_LEX_EN = _lexicon_en()
_LEX_ZH = _lexicon_zh()
_MAXLEN_EN = max(len(k) for k in _LEX_EN)
_MAXLEN_ZH = max(len(k) for k in _LEX_ZH)


def _tokens_en(text: str) -> list[tuple[str, object, str]]:
    words = re.findall(r"[a-z][a-z\-']*|[,.;!]", text.lower())
    out, i = [], 0
    while i < len(words):
        if words[i] in ",.;!":
            out.append(("sep", None, words[i]))
            i += 1
            continue
        for n in range(min(_MAXLEN_EN, len(words) - i), 0, -1):
            key = tuple(words[i:i + n])
            if key in _LEX_EN:
                out.append((*_LEX_EN[key], " ".join(key)))
                i += n
                break
        else:
            raise CannotJudge(f"cannot judge: unknown attribute '{words[i]}'")
    bad = re.findall(r"[^a-zA-Z\s,.;!'\-]+", text)
    if bad:
        raise CannotJudge(f"cannot judge: unknown attribute '{bad[0]}'")
    return out


def _tokens_zh(text: str) -> list[tuple[str, object, str]]:
    text = re.sub(r"\s+", "", text)
    out, i, unknown = [], 0, ""
    while i < len(text):
        for n in range(min(_MAXLEN_ZH, len(text) - i), 0, -1):
            if text[i:i + n] in _LEX_ZH:
                if unknown:
                    raise CannotJudge(f"cannot judge: unknown attribute '{unknown}'")
                out.append((*_LEX_ZH[text[i:i + n]], text[i:i + n]))
                i += n
                break
        else:
            unknown += text[i]
            i += 1
    if unknown:
        raise CannotJudge(f"cannot judge: unknown attribute '{unknown}'")
    return out


def _is_zh(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def parse_prompt(text: str) -> Request:
    """Parse an English or Chinese prompt into the attributes it requests.

    Object groups start at a count word ("a", "two", "一个", "两个", ...); attribute words attach to the
    current group; words between "on/against/over" and "background" (English) or in a clause containing
    "背景" (Chinese) describe the background; "towards each other" applies to every group.
    """
    if not text or not text.strip():
        raise CannotJudge("cannot judge: empty prompt")
    zh = _is_zh(text)
    toks = _tokens_zh(text) if zh else _tokens_en(text)
    if zh:  # mark clauses that contain 背景 as background clauses
        clause_bg, start = [False] * len(toks), 0
        for j in range(len(toks) + 1):
            if j == len(toks) or toks[j][0] == "sep":
                is_bg = any(t[0] == "bg" for t in toks[start:j])
                for k in range(start, j):
                    clause_bg[k] = is_bg
                start = j + 1
    groups_: list[dict] = []
    bg: dict = {}
    in_bg = False
    for j, (kind, value, word) in enumerate(toks):
        if not zh:
            if kind == "bgstart":
                in_bg = True
                continue
            if kind in ("bg", "sep"):
                in_bg = False
                continue
        elif clause_bg[j]:
            if kind == "color":
                _set(bg, "color", value, word)
            elif kind == "bgkind":
                _set(bg, "kind", value, word)
            elif kind not in ("stop", "bg", "sep"):
                raise CannotJudge(f"cannot judge: '{word}' in the background clause is not a background attribute")
            continue
        if in_bg:
            if kind == "color":
                _set(bg, "color", value, word)
            elif kind == "bgkind":
                _set(bg, "kind", value, word)
            elif kind not in ("stop", "count"):
                raise CannotJudge(f"cannot judge: '{word}' in the background phrase is not a background attribute")
            continue
        if kind == "count":
            groups_.append({"count": value})
        elif kind in ("color", "shape", "size", "speed", "dir", "motion"):
            if not groups_:
                raise CannotJudge(f"cannot judge: '{word}' appears before any object (start with a count, e.g. 'a')")
            g = groups_[-1]
            if kind == "dir":
                g.setdefault("dirs", []).append(value)
            else:
                _set(g, kind, value, word)
        elif kind == "bgkind":
            raise CannotJudge(f"cannot judge: '{word}' used outside a background phrase")
    if not groups_:
        raise CannotJudge("cannot judge: the prompt names no object")
    out = []
    towards = any(g.get("motion") == "towards" for g in groups_)
    for g in groups_:
        if "shape" not in g:
            raise CannotJudge(f"cannot judge: an object in {text!r} has no shape")
        motion = g.get("motion")
        if "dirs" in g:
            if motion is not None:
                raise CannotJudge(f"cannot judge: object '{g['shape']}' has both a direction and motion '{motion}'")
            motion = _combine_dirs(g["dirs"])
        if towards:
            motion = "towards"
        out.append(GroupRequest(g["count"], g.get("color"), g["shape"], g.get("size"), motion, g.get("speed")))
    if towards:  # a speed stated once for the pair applies to both
        speeds = {g.speed for g in out if g.speed}
        for g in out:
            g.speed = g.speed or (speeds.pop() if len(speeds) == 1 else None)
    return Request(out, bg.get("color"), bg.get("kind"))


def _set(d: dict, key: str, value, word: str) -> None:
    if key in d and d[key] != value:
        raise CannotJudge(f"cannot judge: conflicting {key} '{word}' (already '{d[key]}')")
    d[key] = value


def _combine_dirs(dirs: list[str]) -> str:
    h = {d for d in dirs if d in ("left", "right")} | {d.split("-")[1] for d in dirs if "-" in d}
    v = {d for d in dirs if d in ("up", "down")} | {d.split("-")[0] for d in dirs if "-" in d}
    if len(h) > 1 or len(v) > 1:
        raise CannotJudge(f"cannot judge: contradictory directions {dirs}")
    if h and v:
        return f"{v.pop()}-{h.pop()}"
    return (h or v).pop()
