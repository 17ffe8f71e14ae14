"""Required literals of a regular expression: strings one of which every match contains.

The parser's rewrite table holds ~740 patterns tried in turn on every text it reads, and almost all of them match
nothing. A substring test (``in``, in C) rules a pattern out ~20x faster than running it; a pattern whose literals
are all absent cannot match, so skipping it changes nothing. Read from the pattern's parse tree (the ``re`` module's
own parser): literal runs in sequence, a group, a repeat of at least one, every branch of an alternation, a
character class of single characters. Anything else (an optional part, a look-around, a back-reference, a
case-insensitive part) requires nothing.
"""

from __future__ import annotations

import re

try:  # Python >= 3.11
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_REPEATS = tuple(getattr(_c, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_c, name))


def _needed(items) -> set[str] | None:
    """The best set of literals one of which every match of the sequence ``items`` contains (None: none known).
    Best = the longest shortest member: the rarest test."""
    best: set[str] | None = None

    def consider(found: set[str] | None) -> None:
        nonlocal best
        if found and all(found) and (best is None or min(map(len, found)) > min(map(len, best))):
            best = found

    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider({"".join(run)})
            run = []
        if op is _c.SUBPATTERN:
            add_flags, sub = av[1], av[-1]
            if not add_flags & _c.SRE_FLAG_IGNORECASE:
                consider(_needed(sub))
        elif op is _c.BRANCH:
            alternatives = [_needed(branch) for branch in av[1]]
            if all(alternatives):
                consider(set().union(*alternatives))
        elif op in _REPEATS and av[0] >= 1:
            consider(_needed(av[2]))
        elif op is _c.IN and av and all(o is _c.LITERAL for o, _ in av):
            consider({chr(a) for _, a in av})
    if run:
        consider({"".join(run)})
    return best


def required_literals(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Strings one of which is in every text ``pattern`` matches, or None when none are known (then the pattern
    must always be run). A case-insensitive pattern requires nothing here."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        found = _needed(_p.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - an internal parser's surprise means only: no prefilter
        return None
    return tuple(sorted(found)) if found else None
