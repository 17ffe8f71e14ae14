"""Negations and corrections that still state a request, resolved on the parser's tokens before the grammar.

People state what they want by saying what they do not want, or take a word back:

- "a square, not red, blue", "not fast, slow please", "It doesn't go left, it goes right", 不是往左是往右,
  不要往上，往下, "no spinning, no growing, just bouncing": a negated attribute with one of the same kind after it
  (before the next sentence but one) — the negated words are read past; an earlier mention of the negated value
  is taken back ("a red ball. oh wait, not red. make it blue");
- "a circle, not too big", 一个圆，不要红的: a negated colour, size or speed with no replacement — read past, the
  attribute left unsaid (a careful reader cannot say which other value is meant); a negated motion with none ("a
  circle that does not spin": still? or any other motion?) keeps its refusal;
- "a red ball, no wait, blue", "a big circle. actually, make it small", 不是紫色……算了，就紫色吧: a correction
  word before a colour, size or speed (and no new object) replaces the last one said; "… and a pink diamond going
  right — wait no, make the diamond purple": one naming an object said before replaces that object's colour or size;
- "a big red, actually, a small blue circle", "a large red no sorry a large orange diamond", 一个红的，不对，一个蓝色的圆:
  an object phrase broken off before its shape and said again whole after a correction (or a bare "no" / "sorry")
  — the broken-off phrase goes, never read as a second object.

Anything else negated (a shape, a background, a count, "nothing but …") keeps its refusal. The functions work on
dataclass tokens with ``kind``, ``value`` and ``text`` (``stepvid.world.parser.Tok``; a word read as a
correction is a ``dataclasses.replace`` copy).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

__all__ = ["resolve_negations"]

_MOTION = ("dir", "vverb", "motion", "place", "diag", "approach", "tocentre")
_CLASS = {"color": "color", "size": "size", "speed": "speed", **{k: "motion" for k in _MOTION},
          "bgkind": "bgkind", "shade": "shade"}  # (writer round 173: "don't want gradient … Flat yellow background",
# 背景别用纯色，用从左到右的渐变; 灰色背景，别太亮: a shade negated, "not too bright", says nothing)
_NEGATORS = {"not", "no", "never", "不", "不是", "别", "没", "没有", "不会", "不用", "不必"}
# what may stand between a negation and its attribute ("not too big", "don't make it move left", 不要太大的)
_BRIDGE = {"verb", "prep", "stop", "pronoun", "definite", "link"}  # (别弄成蓝色: "don't make it blue")
_BRIDGE_WORDS = {"too", "so", "very", "that", "make", "want", "let", "be", "is", "要", "是", "太", "那么", "这么", "用"}
_BEFORE = {"stop", "pronoun", "link", "filler", "definite"}  # "(it does) not go left", "(that is) not spinning"


def _negator(t: Any) -> bool:
    return t.kind == "refuse" and str(t.value).startswith("negation") and t.text in _NEGATORS


def _bridge(t: Any) -> bool:
    return t.kind in _BRIDGE or t.text in _BRIDGE_WORDS


def _sentence_end(t: Any) -> bool:
    return t.kind == "sep" and bool(t.value)


def _ellipsis(toks: list, k: int) -> bool:
    """Is the stop at ``k`` one dot of an ellipsis ("...", "…", read as dots): in speech a trailing-off pause (一个蓝…
    不对，紫色的三角形), not a sentence's end (probe round 158)?"""
    return toks[k].kind == "sep" and toks[k].text == "." and any(
        0 <= x < len(toks) and toks[x].kind == "sep" and toks[x].text == "." for x in (k - 1, k + 1))


def _pause(toks: list, k: int) -> bool:
    """A break inside a sentence at ``k``: a comma, a dash, an ellipsis."""
    return toks[k].kind == "sep" and (not toks[k].value or _ellipsis(toks, k))


def _negated_attribute(toks: list, i: int) -> int | None:
    """The index of the attribute the negation at ``i`` negates, or None."""
    j = i + 1
    while j < len(toks) and _bridge(toks[j]):
        j += 1
    return j if j < len(toks) and toks[j].kind in _CLASS else None


def _replacement(toks: list, start: int, cls: str, negated: set[int]) -> int | None:
    """The index of an attribute of ``cls`` said, not negated, after ``start`` and before the next sentence but one,
    or None."""
    ends = 0
    for j in range(start, len(toks)):
        t = toks[j]
        if _sentence_end(t):
            ends += 1
            if ends == 2:
                return None
        elif _CLASS.get(t.kind) == cls and j not in negated:
            return j
    return None


def _instead_after(toks: list, j: int) -> int | None:
    """"don't rotate it, move it left instead": the index of an "instead" closing the clause of the replacement at
    ``j`` (before the next pause), or None."""
    for k in range(j + 1, len(toks)):
        if toks[k].kind == "sep":
            return None
        if toks[k].text == "instead":
            return k if k + 1 == len(toks) or toks[k + 1].kind == "sep" else None
    return None


def _motion_said_before(toks: list, i: int, negated: Any, skip: set[int]) -> bool:
    """一个绿色星星，慢慢缩小，别转 (writer round 173): is another motion said, not negated, earlier in the sentence of the
    negation at ``i``, with no shape between it and the negation (the same object's motion; the negated one only
    excludes)?"""
    for k in range(i - 1, -1, -1):
        t = toks[k]
        if _sentence_end(t) or t.kind in ("shape", "conj", "cconj", "bgword"):
            return False
        if _CLASS.get(t.kind) == "motion" and k not in skip:
            return t.value != negated.value and t.kind == negated.kind
    return False


_TAKE_BACK = {"no", "nope", "不", "不是"}  # (不是 only set off by pauses on both sides: 往左上，不是，往右上方)
_CHANGE_TO = {"改成", "换成", "改为", "换为"}  # 红色星星往右走……改成往左吧: after a pause, before a motion, a correction


def _as_correction(t: Any) -> Any:
    """The token read as a correction word ("no wait")."""
    return replace(t, kind="correction", value=None)


def _said_kind_after(toks: list, k: int, before: int) -> str | None:
    """The attribute kind (colour, size, speed, motion) of the token at ``k``, past prepositions (往右), when one of
    that kind was said before ``before``; else None."""
    while k < len(toks) and toks[k].kind == "prep":
        k += 1
    cls = _CLASS.get(toks[k].kind) if k < len(toks) else None
    return cls if cls and any(_CLASS.get(x.kind) == cls for x in toks[:before]) else None


_HESITATIONS = {"uh", "um", "umm", "uhh", "呃", "嗯", "啊", "额", "er", "erm"}


def _hesitation_repairs(toks: list) -> list:
    """Probe round 158: 往上，呃，往下移动的红色圆, "a red, um, blue circle": a colour, size or direction, a pause,
    a hesitation word alone, a pause, then another value of that same kind (past 往 / to) that no list goes on
    from: the speaker repaired the word, so the hesitation is read as a correction word ("no wait"). Counts are not
    (two, uh, three: a rough count?)."""
    out = list(toks)
    for i, t in enumerate(out):
        if not (t.kind == "filler" and t.text in _HESITATIONS and 0 < i < len(out) - 1 and _pause(out, i - 1)
                and _pause(out, i + 1)):
            continue
        a = i - 2
        while a >= 0 and out[a].kind == "stop":
            a -= 1
        b = i + 2
        while b < len(out) and out[b].kind == "prep":
            b += 1
        if a < 0 or b >= len(out) or _CLASS.get(out[a].kind) not in ("color", "size", "motion") \
                or _CLASS.get(out[a].kind) != _CLASS.get(out[b].kind) or out[a].value == out[b].value:
            continue
        e = b + 1
        while e < len(out) and out[e].kind in ("stop", "verb") or e < len(out) and out[e].kind == out[b].kind:
            e += 1
        if e < len(out) and (out[e].kind == "conj" or out[e].text in ("、", "or", "或", "或者")):
            continue  # (a list, or a choice)
        out[i] = _as_correction(t)
    return out


def _bare_take_backs(toks: list, ignored: list[str]) -> list:
    """Probe round 155: "3 small yellow stars going up-left... no, up-right, sorry", "moving down fast — no, down-left",
    两个蓝色的正方形一起往左，不不不，往右: a bare "no" (不, 不不不) set off by a pause on both sides, then a colour, size,
    speed or motion of a kind said before it, is a correction word ("no wait"); read as one. A "no" with no pause
    after it ("no spinning"), or one before a kind not said before, stays a negation. 改成／换成 right after a pause,
    before a motion when one was said before (红色星星往右走……改成往左吧), is one too."""
    out = list(toks)
    i = 0
    while i < len(out):
        t = out[i]
        if t.kind == "link" and t.text in _CHANGE_TO and i > 0 and out[i - 1].kind == "sep":
            if _said_kind_after(out, i + 1, i) == "motion":
                out[i] = _as_correction(t)
            i += 1
            continue
        h = i - 1  # 一个小…啊不，中号的 (probe round 158): a hesitation word between the pause and the no
        while h > 0 and out[h].kind == "filler" and out[h].zh:
            h -= 1
        if not (_negator(t) and t.text in _TAKE_BACK and h >= 0 and out[h].kind == "sep"):
            i += 1
            continue
        j = i
        while j + 1 < len(out) and _negator(out[j + 1]) and out[j + 1].text == t.text:
            j += 1
        k = j + 1
        if not (k < len(out) and _pause(out, k)) \
                or _said_kind_after(out, k + 1, i) is None:
            i = j + 1
            continue
        if j > i:
            ignored.append(" ".join(x.text for x in out[i + 1:j + 1]))
        out[i:j + 1] = [_as_correction(t)]
        i += 1
    return out


def resolve_negations(toks: list, ignored: list[str]) -> list:
    """``toks`` with the negations and corrections above resolved (read-past words appended to ``ignored``)."""
    toks = _bare_take_backs(_hesitation_repairs(toks), ignored)
    spans = []
    for i, t in enumerate(toks):
        if _negator(t):
            j = _negated_attribute(toks, i)
            if j is not None:
                spans.append((i, j))
    drop: set[int] = _replaced_shapes_and_counts(toks)
    negated = {j for _, j in spans}
    for i, j in spans:
        a = i
        while a > 0 and toks[a - 1].kind in _BEFORE and a - 1 not in drop:
            a -= 1
        b = j + 1
        if a < i and b < len(toks) and toks[b].kind in ("sep", "conj") and not _sentence_end(toks[b]) \
                and (a == 0 or toks[a - 1].kind == "sep" or toks[b].kind == "conj"):
            b += 1  # "It doesn't go left, it goes right": the clause and its comma; "not spinning and not moving"
        cls = _CLASS[toks[j].kind]
        said = [k for k in range(i) if toks[k].kind == toks[j].kind and toks[k].value == toks[j].value
                and k not in negated]
        r = _replacement(toks, j + 1, cls, negated)
        if r is not None:
            drop.update(said)  # "a red ball. oh wait, not red. make it blue": the red is taken back
            k = _instead_after(toks, r)
            if k is not None:
                drop.add(k)
        elif cls == "motion" and not said and _motion_said_before(toks, i, toks[j], negated):
            pass  # 慢慢缩小，别转: the object's motion is said; the negated one is read past
        elif said and _replaced_just_before(toks, i, toks[j]):
            drop.update(said)  # "a big diamond… actually make it medium, not big": the contrast takes the big back
        elif said or cls == "motion":
            continue  # "a red circle that isn't red": a contradiction; "a circle that does not spin": still, or any
            # other motion? — both left to refuse
        drop.update(range(a, b))
    for i, t in enumerate(toks):  # "actually no, it goes left", "no, wait": the 'no' belongs to the correction
        near = [i - 1, i + 1] + ([i + 2] if i + 1 < len(toks) and toks[i + 1].kind == "sep" else [])
        if _negator(t) and t.text in ("no", "不") and any(0 <= k < len(toks) and toks[k].kind == "correction"
                                                          for k in near):
            drop.add(i)
    for i, t in enumerate(toks):  # 哦不，还是紫色背景吧 (writer round 157): after a take-back, 还是 is "rather", no choice
        k = i + 1
        while k < len(toks) and _pause(toks, k):
            k += 1
        if t.kind == "correction" and k < len(toks) and toks[k].zh and toks[k].text == "还是":
            drop.add(k)
    drop |= _stutters(toks, drop)
    drop |= _restarted_objects(toks, drop)
    drop |= _corrections(toks, drop)
    put = _named_corrections(toks, drop)
    if not drop:
        return toks
    ignored.append(" ".join(toks[k].text for k in sorted(drop)))
    return [x for k, t in enumerate(toks) if k not in drop for x in put.get(k, [t])]


def _replaced_shapes_and_counts(toks: list) -> set[int]:
    """Writer round 173: "not a circle — a square. orange, big, …", 不是三角形，是菱形！, 我不要星星，也不要圆，就要一个绿色的
    菱形, "Not three. Two. Two grey triangles …": a negation, then a shape (an article or 一个 before it at most, and
    nothing after it but a pause) or a bare count (a pause after it), with another shape (count) said after it, not
    negated, before the next sentence but one — the speaker says what the object is by saying what it is not: the
    negated words go (and the pause after them). Refused still: a negated shape said before it too ("a circle … not a
    circle": a contradiction), one with nothing in its place (一个红色的，不要圆: which shape then?), and a negated
    shape that goes on into a phrase ("not a circle moving left")."""
    out: set[int] = set()
    negs = [i for i, t in enumerate(toks) if _negator(t)]
    found = []
    for i in negs:
        j = i + 1
        while j < len(toks) and (_bridge(toks[j]) or toks[j].text == "用") and toks[j].kind != "pronoun":
            j += 1
        if j < len(toks) and toks[j].kind == "count" and toks[j].value == 1 and j + 1 < len(toks) \
                and toks[j + 1].kind == "shape":
            j += 1  # "not a circle", 不要一个圆
        if not (j + 1 < len(toks) and toks[j].kind in ("shape", "count") and _pause(toks, j + 1)
                or j + 1 < len(toks) and toks[j].kind in ("shape", "count") and _sentence_end(toks[j + 1])):
            continue
        if toks[j].kind == "count" and (j > i + 1 or toks[j].value == 1):
            continue  # (a bare count right after the negation, "not three": "not a" is no count)
        found.append((i, j))
    negated = {j for _, j in found}
    for i, j in found:
        kind, value = toks[j].kind, toks[j].value
        key = (lambda v: v[0]) if kind == "shape" else (lambda v: v)
        if any(toks[k].kind == kind and key(toks[k].value) == key(value) for k in range(i)):
            continue
        ends, repl = 0, False
        for k in range(j + 1, len(toks)):
            if _sentence_end(toks[k]) and not _ellipsis(toks, k):
                ends += 1
                if ends == 2:
                    break
            elif toks[k].kind == kind and k not in negated:
                repl = key(toks[k].value) != key(value)
                break
        if not repl:
            continue
        a = i
        while a > 0 and toks[a - 1].zh and (toks[a - 1].kind == "filler" or toks[a - 1].text == "我"):
            a -= 1  # 也不要圆, 我不要星星 (I don't want …)
        out.update(range(a, j + 1))
        if _pause(toks, j + 1):
            out.add(j + 1)
    return out


_STUTTER = ("color", "size", "count", "prep", "shape", "definite")


def _stutters(toks: list, drop: set[int]) -> set[int]:
    """Probe round 158: one to three words said twice in a row, the same words with nothing but a pause or a
    hesitation between ("red square red square on a on a grainy …", 一个黑…黑色的，大的圆, 三个小的…嗯…小的白色菱形,
    往，往，往左边): a speaker's stutter or restart, so the first saying goes. Not when the first follows a shape
    ("a circle, red, red background": the circle's colour, then the background's)."""
    out: set[int] = set()
    c = [k for k in range(len(toks)) if k not in drop and toks[k].kind not in ("stop", "filler") and not _pause(toks, k)]
    p = 0
    while p < len(c):
        for n in (3, 2, 1):
            one, two = c[p:p + n], c[p + n:p + 2 * n]
            if len(two) < n or any(toks[k].kind not in _STUTTER for k in one) \
                    or [(toks[k].kind, toks[k].value) for k in one] != [(toks[k].kind, toks[k].value) for k in two] \
                    or any(_sentence_end(toks[k]) and not _ellipsis(toks, k) for k in range(one[0], two[-1])) \
                    or p > 0 and toks[c[p - 1]].kind == "shape" and toks[one[0]].kind in ("color", "size") \
                    or any(not (_pause(toks, k) or toks[k].kind == "stop" or toks[k].text in _HESITATIONS)
                           for k in range(one[0], two[-1]) if k not in one and k not in two) \
                    or {"count", "shape"} <= {toks[k].kind for k in one}:
                continue  # (only a pause or a hesitation between; "一个蓝色的圆，还有一个蓝色的圆", "a red circle, a
                # red circle": two objects?)
            out.update(range(one[0], two[0]))
            p += n - 1
            break
        p += 1
    return out


_NP_START = ("count", "one", "definite")  # what opens an object phrase: a, one, two, the, 一个
_NP_ATTR = ("color", "size", "shade", "stop")  # what may follow it before the shape
_RESTART_WORDS = {"no", "nope", "sorry", "不", "不对", "不是"}  # a bare take-back between the two phrases


def _restarted_objects(toks: list, drop: set[int]) -> set[int]:
    """An object phrase broken off before its shape ("a big red"), then a correction word, a bare "no" / "sorry" and
    commas only, then a whole object phrase opened the same way ("a small blue circle"): the broken-off phrase and
    the words after it go (a whole first phrase is not touched here). Returns the indices to drop."""
    out: set[int] = set()
    for i, t in enumerate(toks):
        if t.kind != "correction" and t.text not in _RESTART_WORDS or i in drop:
            continue
        a = i  # back over the take-back words and commas to the broken-off phrase's last word
        while a > 0 and (toks[a - 1].kind in ("sep", "correction") and _pause(toks, a - 1)
                         or toks[a - 1].kind == "correction" or toks[a - 1].kind == "filler" and toks[a - 1].zh
                         or toks[a - 1].text in _RESTART_WORDS):
            a -= 1
        s = a
        while s > 0 and toks[s - 1].kind in _NP_ATTR:
            s -= 1
        if s == a or s == 0 or toks[s - 1].kind not in _NP_START or not any(
                toks[k].kind in ("color", "size") for k in range(s, a)):
            continue
        s -= 1
        b = i + 1  # on over the take-back words and commas to the new phrase
        while b < len(toks) and (toks[b].kind == "sep" and _pause(toks, b) or toks[b].kind == "correction"
                                 or toks[b].kind == "filler" and toks[b].zh
                                 or toks[b].text in _RESTART_WORDS):
            b += 1
        e = b + 1
        while e < len(toks) and toks[e].kind in _NP_ATTR:
            e += 1
        if b < len(toks) and toks[b].kind in _NP_START and e < len(toks) and toks[e].kind == "shape":
            out.update(range(s, b))
            continue
        # 一个蓝…不对，紫色的三角形, 一个红色的…不对不对，是青色的圆 (probe round 158): after a correction word, the
        # phrase said again from its colour or size on (是 before it at most): the count is kept, the rest goes
        if b < len(toks) and toks[b].zh and toks[b].kind == "link" and toks[b].text == "是":
            b += 1
        e = b
        while e < len(toks) and toks[e].kind in _NP_ATTR:
            e += 1
        if any(toks[k].kind == "correction" or toks[k].text in ("不对", "不是") for k in range(a, b)) \
                and b < e < len(toks) and toks[b].kind in ("color", "size") and toks[e].kind == "shape" \
                and toks[s].zh and toks[s].kind == "count":
            out.update(range(s + 1, b))
    return out


def _replaced_just_before(toks: list, i: int, negated: Any) -> bool:
    """"medium, not big": is another value of the negated attribute's kind said right before the negation at ``i``
    (a comma between them at most)?"""
    k = i - 1
    while k >= 0 and toks[k].kind == "sep" and not toks[k].value:
        k -= 1
    return k >= 0 and toks[k].kind == negated.kind and toks[k].value != negated.value


def _correction_clauses(toks: list, drop: set[int]):
    """Each correction word not yet dropped, with the indices of its clause (to the sentence's end or to an "and" that
    opens a new object — "actually make it blue, and a green star" — dropped ones left out)."""
    for i, t in enumerate(toks):
        if t.kind != "correction" or i in drop:
            continue
        clause = []
        for j in range(i + 1, len(toks)):
            if _sentence_end(toks[j]) and clause or toks[j].kind == "conj" and clause \
                    and j + 1 < len(toks) and toks[j + 1].kind in ("count", "one"):
                break
            if j not in drop:
                clause.append(j)
        yield i, clause


def _corrections(toks: list, drop: set[int]) -> set[int]:
    """A correction word whose clause says a colour, size or speed and names no object: that attribute's last
    mention before it, and the correction word, go ("a red ball, no wait, blue")."""
    out: set[int] = set()
    for i, clause in _correction_clauses(toks, drop):
        if all(toks[j].kind == "sep" for j in clause):  # "oh wait, not red.": what it corrected was read past
            out.add(i)
            continue
        # 一个大的，哦不，小的橙色三角形, "a big, no wait, small circle": a colour or size right before the correction
        # and one of the same kind right after it, inside one noun phrase: the earlier one (and the commas) go
        prev = [k for k in range(i - 1, -1, -1) if toks[k].kind != "stop" and not _pause(toks, k)]
        nxt = [j for j in clause if toks[j].kind != "sep"]
        if prev and nxt and toks[prev[0]].kind in ("color", "size") and toks[prev[0]].kind == toks[nxt[0]].kind \
                and not any(_sentence_end(toks[k]) and not _ellipsis(toks, k) for k in range(prev[0], nxt[0])):
            out.update(k for k in range(prev[0], nxt[0]) if k not in drop and toks[k].kind in (
                "sep", "stop", "correction", toks[nxt[0]].kind))
            continue
        if any(toks[j].kind == "bgword" for j in clause):
            continue  # "… on a blue background, no wait, make the background purple": see _named_corrections
        kinds = {toks[j].kind for j in clause}
        said = {_CLASS[k] for k in kinds if k in _CLASS}
        if not said or said - {"color", "size", "speed"} or kinds & {"shape", "head", "count", "one", "nth"}:
            continue
        for cls in said:
            before = [k for k in range(i) if _CLASS.get(toks[k].kind) == cls and k not in drop and k not in out]
            if before:
                out.add(before[-1])
        out.add(i)
    return out


_NP = ("color", "size", "count", "stop", "shade")  # what stands before a shape in its noun phrase
_QUIET = ("sep", "filler", "stop", "verb", "link", "pronoun")  # a correction clause's glue ("make", "it", ",")


def _named_corrections(toks: list, drop: set[int]) -> dict[int, list]:
    """A correction whose clause names an object said before by its shape ("the diamond") and gives it a colour or
    size: that object's own colour or size is replaced (or added before its shape), the clause goes. Updates
    ``drop``; returns {token index: the tokens that stand in its place}."""
    put: dict[int, list] = {}
    for i, clause in _correction_clauses(toks, drop):
        words = [j for j in clause if toks[j].kind not in _QUIET]
        if _count_or_background(toks, i, clause, words, drop, put):
            continue
        # 橙色的背景，哦不，紫色背景，一个黄色的圆往右移动 (writer round 157): a background said again whole, then a
        # comma and the rest of the request — the piece before the comma is the correction's clause
        cut = next((n for n, j in enumerate(clause) if n and toks[j].kind == "sep" and not toks[j].value
                    and any(toks[x].kind not in _QUIET for x in clause[:n])), None)
        if cut is not None:
            head = clause[:cut]
            hw = [j for j in head if toks[j].kind not in _QUIET]
            if any(toks[j].kind == "bgword" for j in hw) and _count_or_background(toks, i, head, hw, drop, put):
                continue
        shapes = [j for j in words if toks[j].kind == "shape"]
        attrs = [j for j in words if toks[j].kind in ("color", "size")]
        if len(shapes) != 1 or not attrs or {toks[j].kind for j in words} - {"definite", "color", "size", "shape"} \
                or not any(toks[j].kind == "definite" for j in words if j < shapes[0]) \
                and not (toks[shapes[0]].zh and words[0] == shapes[0]):  # (probe round 155: 哦不，方块改成白色的 —
            continue                                                  # Chinese names it without an article)
        shape = toks[shapes[0]].value[0]
        said = [k for k in range(i) if toks[k].kind == "shape" and toks[k].value[0] == shape and k not in drop]
        if len(said) != 1:
            continue  # (no earlier object of that shape, or two: which one?)
        k = said[0]
        np = []
        a = k - 1
        while a >= 0 and toks[a].kind in _NP:
            np.append(a)
            a -= 1
        for j in attrs:
            old = [x for x in np if toks[x].kind == toks[j].kind]
            if old:
                put[old[0]] = [toks[j]]
            else:
                put.setdefault(k, [toks[k]]).insert(-1, toks[j])
        drop.add(i)
        drop.update(clause)
    return put


_BG_NEAR = ("bgmod", "bgkind", "filler", "shade", "link", "stop")  # between a background word and its colour


def _count_or_background(toks: list, i: int, clause: list, words: list, drop: set[int], put: dict) -> bool:
    """The correction at ``i`` when its clause is a count alone ("three triangles going up, sorry I meant two",
    三个三角形往上，不对，是两个) and one object was named before it: that object's count is replaced; or when it
    names the background and gives it a colour ("on a blue background — no, make the background purple"): the
    background said before (one) takes the colour. Updates ``drop`` and ``put``; False when neither fits."""
    kinds = [toks[j].kind for j in words]
    shapes = [k for k in range(i) if toks[k].kind == "shape" and k not in drop]
    if kinds == ["count"] and isinstance(toks[words[0]].value, int) and len(shapes) == 1:
        a = shapes[0] - 1
        while a >= 0 and toks[a].kind in _NP and toks[a].kind != "count":
            a -= 1
        if a >= 0 and toks[a].kind == "count":
            put[a] = [toks[words[0]]]
        else:
            put.setdefault(shapes[0], [toks[shapes[0]]]).insert(0, toks[words[0]])
    elif kinds.count("bgword") == 1 and kinds.count("color") == 1 and set(kinds) <= {"definite", "bgword", "color",
                                                                                        "bgmod"}:
        said = [k for k in range(i) if toks[k].kind == "bgword" and k not in drop]
        if len(said) != 1:
            return False  # (no background said before, or two)
        k = said[0]
        near = [x for x in range(k - 1, -1, -1) if toks[x].kind not in _BG_NEAR[:4]][:1] \
            + [x for x in range(k + 1, i) if toks[x].kind not in _BG_NEAR and not (toks[x].kind == "sep"
                                                                                   and not toks[x].value)][:1]
        old = [x for x in near if toks[x].kind == "color"]
        new = toks[words[kinds.index("color")]]
        if old:
            put[old[0]] = [new]
        else:
            put.setdefault(k, [toks[k]]).insert(-1, new)
    else:
        return False
    drop.add(i)
    drop.update(clause)
    return True
