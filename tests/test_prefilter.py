"""stepvid/world/prefilter.py: the literals it names are in every match (checked by running the patterns), and
skipping a rewrite whose literals are absent changes nothing the parser reads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stepvid.world import syntax
from stepvid.world.prefilter import required_literals


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"\bdwon\b", ("dwon",)),
    (r"\b(?:slide|glide)s?\s+(left|right)", ("glide", "slide")),  # every branch, the longer requirement
    (r"a+bc(?:de)?", ("bc",)),               # "a" repeats >= 1 but is shorter; the optional "de" requires nothing
    (r"x*(?=yy)z", ("z",)),                  # a look-ahead and a repeat of zero require nothing
    (r"[ab]c?", ("a", "b")),                 # a class of single characters
    (r"[a-z]+\d", None),                     # ranges and categories: nothing known
    (r"(?i)abc", None),                      # case-insensitive: nothing promised
    (r"(a)\1", ("a",)),
    (r"(?:红色|红)的?大圆", ("大圆",)),       # (the branches share 红: required too, but shorter)
])
def test_closed_form_cases(pattern, expected):
    assert required_literals(re.compile(pattern)) == expected


def _texts() -> list[str]:
    path = Path(__file__).resolve().parent / "data" / "natural_prompts.jsonl"
    rows = [json.loads(line)["prompt"].lower() for line in path.read_text(encoding="utf-8").splitlines()]
    return rows[::12]


def test_every_rewrite_match_contains_one_of_its_literals():
    """Each pattern of the parser's rewrite table, on ~770 hand-written prompts (and each with the pattern's
    literals removed, so that a match there would prove a wrong literal): a match always contains one of them."""
    table = syntax._rewrite_table()
    assert len(table) > 500 and sum(needs is not None for _, _, needs in table) > 0.9 * len(table)
    matched = 0
    for text in _texts():
        for pat, _, needs in table:
            if needs is None:
                continue
            m = pat.search(text)
            if m is not None:
                matched += 1
                assert any(n in text for n in needs), (pat.pattern, needs, text)
            stripped = text
            for n in needs:
                stripped = stripped.replace(n, "\x00")
            assert pat.search(stripped) is None, (pat.pattern, needs, text)
    assert matched > 200


def test_rewriting_with_and_without_the_prefilter_is_the_same():
    """The rewrite table run pattern by pattern (the definition) and prefiltered: same text, same reports."""
    changed = 0
    for text in _texts():
        a: list[str] = []
        b: list[str] = []
        assert syntax._apply_rewrites(text, a, prefilter=False) == syntax._apply_rewrites(text, b)
        assert a == b
        changed += bool(a)
    assert changed > 50
