"""Prompt rewriting: turn how a person writes a prompt into the text a model reads best.

Video models follow the captions they were trained on far better than free phrasing, which is why released
systems put a prompt rewriter in front of the text encoder. A model folder names its rewriter in
``stepvid.json`` (``defaults.prompt_rewrite``); callers may override it per call. Rewriters, by name:

* ``none``: the prompt as written (the released Step-Video models; any model without a rewriter).
* ``world``: for models trained on stepvid's synthetic world (the bundled model). The world judge's parser
  reads the prompt (natural English, Chinese or code-switched: typos, word order, synonyms, chat framing)
  into the request it states — every object's count, colour, shape, size, motion and speed, and the
  background — and :func:`stepvid.world.captions.caption_request` writes exactly that request in the training
  captions' words, in the prompt's language (Chinese if it has any Chinese character). The world has nothing
  a request cannot hold, so nothing the model could draw is lost. What the parser refuses but generation can work
  around is adapted, one word at a time: a colour the world lacks is drawn as the nearest one it has (crimson ->
  red, "light green" -> green, 深红色 -> 红色; shade words dropped; brown and the like have no fair stand-in), a
  shape likewise (rectangle -> square, oval -> circle, pyramid -> triangle, an X -> cross; a heart or a car has
  none); a look or timing it cannot draw (anime style, watercolor, pixel art, a loop; 水彩, 像素风) and a position
  are dropped ("A next to B" -> "A and B"); 大红 is drawn red; a word the parser does not know, and a sentence or
  clause that names nothing of the world, are dropped. A long, chatty prompt still unreadable whole is drawn from
  the run of its clauses that can be read and keeps most of what names the world, when the clauses left out name no
  shape, no motion and no colour the kept ones leave open ("I have been wondering whether these tools can do
  simple things, so let's try: a white square on a plain black background" -> the square). An object whose colour
  or shape the prompt leaves open is drawn in one the scene does not use yet. A prompt still unreadable after that
  is passed on as written, with the reason.

Every change is reported (``Rewrite.substitutions``, printed by ``stepvid generate``); the world judge still
refuses such prompts and asks only for what they state.

Optionally (off by default) an LLM expands the prompt first (``llm=``, :class:`stepvid.llm_rewrite.LLMRewriter`;
``stepvid generate --rewrite``), and the named rewriter then works on its answer:

* ``none``: the LLM's answer (Step-Video's dense caption style) goes to the encoder;
* ``world``: the LLM is asked for a caption in the world's vocabulary (it may pick an unstated colour or
  shape), and the world rewriter restates that answer; if it cannot, it restates the prompt as typed instead.

An LLM answer that is not used — the request failed (connection refused, timeout, HTTP error, malformed or
empty answer), the answer is too long for the text encoder (``fits``), or the world rewriter cannot read it —
leaves the prompt as typed for the named rewriter, with one warning saying why (``Rewrite.warning``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

REWRITERS = ("none", "world")


class PromptExpander(Protocol):
    """An optional first stage (an LLM): ``(answer, None)`` or ``(None, why it gave no usable answer)``."""

    def expand(self, prompt: str, style: str = "dense") -> tuple[str | None, str | None]: ...


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Rewrite:
    """One prompt's rewrite: ``text`` is what the text encoder gets; ``reason`` says why the prompt was kept
    as written (None when it was rewritten, or when the rewriter is ``none``)."""

    original: str
    text: str
    rewriter: str
    reason: str | None = None
    warning: str | None = None  # an LLM answer that was not used, and why
    substitutions: tuple[str, ...] = ()  # what the world lacks, adapted: "crimson -> red", "'anime style' dropped"

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def message(self) -> str | None:
        """One log line describing what happened, or None for rewriter ``none``."""
        if self.rewriter == "none":
            return None
        if self.reason is not None:
            return f"prompt kept as written (the {self.rewriter} rewriter cannot restate it: {self.reason})"
        if not self.changed:
            return None
        near = f"; adapted to what it draws: {', '.join(self.substitutions)}" if self.substitutions else ""
        return f"prompt rewritten for this model ({self.rewriter} rewriter{near}): {self.text!r}"


def check_rewriter(name: str, source: str = "prompt_rewrite") -> str:
    """Return ``name`` if it is a known rewriter, else raise ValueError naming the valid ones."""
    if name not in REWRITERS:
        raise ValueError(f"{source}: unknown prompt rewriter {name!r}; valid: {list(REWRITERS)}")
    return name


def prompt_language(text: str) -> str:
    """'zh' when the text has any Chinese character, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


def rewrite_prompt(
    prompt: str,
    rewriter: str = "none",
    llm: PromptExpander | None = None,
    fits: Callable[[str], str | None] | None = None,
) -> Rewrite:
    """Rewrite ``prompt`` with the named rewriter, after ``llm`` if given (see the module docstring); never
    raises for a prompt the rewriter cannot read or an LLM that gave no usable answer — it keeps the prompt
    and says why. ``fits(text)`` returns None, or why the text encoder would cut ``text``."""
    check_rewriter(rewriter)
    if llm is None:
        return _restate(prompt, rewriter)
    answer, why = llm.expand(prompt, "world" if rewriter == "world" else "dense")
    if answer is None:
        return _without_llm(prompt, rewriter, f"no usable answer from {why}")
    text = answer
    if rewriter == "world":
        world = _restate(answer, rewriter)
        if world.reason is not None:
            return _without_llm(
                prompt, rewriter, f"the world rewriter cannot restate its answer {answer!r} ({world.reason})"
            )
        text = world.text
    cut = fits(text) if fits is not None else None
    if cut:
        return _without_llm(prompt, rewriter, f"its answer is too long for the text encoder ({cut})")
    subs = world.substitutions if rewriter == "world" else ()
    return Rewrite(prompt, text, "llm" if rewriter == "none" else f"llm+{rewriter}", substitutions=subs)


def _without_llm(prompt: str, rewriter: str, why: str) -> Rewrite:
    return replace(
        _restate(prompt, rewriter),
        warning=f"warning: LLM prompt rewrite not used: {why}; going on with the prompt as typed",
    )


# Colour names the world does not have, and the world colour a person asking for them would rather get than an
# unread prompt (the judge still refuses them: it scores what was asked). Shade words (light, 深, 浅…) are dropped.
_NEAREST_COLOUR = {
    "red": "crimson scarlet ruby maroon burgundy cherry 深红色 浅红色 酒红色 朱红色 猩红色 橘红色",
    "blue": "navy azure cobalt sapphire cerulean 天蓝色 深蓝色 浅蓝色 湖蓝色 藏青色 淡蓝色",
    "cyan": "teal",
    "green": "emerald jade mint olive 墨绿色 草绿色 翠绿色 深绿色 浅绿色 淡绿色 橄榄色",
    "yellow": "gold golden 金色 金黄色 淡黄色 浅黄色",
    "purple": "lavender lilac mauve indigo 淡紫色 深紫色 浅紫色",
    "pink": "magenta fuchsia rose 品红色 洋红色 玫红色 玫瑰色 桃红色",
    "orange": "coral salmon peach amber",  # (amber: the SAE / ECE signal colour, #FF7E00)
    "gray": "silver charcoal 银色 深灰色 浅灰色 银灰色 铁灰色",
    "white": "ivory cream 乳白色 米白色",
}
_NEAREST = {w: c for c, words in _NEAREST_COLOUR.items() for w in words.split()}
# Shapes likewise: only those with a plain stand-in among the world's (a heart or a car has none).
_NEAREST_SHAPE = {"rectangle": "square", "rectangles": "squares", "oblong": "square", "oval": "circle",
                  "ovals": "circles", "ellipse": "circle", "ellipses": "circles", "ring": "circle",
                  "rings": "circles", "pyramid": "triangle", "pyramids": "triangles", "cone": "triangle",
                  "x": "cross", "长方形": "正方形", "矩形": "正方形", "椭圆": "圆", "椭圆形": "圆形", "圆环": "圆",
                  "金字塔": "三角形"}
_UNKNOWN_SHAPE = re.compile(r"unknown shape '([^']+)'")
_LOOK = re.compile(r"look or timing '([^']+)' is not judged")  # anime style, watercolor, loop: dropped
_POSITION = re.compile(r"(relative )?position '([^']+)' is not judged")  # the model does not place objects
_BETWEEN_OBJECTS = re.compile(r"(?:.* )?(?:of|above|below|beneath|under|underneath|next to|beside|besides|behind|"
                              r"between|among|near|close to|far from|inside|within)")  # "A next to B": A and B
_AMBIGUOUS = {"大红": "红"}  # '大红' (scarlet, or large + red): red either way
# a word the parser does not know ("My grandson likes …", "placeholder", an unknown verb): most are chatter;
# generation reads on without it (and says so), the judge still refuses the prompt. (An unknown shape is
# _UNKNOWN_SHAPE's: a stand-in or nothing.)
_UNKNOWN_WORD = re.compile(r"unknown (?:word|attribute|motion) '([^']+)'(?: \(not a colour or size this world has\))?")
_SHADE = re.compile(r"^(?:light|dark|pale|bright|deep|neon|pastel|vivid|dull|faded)\s+|^[深浅淡亮暗鲜艳]")
_UNKNOWN_COLOUR = re.compile(r"unknown colour '([^']+)'")


def _nearest_colour(phrase: str) -> str | None:
    """A colour phrase the world lacks -> the world colour to draw ('light green' -> green, 'crimson' -> red,
    '深红色' -> 红色), or None (brown, beige, rainbow, ...: no fair stand-in)."""
    from stepvid.world.lexicon import EN_COLORS
    from stepvid.world.scene import COLOR_ZH

    word = phrase.lower().strip()
    if word.endswith("的") and len(word) > 1:  # '深黑色的' as the parser quotes it: the colour, then 的 again
        inner = _nearest_colour(word[:-1])
        return inner + "的" if inner else inner
    if _SHADE.sub("", word + " ").strip() == "":  # a shade alone ("the background is dark blue"): dropped
        return ""
    if word in _NEAREST:
        c = _NEAREST[word]
        return COLOR_ZH[c] if _CJK.search(word) else c
    bare = _SHADE.sub("", word)
    if bare != word and bare:
        if bare in EN_COLORS or bare in _NEAREST:
            return EN_COLORS.get(bare) or _NEAREST[bare]
        if bare in COLOR_ZH.values() or bare + "色" in COLOR_ZH.values():
            return bare if bare.endswith("色") else bare + "色"
    return None


def _adaptation(why: str) -> tuple[str, str | None] | None:
    """For a refusal generation can work around: (the refused words, what to draw instead: a stand-in, '' to drop
    them, None when there is no fair one); None for any other refusal."""
    if m := _UNKNOWN_COLOUR.fullmatch(why):
        return m.group(1), _nearest_colour(m.group(1))
    if m := _UNKNOWN_SHAPE.fullmatch(why):
        return m.group(1), _NEAREST_SHAPE.get(m.group(1).lower())
    if m := _LOOK.fullmatch(why):
        return m.group(1), ""  # the model draws one flat style in real time
    if m := _POSITION.fullmatch(why):
        words = m.group(2)
        between = m.group(1) and not _CJK.search(words) and _BETWEEN_OBJECTS.fullmatch(words)
        return words, "and" if between else ""
    if (m := re.fullmatch(r"'([^']+)' is ambiguous .*", why)) and m.group(1) in _AMBIGUOUS:
        return m.group(1), _AMBIGUOUS[m.group(1)]
    if m := _UNKNOWN_WORD.fullmatch(why):  # (a colour name the parser read as some other word: tangerine)
        return m.group(1), _NEAREST.get(m.group(1).lower(), "")
    return None


def _swap_word(text: str, word: str, new: str) -> tuple[str, str]:
    """``text`` with its first ``word`` (case-insensitive; a whole word unless Chinese) replaced by ``new``, and
    what changed ("crimson -> red", "'loop' dropped"). A relation to a pronoun goes whole: "spins between them"
    and "and, beside it, a triangle" drop "between them" / "beside it" rather than read "spins and them"."""
    said = f"{word} -> {new}" if new else f"'{word}' dropped"
    if _CJK.search(word):
        return re.sub(re.escape(word), new, text, count=1), said
    pattern = rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])"
    if new == "and":
        pronoun = re.compile(pattern + r"\s+(?:it|them|this|that|each other)\b", re.IGNORECASE)
        if m := pronoun.search(text):
            return text[:m.start()] + text[m.end():], f"'{m.group()}' dropped"
    return re.sub(pattern, new, text, count=1, flags=re.IGNORECASE), said


def _restate(prompt: str, rewriter: str) -> Rewrite:
    if rewriter == "none":
        return Rewrite(prompt, prompt, rewriter)
    from stepvid.world.captions import caption_request

    request, subs, why = _adapted(prompt)
    if request is None:
        request, subs = _core(prompt)
    if request is None:  # a chatbot's expansion: too many clauses; its sentences instead
        request, subs = _core(prompt, splitter=_SENTENCE_PIECE)
    if request is None:
        return Rewrite(prompt, prompt, rewriter, why)
    request, filled = _fill_open(request)
    return Rewrite(prompt, caption_request(request, prompt_language(prompt)), rewriter,
                   substitutions=tuple(subs + filled))


def _adapted(text: str):
    """(request, what was adapted, None), or (None, [], why not): the parser's reading of ``text`` after adapting
    what generation can work around, one word at a time."""
    from stepvid.world.parser import parse_prompt
    from stepvid.world.request import CannotJudge

    subs: list[str] = []
    for _ in range(6):  # each pass adapts one word: a colour or shape the world lacks, a look, a position, chatter
        try:
            return parse_prompt(text), subs, None
        except CannotJudge as exc:
            why = str(exc).removeprefix("cannot judge: ")
            word, near = _adaptation(why) or ("", None)
            swapped, said = (text, "") if near is None else _swap_word(text, word, near)
            if swapped == text:  # a sentence or clause that names nothing of the world: chatter around the request
                swapped, said = _without_chatter(text)
            if swapped == text:
                return None, [], why if not subs else f"{why} (after {', '.join(subs)})"
            text = swapped
            subs.append(said)
    return None, [], "too many colours or shapes this world lacks"


_PIECE = re.compile(r"[^,，;；:：.!?。！？~～—\n]+(?:[,，;；:：.!?。！？~～—\n]+|$)")
_SENTENCE_PIECE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？\n]+|$)")


def _core(prompt: str, max_pieces: int = 12, splitter: re.Pattern = _PIECE):
    """A long, chatty prompt the parser cannot read whole ("So I'm testing this for my nephew, he's 6, ... make a red
    triangle that moves to the left, thank you so much"): the run of its clauses (``splitter``: or its sentences) that
    it can read and that keeps the most of them naming the world, when every one left out names no shape and no motion.
    (request, what was dropped) or (None, [])."""
    from stepvid.world.parser import _names_world, _tokens
    from stepvid.world.request import CannotJudge

    def kinds_of(piece: str) -> set[str]:
        try:
            return {t.kind for t in _tokens(piece, [])}
        except CannotJudge:  # a piece refused outright ("bg=#7a3fe2"): left out only where the rest reads alone
            return {"refuse"}

    pieces = [p for p in splitter.findall(prompt) if p.strip()]
    if not 2 <= len(pieces) <= max_pieces:
        return None, []
    kinds = [kinds_of(p) for p in pieces]
    shaped = [bool(k & {"shape", "badshape"}) for k in kinds]
    naming = [_names_world(p, strict=False) for p in pieces]
    spans = [(sum(naming[i:j]), j - i, i, j) for i in range(len(pieces)) for j in range(i + 1, len(pieces) + 1)
             if (i, j) != (0, len(pieces)) and not any(shaped[:i]) and not any(shaped[j:])]
    for _, _, i, j in sorted(spans, key=lambda s: (-s[0], -s[1], s[2])):
        request, subs, _ = _adapted("".join(pieces[i:j]))
        if request is None:
            continue
        left_kinds = set().union(*kinds[:i], *kinds[j:])
        if "color" in left_kinds and any(g.color is None for g in request.groups) or left_kinds & _MOTION_KINDS:
            continue  # what is left out may be the colour the kept words leave open, or a motion: not this span
        left = " ".join(p.strip() for p in pieces[:i] + pieces[j:])
        return request, [f"'{left}' dropped", *subs]
    return None, []


_MOTION_KINDS = frozenset({"motion", "dir", "vverb", "approach", "place"})


_CLAUSE = re.compile(r"[^.!?;:。！？；：—]+[.!?;:。！？；：—]*")


def _without_chatter(text: str) -> tuple[str, str]:
    """``text`` without its sentences and clauses that name nothing of the world ("Let's GO!", "Lot twelve:",
    "It was late when I first saw her:", 三二一，开抢！), and what was dropped; ``text`` itself if there are none or
    nothing else would be left."""
    from stepvid.world.parser import _names_world

    pieces = _CLAUSE.findall(text)
    keep = [p for p in pieces if _names_world(p, strict=False)]
    if len(keep) == len(pieces) or not keep:
        return text, ""
    dropped = " ".join(p.strip() for p in pieces if p not in keep)
    return " ".join(p.strip() for p in keep), f"'{dropped}' dropped"


_OPEN_COLOURS = ("red", "blue", "green", "yellow", "purple", "orange", "cyan", "pink", "white", "black", "gray")


def _fill_open(request):
    """Generation only: an object whose colour or shape the prompt leaves open ("make the circle go up", "something
    red moving right") is drawn in the first colour (shape) not yet in the scene that stands out from the background.
    Any would do — the judge checks only what was asked — and the model learned from captions that state both."""
    from dataclasses import replace

    from stepvid.world.scene import SHAPES, compatible_colors

    allowed = set(_OPEN_COLOURS) if request.bg_color is None else \
        set(compatible_colors(request.bg_color, request.bg_kind or "solid"))
    groups, said = [], []
    colours = {g.color for g in request.groups if g.color}
    pairs = {(g.color, g.shape) for g in request.groups if g.color and g.shape}
    for g in request.groups:
        color, shape = g.color, g.shape
        if color is None:
            color = next(c for c in _OPEN_COLOURS if c not in colours and c in allowed and (c, shape) not in pairs)
            colours.add(color)
        if shape is None:
            shape = next(x for x in SHAPES if (color, x) not in pairs)
        if (color, shape) != (g.color, g.shape):
            pairs.add((color, shape))
            what = " and ".join(w for w, open_ in (("colour", g.color is None), ("shape", g.shape is None)) if open_)
            said.append(f"{what} not stated -> {color} {shape}")
        groups.append(replace(g, color=color, shape=shape))
    return replace(request, groups=groups), said
