"""Natural phrasings of scene specs: a paraphrase grammar over the world's attributes (issue 18).

The world's own captions (``captions.py``) come from a few fixed templates; people write prompts in far
more ways. :func:`natural_caption` phrases a :class:`SceneSpec` the way many different people would —
synonyms, word order, optional details, fillers, light typos, English, Chinese and code-switched mixes —
and returns the exact :class:`Request` the text expresses (fields the text does not state are None), so
every caption is a correct training label and judge target.

Every choice the grammar makes belongs to a *phrasing family* (:data:`FAMILIES`). Some families are held
out: ``split="train"`` never uses them and ``split="heldout"`` uses at least one in every caption, so a
model trained on the train families can be tested on phrasings it never saw but can understand from the
rest of the sentence. Families, held-out choices and rates: ``docs/world.md``, "Natural phrasing".
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from stepvid.world.captions import GroupRequest, Request
from stepvid.world.scene import COLOR_ZH, COLORS, DIRECTIONS, SHAPES, SceneSpec
from stepvid.world.scene import groups as scene_groups

__all__ = ["FAMILIES", "LANGS", "Family", "heldout_families", "natural_caption"]

LANGS = ("en", "zh", "mix")
SPLITS = ("train", "heldout", "any")
KINDS = ("video", "image")
DEFAULT_DETAIL = 0.3  # how often size, speed and background are each mentioned when detail=None
MOTION_OMIT = 0.04  # a video caption that names no motion at all
GROUP_MOTION_OMIT = 0.02  # one group of several left without its motion
TYPO_RATE = {"en": 0.07, "zh": 0.05}
HELDOUT_PICK = 0.3  # split="heldout": chance a slot with held-out families uses one
_ATTEMPTS = 64  # redraws for split="heldout" (>= 1 held-out family) and lang="mix" (both scripts present)
_EASY_ATTEMPTS = 5  # after these, held-out families are picked wherever a slot has one


# ------------------------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class Family:
    """One way people phrase one part of a caption; ``name`` is ``lang.slot.variant``."""

    name: str
    lang: str  # "en", "zh" or "mix"
    slot: str  # the caption part it phrases: frame, count, color, shape, verb, dir, speed, bgplace, ...
    heldout: bool
    doc: str


class _Item(NamedTuple):
    text: str
    need: frozenset  # context flags the item requires ...
    forbid: frozenset  # ... and flags that rule it out


FAMILIES: dict[str, Family] = {}
_ITEMS: dict[str, dict[str, tuple[_Item, ...]]] = {}
_WEIGHT: dict[str, float] = {}
_SLOT: dict[str, list[str]] = {}  # "en.verb" -> family names


_LY = re.compile(r"((very|really|super) )?[a-z]+ly")  # adverbs that fit before a verb and open a sentence


# Context flags items can need or forbid (a typo in a table tag would silently disable the item: checked).
_FLAGS = frozenset({
    "front", "c", "bg", "large", "bare", "circle", "slow", "fast", "centered", "nomod", "zhnp", "speed", "nonfirst",
    "towards", "multi", "allmotion", "adv", "two", "three", "pred", "bgword", "c0", "nopost", "ke", "kuai", "mei", "zhi",
    "attr", "framed", "xing", "yuan", "bgc", "size", "motion", "yi"})


def _item(s: str, need: set, forbid: set) -> _Item:
    if "|" in s:
        tags, s = s.split("|", 1)
        for t in tags.split(","):
            if t.lstrip("!") not in _FLAGS:
                raise ValueError(f"phrasing item {s!r}: unknown context flag {t!r}")
            (forbid if t.startswith("!") else need).add(t.lstrip("!"))
    return _Item(s, frozenset(need), frozenset(forbid))


def _fam(name: str, doc: str, items: str | dict[str, str | tuple[str, ...]], *, heldout: bool = False,
         weight: float = 1.0) -> None:
    """Register a family. ``items``: "a;b;c" for any context key, or {"key1,key2": "a;b"} (a tuple of
    strings where an item itself contains ";").

    An item "tag1,!tag2|text" needs context flag tag1 and is ruled out by tag2.
    """
    lang, slot, _ = name.split(".", 2)
    table: dict[str, tuple[_Item, ...]] = {}
    for keys, text in ({"*": items} if isinstance(items, (str, tuple)) else items).items():
        parsed = []
        for s in text.split(";") if isinstance(text, str) else text:
            need, forbid = set(), set()
            if slot in ("speed", "manner") and not _LY.fullmatch(s.split("|")[-1]):
                forbid.add("front")  # only -ly adverbs can open a sentence ("Slowly, ...")
            if slot == "bgdesc":  # a description names the colour exactly when the caption mentions it
                (need if "{c}" in s else forbid).add("c")
            parsed.append(_item(s, need, forbid))
            _check(name, slot, parsed[-1].text)
        for k in keys.split(","):
            table[k] = table.get(k, ()) + tuple(parsed)
    FAMILIES[name] = Family(name, lang, slot, heldout, doc)
    _ITEMS[name] = table
    _WEIGHT[name] = weight
    _SLOT.setdefault(f"{lang}.{slot}", []).append(name)


_NEEDS = {"frame": re.compile(r"\{(fin|ing|base|seen|clause|attr|np)\}"), "bgplace": re.compile(r"\{x\}"),
          "join": re.compile(r"#|\{vp\}")}


def _check(name: str, slot: str, text: str) -> None:
    """Catch table typos at import (e.g. a ';' inside an item splitting it in two)."""
    pat = _NEEDS.get(slot)
    if pat is not None and not pat.search(text):
        raise ValueError(f"phrasing family {name}: item {text!r} lacks its placeholder ({pat.pattern})")


class _Pool(NamedTuple):
    names: tuple[str, ...]
    items: tuple[tuple[_Item, ...], ...]
    cum: tuple[float, ...]  # cumulative family weights
    total: float


def _pool(entries: list) -> _Pool:
    cum, total = [], 0.0
    for _, _, w in entries:
        total += w
        cum.append(total)
    return _Pool(tuple(e[0] for e in entries), tuple(e[1] for e in entries), tuple(cum), total)


_POOLS: dict[tuple[str, str, frozenset], tuple[_Pool, _Pool, _Pool]] = {}


def _pools(qslot: str, key: str, flags: frozenset) -> tuple[_Pool, _Pool, _Pool]:
    """(train, held-out, all) families of ``qslot`` with items usable for ``key`` under ``flags`` (cached)."""
    got = _POOLS.get((qslot, key, flags))
    if got is None:
        got = _POOLS[qslot, key, flags] = _make_pools(qslot, key, flags)
    return got


def _make_pools(qslot: str, key: str, flags: frozenset) -> tuple[_Pool, _Pool, _Pool]:
    train, held = [], []
    for name in _SLOT.get(qslot, ()):
        table = _ITEMS[name]
        items = tuple(it for it in table.get(key, ()) + table.get("*", ())
                      if it.need <= flags and not (it.forbid & flags))
        if items:
            (held if FAMILIES[name].heldout else train).append((name, items, _WEIGHT[name]))
    return _pool(train), _pool(held), _pool(train + held)


_NOFLAGS: frozenset = frozenset()


class _Ctx:
    """One caption's random choices, and the families they came from."""

    def __init__(self, rng: np.random.Generator, split: str, p_held: float, prefer: frozenset):
        self.rng, self.split, self.p_held, self.prefer = rng, split, p_held, prefer
        self.used: list[str] = []
        self.trace: list[tuple[str, str]] = []
        self.front = None  # the group whose speed/manner a fronted adverbial already said
        self.zsp = ""  # "" or " " between Chinese words
        self.msp = ""  # "" or " " around English words inside Chinese
        self.need: frozenset = _NOFLAGS  # the flags the last chosen item required
        self.typo_rate = 0.0
        self._buf: list[float] = []
        self._i = 0
        self.framed = self.embedded = False  # Chinese frame: text before the objects / objects inside 一段…的视频

    def rand(self) -> float:
        """Uniform [0, 1), drawn from ``rng`` in blocks (one numpy call per 64 draws keeps this fast)."""
        i = self._i
        if i == len(self._buf):
            self._buf, i = self.rng.random(64).tolist(), 0
        self._i = i + 1
        return self._buf[i]

    def pick(self, seq):
        return seq[int(self.rand() * len(seq))]

    def choose(self, qslot: str, key: str = "*", flags: frozenset = _NOFLAGS,
               required: bool = True) -> tuple[str, str] | tuple[None, None]:
        """Pick a family of ``qslot`` allowed by the split, then one of its items: (family, text)."""
        train, held, both = _pools(qslot, key, flags)
        if self.split == "train":
            pool = train
        elif self.split == "any":
            pool = both
        else:
            pool = held if held.names and (not train.names or self.rand() < self.p_held) else train
        if self.prefer:
            pool = _prefer(pool, both, self.prefer)
        if not pool.names:
            if required:
                raise RuntimeError(f"phrasing: no {self.split} family for {qslot} key={key} flags={sorted(flags)}")
            return None, None
        i = bisect.bisect_right(pool.cum, self.rand() * pool.total) if len(pool.names) > 1 else 0
        name, items = pool.names[i], pool.items[i]
        if self.prefer:
            items = tuple(it for it in items if it.text in self.prefer) or items
        item = items[int(self.rand() * len(items))]
        self.need = item.need
        self.used.append(name)
        self.trace.append((name, item.text))
        return name, item.text

    def retract(self) -> None:
        self.used.pop()
        self.trace.pop()


def _prefer(pool: _Pool, both: _Pool, prefer: frozenset) -> _Pool:
    """Restrict to preferred families (and, in ``choose``, items) when available: tests reach exact phrasings."""
    for src in (pool, both):
        sel = [(n, it, 1.0) for n, it in zip(src.names, src.items, strict=True) if n in prefer]
        if sel:
            return _pool(sel)
    return pool


# ------------------------------------------------------------------------------------- shared tables
_DIAG = ("up-left", "up-right", "down-left", "down-right")
_TOP = {"up": "top", "down": "bottom"}
_UPPER = {"up": "upper", "down": "lower"}
_OPP = {"left": "right", "right": "left", "up": "down", "down": "up"}


def _parts(d: str) -> tuple[str | None, str | None]:
    """(vertical, horizontal) components of a direction."""
    dx, dy = DIRECTIONS[d]
    return ({-1: "up", 1: "down"}.get(dy), {-1: "left", 1: "right"}.get(dx))


def _per_dir(fn) -> dict[str, str]:
    """{direction: "a;b;..."} from fn(v, h) -> list of phrases (empty list: no items)."""
    out = {}
    for d in DIRECTIONS:
        items = fn(*_parts(d))
        if items:
            out[d] = ";".join(items)
    return out


# ===================================================================================== English lexicon
# ---- frames: the whole sentence. {fin}/{ing}/{base}/{seen}: the objects with finite verbs, participles,
# bare infinitives or "is seen ...ing"; {is}: is/are for the first object; {N}: number of objects.
_fam("en.frame.svo", "plain sentence: 'A red circle slides to the left.'", {"video": "{fin}"}, weight=4)
_fam("en.frame.fragment", "noun-phrase fragment: 'red circle moving left', 'two blue stars'",
     {"video,image": "{ing}"}, weight=3)
_fam("en.frame.there", "existential: 'There is a red circle moving left.'",
     {"video,image": "there {is} {ing};there's {ing}", "video": "in this clip there {is} {ing}",
      "image": "in this picture, there {is} {ing};in the image there {is} {ing}"}, weight=1.5)
_fam("en.frame.in_clip", "'In this clip, ...', 'Over the course of the clip, ...'",
     {"video": "in this clip, {fin};in this video, {fin};in the video, {fin};in this animation, {fin};"
               "in the clip {fin};over the course of the clip, {fin};in this short video, {fin}"}, weight=1.5)
_fam("en.frame.shows", "'The clip shows ...', 'An image showing ...'",
     {"video": "the clip shows {ing};this video shows {ing};the video shows {ing};the animation shows {ing};"
               "the footage shows {ing};the scene shows {ing}",
      "image": "the image shows {ing};this picture shows {ing};the picture shows {ing};an image showing {ing};"
               "a picture showing {ing};the picture contains {ing}"}, weight=1.5)
_fam("en.frame.media_of", "'A video of ...', 'A clip where ...', 'A picture of ...'",
     {"video": "a video of {ing};video of {ing};a clip of {ing};a short clip of {ing};footage of {ing};"
               "a video showing {ing};a clip showing {ing};a video with {ing};a clip where {fin};"
               "a video where {fin}",
      "image": "a picture of {ing};an image of {ing};a photo of {ing};a still image of {ing};"
               "an illustration of {ing};a drawing of {ing};picture of {ing};image of {ing};"
               "an image with {ing};a still of {ing}"}, weight=2)
_fam("en.frame.watch", "'Watch as a red circle drifts left.'",
     {"video": "watch as {fin};allmotion|watch {base}"})
_fam("en.frame.imperative", "requests: 'Show ...', 'Make a red circle move left', 'Generate a video of ...'",
     {"video": "show {ing};generate a video of {ing};make a video of {ing};create a clip of {ing};render {ing};"
               "animate {ing};please show {ing};allmotion|make {base};allmotion|have {base};"
               "generate a clip where {fin};please generate a video of {ing};i want a video of {ing};"
               "create an animation where {fin};can you make a video of {ing}",
      "image": "draw {ing};generate an image of {ing};create a picture of {ing};render {ing};please draw {ing};"
               "make an image of {ing};show {ing};i want a picture of {ing}"}, weight=1.5)
_fam("en.frame.chat", "chat-style requests: 'can you show a red ball going left', 'make me a clip of ...', '... pls'",
     {"video": "can you show {ing};can u show {ing};pls show {ing};show me {ing};make me a video of {ing};"
               "make me a clip of {ing};i need a clip of {ing};could you generate a video of {ing};"
               "gimme a clip of {ing};{ing} pls;a vid of {ing};allmotion|can you make {base};"
               "allmotion|can u make {base} pls;allmotion|pls make {base}",
      "image": "can you draw {ing};pls draw {ing};make me a picture of {ing};i need an image of {ing};"
               "show me {ing}"}, weight=0.8)
_fam("en.frame.animation", "filler: 'A simple animation of ...', 'Simple 2d animation: ...'",
     {"video": "a simple animation of {ing};a short animation of {ing};simple 2d animation: {fin};"
               "an animation where {fin};a minimal animation of {ing};a simple animation: {ing};"
               "a basic animation of {ing}",
      "image": "a simple drawing of {ing};a flat illustration of {ing};minimal 2d graphic: {ing}"})
_fam("en.frame.features", "'The clip features ...', 'A clip featuring ...'",
     {"video": "the clip features {ing};a clip featuring {ing};this video features {ing};"
               "the animation features {ing}",
      "image": "the image features {ing};a picture featuring {ing}"}, weight=0.7)
_fam("en.frame.enumerate", "object count first: 'Three shapes: a red circle ..., ...'",
     {"video,image": "multi|{N} shapes: {ing};multi|{N} objects: {ing};multi|there are {N} shapes: {ing};"
                     "multi|{N} shapes on screen: {ing}"}, weight=0.7)
_fam("en.frame.we_see", "viewer framing: 'We see ...', 'You can see ...'",
     {"video": "we see {ing};we can see {ing};you can see {ing};allmotion|we see {base};we watch as {fin}",
      "image": "we see {ing};you can see {ing};we can see {ing}"}, heldout=True)
_fam("en.frame.here", "presentational: 'Here is ...', 'Here we have ...'",
     {"video,image": "here is {ing};here's {ing};here we have {ing}"}, heldout=True, weight=0.8)
_fam("en.frame.seen", "passive: 'A red circle is seen moving left', '... can be seen ...'",
     {"video": "{seen}"}, heldout=True, weight=0.8)
_fam("en.frame.fronted", "fronted adverbial: 'Slowly, a red circle moves left.'",
     {"video": "adv|{adv}, {fin}"}, heldout=True)
_fam("en.frame.as_plays", "temporal filler: 'As the clip plays, ...'",
     {"video": "as the clip plays, {fin};as the video goes on, {fin};as the animation runs, {fin}"},
     heldout=True, weight=0.7)

# ---- noun phrases
_fam("en.count.word", "a/an/one, two, three", {"1": "a;a;a;one", "2": "two", "3": "three"}, weight=5)
_fam("en.count.digit", "digits: 1, 2, 3", {"1": "1", "2": "2", "3": "3"})
_fam("en.count.single", "'a single', 'just one'", {"1": "a single;one single;just one;only one"}, weight=0.5)
_fam("en.count.pair", "'a pair of'", {"2": "a pair of"}, weight=0.5)
_fam("en.count.bare", "no article for one object (fragments): 'red circle moving left'",
     {"1": "bare|"}, weight=1.5)
_fam("en.count.identical", "'two identical', 'three identical'",
     {"2": "two identical;a pair of identical", "3": "three identical;3 identical"}, heldout=True, weight=0.7)
_fam("en.size.plain", "small, medium(-sized), large",
     {"small": "small", "medium": "medium;medium-sized", "large": "large"}, weight=3)
_fam("en.size.colloquial", "tiny/little, mid-sized, big/huge",
     {"small": "tiny;little;small-sized", "medium": "mid-sized;medium-size;average-sized",
      "large": "big;huge;large-sized"}, weight=2)
_fam("en.size.post", "size after the noun: 'a red circle of medium size'",
     {"small": "!nopost|of small size", "medium": "!nopost|of medium size", "large": "!nopost|of large size"},
     heldout=True)
_fam("en.color.name", "the palette names", {c: c for c in COLORS}, weight=6)
_fam("en.color.grey", "British 'grey'", {"gray": "grey"}, weight=1.5)
_fam("en.color.synonym", "unambiguous synonyms: violet (purple), turquoise/aqua (cyan)",
     {"purple": "violet", "cyan": "turquoise;aqua"})
_fam("en.color.colored", "'red-colored', 'red-coloured'", "!bg|{c}-colored;!bg|{c}-coloured;!bg|{c} colored")
_fam("en.shape.name", "the shape names", {s: s for s in SHAPES}, weight=6)
_fam("en.shape.synonym", "ball/disc/disk/dot, box/block, five-pointed star, rhombus/lozenge, plus (sign)",
     {"circle": "ball;disc;disk;!large|dot", "square": "box;block", "star": "five-pointed star",
      "diamond": "rhombus;lozenge", "cross": "plus sign;plus"}, weight=2)
_fam("en.shape.shape_word", "'circle shape', 'star shape'", "{s} shape")
_fam("en.shape.shaped", "'star-shaped object', 'round shape'",
     {"circle": "round shape;circular shape;circle-shaped object", "triangle": "triangular shape",
      "square,star,diamond,cross": "{s}-shaped object;{s}-shaped figure"}, heldout=True)

# ---- directional motion: verb + direction phrase
_ANYDIR = ",".join(DIRECTIONS)
_fam("en.verb.move", "move/go/travel/shift + direction", {_ANYDIR: "move;go;travel;shift"}, weight=3)
_fam("en.verb.glide", "slide/glide/drift/float + direction", {_ANYDIR: "slide;glide;drift;float"}, weight=2.5)
_fam("en.verb.head", "'heads left', 'heads toward the top'", {_ANYDIR: "head"})
_fam("en.verb.head_for", "'heads for the top right corner'", {_ANYDIR: "head~ for"}, weight=0.7)
_fam("en.verb.make_way", "'makes its way to the left'", {_ANYDIR: "make {its} way"}, weight=0.7)
_fam("en.verb.rise", "rise/climb/ascend (up; '... to the right' for diagonals)",
     {"up,up-left,up-right": "rise;climb;ascend"}, weight=1.5)
_fam("en.verb.fall", "fall/drop/sink/descend (down; '... to the left' for diagonals)",
     {"down,down-left,down-right": "fall;drop;sink;descend"}, weight=1.5)
_fam("en.verb.roll", "'a ball rolls to the right' (circles, left/right only)",
     {"left,right": "circle|roll"}, weight=0.7)
_fam("en.verb.fast", "verbs that say fast (only when the speed is fast): zips, darts, races, zooms",
     {_ANYDIR: "fast|zip;fast|dart;fast|shoot;fast|race;fast|whiz;fast|zoom;fast|rush;fast|scoot"})
_fam("en.verb.slow", "verbs that say slow (only when the speed is slow): creeps, crawls, inches",
     {_ANYDIR: "slow|creep;slow|crawl;slow|inch"}, weight=0.7)
_fam("en.verb.sail", "sail/cruise/coast/proceed + direction", {_ANYDIR: "sail;cruise;coast;proceed"},
     heldout=True)
_VTYPE = {"en.verb.head_for": "dest", "en.verb.rise": "vert", "en.verb.fall": "vert",
          "en.verb.fast": "speed", "en.verb.slow": "speed"}

_fam("en.dir.bare", "'left', 'up and left'",
     _per_dir(lambda v, h: [f"{v} and {h}", f"{h} and {v}"] if v and h else [v or h]), weight=2)
_fam("en.dir.to_the", "'to the left', 'upward', 'to the upper right', 'up and to the left'",
     _per_dir(lambda v, h: [f"{v} and to the {h}", f"to the {_UPPER[v]} {h}", f"to the {_TOP[v]} {h}",
                            f"{v}ward and to the {h}"] if v and h else
              [f"to the {h}"] if h else [f"{v}ward", f"{v}wards"]), weight=3)
_fam("en.dir.ward", "'leftward(s)', 'to the top'",
     _per_dir(lambda v, h: [f"{v}ward to the {h}"] if v and h else
              [f"{h}ward", f"{h}wards"] if h else [f"to the {_TOP[v]}", f"to the {_TOP[v]} of the frame"]))
_fam("en.dir.from_to", "'from left to right', 'from the bottom left to the top right'",
     _per_dir(lambda v, h: [f"from the {_TOP[_OPP[v]]} {_OPP[h]} to the {_TOP[v]} {h}",
                            f"from the {_UPPER[_OPP[v]]} {_OPP[h]} corner toward the {_UPPER[v]} {h} corner"]
              if v and h else [f"from {_OPP[h]} to {h}", f"from the {_OPP[h]} to the {h}",
                               f"from the {_OPP[h]} side to the {h} side"] if h else
              [f"from {_TOP[_OPP[v]]} to {_TOP[v]}", f"from the {_TOP[_OPP[v]]} of the frame to the {_TOP[v]}"]),
     weight=1.5)
_fam("en.dir.toward_side", "'toward(s) the left edge', 'towards the bottom-left corner'",
     _per_dir(lambda v, h: [f"toward the {_TOP[v]} {h} corner", f"towards the {_UPPER[v]} {h}",
                            f"toward the {_TOP[v]}-{h} corner", f"towards the {_UPPER[v]}-{h} corner of the frame"]
              if v and h else [f"toward the {h}", f"towards the {h}", f"toward the {h} side", f"towards the {h} edge",
                               f"toward the {h} side of the screen", f"towards the {h} of the frame"] if h else
              [f"toward the {_TOP[v]}", f"towards the {_TOP[v]} of the screen", f"toward the {_TOP[v]} edge"]),
     weight=2)
_fam("en.dir.across", "'across the screen to the left', 'down the screen'",
     _per_dir(lambda v, h: [f"diagonally across the screen toward the {_TOP[v]} {h}",
                            f"across the screen to the {_UPPER[v]} {h}"] if v and h else
              [f"across the screen to the {h}", f"across the frame to the {h}",
               f"across the screen from {_OPP[h]} to {h}", f"across the screen toward the {h}"] if h else
              [f"{v} the screen", f"{v} the frame"]))
_fam("en.dir.diagonal", "diagonals only: 'diagonally up and to the right'",
     _per_dir(lambda v, h: [f"diagonally {v} and to the {h}", f"diagonally {v} and {h}",
                            f"diagonally toward the {_TOP[v]} {h}", f"diagonally {v}ward to the {h}"]
              if v and h else []))
_fam("en.dir.in_direction", "'in the leftward direction', 'in the direction of the top right corner'",
     _per_dir(lambda v, h: [f"in the direction of the {_TOP[v]} {h} corner",
                            f"in a diagonal direction toward the {_UPPER[v]} {h}"] if v and h else
              [f"in the {h}ward direction", f"in the direction of the {h} edge", f"off to the {h}"] if h else
              [f"in a {v}ward direction", f"in the direction of the {_TOP[v]}"]), heldout=True)
_fam("en.dest.edge", "destinations for 'heads for ...': 'the left edge', 'the top right corner'",
     _per_dir(lambda v, h: [f"the {_TOP[v]} {h} corner", f"the {_UPPER[v]} {h} corner", f"the {_TOP[v]}-{h} corner"]
              if v and h else [f"the {h} edge", f"the {h} side", f"the {h} side of the screen"] if h else
              [f"the {_TOP[v]}", f"the {_TOP[v]} of the screen", f"the {_TOP[v]} edge"]))
_fam("en.vdir.complement", "what follows rise/fall verbs: '' / 'upward' / 'to the right' (diagonals)",
     _per_dir(lambda v, h: [] if not v else
              [f"to the {h}", f"toward the {h}", f"{v} and to the {h}", f"toward the {_UPPER[v]} {h}",
               f"toward the {_TOP[v]}-{h} corner", f"diagonally to the {h}"] if h else
              ["", "", v, f"{v}ward", f"{v}wards", f"toward the {_TOP[v]}", f"to the {_TOP[v]} of the frame",
               f"{v} the screen"]))

# ---- other motions: verb phrases. "a/b/c/d" = explicit 3rd-singular/plural/participle/infinitive forms;
# "~" = where a speed adverb may go after the verb; {its} = its/their.
_fam("en.still.still", "stay/sit/stand/hold still", "stay still;sit still;stand still;hold still;remain still;"
     "keep still;stay put;stay in place;remain in place;hover in place", weight=2)
_fam("en.still.notmove", "'doesn't move', 'not moving'",
     "doesn't move/don't move/not moving/not move;does not move/do not move/not moving/not move;"
     "doesn't move at all/don't move at all/not moving at all/not move at all")
_fam("en.still.stationary", "motionless/stationary/static",
     "is motionless/are motionless/staying motionless/be motionless;"
     "is stationary/are stationary/remaining stationary/be stationary;"
     "is static/are static/sitting static/be static;remain stationary;remain motionless")
_fam("en.still.center", "'sits in the middle' (only when the object is near the centre)",
     "centered|sit in the middle;centered|sit in the center;centered|sit in the centre;"
     "centered|stay still in the centre of the frame;centered|stay still in the center of the frame;"
     "centered|rest in the middle of the screen", weight=0.7)
_fam("en.still.frozen", "'is frozen in place'",
     "is frozen in place/are frozen in place/frozen in place/be frozen in place;stay frozen;remain frozen in place",
     heldout=True)
_fam("en.rotate.spin", "spin (around / in place)",
     "spin;spin around;spin in place;keeps spinning/keep spinning/spinning continuously/keep spinning;"
     "spin on the spot", weight=2)
_fam("en.rotate.rotate", "rotate (in place)", "rotate;rotate in place;rotate on the spot", weight=2)
_fam("en.rotate.turn", "turn/twirl", "turn;turn in place;twirl;twirl around;turn around in place")
_fam("en.rotate.quarter", "'does a quarter turn', 'turns ninety degrees' (the world rotates 90°)",
     "do a quarter turn;make a quarter turn;turn ninety degrees;rotate by 90 degrees", heldout=True)
_fam("en.change.grow_shrink", "grows / shrinks (bigger and bigger)",
     {"grow": "grow;grow larger;grow bigger;grow bigger and bigger;keeps growing/keep growing/growing steadily/"
              "keep growing",
      "shrink": "shrink;shrink down;shrink smaller and smaller;keeps shrinking/keep shrinking/shrinking steadily/"
                "keep shrinking"}, weight=2)
_fam("en.change.get", "gets bigger/larger, gets smaller",
     {"grow": "get bigger;get larger;get bigger and bigger;become larger",
      "shrink": "get smaller;get smaller and smaller;become smaller"}, weight=2)
_fam("en.change.scale", "expands/swells/scales up, contracts/scales down",
     {"grow": "expand;enlarge;swell;swell up;scale up;inflate", "shrink": "contract;scale down;deflate"})
_fam("en.change.in_size", "'increases in size', 'shrinks in size'",
     {"grow": "grow in size;increase in size", "shrink": "shrink in size;decrease in size"}, heldout=True)
_fam("en.bounce.around", "bounce around / back and forth",
     "bounce~ around;bounce~ around the frame;bounce~ around the screen;bounce~ back and forth;bounce", weight=2)
_fam("en.bounce.walls", "bounce off the walls/edges/sides",
     "bounce~ off the walls;bounce~ off the edges;bounce~ off the sides of the frame;"
     "bounce~ off the edges of the screen", weight=2)
_fam("en.bounce.ricochet", "ricochet", "ricochet~ around;ricochet~ off the walls;ping-pong~ around the frame")
_fam("en.bounce.rebound", "'rebounds off the walls'", "rebound~ off the walls;rebound~ off the edges of the frame",
     heldout=True)
_fam("en.towards.move", "move/head/drift toward(s) each other / one another",
     "move~ toward each other;move~ towards each other;move~ towards one another;head~ toward each other;"
     "drift~ toward each other;slide~ towards one another", weight=2)
_fam("en.towards.approach", "approach each other", "approach each other;approach one another")
_fam("en.towards.together", "come together, converge, get closer and closer",
     "come~ together;drift~ together;move~ closer together;get closer and closer;converge")
_fam("en.towards.close_in", "'close in on each other', 'draw closer to each other'",
     "close in on each other;draw~ closer to each other", heldout=True)
_MOTION_SLOT = {"still": "still", "rotate": "rotate", "grow": "change", "shrink": "change", "bounce": "bounce",
                "towards": "towards"}

# ---- how one object is described inside a participle list
_fam("en.group.participle", "'a red circle moving left'", "{np} {ing}", weight=5)
_fam("en.group.adj", "motion as an adjective: 'a spinning red square', 'a falling ball'",
     {"rotate": "!speed,!zhnp|spinning;!speed,!zhnp|rotating;!speed,!zhnp|twirling",
      "grow": "!speed,!zhnp|growing;!speed,!zhnp|expanding", "shrink": "!speed,!zhnp|shrinking",
      "bounce": "!speed,!zhnp|bouncing",
      "still": "!zhnp|motionless;!zhnp|stationary;!zhnp|static;!zhnp|unmoving",
      "up": "!speed,!zhnp|rising;!speed,!zhnp|ascending",
      "down": "!speed,!zhnp|falling;!speed,!zhnp|descending;!speed,!zhnp|sinking"})
_fam("en.group.that", "relative clause with 'that': 'a red circle that drifts left'", "{np} that {fin}")
_fam("en.group.which", "relative clause with 'which': 'a red circle, which is spinning'",
     "{np}, which {fin};{np} which {fin}", heldout=True)
_fam("en.aspect.simple", "simple present: 'moves'", "s", weight=3)
_fam("en.aspect.progressive", "progressive: 'is moving'", "p", weight=1.5)
_fam("en.nomotion.visible", "an object whose motion is not mentioned: 'a blue square is visible'",
     "{np} {is} visible;{np} {is} in the frame;{np} {is} on screen;nonfirst|{np} {is} also there;"
     "nonfirst|there {is} also {np}")

# ---- speed (only when the Request has that speed) and meaning-free manner adverbs
_fam("en.speed.adverb", "slowly/gently/lazily, quickly/rapidly/swiftly",
     {"slow": "slowly;gently;lazily;unhurriedly", "fast": "quickly;rapidly;swiftly;speedily;briskly"}, weight=3)
_fam("en.speed.flat", "'moves fast', 'goes slow'", {"slow": "slow", "fast": "fast"})
_fam("en.speed.pace", "'at a slow pace', 'at high speed'",
     {"slow": "at a slow pace;at a leisurely pace;at a slow speed;at low speed",
      "fast": "at a fast pace;at high speed;at a high speed;at a rapid pace;at full speed"}, weight=1.5)
_fam("en.speed.very", "intensified: 'very slowly', 'really fast'",
     {"slow": "very slowly;really slowly;super slowly", "fast": "very quickly;really fast;super fast;very fast"})
_fam("en.speed.compound", "compound adjective on the noun: 'a slow-moving red circle'",
     {"slow": "!nomod,!zhnp|slow-moving", "fast": "!nomod,!zhnp|fast-moving"}, heldout=True)
_fam("en.manner.straight", "'straight', 'directly', 'in a straight line'",
     {"dir": "^straight;^directly;in a straight line"})
_fam("en.manner.steady", "'steadily', 'smoothly'",
     {"dir,rotate,towards": "steadily;smoothly;!front|continuously", "change": "steadily;smoothly"})
_fam("en.manner.gradual", "'gradually', 'little by little'", {"change,towards": "gradually;little by little;over time"})
_fam("en.manner.still", "'the whole time'", {"still": "the whole time;throughout the clip;for the whole video"})

# ---- several objects: "sep#last[#mode of the last part]"
_fam("en.join.and", "'A, B and C'", {"fin,ing,base,seen,list": ", # and ;, #, and "}, weight=4)
_fam("en.join.while", "'A moves left while B spins'",
     {"fin,seen": ", # while ;, #, while ", "ing": ", # while #fin;, #, while #fin"}, weight=1.5)
_fam("en.join.as", "'A moves left as B spins'", {"fin": ", # as ;, #, as ", "ing": ", # as #fin"}, weight=0.7)
_fam("en.join.sentences", "one sentence per object", {"fin": ". #. "})
_fam("en.join.semicolon", "'A moves left; B spins'", {"fin,ing": ("; #; ",)}, weight=0.5)
_fam("en.join.comma", "comma list", {"fin,ing,list": ", #, "}, weight=0.7)
_fam("en.join.same_time", "', and at the same time ...'",
     {"fin": ", #, and at the same time ;, #, and at the same time, "}, weight=0.5)
_fam("en.join.with", "'A moving left, with B spinning'", {"ing": ", #, with "}, weight=0.7)
_fam("en.join.shared", "one verb for all objects that move alike: 'A and B both move left'",
     {"shared:fin": "two|{nps} both {vp};{nps} {vp};{nps} {vp} together;three|{nps} all {vp}",
      "shared:ing": "{nps} {vp};two|{nps}, both {vp}", "shared:base": "{nps} {vp}"})
_fam("en.join.meanwhile", "'A moves left. Meanwhile, B spins.'",
     {"fin": (". #. meanwhile, ", ", #; meanwhile, "), "ing": (", #; meanwhile, #fin",)}, heldout=True)

# ---- background: a description ("np@predicate"; {c} colour, {bg} background/backdrop) and a placement
_fam("en.bgdesc.color", "colour only: 'a white background', 'a grey-coloured backdrop'",
     {"none": "{c} {bg}@{c};{c}-colored {bg}@{c};{c}-coloured {bg}@{c}"}, weight=3)
_fam("en.bgdesc.solid", "'plain/solid/flat/uniform white'",
     {"solid": "plain {c} {bg}@plain {c};solid {c} {bg}@solid {c};flat {c} {bg}@flat {c};"
               "uniform {c} {bg}@a uniform {c};plain {bg}@plain;solid-color {bg}@a solid color;"
               "plain single-colour {bg}@"}, weight=2)
_fam("en.bgdesc.gradient", "gradients named with their axis: 'a blue gradient from top to bottom'",
     {"vgradient": "vertical {c} gradient@a vertical {c} gradient;{c} vertical gradient {bg}@a {c} vertical gradient;"
                   "{c} {bg} with a vertical gradient@{c} with a vertical gradient;"
                   "top-to-bottom {c} gradient@a top-to-bottom {c} gradient;"
                   "{c} gradient from top to bottom@a {c} gradient from top to bottom;"
                   "{c} {bg} that fades from light at the top to dark at the bottom@"
                   "{c}, fading from light at the top to dark at the bottom;"
                   "{c} {bg}, lighter at the top and darker at the bottom@"
                   "{c}, lighter at the top and darker at the bottom;"
                   "vertical gradient {bg}@a vertical gradient;{bg} with a top-to-bottom gradient@",
      "hgradient": "horizontal {c} gradient@a horizontal {c} gradient;"
                   "{c} horizontal gradient {bg}@a {c} horizontal gradient;"
                   "{c} {bg} with a horizontal gradient@{c} with a horizontal gradient;"
                   "left-to-right {c} gradient@a left-to-right {c} gradient;"
                   "{c} gradient from left to right@a {c} gradient from left to right;"
                   "{c} {bg} that fades from light on the left to dark on the right@"
                   "{c}, fading from light on the left to dark on the right;"
                   "{c} {bg}, lighter on the left and darker on the right@"
                   "{c}, lighter on the left and darker on the right;"
                   "horizontal gradient {bg}@a horizontal gradient;{bg} with a left-to-right gradient@"},
     weight=2)
_fam("en.bgdesc.texture", "'a textured white background', 'a mottled grey backdrop'",
     {"texture": "textured {c} {bg}@textured {c};{c} textured {bg}@textured {c};"
                 "{c} {bg} with a subtle texture@{c} with a subtle texture;mottled {c} {bg}@mottled {c};"
                 "softly textured {c} {bg}@softly textured {c};textured {bg}@textured"}, weight=2)
_fam("en.bgdesc.faint", "'a faintly textured white background'",
     {"texture": "{c} {bg} with a faint texture@{c} with a faint texture;"
                 "faintly textured {c} {bg}@faintly textured {c}"}, heldout=True)
_fam("en.bgplace.on", "'... on a black background' / 'On a black background, ...'",
     "{x} on a {np};on a {np}, {x};{x} over a {np}", weight=4)
_fam("en.bgplace.against", "'... against a plain white backdrop'", "{x} against a {np};against a {np}, {x}",
     weight=1.5)
_fam("en.bgplace.with", "'... with a blue background'", "bgword|{x} with a {np};bgword|{x}, with a {np}")
_fam("en.bgplace.sentence", "'The background is plain white.'",
     ("pred|{x}. the background is {pred}", "pred|the background is {pred}. {x}", "pred|{x}; the background is {pred}",
      "pred|{x}, and the background is {pred}", "c0|{x}. the background colour is {c}",
      "c0|{x}. the background color is {c}"), weight=1.5)
_fam("en.bgplace.tag", "trailing tag: '..., white background'", "bgword|{x}, {np}")
_fam("en.bgplace.infront", "'... in front of a white background', '..., set against a ...'",
     "{x} in front of a {np};in front of a {np}, {x};{x}, set against a {np}", heldout=True)

# ---- surface
_fam("en.case.sentence", "Sentence case", "s", weight=5)
_fam("en.case.lower", "all lower case", "l", weight=3)
_fam("en.case.title", "Title Case", "t", heldout=True, weight=0.7)
_fam("en.punct.period", "final period", ".", weight=5)
_fam("en.punct.none", "no final punctuation", "", weight=3)
_fam("en.punct.bang", "final '!'", "!", weight=0.3)
_fam("en.typo.drop", "typo: a dropped letter ('trangle')", "drop")
_fam("en.typo.double", "typo: a doubled letter ('circcle')", "double")
_fam("en.typo.swap", "typo: two letters swapped ('sqaure')", "swap")
_fam("en.typo.neighbor", "typo: a neighbouring key ('purplw')", "neighbor", heldout=True)

# ===================================================================================== Chinese lexicon
# {clause}: objects with verbs; {attr}: "一个向右移动的红色圆形"; {np}: objects only; {N}: object count
_fam("zh.frame.plain", "bare sentence / noun phrase: '红色圆形向右移动'", {"video": "{clause}", "image": "{np}"},
     weight=4)
_fam("zh.frame.scene", "'视频中，…', '画面里…', '图片里有…'",
     {"video": "视频中，{clause};视频里{clause};画面中，{clause};画面里{clause};在这段视频里，{clause};"
               "屏幕上，{clause};这段视频中，{clause}",
      "image": "图片里有{np};图片中是{np};照片上有{np};画面中有{np};图中有{np};画面上是{np}"}, weight=2)
_fam("zh.frame.kandao", "'可以看到…'",
     {"video": "可以看到{clause};能看到{clause};视频里可以看到{clause};画面中可以看到{clause}",
      "image": "可以看到{np};图中可以看到{np}"}, weight=1.5)
_fam("zh.frame.you", "existential '有…', '画面中有…'", {"video": "有{clause};画面中有{clause};视频里有{clause}"},
     weight=1.5)
_fam("zh.frame.zhanshi", "'这段视频展示了…', '一段…的视频', '一张…的图片'",
     {"video": "!towards|这段视频展示了{attr};!towards|视频展示了{attr};这是一段{clause}的视频;一段{clause}的视频;"
               "视频内容：{clause}",
      "image": "一张{np}的图片;一张图片，上面有{np};一幅{np}的画面;一张照片：{np};这张图片展示了{np}"}, weight=1.5)
_fam("zh.frame.attr", "attributive fragment: '一个向右移动的红色圆形'", {"video": "!towards|{attr}"}, weight=1.5)
_fam("zh.frame.qing", "requests: '请生成一段…的视频', '请画…'",
     {"video": "请生成一段{clause}的视频;生成一段{clause}的视频;帮我生成一段{clause}的动画;请做一段视频：{clause};"
               "生成视频：{clause};我想要一段{clause}的视频;帮我做一段{clause}的视频;给我生成一段{clause}的视频;"
               "做一个视频：{clause}",
      "image": "请画{np};画{np};生成一张{np}的图片;生成一张图片，内容是{np};帮我画一张图：{np}"}, weight=1.5)
_fam("zh.frame.donghua", "filler: '一段简单的动画：…'",
     {"video": "一段简单的动画：{clause};简单动画，{clause};一个小动画：{clause};一段动画，{clause}",
      "image": "一幅简单的插图：{np};简笔画：{np}"})
_fam("zh.frame.enumerate", "object count first: '画面中有三个图形：…'",
     {"video": "multi|画面中有{N}个图形：{clause};multi|{N}个图形：{clause};multi|视频里有{N}个物体，{clause}",
      "image": "multi|图中有{N}个图形：{np};multi|{N}个图形：{np}"}, weight=0.7)
_fam("zh.frame.we_see", "viewer framing: '只见…', '我们看到…'",
     {"video": "只见{clause};我们看到{clause};我们可以看到{clause}", "image": "只见画面中有{np};我们看到图中有{np}"},
     heldout=True)
_fam("zh.frame.suizhe", "temporal filler: '随着视频播放，…'",
     {"video": "随着视频播放，{clause};随着画面推进，{clause};视频播放时，{clause}"}, heldout=True, weight=0.7)

_fam("zh.count.ge", "一个/两个/三个", {"1": "一个", "2": "两个", "3": "三个"}, weight=5)
_fam("zh.count.digit", "1个/2个/3个", {"1": "1个", "2": "2个", "3": "3个"})
_fam("zh.count.ke", "一颗/两颗 (balls, dots, stars)", {"1": "ke|一颗", "2": "ke|两颗", "3": "ke|三颗"})
_fam("zh.count.kuai", "一块 (blocks)", {"1": "kuai|一块", "2": "kuai|两块", "3": "kuai|三块"}, weight=0.5)
_fam("zh.count.none", "no count word for one object: '红色圆形向右移动'", {"1": ""}, weight=2)
_fam("zh.count.dui", "一对 (a pair)", {"2": "一对"}, weight=0.3)
_fam("zh.count.mei", "一枚 (stars)", {"1": "mei|一枚", "2": "mei|两枚", "3": "mei|三枚"}, heldout=True)
_fam("zh.count.zhi", "一只 (balls)", {"1": "zhi|一只", "2": "zhi|两只", "3": "zhi|三只"}, heldout=True, weight=0.5)
_fam("zh.count.yi", "一 + noun without a measure word: '一红色小球' (not before a verb phrase: 一下移的 reads 一下)",
     {"1": "!attr|一"}, heldout=True)
_ZH_KE, _ZH_KUAI = {"圆球", "球", "圆点", "星星", "五角星", "星"}, {"方块", "正方形", "方形", "正方块"}
_ZH_MEI, _ZH_ZHI = {"五角星", "星星"}, {"球", "圆球"}

_fam("zh.shape.std", "圆形/正方形/三角形/星形/菱形/十字形",
     {"circle": "圆形", "square": "正方形", "triangle": "三角形", "star": "星形", "diamond": "菱形", "cross": "十字形"},
     weight=5)
_fam("zh.shape.short", "圆/方块/三角/星星/十字",
     {"circle": "圆", "square": "方块", "triangle": "三角", "star": "星星", "cross": "十字"}, weight=3)
_fam("zh.shape.alt", "圆圈/圆球/球/圆点/圆盘, 方形, 五角星, 加号",
     {"circle": "圆圈;圆球;球;!large|圆点;圆盘", "square": "方形;正方块", "star": "五角星;星", "cross": "加号;十字架"},
     weight=2)
_fam("zh.shape.tuan", "'圆形图案', '星形图形'",
     {"circle": "圆形图案;圆形图形", "square": "正方形图案;正方形图形", "triangle": "三角形图案;三角形图形",
      "star": "星形图案;五角星图案", "diamond": "菱形图案;菱形图形", "cross": "十字形图案;十字图案"}, heldout=True)
_fam("zh.color.se", "红色/灰色/… (X色)", dict(COLOR_ZH, pink="粉色;粉红色"), weight=5)
_ZH_SHORT = {"red": "红", "orange": "橙", "yellow": "黄", "green": "绿", "cyan": "青", "blue": "蓝", "purple": "紫",
             "pink": "粉红", "white": "白", "black": "黑", "gray": "灰"}
_fam("zh.color.short", "红/蓝/… (no 色; not for backgrounds)", {c: "!bg|" + z for c, z in _ZH_SHORT.items()}, weight=2)
_fam("zh.color.syn", "橘色/橘黄色 (orange), 紫罗兰色 (purple)", {"orange": "橘色;橘黄色", "purple": "紫罗兰色"},
     weight=0.5)
_fam("zh.size.std", "大/小/中等大小", {"small": "小;小的", "medium": "中等大小的;中等大小;中号的;中等的",
                                       "large": "大;大的"}, weight=3)
_fam("zh.size.colloquial", "小小的/迷你, 大大的/很大的/巨大的",
     {"small": "小小的;很小的;迷你", "medium": "中号", "large": "大大的;很大的;巨大的;大号的"}, weight=1.5)
_fam("zh.size.idiom", "'不大不小的', '个头很大的'",
     {"small": "!yi|个头很小的", "medium": "不大不小的", "large": "!yi|个头很大的"}, heldout=True)  # 一个头: 一个 + 头

_ZH_D = {"left": "左", "right": "右", "up": "上", "down": "下", "up-left": "左上方;左上角;左上",
         "up-right": "右上方;右上角;右上", "down-left": "左下方;左下角;左下", "down-right": "右下方;右下角;右下"}
_ZH_DN = {"left": "左边;左侧;左方;画面左侧;画面的左边;屏幕左边", "right": "右边;右侧;右方;画面右侧;画面的右边;屏幕右边",
          "up": "上方;上面;画面上方;顶部", "down": "下方;下面;画面下方;底部",
          "up-left": "左上方;左上角;画面左上角", "up-right": "右上方;右上角;画面右上角",
          "down-left": "左下方;左下角;画面左下角", "down-right": "右下方;右下角;画面右下角"}
_ZH_D = {k: v.split(";") for k, v in _ZH_D.items()}
_ZH_DN = {k: v.split(";") for k, v in _ZH_DN.items()}
_ZH_V = ("移动", "移动", "移", "滑动", "滑", "飘", "飘去", "飘动", "走", "运动", "移过去", "漂移", "前进", "跑", "飞")
_ZH_CORNER = {"up": ("下", "上"), "down": ("上", "下"), "left": ("右", "左"), "right": ("左", "右")}


def _zh_from(v: str | None, h: str | None) -> list[str]:
    if v and h:
        fv, tv = _ZH_CORNER[v]
        fh, th = _ZH_CORNER[h]
        return [f"从{fh}{fv}角向{th}{tv}角{{v}}", f"从{fh}{fv}方往{th}{tv}方{{v}}"]
    f, t = _ZH_CORNER[v or h]
    side = "边" if h else "面"
    return [f"从{f}向{t}{{v}}", f"从{f}往{t}{{v}}", f"从{f}{side}{{v}}到{t}{side}", f"从{f}到{t}{{v}}"]


_fam("zh.verb.xiang", "向右移动/向右边滑动/向左上方飘", {_ANYDIR: "向{d}{v};向{dn}{v}"}, weight=4)
_fam("zh.verb.wang", "往右移/往上飘", {_ANYDIR: "往{d}{v}"}, weight=3)
_fam("zh.verb.chao", "朝右边移动/朝着右上角移动", {_ANYDIR: "朝{dn}{v};朝着{dn}{v};朝{d}{v}"}, weight=2)
_fam("zh.verb.cong", "从左向右移动/从左下角向右上角移动", _per_dir(lambda v, h: _zh_from(v, h)), weight=1.5)
_fam("zh.verb.to", "移向右边/滑向右侧/移到右边",
     {_ANYDIR: "移向{dn};滑向{dn};飘向{dn};移动到{dn};移到{dn};漂向{dn}"}, weight=1.5)
_fam("zh.verb.vertical", "上升/升起/往上飘, 下落/往下掉/向下坠落",
     {"up": "上升;往上升;升起;向上升;往上飘;往上飞;飘上去;升上去",
      "down": "下落;往下掉;向下坠落;下降;落下;往下落;掉下去;坠落;下沉;往下沉;掉落;往下掉落"}, weight=2)
_fam("zh.verb.roll", "向右滚动 (circles)", {"left,right": "circle|向{d}滚动;circle|往{d}滚;circle|滚向{dn};circle|向{d}滚去"},
     weight=0.7)
_fam("zh.verb.fast", "冲向右边 (only when fast)", {_ANYDIR: "fast|冲向{dn};fast|向{d}冲去;fast|往{d}冲;fast|向{d}飞驰"},
     weight=0.7)
_fam("zh.verb.terse", "右移/上移", {"left": "左移", "right": "右移", "up": "上移", "down": "下移"}, heldout=True)
_fam("zh.verb.pingyi", "向右平移", {_ANYDIR: "向{d}平移;往{d}平移;平移到{dn}"}, heldout=True)
_fam("zh.still.jingzhi", "静止/保持静止", "静止;静止不动;保持静止;静静地待着;静止着", weight=3)
_fam("zh.still.budong", "一动不动/保持不动/停在原地",
     "一动不动;不动;保持不动;原地不动;没有移动;停在原地;待在原地;停着不动;待在原地不动", weight=3)
_fam("zh.still.center", "静止在画面中央 (only when near the centre)",
     "centered|静止在画面中央;centered|停在画面中间;centered|待在画面正中间不动", weight=0.7)
_fam("zh.still.wensi", "纹丝不动/定在原地", "纹丝不动;定在原地", heldout=True)
_fam("zh.rotate.xuanzhuan", "旋转/原地旋转/转动",
     "旋转;原地旋转;在原地旋转;旋转着;不停地旋转;转动;原地转动;转了起来", weight=3)
_fam("zh.rotate.zhuanquan", "转圈/打转/自转", "转圈;打转;在原地打转;转圈圈;自转;原地打转", weight=2)
_fam("zh.rotate.quarter", "转了四分之一圈/转了九十度 (the world rotates 90°)",
     "转了四分之一圈;转了九十度;旋转了90度", heldout=True)
_fam("zh.change.bianda", "变大/越变越大/变小/越变越小",
     {"grow": "变大;越变越大;逐渐变大;慢慢变大;不断变大;变得越来越大;越来越大",
      "shrink": "变小;越变越小;逐渐变小;慢慢变小;不断变小;变得越来越小;越来越小"}, weight=3)
_fam("zh.change.fangda", "放大/膨胀/长大, 缩小/收缩",
     {"grow": "放大;慢慢放大;逐渐放大;膨胀;扩大;长大;逐渐长大;慢慢膨胀",
      "shrink": "缩小;逐渐缩小;慢慢缩小;收缩;缩小了;慢慢收缩"}, weight=2)
_fam("zh.change.chicun", "尺寸变大/体积缩小",
     {"grow": "尺寸变大;尺寸逐渐增大;体积变大", "shrink": "尺寸变小;尺寸逐渐减小;体积缩小"}, heldout=True)
_fam("zh.bounce.tan", "弹来弹去/来回弹跳/在画面里反弹",
     "弹来弹去;来回弹跳;弹跳;四处弹跳;来回反弹;在画面里反弹;在屏幕里弹来弹去;碰到边缘就弹回来;撞到边框后反弹", weight=3)
_fam("zh.bounce.zhuang", "四处碰撞/撞来撞去", "四处碰撞;在四壁之间来回碰撞;撞来撞去;在画面里四处乱撞")
_fam("zh.bounce.beng", "蹦来蹦去", "蹦来蹦去;四处乱蹦;来回蹦跳", heldout=True)
_fam("zh.towards.kaojin", "相互靠近/越靠越近/慢慢靠拢",
     "相互靠近;互相靠近;彼此靠近;越靠越近;逐渐靠近;靠拢;互相靠拢;slow|慢慢靠拢", weight=3)
_fam("zh.towards.xiangxiang", "相向而行/向彼此移动/朝对方移动",
     "相向而行;相向移动;向彼此移动;朝对方移动;向对方靠近;朝彼此移动", weight=2)
_fam("zh.towards.jiejin", "彼此接近/距离越来越近", "彼此接近;互相接近;距离越来越近", heldout=True)
_fam("zh.aspect.zai", "在/正在 before the verb", "在;正在")
_fam("zh.spos.pre", "speed before a 向/往/朝 direction: '快速向右移动'", "pre", weight=2)
_fam("zh.spos.mid", "speed between the direction and the verb: '向右快速移动'", "mid")
_fam("zh.speed.std", "缓慢地/缓缓地, 快速地/迅速", {"slow": "缓慢地;缓缓地;慢速", "fast": "快速地;快速;迅速地;迅速"},
     weight=3)
_fam("zh.speed.colloquial", "慢慢(地)/慢悠悠地, 飞快地/很快地",
     {"slow": "慢慢;慢慢地;慢悠悠地;慢慢的;很慢地", "fast": "飞快地;很快地;快快地;飞快的"}, weight=3)
_fam("zh.speed.literary", "缓缓/徐徐, 急速/飞速", {"slow": "缓缓;徐徐;不紧不慢地", "fast": "急速;飞速;疾速"}, weight=1.5)
_fam("zh.speed.clause", "trailing clause: '，速度很慢'",
     {"slow": "!attr|，速度很慢;!attr|，速度比较慢;!attr|，移动得很慢", "fast": "!attr|，速度很快;!attr|，速度非常快;!attr|，移动得很快"})
_fam("zh.speed.yi", "以很慢的速度", {"slow": "以很慢的速度;以缓慢的速度;以较慢的速度", "fast": "以很快的速度;以较快的速度;以极快的速度"},
     heldout=True)
_fam("zh.manner.straight", "径直/笔直地", {"dir": "径直;笔直地;直直地;一路"})
_fam("zh.manner.steady", "平稳地/一直/不停地",
     {"dir": "平稳地;一直;匀速;稳稳地", "rotate,bounce": "不停地;一直", "still": "始终;一直"})
_fam("zh.nomotion.you", "an object whose motion is not mentioned: '有一个蓝色方块'",
     "!framed,!nonfirst|画面中有{np};!framed|有{np};{np}")
_fam("zh.join.comma", "'A，B'", {"clause,inner": "，#，"}, weight=3)
_fam("zh.join.semicolon", "'A；B'", {"clause": "；#；"})
_fam("zh.join.tongshi", "'A，同时B'", {"clause,inner": "，#，同时"}, weight=1.5)
_fam("zh.join.er", "'A，而B'", {"clause,inner": "，#，而"})
_fam("zh.join.haiyou", "'A，还有B'", {"clause,inner": "，#，还有"})
_fam("zh.join.sentence", "'A。B'", {"clause": "。#。"})
_fam("zh.join.lingwai", "'A。另外，B'", {"clause": "，#。另外，"}, weight=0.7)
_fam("zh.join.list", "noun lists: 'A、B和C'", {"np,attr": "、#和;，#和;、#以及;、#与;和#和"}, weight=3)
_fam("zh.join.shared", "one verb for objects that move alike: 'A和B都向左移动'",
     {"shared": "{nps}都{vp};{nps}一起{vp}"})
_fam("zh.join.yucishi", "'A，与此同时，B'", {"clause": "，#，与此同时，;，#。与此同时，"}, heldout=True)

_fam("zh.bgdesc.color", "颜色: '白色背景'", {"none": "{c}背景@{c};{c}的背景@{c}的"}, weight=3)
_fam("zh.bgdesc.solid", "纯色: '纯白色背景'",
     {"solid": "纯{c}背景@纯{c};纯{c}的背景@纯{c}的;{c}纯色背景@{c}纯色;单色的{c}背景@单一的{c};纯色背景@纯色"},
     weight=2)
_fam("zh.bgdesc.gradient", "渐变 with its axis: '上下渐变的蓝色背景', '从左到右渐变的…'",
     {"vgradient": "上下渐变的{c}背景@上下渐变的{c};{c}的上下渐变背景@{c}的上下渐变;从上到下渐变的{c}背景@从上到下渐变的{c};"
                   "{c}竖直渐变背景@{c}竖直渐变;{c}垂直渐变背景@{c}垂直渐变;上浅下深的{c}渐变背景@{c}渐变，上浅下深;"
                   "上下渐变的背景@上下渐变;从上到下的渐变背景@从上到下的渐变",
      "hgradient": "左右渐变的{c}背景@左右渐变的{c};{c}的左右渐变背景@{c}的左右渐变;从左到右渐变的{c}背景@从左到右渐变的{c};"
                   "{c}水平渐变背景@{c}水平渐变;{c}横向渐变背景@{c}横向渐变;左浅右深的{c}渐变背景@{c}渐变，左浅右深;"
                   "左右渐变的背景@左右渐变;水平渐变背景@水平渐变"}, weight=2)
_fam("zh.bgdesc.texture", "纹理: '带纹理的灰色背景'",
     {"texture": "带纹理的{c}背景@带纹理的{c};有纹理的{c}背景@有纹理的{c};{c}纹理背景@{c}纹理;{c}的纹理背景@{c}的纹理;"
                 "带纹理的背景@带纹理的;有纹理的背景@有纹理的"}, weight=2)
_fam("zh.bgdesc.xiwei", "细微纹理: '带有细微纹理的灰色背景'",
     {"texture": "带有细微纹理的{c}背景@带有细微纹理的{c};有淡淡纹理的{c}背景@有淡淡纹理的{c}"}, heldout=True)
_fam("zh.bgplace.shang", "'在黑色背景上，…', '在白色的背景前，…'",
     "在{np}上，{x};{np}上，{x};在{np}前，{x};{x}，在{np}上", weight=3)
_fam("zh.bgplace.xia", "'在蓝色背景下，…'", "在{np}下，{x};{x}，在{np}下")
_fam("zh.bgplace.shi", "'背景是纯蓝色', '背景为…'",
     "pred|{x}，背景是{pred};pred|{x}，背景为{pred};pred|背景是{pred}，{x};pred|{x}。背景是{pred};pred|{x}，背景：{pred}",
     weight=3)
_fam("zh.bgplace.tag", "trailing tag: '…，白色背景'", "{x}，{np}")
_fam("zh.bgplace.yi", "'以…为背景'", "pred|以{pred}为背景，{x};pred|{x}，以{pred}为背景", heldout=True)
_fam("zh.punct.full", "full-width punctuation, final 。 or none", "。;。;", weight=5)
_fam("zh.punct.half", "half-width commas/periods typed in Chinese", ".;", weight=1)
_fam("zh.typo.xing", "IME typo 形→型: '圆型'", "xing|xing")
_fam("zh.typo.yuan", "IME typo 圆→园: '园形'", "yuan|yuan")
_fam("zh.space.words", "spaces between words: '一个 红色的 圆 向右 移动'", "s", heldout=True)

# ==================================================================================== code-switching
_fam("mix.switch.zh_color", "English sentence, Chinese colour: 'a 红色 circle slides left'", {"en": "color"}, weight=3)
_fam("mix.switch.zh_shape", "English sentence, Chinese shape: 'a red 圆形 moves left'", {"en": "shape"}, weight=2)
_fam("mix.switch.zh_np", "English sentence, Chinese noun phrase: '一个红色的圆 moves left'", {"en": "np"}, weight=1.5)
_fam("mix.switch.zh_bg", "English sentence, Chinese background colour: 'on a 黑色 background'", {"en": "bgc|bg"})
_fam("mix.switch.zh_vp", "English subject, Chinese verb phrase: 'a red circle 向左移动'", {"en": "motion|vp"},
     heldout=True)
_fam("mix.switch.en_color", "Chinese sentence, English colour: '一个red的圆向右移动'", {"zh": "color"}, weight=3)
_fam("mix.switch.en_shape", "Chinese sentence, English shape: '一个红色的circle向右移动'", {"zh": "shape"}, weight=2)
_fam("mix.switch.en_np", "Chinese sentence, English noun phrase: '一个red circle向右移动'", {"zh": "np"}, weight=1.5)
_fam("mix.switch.en_bg", "Chinese sentence, English background colour: '背景是white'", {"zh": "bgc|bg"})
_fam("mix.switch.en_size", "Chinese sentence, English size: '一个big红色圆形'", {"zh": "size|size"}, heldout=True)

_EN_WORDS = frozenset(w for table in _ITEMS.values() for items in table.values() for it in items
                      for w in re.findall(r"[a-z]+", it.text)) | frozenset(COLORS) | frozenset(SHAPES)


# ======================================================================================== planning
@dataclass
class _G:
    """One object group as the caption will phrase it (None: not mentioned)."""

    count: int
    color: str
    shape: str
    size: str | None
    motion: str | None
    speed: str | None
    true_size: str
    centered: bool
    switch: set = field(default_factory=set)  # mix: parts phrased in the other language


@dataclass
class _Plan:
    groups: list[_G]
    kind: str
    bg_color: str | None
    bg_kind: str | None
    bg_switch: bool = False

    @property
    def towards(self) -> bool:
        return self.groups[0].motion == "towards"

    def request(self) -> Request:
        return Request([GroupRequest(g.count, g.color, g.shape, g.size, g.motion, g.speed) for g in self.groups],
                       self.bg_color, self.bg_kind)


def _plan(ctx: _Ctx, spec: SceneSpec, kind: str, detail: float | None) -> _Plan:
    """Decide which attributes the caption mentions, and the order it names the groups in."""
    p = DEFAULT_DETAIL if detail is None else detail
    full = detail == 1.0
    rand = ctx.rand
    found = []
    for idx in scene_groups(spec):
        o = spec.objects[idx[0]]
        found.append((len(idx), o, len(idx) == 1 and abs(o.x - 0.5) <= 0.12 and abs(o.y - 0.5) <= 0.12))
    if len(found) > 1 and rand() < 0.35:  # people name objects in any order
        for i in range(len(found) - 1, 0, -1):
            j = int(rand() * (i + 1))
            found[i], found[j] = found[j], found[i]
    video = kind == "video"
    towards = video and found[0][1].motion == "towards"
    omit_all = not video or (not full and rand() < MOTION_OMIT)
    size_on, speed_on = rand() < p, rand() < p
    groups = []
    for count, o, centered in found:
        motion = None if omit_all else o.motion
        if motion and not towards and len(found) > 1 and not full and rand() < GROUP_MOTION_OMIT:
            motion = None
        size = o.size if size_on and (full or rand() < 0.9) else None
        speed = o.speed if motion and o.speed and speed_on and (full or rand() < 0.9) else None
        groups.append(_G(count, o.color, o.shape, size, motion, speed, o.size, centered))
    if towards:  # one speed for the pair, stated once
        for g in groups[1:]:
            g.speed = groups[0].speed
    # A group without its motion is named after every group with one: "A and B moving left" (or "A, B and C
    # heading left") would otherwise give B's verb phrase to A too, as a reader (and the judge) takes it.
    groups.sort(key=lambda g: g.motion is None and not omit_all)
    bg_color = bg_kind = None
    if rand() < p:
        color_on = full or rand() < 0.93
        kind_on = full or rand() < (0.45 if spec.bg_kind == "solid" else 0.75)
        bg_color = spec.bg_color if color_on or not kind_on else None
        bg_kind = spec.bg_kind if kind_on else None
    return _Plan(groups, kind, bg_color, bg_kind)


_OTHER_WORD = {"color": "shape", "shape": "color"}
_SWITCH_OK = {"color": lambda g: True, "shape": lambda g: True, "np": lambda g: True,
              "vp": lambda g: g.motion is not None, "size": lambda g: g.size is not None}


def _plan_mix(ctx: _Ctx, plan: _Plan) -> str:
    """Pick the base language and which parts switch to the other one; returns the base language."""
    base = "en" if ctx.rand() < 0.5 else "zh"
    flags = set()
    if plan.bg_color:
        flags.add("bgc")
    if any(g.size for g in plan.groups):
        flags.add("size")
    if any(g.motion for g in plan.groups):
        flags.add("motion")
    flags = frozenset(flags)
    parts = {ctx.choose("mix.switch", base, flags)[1]}
    if ctx.rand() < 0.3:
        parts.add(ctx.choose("mix.switch", base, flags)[1])
    for part in parts:
        if part == "bg":
            plan.bg_switch = True
            continue
        ok = [g for g in (plan.groups[:1] if part == "vp" and plan.towards else plan.groups) if _SWITCH_OK[part](g)
              and not (base == "en" and _OTHER_WORD.get(part) in g.switch)]  # "a 黄 十字" keeps no English
        hit = [g for g in ok if ctx.rand() < 0.6] or ok[:1]
        for g in hit:
            g.switch.add(part)
    ctx.msp = " " if ctx.rand() < 0.4 else ""
    return base


def _frame_flags(plan: _Plan) -> frozenset:
    gs, g0 = plan.groups, plan.groups[0]
    f = set()
    if len(gs) > 1:
        f.add("multi")
    if all(g.motion for g in gs):
        f.add("allmotion")
    if plan.towards:
        f.add("towards")
    if (len(gs) == 1 or plan.towards) and g0.motion and (g0.speed or _manner_key(g0.motion) in _FRONT_MANNER):
        f.add("adv")
    return frozenset(f)


def _manner_key(motion: str) -> str:
    return "dir" if motion in DIRECTIONS else {"grow": "change", "shrink": "change"}.get(motion, motion)


_FRONT_MANNER = ("dir", "change", "rotate", "towards")


# ======================================================================================== English
_DOUBLE = {"spin", "drop", "zip", "sit", "get", "stop", "whiz", "swim", "slip"}


@functools.cache
def _inflect(text: str, form: str) -> str:
    """Verb phrase in form s3 (moves) / pl (move) / ing (moving) / base (move); "a/b/c/d" gives them."""
    if "/" in text:
        return text.split("/")[("s3", "pl", "ing", "base").index(form)]
    verb, sep, rest = text.partition(" ")
    if form == "s3":
        if verb == "whiz":
            verb = "whizzes"
        elif verb.endswith(("s", "sh", "ch", "x", "z", "o")):
            verb += "es"
        elif verb.endswith("y") and verb[-2] not in "aeiou":
            verb = verb[:-1] + "ies"
        else:
            verb += "s"
    elif form == "ing":
        if verb in _DOUBLE:
            verb += verb[-1] + "ing"
        elif verb.endswith("ie"):
            verb = verb[:-2] + "ying"
        elif verb.endswith("e") and not verb.endswith("ee"):
            verb = verb[:-1] + "ing"
        else:
            verb += "ing"
    return verb + sep + rest


def _plural(noun: str) -> str:
    return noun + ("es" if noun.endswith(("s", "x", "sh", "ch")) else "s")


def _be(plural: bool) -> str:
    return "are" if plural else "is"


def _en_color(ctx: _Ctx, color: str, bg: bool = False) -> str:
    _, c = ctx.choose("en.color", color, _BG if bg else _NOFLAGS)
    return c.format(c=color)


_BG = frozenset({"bg"})


def _en_noun(ctx: _Ctx, g: _G, plural: bool) -> str:
    _, n = ctx.choose("en.shape", g.shape, frozenset({"large"}) if g.true_size == "large" else _NOFLAGS)
    n = n.format(s=g.shape)
    return _plural(n) if plural else n


def _en_np(ctx: _Ctx, g: _G, bare_ok: bool = False, adj: str = "", mod: str = "") -> str:
    """'a small red circle', 'two grey boxes', 'red circle' (bare, fragments only).

    In a code-switched caption ``g.switch`` names the parts said in Chinese instead.
    """
    if "np" in g.switch:
        cnt, core = _zh_np(ctx, g, switch=False)
        return cnt + core
    _, cnt = ctx.choose("en.count", str(g.count), frozenset({"bare"}) if bare_ok else _NOFLAGS)
    size = post = ""
    if g.size:
        fam, s = ctx.choose("en.size", g.size)
        post, size = (s, "") if fam == "en.size.post" else ("", s)
    color = _zh_color(ctx, g.color) if "color" in g.switch else _en_color(ctx, g.color)
    noun = _zh_noun(ctx, g) if "shape" in g.switch else _en_noun(ctx, g, g.count > 1)
    return " ".join(p for p in (cnt, adj, mod, size, color, noun, post) if p)


def _en_speed(ctx: _Ctx, speed: str, flags: frozenset) -> tuple[str, str]:
    """(speed phrase, position): position is pre/post/end, or np (a compound adjective on the noun)."""
    fam, s = ctx.choose("en.speed", speed, flags)
    if fam == "en.speed.compound":
        return s, "np"
    if _LY.fullmatch(s):
        r = ctx.rand()
        return s, "pre" if r < 0.3 else ("post" if r < 0.65 else "end")
    return s, "post" if s.startswith("at ") and ctx.rand() < 0.4 else "end"  # "moves left fast", not "moves fast left"


def _en_vp(ctx: _Ctx, g: _G, form: str, plural: bool | None = None, nomod: bool = False) -> tuple[str, str]:
    """(verb phrase, modifier for the noun phrase); form: fin / ing / base.

    ``nomod``: the caller cannot put a modifier on the noun (several noun phrases share this verb).
    """
    if "vp" in g.switch:
        return _zh_vp(ctx, g), ""
    plural = g.count > 1 if plural is None else plural
    fronted = ctx.front is g
    speed = None if fronted else g.speed
    m = g.motion
    flags = {"circle"} if g.shape == "circle" else set()
    if speed:
        flags.add(speed)
    if g.centered:
        flags.add("centered")
    if m == "towards" or nomod:
        flags.add("nomod")
    if "np" in g.switch:
        flags.add("zhnp")
    flags = frozenset(flags)
    vform = form
    prog = False
    if form == "fin":
        prog = ctx.choose("en.aspect")[1] == "p"
        vform = "ing" if prog else ("pl" if plural else "s3")
    pre, post, end, mod, straight = [], [], [], "", ""
    if m in DIRECTIONS:
        fam, verb = ctx.choose("en.verb", m, flags)
        vtype = _VTYPE.get(fam, "free")
        carried = vtype == "speed"
        dirp = ctx.choose({"dest": "en.dest", "vert": "en.vdir"}.get(vtype, "en.dir"), m)[1]
    else:
        fam, verb = ctx.choose(f"en.{_MOTION_SLOT[m]}", m, flags)
        carried = bool(ctx.need & _SPEED_FLAGS)
        dirp, vtype = "", "other"
    if speed and not carried:
        s, pos = _en_speed(ctx, speed, flags)
        if pos == "np":
            mod = s
        elif pos == "post" and (("~" not in verb and m not in DIRECTIONS) or (vtype == "vert" and " " in s)):
            end.append(s)  # no slot after the verb ("falls down at high speed", not "falls at high speed down")
        else:
            {"pre": pre, "post": post, "end": end}[pos].append(s)
    if not fronted and ctx.rand() < 0.15:
        _, man = ctx.choose("en.manner", _manner_key(m), flags, required=False)
        if man and man.lstrip("^") in verb:  # "keeps spinning continuously" already says it
            man = None
        if man and man.startswith("^"):
            if dirp:
                straight = man[1:]
        elif man and _LY.fullmatch(man) and not pre and ctx.rand() < 0.4:
            pre.append(man)
        elif man:
            end.append(man)
    head, _, tail = verb.partition("~")
    head = _inflect(head, vform)
    if prog:  # "is slowly drifting", not "slowly is drifting"
        head = " ".join((_be(plural), *pre, head))
        pre = []
    if "~" in verb:  # "heads straight for the left edge", "bounces quickly off the walls"
        words = [*pre, head, *post, straight, tail.strip(), dirp, *end]
    else:
        words = [*pre, head, *post, straight, dirp, *end]
    text = " ".join(w for w in words if w)
    return text.replace("{its}", "their" if plural else "its"), mod


_SPEED_FLAGS = frozenset({"slow", "fast"})


def _en_group(ctx: _Ctx, g: _G, mode: str, bare_ok: bool, first: bool) -> str:
    """One object group in a clause of ``mode`` (fin / ing / base / seen)."""
    be = _be(g.count > 1)
    if g.motion is None:
        np_ = _en_np(ctx, g, bare_ok and mode == "ing")
        if mode == "ing":
            return np_
        if mode == "seen":
            return f"{np_} can be seen" if ctx.rand() < 0.5 else f"{np_} {be} seen"
        _, pat = ctx.choose("en.nomotion", "*", _NOFLAGS if first else frozenset({"nonfirst"}))
        return pat.format(np=np_, **{"is": be})
    if mode == "ing":
        flags = {"speed"} if g.speed and ctx.front is not g else set()
        if g.switch & {"np", "vp"}:  # a Chinese noun or verb phrase cannot become an English adjective
            flags.add("zhnp")
        fam, pat = ctx.choose("en.group", g.motion, frozenset(flags))
        if fam == "en.group.adj":
            return _en_np(ctx, g, bare_ok, adj=pat)
        vp, mod = _en_vp(ctx, g, "fin" if "{fin}" in pat else "ing")
        return pat.format(np=_en_np(ctx, g, bare_ok and pat.startswith("{np}"), mod=mod), ing=vp, fin=vp)
    vp, mod = _en_vp(ctx, g, "ing" if mode == "seen" else mode)
    np_ = _en_np(ctx, g, mod=mod)
    if mode == "seen":
        return f"{np_} can be seen {vp}" if ctx.rand() < 0.5 else f"{np_} {be} seen {vp}"
    return f"{np_} {vp}"


def _en_list(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _en_body(ctx: _Ctx, plan: _Plan, mode: str, bare_ok: bool) -> str:
    gs = plan.groups
    if plan.towards:
        nps = _en_list([_en_np(ctx, g, bare_ok and i == 0) for i, g in enumerate(gs)])
        if gs[0].motion is None:
            return nps if mode == "ing" else f"{nps} can be seen" if mode == "seen" else f"{nps} are visible"
        vp, _ = _en_vp(ctx, gs[0], "ing" if mode == "seen" else mode, plural=True)
        return f"{nps} can be seen {vp}" if mode == "seen" else f"{nps} {vp}"
    if len(gs) == 1:
        return _en_group(ctx, gs[0], mode, bare_ok, True)
    if (mode != "seen" and ctx.rand() < 0.25 and all(g.motion for g in gs)
            and len({(g.motion, g.speed, frozenset(g.switch)) for g in gs}) == 1):
        _, pat = ctx.choose("en.join", f"shared:{mode}", frozenset({"two" if len(gs) == 2 else "three"}))
        nps = _en_list([_en_np(ctx, g, bare_ok and i == 0) for i, g in enumerate(gs)])
        vp, _ = _en_vp(ctx, gs[0], mode, plural=True, nomod=True)
        return pat.format(nps=nps, vp=vp)
    _, join = ctx.choose("en.join", "list" if plan.kind == "image" else mode)
    sep, last, *last_mode = join.split("#")
    parts = [_en_group(ctx, g, mode, bare_ok and i == 0, i == 0) for i, g in enumerate(gs[:-1])]
    parts.append(_en_group(ctx, gs[-1], last_mode[0] if last_mode else mode, False, False))
    return sep.join(parts[:-1]) + last + parts[-1]


_EN_NUM = {2: ("two", "2"), 3: ("three", "3")}


def _en_front(ctx: _Ctx, plan: _Plan) -> str:
    """The opening adverb of a fronted-adverbial frame; it takes over the group's speed (or manner)."""
    g = plan.groups[0]
    ctx.front = g
    if g.speed:
        return ctx.choose("en.speed", g.speed, frozenset({"front"}))[1]
    return ctx.choose("en.manner", _manner_key(g.motion), frozenset({"front"}))[1]


def _en_caption(ctx: _Ctx, plan: _Plan) -> str:
    _, frame = ctx.choose("en.frame", plan.kind, _frame_flags(plan))
    adv = _en_front(ctx, plan) if "{adv}" in frame else ""
    text = frame
    for mode in ("fin", "ing", "base", "seen"):
        ph = "{" + mode + "}"
        if ph in frame:
            text = text.replace(ph, _en_body(ctx, plan, mode, frame.startswith(ph) and mode == "ing"))
    total = sum(g.count for g in plan.groups)
    text = (text.replace("{adv}", adv).replace("{is}", _be(plan.groups[0].count > 1))
            .replace("{N}", ctx.pick(_EN_NUM[total]) if total in _EN_NUM else str(total)))
    if plan.bg_color or plan.bg_kind:
        text = _en_background(ctx, plan, text)
    text = _an(re.sub(r"\s+", " ", text).strip())
    if ctx.rand() < ctx.typo_rate:
        text = _en_typo(ctx, text)
    _, case = ctx.choose("en.case")
    if case == "s":
        text = re.sub(r"(^|[.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    elif case == "t":
        text = " ".join(w if w in _SMALL_WORDS else w[:1].upper() + w[1:] for w in text.split(" "))
        text = text[:1].upper() + text[1:]
    _, punct = ctx.choose("en.punct")
    return text + punct if punct and text[-1] not in ".!?" else text


_SMALL_WORDS = frozenset({"a", "an", "the", "of", "and", "on", "in", "to", "as", "at", "by", "or", "with", "for", "from"})


def _en_background(ctx: _Ctx, plan: _Plan, text: str) -> str:
    flags = {"c"} if plan.bg_color else set()
    _, desc = ctx.choose("en.bgdesc", plan.bg_kind or "none", frozenset(flags))
    np_, pred = desc.split("@")
    c = ("" if not plan.bg_color else _zh_color(ctx, plan.bg_color, True) if plan.bg_switch
         else _en_color(ctx, plan.bg_color, True))
    bg = "backdrop" if ctx.rand() < 0.2 else "background"
    np_, pred = np_.format(c=c, bg=bg), pred.format(c=c)
    pflags = set()
    if pred:
        pflags.add("pred")
    if "{bg}" in desc.split("@")[0]:
        pflags.add("bgword")
    if plan.bg_color and not plan.bg_kind:
        pflags.add("c0")
    _, place = ctx.choose("en.bgplace", "*", frozenset(pflags))
    # "coming together with a black backdrop" reads "together with" = along with
    return place.format(x=text, np=np_, pred=pred, c=c).replace("together with", "together, with")


def _an(text: str) -> str:
    """a -> an before a vowel sound ("an orange circle", "an upward direction"; not "a uniform")."""
    return re.sub(r"\b([aA]) (?=[aeiou](?!ni|ne\b))", lambda m: m.group(1) + "n ", text)


@functools.cache
def _known_words() -> frozenset:
    """Words a reader knows here: the grammar's and the judge's lexicon (a typo must not spell one: "solid" ->
    "slid" reads as a verb, "short" -> "sort" as "sort of")."""
    from stepvid.world.lexicon import en_lexicon

    return _EN_WORDS | frozenset(w for key in en_lexicon() for w in key)


_NEIGHBORS = {r[i]: r[i - 1:i] + r[i + 1:i + 2] for r in ("qwertyuiop", "asdfghjkl", "zxcvbnm")
              for i in range(len(r))}
_NO_TYPO = frozenset({"three"})


def _en_typo(ctx: _Ctx, text: str) -> str:
    """One realistic typo in one longer word; never one that spells another word of the lexicon."""
    words = [m for m in re.finditer(r"[a-z]{5,}", text) if m.group() not in _NO_TYPO]
    if not words:
        return text
    m = ctx.pick(words)
    w = m.group()
    _, op = ctx.choose("en.typo")
    i = 1 + int(ctx.rand() * (len(w) - 2))
    if op == "drop":
        new = w[:i] + w[i + 1:]
    elif op == "double":
        new = w[:i] + w[i] + w[i:]
    elif op == "swap":
        i = min(i, len(w) - 3)
        new = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    else:
        new = w[:i] + ctx.pick(_NEIGHBORS[w[i]]) + w[i + 1:]
    if new == w or new in _known_words():
        ctx.retract()
        return text
    return text[:m.start()] + new + text[m.end():]


# ======================================================================================== Chinese
def _zh_color(ctx: _Ctx, color: str, bg: bool = False) -> str:
    return ctx.choose("zh.color", color, _BG if bg else _NOFLAGS)[1]


def _zh_noun(ctx: _Ctx, g: _G) -> str:
    return ctx.choose("zh.shape", g.shape, frozenset({"large"}) if g.true_size == "large" else _NOFLAGS)[1]


def _zh_np(ctx: _Ctx, g: _G, switch: bool = True, attr: bool = False) -> tuple[str, str]:
    """(count words, the rest): ('一个', '红色的圆形'), ('', '红圆'), ('一颗', '黄色的星星').

    In a code-switched caption ``g.switch`` names the parts said in English instead (``switch=False``:
    an all-Chinese noun phrase inside an English sentence). ``attr``: a verb phrase comes between the count
    and the rest ('一个向右移动的红色圆形').
    """
    sp, msp = ctx.zsp, ctx.msp
    sw = g.switch if switch else set()
    if "np" in sw:  # Chinese count + English noun phrase: 一个red circle
        cnt = ctx.choose("zh.count", str(g.count), frozenset({"attr"}) if attr else _NOFLAGS)[1]
        size = ctx.choose("en.size", g.size, frozenset({"nopost"}))[1] if g.size else ""
        words = [w for w in (size, _en_color(ctx, g.color), _en_noun(ctx, g, False)) if w]
        return cnt, msp + " ".join(words) + msp
    noun = f"{msp}{_en_noun(ctx, g, False)}{msp}" if "shape" in sw else _zh_noun(ctx, g)
    nflags = {"ke"} if noun in _ZH_KE else set()
    if noun in _ZH_KUAI:
        nflags.add("kuai")
    if noun in _ZH_MEI:
        nflags.add("mei")
    if noun in _ZH_ZHI:
        nflags.add("zhi")
    if attr:
        nflags.add("attr")
    cnt = ctx.choose("zh.count", str(g.count), frozenset(nflags))[1]
    color = f"{msp}{_en_color(ctx, g.color)}{msp}" if "color" in sw else _zh_color(ctx, g.color)
    de = "的" if ctx.rand() < 0.45 else ""
    if not g.size:
        return cnt, _zjoin((color + de, noun), sp)
    if "size" in sw:  # 一个big的红色圆形
        size = f"{msp}{ctx.choose('en.size', g.size, frozenset({'nopost'}))[1]}{msp}"
        return cnt, _zjoin((size + ("的" if ctx.rand() < 0.5 else ""), color + de, noun), sp)
    size = ctx.choose("zh.size", g.size, frozenset({"yi"}) if cnt == "一" else _NOFLAGS)[1]
    if size.endswith("的") and ctx.rand() < 0.4:  # 大的红色圆形 (never 大红…, which reads as "bright red")
        return cnt, _zjoin((size, color + ("的" if ctx.rand() < 0.3 else ""), noun), sp)
    if size.endswith("的"):
        de = "的"
    return cnt, _zjoin((color + de, size + noun), sp)


def _zjoin(parts, sep: str = "") -> str:
    """Concatenate Chinese text pieces; English words that end up adjacent keep a space ("red circle")."""
    out = ""
    for p in parts:
        if not p:
            continue
        if out and (sep or (out[-1].isascii() and out[-1].isalpha() and p[0].isascii() and p[0].isalpha())):
            out += sep or " "
        out += p
    return out


def _zh_fill(ctx: _Ctx, text: str, d: str) -> str:
    if "{d}" in text:
        text = text.replace("{d}", ctx.pick(_ZH_D[d]))
    if "{dn}" in text:
        text = text.replace("{dn}", ctx.pick(_ZH_DN[d]))
    if "{v}" in text:
        text = text.replace("{v}", ctx.pick(_ZH_V))
    return text


_ZH_DIR_V = re.compile(r"(向|往|朝着?)\{dn?\}\{v\}")  # a direction then a verb: the speed may go between


def _zh_vp(ctx: _Ctx, g: _G, attr: bool = False) -> str:
    """'缓缓地向右移动', '正在旋转', '越变越大'."""
    m = g.motion
    speed = None if ctx.front is g else g.speed
    flags = {"circle"} if g.shape == "circle" else set()
    if speed:
        flags.add(speed)
    if g.centered:
        flags.add("centered")
    flags = frozenset(flags)
    template = None
    if m in DIRECTIONS:
        _, vp = ctx.choose("zh.verb", m, flags)
        carried = bool(ctx.need & _SPEED_FLAGS)
        template = vp if _ZH_DIR_V.fullmatch(vp) else None
        vp = _zh_fill(ctx, vp, m)
    else:
        _, vp = ctx.choose(f"zh.{_MOTION_SLOT[m]}", m, flags)
        carried = bool(ctx.need & _SPEED_FLAGS)
    pre, post = "", ""
    if speed and not carried:
        _, s = ctx.choose("zh.speed", speed, frozenset({"attr"}) if attr or ctx.embedded else _NOFLAGS)
        if s.startswith("，"):
            post = s
        elif template and ctx.choose("zh.spos")[1] == "mid":  # 向右快速移动
            vp = _zh_fill(ctx, template[:-3], m) + s + ctx.pick(_ZH_V)
        else:
            pre = s
    if ctx.front is not g and ctx.rand() < 0.15:
        _, man = ctx.choose("zh.manner", _manner_key(m), required=False)
        if man and man not in vp:
            pre += man
    if m != "still" and ctx.rand() < 0.25:
        asp = ctx.choose("zh.aspect")[1]
        if (pre + vp).startswith("在"):  # 正在原地旋转, never 在在…
            asp = "正"
        pre = asp + pre
    return pre + vp + post


def _zh_group(ctx: _Ctx, g: _G, mode: str, first: bool, framed: bool = False) -> str:
    """One group: clause '一个红色圆形向右移动', attr '一个向右移动的红色圆形' or np '一个红色圆形'.

    ``framed``: the text before it already says where it is ('画面中可以看到…', '…，还有…').
    """
    sp = ctx.zsp
    cnt, core = _zh_np(ctx, g, attr=mode == "attr" and g.motion is not None)
    if g.motion is None:
        np_ = _zjoin((cnt, core), sp)
        if mode == "clause":
            flags = {"framed"} if framed else set()
            if not first:
                flags.add("nonfirst")
            return ctx.choose("zh.nomotion", "*", frozenset(flags))[1].format(np=np_)
        return np_
    if mode == "attr":
        vp = _zh_vp(ctx, g, attr=True)
        return _zjoin((cnt, vp + "的", core), sp)
    return _zjoin((cnt, core, _zh_vp(ctx, g)), sp)


def _zh_list(ctx: _Ctx, parts: list[str], key: str = "np") -> str:
    if len(parts) == 1:
        return parts[0]
    sep, last = ctx.choose("zh.join", key)[1].split("#")
    return sep.join(parts[:-1]) + last + parts[-1]


def _zh_body(ctx: _Ctx, plan: _Plan, mode: str) -> str:
    gs, sp = plan.groups, ctx.zsp
    if plan.towards:
        nps = [_zjoin(_zh_np(ctx, g), sp) for g in gs]
        joined = nps[0] if len(nps) == 1 else ctx.pick(("和", "与", "跟", "和")).join(nps)
        return joined if gs[0].motion is None else joined + sp + _zh_vp(ctx, gs[0])
    if mode in ("np", "attr") or len(gs) == 1:
        parts = [_zh_group(ctx, g, mode, i == 0, ctx.framed) for i, g in enumerate(gs)]
        return _zh_list(ctx, parts, "np" if mode == "np" else "attr")
    if (ctx.rand() < 0.25 and all(g.motion for g in gs)
            and len({(g.motion, g.speed, frozenset(g.switch)) for g in gs}) == 1):
        _, pat = ctx.choose("zh.join", "shared")
        nps = [_zjoin(_zh_np(ctx, g), sp) for g in gs]
        return pat.format(nps=_zh_list(ctx, nps), vp=sp + _zh_vp(ctx, gs[0]))
    _, join = ctx.choose("zh.join", "inner" if ctx.embedded else "clause")
    sep, last = join.split("#")
    parts = [_zh_group(ctx, g, mode, i == 0, ctx.framed if i == 0 else last.endswith("有"))
             for i, g in enumerate(gs)]
    return sep.join(parts[:-1]) + last + parts[-1]


_ZH_NUM = {2: ("两", "2"), 3: ("三", "3")}


def _zh_caption(ctx: _Ctx, plan: _Plan) -> str:
    if ctx.rand() < 0.06 and ctx.choose("zh.space", required=False)[0]:
        ctx.zsp = " "
    _, frame = ctx.choose("zh.frame", plan.kind, _frame_flags(plan))
    ctx.framed = re.match(r"\{(clause|attr|np)\}", frame) is None
    ctx.embedded = "}的" in frame  # 一段{clause}的视频: one clause, no sentence breaks inside
    text = frame
    for mode in ("clause", "attr", "np"):
        ph = "{" + mode + "}"
        if ph in frame:
            text = text.replace(ph, _zh_body(ctx, plan, mode))
    total = sum(g.count for g in plan.groups)
    text = text.replace("{N}", ctx.pick(_ZH_NUM[total]) if total in _ZH_NUM else str(total))
    if plan.bg_color or plan.bg_kind:
        text = _zh_background(ctx, plan, text)
    if ctx.rand() < ctx.typo_rate:
        text = _zh_typo(ctx, text)
    fam, end = ctx.choose("zh.punct")
    if fam == "zh.punct.half":
        text = text.replace("，", ",").replace("；", ";").replace("。", ".").replace("：", ":")
    text = re.sub(r" *([，。；：、,.;:]) *", r"\1", re.sub(r"  +", " ", text)).strip()
    return text + end if end and text[-1] not in "。！.!" else text


_ZH_XING = re.compile(r"(圆|三角|星|菱|十字|方)形")


def _zh_typo(ctx: _Ctx, text: str) -> str:
    flags = set()
    if _ZH_XING.search(text):
        flags.add("xing")
    if "圆" in text:
        flags.add("yuan")
    fam, _ = ctx.choose("zh.typo", "*", frozenset(flags), required=False)
    if fam == "zh.typo.xing":
        hits = list(_ZH_XING.finditer(text))
        m = ctx.pick(hits)
        return text[:m.end() - 1] + "型" + text[m.end():]
    if fam == "zh.typo.yuan":
        hits = [i for i, ch in enumerate(text) if ch == "圆"]
        i = ctx.pick(hits)
        return text[:i] + "园" + text[i + 1:]
    return text


def _zh_background(ctx: _Ctx, plan: _Plan, text: str) -> str:
    flags = frozenset({"c"}) if plan.bg_color else _NOFLAGS
    _, desc = ctx.choose("zh.bgdesc", plan.bg_kind or "none", flags)
    np_, pred = desc.split("@")
    if plan.bg_color:
        c = (f"{ctx.msp}{_en_color(ctx, plan.bg_color, True)}{ctx.msp}" if plan.bg_switch
             else _zh_color(ctx, plan.bg_color, True))
        np_, pred = np_.format(c=c), pred.format(c=c)
    _, place = ctx.choose("zh.bgplace", "*", frozenset({"pred"}) if pred else _NOFLAGS)
    return place.format(x=text, np=np_, pred=pred).replace("的为背景", "为背景")


# ============================================================================================= API
def _generate(spec: SceneSpec, lang: str, rng: np.random.Generator, split: str = "train", kind: str = "video",
              detail: float | None = None, *, prefer: frozenset = frozenset(),
              typo_rate: float | None = None) -> tuple[str, Request, list[str], list[tuple[str, str]]]:
    """natural_caption plus the families used and the (family, item) trace, for tests and analysis."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}; got {lang!r}")
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}; got {split!r}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    if detail is not None and not 0.0 <= detail <= 1.0:
        raise ValueError(f"detail must be None or in [0, 1]; got {detail!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    for attempt in range(_ATTEMPTS):
        ctx = _Ctx(rng, split, HELDOUT_PICK if attempt < _EASY_ATTEMPTS else 1.0, prefer)
        plan = _plan(ctx, spec, kind, detail)
        base = _plan_mix(ctx, plan) if lang == "mix" else lang
        ctx.typo_rate = TYPO_RATE[base] if typo_rate is None else typo_rate
        text = _en_caption(ctx, plan) if base == "en" else _zh_caption(ctx, plan)
        if ((split != "heldout" or any(FAMILIES[n].heldout for n in ctx.used))
                and (lang != "mix" or (_CJK.search(text) and _LATIN.search(text)))):
            return text, plan.request(), ctx.used, ctx.trace
    raise RuntimeError(f"phrasing: no {split} {lang} caption in {_ATTEMPTS} draws")  # p < 1e-50 per caption


_CJK, _LATIN = re.compile(r"[\u4e00-\u9fff]"), re.compile(r"[A-Za-z]{2}")


def natural_caption(spec: SceneSpec, lang: str, rng: np.random.Generator, *, split: str = "train",
                    kind: str = "video", detail: float | None = None) -> tuple[str, Request]:
    """A caption of ``spec`` as a person might write it, and the exact :class:`Request` it expresses.

    ``lang``: "en", "zh" or "mix" (code-switched, either direction). ``split``: "train" uses only
    train families, "heldout" at least one held-out family per caption, "any" everything. ``kind="image"``:
    still-image phrasing, no motion. ``detail`` in [0, 1]: how often size, speed and background are
    mentioned (None: about 30 % each; 1: always, and motion is never left out). Colour, shape and count of
    every object group are always stated; the Request lists the groups in the order the caption names them,
    with None for every attribute the caption does not state. Deterministic given ``rng``.
    """
    text, req, _, _ = _generate(spec, lang, rng, split, kind, detail)
    return text, req


def heldout_families(lang: str | None = None) -> list[str]:
    """Names of the held-out families (of one ``lang``: "en", "zh" or "mix"; mix captions also use en/zh)."""
    if lang is not None and lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS} or None; got {lang!r}")
    return sorted(n for n, f in FAMILIES.items() if f.heldout and (lang is None or f.lang == lang))
