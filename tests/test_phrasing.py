"""Natural phrasing grammar (stepvid.world.phrasing): determinism, held-out families, exact Requests, breadth."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from stepvid.world.captions import request_from_spec
from stepvid.world.phrasing import FAMILIES, LANGS, _generate, heldout_families, natural_caption
from stepvid.world.scene import MOTIONS, ObjectSpec, SceneSpec, sample_scene

SPECS = [sample_scene(i, split="any") for i in range(120)]


def _batch(lang: str, split: str, n: int, seed: int = 0, detail: float | None = None, **kw):
    """n captions over SPECS (every 4th a still image): (spec, kind, text, request, families used, trace)."""
    rng = np.random.default_rng(seed)
    out = []
    for j in range(n):
        spec, kind = SPECS[j % len(SPECS)], "image" if j % 4 == 3 else "video"
        text, req, used, trace = _generate(spec, lang, rng, split, kind, detail, **kw)
        out.append((spec, kind, text, req, used, trace))
    return out


@pytest.fixture(scope="module")
def train_batches():
    return {lang: _batch(lang, "train", 1500, seed=1) for lang in LANGS}


@pytest.fixture(scope="module")
def heldout_batches():
    return {lang: _batch(lang, "heldout", 2500, seed=2, detail=0.6) for lang in LANGS}


# ------------------------------------------------------------------------------------------- basics
def test_deterministic_given_rng():
    for lang in LANGS:
        for kind in ("video", "image"):
            a = [natural_caption(s, lang, np.random.default_rng(7), kind=kind) for s in SPECS[:20]]
            b = [natural_caption(s, lang, np.random.default_rng(7), kind=kind) for s in SPECS[:20]]
            assert a == b
    rng_a, rng_b = np.random.default_rng(3), np.random.default_rng(3)
    assert ([natural_caption(s, "en", rng_a)[0] for s in SPECS[:30]]
            == [natural_caption(s, "en", rng_b)[0] for s in SPECS[:30]])
    c = [natural_caption(s, "en", np.random.default_rng(8))[0] for s in SPECS[:20]]
    assert c != [t for t, _ in a]


@pytest.mark.parametrize("bad, match", [({"lang": "fr"}, "lang must be one of"), ({"split": "test"}, "split must be"),
                                        ({"kind": "gif"}, "kind must be"), ({"detail": 1.5}, "detail must be")])
def test_bad_arguments_name_the_value(bad, match):
    args = {"lang": "en", "split": "train", "kind": "video", "detail": None} | bad
    with pytest.raises(ValueError, match=match):
        natural_caption(SPECS[0], args["lang"], np.random.default_rng(0), split=args["split"], kind=args["kind"],
                        detail=args["detail"])
    with pytest.raises(ValueError, match="lang must be"):
        heldout_families("fr")


def test_family_table():
    for name, fam in FAMILIES.items():
        lang, slot, _ = name.split(".", 2)
        assert (fam.name, fam.lang, fam.slot) == (name, lang, slot) and fam.lang in LANGS and fam.doc
    for lang in LANGS:
        held = heldout_families(lang)
        total = sum(f.lang == lang for f in FAMILIES.values())
        assert held == sorted(held) and all(FAMILIES[n].heldout and FAMILIES[n].lang == lang for n in held)
        assert 0.15 <= len(held) / total <= 0.25, (lang, len(held), total)
    assert heldout_families() == sorted(heldout_families("en") + heldout_families("zh") + heldout_families("mix"))


# ------------------------------------------------------------------------------------------- splits
# Phrases only a held-out family produces: an independent check that the family tracking is honest.
HELDOUT_MARKERS = {
    "en": [r"\bwhich\b", r"\b(we see|we can see|you can see|we watch)\b", r"\bhere('s| is| we have)\b",
           r"\b(is|are) seen\b|\bcan be seen\b", r"\bas the (clip plays|video goes on|animation runs)\b",
           r"\bmeanwhile\b", r"\bin front of\b", r"\bset against\b", r"\bidentical\b", r"-shaped\b", r"\bround shape",
           r"\bof (small|medium|large) size\b", r"\b(sail|cruis|coast|proceed)", r"\bdirection\b", r"\boff to the\b",
           r"\bfrozen\b", r"\bquarter turn\b|\bninety degrees\b|\b90 degrees\b", r"\bin size\b", r"\brebound",
           r"\bclose in on\b|\bdraw\w* closer to\b", r"\bfaint", r"-moving\b"],
    "zh": ["只见", "我们看到", "我们可以看到", "随着", "播放时", "枚", "[一两三]只", "^一(红|橙|黄|绿|青|蓝|紫|粉|白|黑|灰|小|大|中|个头|不大|迷你|很)", "平移", "以(很慢|缓慢|较慢|很快|较快|极快)的速度",
           "纹丝", "定在原地", "四分之一圈", "九十度", "90度", "尺寸", "体积", "蹦", "接近", "与此同时", "为背景", "细微纹理", "淡淡纹理",
           "不大不小", "个头", "图案", r"[\u4e00-\u9fff] [\u4e00-\u9fff]"],
}


def test_train_split_never_uses_heldout_families(train_batches):
    held = set(heldout_families())
    for lang, batch in train_batches.items():
        for _, _, text, _, used, _ in batch:
            assert not held & set(used), (text, held & set(used))
            if lang in HELDOUT_MARKERS:
                for pat in HELDOUT_MARKERS[lang]:
                    assert not re.search(pat, text), (pat, text)


def test_heldout_split_always_uses_a_heldout_family_and_reaches_them_all(heldout_batches):
    held = set(heldout_families())
    for lang, batch in heldout_batches.items():
        seen = Counter()
        for _, _, text, _, used, _ in batch:
            assert held & set(used), text
            seen.update(used)
        missing = [f for f in heldout_families(lang) if not seen[f]]
        assert not missing, (lang, missing)


def test_markers_do_fire_in_heldout_split(heldout_batches):
    """The marker patterns above are live: each matches some held-out caption (else the train check is vacuous)."""
    for lang, pats in HELDOUT_MARKERS.items():
        texts = [t for _, _, t, _, _, _ in heldout_batches[lang]]
        dead = [p for p in pats if not any(re.search(p, t) for t in texts)]
        assert not dead, (lang, dead)


def test_no_template_residue(train_batches, heldout_batches):
    bad = {"placeholder": r"[{}~#@^|]", "double space": r"  ", "space before punctuation": r" [,.;:!?，。；：]",
           "repeated word": r"\b(\w+) \1\b", "a/an": r"\ban [bcdfgjklmnpqrstvwxz]|\ba [aeio]", "edge space": r"^\s|\s$",
           "doubled particle": r"的的|在在|有有|，，|。。", "doubled punctuation": r"[,.;:][,.;:]"}
    for batches in (train_batches, heldout_batches):
        for batch in batches.values():
            for _, _, text, *_ in batch:
                for what, pat in bad.items():
                    assert not re.search(pat, text), (what, text)


def test_mixed_captions_switch_language(train_batches, heldout_batches):
    for batches in (train_batches, heldout_batches):
        for _, _, text, *_ in batches["mix"]:
            assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[A-Za-z]{2,}", text), text
        for _, _, text, *_ in batches["zh"]:
            assert not re.search(r"[A-Za-z]", text), text
        for _, _, text, *_ in batches["en"]:
            assert not re.search(r"[\u4e00-\u9fff]", text), text


def test_any_split_mixes_train_and_heldout_families():
    used = Counter(f for *_, u, _ in _batch("en", "any", 400, seed=4) for f in u)
    assert any(FAMILIES[f].heldout for f in used) and any(not FAMILIES[f].heldout for f in used)


# ------------------------------------------------------------------------------------------ requests
def _check_request(spec, kind, req, text, detail=None):
    truth = request_from_spec(spec, "dense", motion=kind == "video")
    by_key = {(g.color, g.shape): g for g in truth.groups}
    assert sorted(by_key) == sorted((g.color, g.shape) for g in req.groups), text  # every group named once
    for g in req.groups:
        t = by_key[g.color, g.shape]
        assert g.count == t.count and g.color and g.shape, text
        for f in ("size", "motion", "speed"):
            assert getattr(g, f) in (None, getattr(t, f)), (f, text)
        assert g.speed is None or g.motion is not None, text
        if kind == "image":
            assert g.motion is None and g.speed is None, text
        if detail == 1.0:
            assert (g.size, g.motion, g.speed) == (t.size, t.motion, t.speed), text
        if detail == 0.0:
            assert g.size is None and g.speed is None, text
    assert req.bg_color in (None, spec.bg_color) and req.bg_kind in (None, spec.bg_kind), text
    if detail == 1.0:
        assert (req.bg_color, req.bg_kind) == (spec.bg_color, spec.bg_kind), text
    if detail == 0.0:
        assert req.bg_color is None and req.bg_kind is None, text
    if truth.groups[0].motion == "towards" and req.groups[0].motion:
        assert len({(g.motion, g.speed) for g in req.groups}) == 1, text  # the pair shares motion and speed


def test_request_is_exactly_what_the_spec_implies(train_batches):
    for lang, batch in train_batches.items():
        for spec, kind, text, req, _, _ in batch:
            _check_request(spec, kind, req, text)
    for detail in (0.0, 1.0):
        for lang in LANGS:
            for spec, kind, text, req, _, _ in _batch(lang, "any", 300, seed=5, detail=detail):
                _check_request(spec, kind, req, text, detail)


def test_mention_rates_are_realistic(train_batches):
    batch = [b for b in train_batches["en"] if b[1] == "video"]
    groups = [g for *_, req, _, _ in batch for g in req.groups]
    motion = sum(g.motion is not None for g in groups) / len(groups)
    size = sum(g.size is not None for g in groups) / len(groups)
    bg = sum(b[3].bg_color is not None or b[3].bg_kind is not None for b in batch) / len(batch)
    assert 0.9 <= motion <= 0.99 and 0.15 <= size <= 0.4 and 0.15 <= bg <= 0.45, (motion, size, bg)
    typos = sum(any(f.startswith("en.typo.") for f in b[4]) for b in train_batches["en"]) / len(train_batches["en"])
    assert 0.03 <= typos <= 0.12, typos


# Independent lexicons: words that state an attribute. A caption may use them only for attributes its Request
# holds, and must state every attribute its Request holds (English, typos off).
EN_COLOR = {"gray": r"gr[ae]y", "purple": r"purple|violet", "cyan": r"cyan|turquoise|aqua"}
EN_SHAPE = {"circle": r"circle|ball|dis[ck]|dot|round|circular", "square": r"square|box|block",
            "triangle": r"triang", "star": r"star", "diamond": r"diamond|rhomb|lozenge", "cross": r"cross|plus"}
EN_SPEED = (r"\b(slow\w*|quick\w*|fast\w*|rapid\w*|swift\w*|speed\w*|pace|gently|lazily|unhurriedly|briskly|zip\w*|"
            r"dart\w*|shoot\w*|rac(e|es|ing)|whiz\w*|zoom\w*|rush\w*|scoot\w*|creep\w*|crawl\w*|inch\w*)\b")
EN_SIZE = r"\b(small|tiny|(?<!by )little(?! by)|medium|mid-sized|average-sized|big|large|huge|small-sized|large-sized)\b"
EN_MOTION = (r"\b(mov\w+|slid\w+|drift\w*|glid\w+|spin\w*|rotat\w+|turn\w*|grow\w*|shrink\w*|bounc\w+|ris\w+|"
             r"fall\w*|still(?! image| of)|static|motionless|stationary|toward\w*)\b")


def test_english_text_states_exactly_the_request():
    for spec, kind, text, req, _, _ in _batch("en", "any", 1500, seed=6, typo_rate=0.0):
        low = text.lower()
        for g in req.groups:
            assert re.search(EN_COLOR.get(g.color, g.color), low), (g.color, text)
            assert re.search(EN_SHAPE[g.shape], low), (g.shape, text)
        if all(g.speed is None for g in req.groups):
            assert not re.search(EN_SPEED, low), text
        else:
            assert re.search(EN_SPEED, low), text
        if all(g.size is None for g in req.groups):
            assert not re.search(EN_SIZE, low), text
        if all(g.motion is None for g in req.groups):
            assert not re.search(EN_MOTION, low), text
        has_bg = re.search(r"background|backdrop|gradient|textured", low) is not None
        assert has_bg == (req.bg_color is not None or req.bg_kind is not None), text
        if req.bg_kind in ("vgradient", "hgradient"):  # a gradient is always named with its axis
            axis = (r"vertical|top-to-bottom|from top to bottom|at the top" if req.bg_kind == "vgradient"
                    else r"horizontal|left-to-right|from left to right|on the left")
            assert re.search(axis, low), text


def test_chinese_text_states_speed_and_background_only_when_requested():
    for spec, kind, text, req, _, _ in _batch("zh", "any", 1500, seed=7):
        assert ("背景" in text) == (req.bg_color is not None or req.bg_kind is not None), text
        changing = any(g.motion in ("grow", "shrink") for g in req.groups)  # 慢慢变大 is how growth is said
        if not changing and all(g.speed is None for g in req.groups):
            assert not re.search("慢|快|缓|徐|急速|飞速|疾速|速度|飞驰|冲", text), text
        if kind == "image":
            assert not re.search("移动|旋转|弹|变大|变小|靠近", text), text


# ------------------------------------------------------------------------------------------- breadth
def test_breadth_distinct_captions_and_verbs():
    for lang, least in (("en", 1150), ("zh", 1100), ("mix", 1150)):
        rng = np.random.default_rng(11)
        caps = [natural_caption(SPECS[i], lang, rng)[0] for _ in range(12) for i in range(100)]
        assert len(set(caps)) >= least, (lang, len(set(caps)))
    for lang, least in (("en", 10), ("zh", 12)):
        for m in MOTIONS:
            rng = np.random.default_rng(12)
            specs = [sample_scene(i, num_objects=2 if m == "towards" else 1, motions=(m,)) for i in range(6)]
            verbs, phrases = set(), set()
            for j in range(150):
                _, _, _, trace = _generate(specs[j % 6], lang, rng)
                verbs |= {t for f, t in trace if FAMILIES[f].slot in ("verb", "still", "rotate", "change", "bounce",
                                                                       "towards")}
                phrases |= {t for f, t in trace if FAMILIES[f].slot in ("dir", "dest", "vdir")}
            assert len(verbs) >= least, (lang, m, sorted(verbs))
            if lang == "en" and m in ("left", "up-right"):
                assert len(phrases) >= 15, (m, sorted(phrases))


def test_everyday_phrasings_are_in_training(train_batches):
    """The words real users write most (issue 18) must come from train families, not held-out ones."""
    en = " || ".join(t for _, _, t, *_ in train_batches["en"]).lower()
    for w in ("slides", "drifts", "falls", "heads toward", "rises", "slowly", "straight", "three", " 3 ",
              "watch as", "in this clip", "grey", "colour", "there is", "a picture of"):
        assert w in en, w
    zh = " || ".join(t for _, _, t, *_ in train_batches["zh"])
    for w in ("缓缓", "径直", "越变越大", "朝", "一颗", "静止", "弹来弹去", "相互靠近", "视频中", "可以看到", "请生成", "背景是"):
        assert w in zh, w
    assert re.search(r"(^| \|\| )[红橙黄绿青蓝紫粉白黑灰]色?[圆正三星菱十方]", zh)  # no count, no 的
    mix = " || ".join(t for _, _, t, *_ in train_batches["mix"])
    assert re.search(r"[a-z] [\u4e00-\u9fff]+ [a-z]", mix) and re.search(r"[\u4e00-\u9fff][a-z]+", mix)


# ---------------------------------------------------------------------------------- literal examples
RED_LEFT = SceneSpec([ObjectSpec("circle", "red", "medium", "left", "slow", x=0.7, y=0.5, dx=-0.25)], "white", "solid")
TWO = SceneSpec([ObjectSpec("square", "blue", "small", "rotate", spin=90.0, x=0.3, y=0.3),
                 ObjectSpec("star", "yellow", "large", "down", "fast", x=0.7, y=0.3, dy=0.25)], "black", "solid")


def _producible(spec, lang, prefer, n=400, **kw):
    rng = np.random.default_rng(0)
    return {_generate(spec, lang, rng, prefer=frozenset(prefer), typo_rate=0.0, **kw)[0] for _ in range(n)}


def test_literal_english_captions():
    base = {"en.count.word", "a", "one", "en.color.name", "en.shape.name", "en.aspect.simple", "s"}
    got = _producible(RED_LEFT, "en", base | {"en.frame.svo", "en.verb.glide", "en.dir.to_the", "en.case.sentence",
                                              "en.punct.period"}, detail=0.0)
    assert {"A red circle slides to the left.", "A red circle drifts to the left.",
            "One red circle glides to the left."} <= got
    got = _producible(RED_LEFT, "en", base | {"en.frame.fragment", "en.count.bare", "en.group.participle",
                                              "en.verb.move", "move", "en.dir.bare", "en.case.lower", "en.punct.none"},
                      detail=0.0)
    assert "red circle moving left" in got
    got = _producible(RED_LEFT, "en", base | {"en.frame.media_of", "a picture of {ing}", "an image of {ing}",
                                              "a photo of {ing}", "en.case.sentence", "en.punct.period"},
                      kind="image", detail=0.0)
    assert {"A picture of a red circle.", "An image of a red circle.", "A photo of one red circle."} <= got
    got = _producible(TWO, "en", base | {"en.frame.svo", "en.rotate.spin", "spin", "en.verb.fall", "fall",
                                         "en.vdir.complement", "", "en.join.while", ", # while ", "en.case.sentence",
                                         "en.punct.period"}, detail=0.0)
    assert "A blue square spins while a yellow star falls." in got
    got = _producible(RED_LEFT, "en", base | {"en.frame.fronted", "en.speed.adverb", "slowly", "en.size.plain",
                                              "medium", "en.verb.glide", "slide", "en.dir.to_the", "en.bgplace.on",
                                              "{x} on a {np}", "en.bgdesc.solid", "plain {c} {bg}@plain {c}",
                                              "en.case.sentence", "en.punct.period"}, split="heldout", detail=1.0)
    assert "Slowly, a medium red circle slides to the left on a plain white background." in got
    got = _producible(RED_LEFT, "en", base | {"en.frame.we_see", "we see {ing}", "en.group.participle",
                                              "en.verb.glide", "slide", "en.dir.to_the", "en.case.sentence",
                                              "en.punct.period"}, split="heldout", detail=0.0)
    assert "We see a red circle sliding to the left." in got


def test_literal_chinese_and_mixed_captions():
    zh = {"zh.frame.plain", "zh.color.se", "红色", "zh.verb.xiang", "向{d}{v}", "zh.punct.full"}
    got = _producible(RED_LEFT, "zh", zh | {"zh.count.none", "zh.shape.std", ""}, n=500, detail=0.0)
    assert "红色圆形向左移动" in got
    got = _producible(RED_LEFT, "zh", zh | {"zh.count.ge", "zh.shape.short", "。"}, n=500, detail=0.0)
    assert "一个红色的圆向左移动。" in got
    got = _producible(RED_LEFT, "zh", zh | {"zh.frame.we_see", "只见{clause}", "zh.count.ge", "zh.shape.std", "。"},
                      n=500, split="heldout", detail=0.0)
    assert "只见一个红色圆形向左移动。" in got
    got = _producible(RED_LEFT, "mix", {"mix.switch.zh_color", "en.frame.svo", "en.count.word", "a", "zh.color.se",
                                        "红色", "en.shape.name", "en.verb.glide", "slide", "en.dir.bare",
                                        "en.aspect.simple", "s", "en.case.lower", "en.punct.none"}, n=300, detail=0.0)
    assert "a 红色 circle slides left" in got
    got = _producible(RED_LEFT, "mix", zh | {"mix.switch.en_color", "zh.count.ge", "en.color.name", "zh.shape.short",
                                             ""}, n=800, detail=0.0)
    assert "一个red的圆向左移动" in got


def test_world_exports_natural_caption():
    from stepvid import world

    text, req = world.natural_caption(RED_LEFT, "en", np.random.default_rng(0))
    assert isinstance(text, str) and text and req.groups[0].shape == "circle"
