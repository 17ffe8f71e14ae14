"""Blind side-by-side votes on eval runs: pairing, the votes database, and its two exports.

Eval run folders (``stepvid eval``'s ``run.json`` + ``items.jsonl`` + ``videos/``) give the items; two items of
different models with the same prompt and seed make a pair. A rater gets the pairs they have not voted on,
least-voted first (ties broken at random), each shown in a random left/right order as "Video A / Video B";
a vote is the outcome (``win_left`` | ``tie`` | ``win_right``) and the report's 1–5 rubric for both videos on
:data:`DIMENSIONS`. Votes live in ``OUT/votes.sqlite`` (WAL; each vote is one transaction; one vote per
rater and pair). Exports, from the database alone:

* :func:`pair_rows` / :func:`write_pairs`: the votes file ``stepvid dpo import`` reads — one row per decisive
  vote (ties left out; chosen_score 1, rejected_score 0) or, with ``majority``, one row per pair that a
  majority of its decisive votes settles (scores = the two videos' shares of the votes);
* :func:`tables` / :func:`tables_markdown`: per model pair win/tie/loss counts and rates (overall and per
  category), and per model the mean ± sample std (n) of each rubric dimension.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import sqlite3
import time
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stepvid.serve.db import connect, create, transaction
from stepvid.serve.media import Refused, resolve_under

__all__ = [
    "DIMENSIONS",
    "OUTCOMES",
    "Item",
    "VoteError",
    "VoteStore",
    "load_eval_run",
    "load_eval_runs",
    "pair_items",
    "pair_rows",
    "read_vote_rows",
    "tables",
    "tables_markdown",
    "write_pairs",
    "write_tables",
]

DIMENSIONS = ("instruction_following", "motion_smoothness", "physical_plausibility", "aesthetic_appeal")
OUTCOMES = ("win_left", "tie", "win_right")
TAG = re.compile(r"^[A-Za-z0-9_.-]+$")
RATER = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
RATER_RULE = "1 to 64 characters from A-Z a-z 0-9 _ . @ -"


# -------------------------------------------------------------------------------------------- eval runs


@dataclass(frozen=True)
class Item:
    """One finished (model, prompt, seed) of an eval run; ``video`` is relative to ``source``."""

    source: Path
    model: str
    prompt_id: str
    prompt: str
    category: str | None
    seed: int
    video: str

    @property
    def path(self) -> Path:
        return self.source / self.video

    @property
    def key(self) -> tuple[str, str, str, int]:
        return self.model, self.prompt_id, self.prompt, self.seed


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no {what} (is this an eval run folder written by `stepvid eval`?)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{path}: not a JSON {what} ({e})") from None


def load_eval_run(folder: str | os.PathLike) -> list[Item]:
    """The items of one eval run folder; ValueError naming the file and line for anything off the contract
    (unknown model tag, wrong field types, a video path that is absolute, climbs out of the folder or is not
    an existing .mp4, two different videos for one (model, prompt, seed))."""
    root = Path(os.path.realpath(folder))
    if not root.is_dir():
        raise FileNotFoundError(f"eval run folder not found: {folder}")
    run = _read_json(root / "run.json", "run description")
    if not isinstance(run, dict) or run.get("version") != 1 or not isinstance(run.get("models"), list):
        raise ValueError(f"{root / 'run.json'}: expected {{\"version\": 1, \"models\": [...], ...}}")
    tags = [m.get("tag") if isinstance(m, dict) else None for m in run["models"]]
    for t in tags:
        if not isinstance(t, str) or not TAG.match(t):
            raise ValueError(f"{root / 'run.json'}: model tag {t!r} is not a short safe name ([A-Za-z0-9_.-]+)")
    if len(set(tags)) != len(tags):
        raise ValueError(f"{root / 'run.json'}: model tags repeat: {tags}")
    path = root / "items.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no items file (the eval run has finished no video yet?)") from None
    items: dict[tuple, Item] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{where}: not JSON ({e.msg})") from None
        if not isinstance(d, dict):
            raise ValueError(f"{where}: expected a JSON object")  # noqa: TRY004 (bad input, not a bad call)
        item = _item(root, d, tags, where)
        old = items.get(item.key)
        if old is not None and old.video != item.video:
            raise ValueError(f"{where}: a second video for model {item.model!r}, prompt {item.prompt_id!r}, "
                             f"seed {item.seed}: {item.video} (first: {old.video})")
        items[item.key] = item
    return list(items.values())


def _item(root: Path, d: dict, tags: list[str], where: str) -> Item:
    if d.get("model") not in tags:
        raise ValueError(f"{where}: model {d.get('model')!r} is not one of run.json's tags {tags}")
    for k in ("prompt_id", "prompt", "video"):
        if not isinstance(d.get(k), str) or not d[k].strip():
            raise ValueError(f"{where}: {k!r} must be a non-empty string; got {d.get(k)!r}")
    if d.get("category") is not None and not isinstance(d["category"], str):
        raise ValueError(f"{where}: 'category' must be a string or null; got {d['category']!r}")
    if not isinstance(d.get("seed"), int) or isinstance(d["seed"], bool):
        raise ValueError(f"{where}: 'seed' must be an integer; got {d.get('seed')!r}")  # noqa: TRY004
    parts = d["video"].split("/")
    if any(p in ("", ".", "..") for p in parts) or "\\" in d["video"] or "\x00" in d["video"]:
        raise ValueError(f"{where}: video {d['video']!r} must be a path inside the run folder")
    try:
        if not parts[-1].lower().endswith(".mp4"):
            raise Refused(404, "not an mp4")
        resolve_under(root, parts)
    except Refused:
        raise ValueError(f"{where}: video {d['video']!r} is not an existing .mp4 inside {root}") from None
    return Item(root, d["model"], d["prompt_id"], d["prompt"], d.get("category"), d["seed"], d["video"])


def load_eval_runs(folders: list[str | os.PathLike]) -> tuple[list[Item], int]:
    """Items of several runs; a (model, prompt, seed) found in more than one keeps the first folder's video.
    Returns (items, how many later duplicates were dropped)."""
    seen: dict[tuple, Item] = {}
    dropped = 0
    for folder in folders:
        for item in load_eval_run(folder):
            if item.key in seen:
                dropped += 1
            else:
                seen[item.key] = item
    return list(seen.values()), dropped


def pair_items(items: list[Item]) -> list[tuple[Item, Item]]:
    """Every two items of different models with the same prompt id, prompt text and seed (model order)."""
    groups: dict[tuple, list[Item]] = defaultdict(list)
    for it in items:
        groups[(it.prompt_id, it.prompt, it.seed)].append(it)
    pairs = []
    for _, group in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1])):
        group.sort(key=lambda it: it.model)
        pairs += [(a, b) for i, a in enumerate(group) for b in group[i + 1:]]
    return pairs


# --------------------------------------------------------------------------------------------- database

_SCORE_COLUMNS = [f"{side}_{d}" for side in ("left", "right") for d in DIMENSIONS]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS raters (
    id      TEXT PRIMARY KEY,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    source    TEXT NOT NULL,        -- the eval run folder (resolved)
    model     TEXT NOT NULL,
    prompt_id TEXT NOT NULL,
    prompt    TEXT NOT NULL,
    category  TEXT,
    seed      INTEGER NOT NULL,
    video     TEXT NOT NULL,        -- relative to source
    UNIQUE (source, model, prompt_id, seed)
);
CREATE TABLE IF NOT EXISTS votes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    rater      TEXT NOT NULL REFERENCES raters (id),
    pair       TEXT NOT NULL,       -- '<lower item id>-<higher item id>'
    left_item  INTEGER NOT NULL REFERENCES items (id),   -- shown as Video A
    right_item INTEGER NOT NULL REFERENCES items (id),   -- shown as Video B
    outcome    TEXT NOT NULL CHECK (outcome IN ('win_left', 'tie', 'win_right')),
""" + "".join(f"    {c} INTEGER NOT NULL CHECK ({c} BETWEEN 1 AND 5),\n" for c in _SCORE_COLUMNS) + """\
    created    REAL NOT NULL,
    UNIQUE (rater, pair)
);
"""


class VoteError(ValueError):
    """A refused vote or request; ``status`` is the HTTP status (400, 404, 409, 422)."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.field = status, field


def pair_key(a: int, b: int) -> str:
    return f"{min(a, b)}-{max(a, b)}"


def check_rater(rater: Any) -> str:
    if not isinstance(rater, str) or not RATER.match(rater):
        raise VoteError(400, f"rater must be {RATER_RULE}; got {json.dumps(rater)[:80]}", "rater")
    return rater


class VoteStore:
    """The votes database plus the pairs this server offers (from the eval runs it was given)."""

    def __init__(self, path: str | os.PathLike, seed: int | None = None) -> None:
        self.path = create(path, _SCHEMA)
        self.pairs: dict[str, tuple[int, int]] = {}
        self.items: dict[int, Item] = {}
        self._rng = random.Random(seed)

    def offer(self, items: list[Item]) -> int:
        """Record ``items`` in the database and offer every pair of them; returns the number of pairs."""
        ids: dict[Item, int] = {}
        with transaction(self.path) as con:
            for it in items:
                row = con.execute(
                    "INSERT INTO items (source, model, prompt_id, prompt, category, seed, video) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, model, prompt_id, seed) DO UPDATE SET "
                    "prompt = excluded.prompt, category = excluded.category, video = excluded.video RETURNING id",
                    (str(it.source), it.model, it.prompt_id, it.prompt, it.category, it.seed, it.video),
                ).fetchone()
                ids[it] = row[0]
        self.items = {i: it for it, i in ids.items()}
        self.pairs = {}
        for a, b in pair_items(items):
            ia, ib = ids[a], ids[b]
            self.pairs[pair_key(ia, ib)] = (min(ia, ib), max(ia, ib))
        return len(self.pairs)

    def video(self, item_id: int) -> Item:
        """The item behind ``/media/items/<id>.mp4`` (only items of offered pairs)."""
        if item_id not in self.items:
            raise VoteError(404, f"no item {item_id}")
        return self.items[item_id]

    def next_pair(self, rater: Any) -> dict:
        """The next pair for ``rater``: one they have not voted on, among those with the fewest votes, sides
        in random order; ``pair`` is None when they have voted on every offered pair. No model names."""
        rater = check_rater(rater)
        with closing(connect(self.path)) as con:
            mine = {p for (p,) in con.execute("SELECT pair FROM votes WHERE rater = ?", (rater,))}
            counts = dict(con.execute("SELECT pair, COUNT(*) FROM votes GROUP BY pair").fetchall())
        todo = [k for k in self.pairs if k not in mine]
        voted = len(self.pairs) - len(todo)
        out: dict[str, Any] = {"rater": rater, "voted": voted, "total": len(self.pairs), "pair": None}
        if todo:
            fewest = min(counts.get(k, 0) for k in todo)
            key = self._rng.choice([k for k in todo if counts.get(k, 0) == fewest])
            ids = list(self.pairs[key])
            self._rng.shuffle(ids)
            out["pair"] = {
                "key": key,
                "prompt": self.items[ids[0]].prompt,
                "left": {"item": ids[0], "video": f"/media/items/{ids[0]}.mp4"},
                "right": {"item": ids[1], "video": f"/media/items/{ids[1]}.mp4"},
            }
        return out

    def record(self, body: Any) -> dict:
        """Store one vote ``{rater, left, right, outcome, scores: {left: {dim: 1..5}, right: {...}}}``
        (``left``/``right``: the item ids as shown) in one transaction; :class:`VoteError` otherwise."""
        if not isinstance(body, dict):
            raise VoteError(400, "expected a JSON object {rater, left, right, outcome, scores}")
        unknown = sorted(set(body) - {"rater", "left", "right", "outcome", "scores"})
        if unknown:
            raise VoteError(400, f"unknown field(s) {unknown}; allowed: rater, left, right, outcome, scores",
                            unknown[0])
        rater = check_rater(body.get("rater"))
        left, right = body.get("left"), body.get("right")
        for name, v in (("left", left), ("right", right)):
            if not isinstance(v, int) or isinstance(v, bool):
                raise VoteError(400, f"{name} must be an item id (an integer); got {json.dumps(v)[:40]}", name)
        key = pair_key(left, right)
        if left == right or key not in self.pairs:
            raise VoteError(422, f"items {left} and {right} are not a pair this server offers", "left")
        outcome = body.get("outcome")
        if outcome not in OUTCOMES:
            raise VoteError(422, f"outcome must be one of {list(OUTCOMES)}; got {json.dumps(outcome)[:40]}",
                            "outcome")
        scores = body.get("scores")
        if not isinstance(scores, dict) or set(scores) != {"left", "right"}:
            raise VoteError(422, "scores must be {\"left\": {...}, \"right\": {...}} with the four rubric scores "
                                 f"for each video: {list(DIMENSIONS)}", "scores")
        values = []
        for side in ("left", "right"):
            s = scores[side]
            if not isinstance(s, dict) or set(s) != set(DIMENSIONS):
                raise VoteError(422, f"scores.{side} must have exactly the keys {list(DIMENSIONS)}",
                                f"scores.{side}")
            for d in DIMENSIONS:
                v = s[d]
                if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5:
                    raise VoteError(422, f"scores.{side}.{d} must be an integer from 1 to 5; got "
                                         f"{json.dumps(v)[:40]}", f"scores.{side}.{d}")
                values.append(v)
        now = time.time()
        try:
            with transaction(self.path) as con:
                con.execute("INSERT OR IGNORE INTO raters (id, created) VALUES (?, ?)", (rater, now))
                cur = con.execute(
                    f"INSERT INTO votes (rater, pair, left_item, right_item, outcome, {', '.join(_SCORE_COLUMNS)}, "
                    f"created) VALUES ({', '.join('?' * (len(_SCORE_COLUMNS) + 6))})",
                    (rater, key, left, right, outcome, *values, now),
                )
                vid = cur.lastrowid
        except sqlite3.IntegrityError:
            raise VoteError(409, f"rater {rater!r} has already voted on this pair", "rater") from None
        return {"id": vid, "rater": rater, "pair": key}


# ---------------------------------------------------------------------------------------------- exports


def read_vote_rows(db: str | os.PathLike) -> list[dict]:
    """Every vote with both items' model, prompt, category, seed and absolute video path, in vote order."""
    db = Path(db)
    if not db.is_file():
        raise FileNotFoundError(f"votes database not found: {db}")
    sides = ", ".join(f"{s[0]}.{c} AS {s}_{c}" for s in ("left", "right")
                      for c in ("model", "prompt_id", "prompt", "category", "seed", "source", "video"))
    with closing(connect(db)) as con:
        try:
            rows = con.execute(f"SELECT v.*, {sides} FROM votes v JOIN items l ON l.id = v.left_item "
                               "JOIN items r ON r.id = v.right_item ORDER BY v.id").fetchall()
        except sqlite3.DatabaseError as e:
            raise ValueError(f"{db}: not a stepvid votes database ({e})") from None
    out = []
    for r in rows:
        d = dict(r)
        for s in ("left", "right"):
            d[f"{s}_path"] = str(Path(d[f"{s}_source"]) / d[f"{s}_video"])
            d[f"{s}_scores"] = {k: d[f"{s}_{k}"] for k in DIMENSIONS}
        out.append(d)
    return out


def _path(p: str, base: Path | None) -> str:
    return p if base is None else os.path.relpath(p, base)


def pair_rows(votes: list[dict], base: str | os.PathLike | None = None, majority: bool = False) -> list[dict]:
    """Rows for ``stepvid dpo import`` (paths relative to ``base``, or absolute when None).

    Default: one row per decisive vote (ties skipped), chosen_score 1 and rejected_score 0, with the rater and
    each video's mean rubric score as extra fields. ``majority``: one row per pair whose decisive votes have
    a winner (equal counts skipped); scores are each video's share of the pair's votes (ties count in the
    total)."""
    base = None if base is None else Path(os.path.realpath(base))
    rows = []
    if not majority:
        for v in votes:
            if v["outcome"] == "tie":
                continue
            c, r = ("left", "right") if v["outcome"] == "win_left" else ("right", "left")
            rows.append({
                "id": f"vote-{v['id']}", "prompt": v["left_prompt"],
                "chosen": _path(v[f"{c}_path"], base), "rejected": _path(v[f"{r}_path"], base),
                "chosen_score": 1.0, "rejected_score": 0.0,
                "chosen_model": v[f"{c}_model"], "rejected_model": v[f"{r}_model"],
                "prompt_id": v["left_prompt_id"], "seed": v["left_seed"], "rater": v["rater"],
                "chosen_rubric": sum(v[f"{c}_scores"].values()) / len(DIMENSIONS),
                "rejected_rubric": sum(v[f"{r}_scores"].values()) / len(DIMENSIONS),
            })
        return rows
    groups: dict[str, list[dict]] = defaultdict(list)
    for v in votes:
        groups[v["pair"]].append(v)
    for key, vs in groups.items():
        wins: dict[str, int] = defaultdict(int)
        info: dict[str, tuple[str, str]] = {}
        for v in vs:
            for s in ("left", "right"):
                info[v[f"{s}_path"]] = (v[f"{s}_model"], s)
            if v["outcome"] != "tie":
                wins[v["left_path" if v["outcome"] == "win_left" else "right_path"]] += 1
        paths = sorted(info)
        a, b = paths
        if wins[a] == wins[b]:
            continue
        c, r = (a, b) if wins[a] > wins[b] else (b, a)
        n = len(vs)
        rows.append({
            "id": f"pair-{key}", "prompt": vs[0]["left_prompt"], "chosen": _path(c, base),
            "rejected": _path(r, base), "chosen_score": wins[c] / n, "rejected_score": wins[r] / n,
            "chosen_model": info[c][0], "rejected_model": info[r][0], "prompt_id": vs[0]["left_prompt_id"],
            "seed": vs[0]["left_seed"], "votes": n, "ties": n - wins[a] - wins[b],
        })
    return rows


def write_pairs(db: str | os.PathLike, out: str | os.PathLike, majority: bool = False) -> int:
    """Write the votes file (JSONL, atomically) with paths relative to its folder; returns the row count."""
    from stepvid.video import atomic_path

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = pair_rows(read_vote_rows(db), out.parent, majority)
    with atomic_path(out) as tmp:
        tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def _wtl(votes: list[dict], by_category: bool) -> list[dict]:
    count: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for v in votes:
        lm, rm = v["left_model"], v["right_model"]
        a, b = sorted((lm, rm))
        k = ((v["left_category"],) if by_category else ()) + (a, b)
        if v["outcome"] == "tie":
            count[k][1] += 1
        else:
            winner = lm if v["outcome"] == "win_left" else rm
            count[k][0 if winner == a else 2] += 1
    rows = []
    for k in sorted(count, key=lambda k: tuple("" if x is None else x for x in k)):
        w, t, lo = count[k]
        n = w + t + lo
        row = {"category": k[0]} if by_category else {}
        row.update({"model_a": k[-2], "model_b": k[-1], "votes": n, "wins": w, "ties": t, "losses": lo,
                    "win_rate": w / n, "tie_rate": t / n, "loss_rate": lo / n})
        rows.append(row)
    return rows


def _stats(xs: list[int]) -> dict:
    n = len(xs)
    mean = sum(xs) / n
    std = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1)) if n > 1 else None
    return {"mean": mean, "std": std, "n": n}


def tables(votes: list[dict]) -> dict:
    """The report's human-evaluation tables: win/tie/loss per model pair (model_a = alphabetically first,
    counts from its side), the same per category, and each model's rubric scores (mean, sample std, n)."""
    scores: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for v in votes:
        for s in ("left", "right"):
            for d in DIMENSIONS:
                scores[v[f"{s}_model"]][d].append(v[f"{s}_scores"][d])
    rubric = [{"model": m, "n": len(scores[m][DIMENSIONS[0]]),
               "dimensions": {d: _stats(scores[m][d]) for d in DIMENSIONS}} for m in sorted(scores)]
    return {"votes": len(votes), "raters": len({v["rater"] for v in votes}), "dimensions": list(DIMENSIONS),
            "pairs": _wtl(votes, False), "by_category": _wtl(votes, True), "rubric": rubric}


def _cell(x: Any) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def tables_markdown(t: dict) -> str:
    """:func:`tables` as Markdown."""
    head = "| model A | model B | votes | A wins | ties | B wins | A win rate | tie rate | A loss rate |"
    rule = "|---|---|---:|---:|---:|---:|---:|---:|---:|"

    def wtl(r: dict) -> str:
        return (f"| {_cell(r['model_a'])} | {_cell(r['model_b'])} | {r['votes']} | {r['wins']} | {r['ties']} | "
                f"{r['losses']} | {_pct(r['win_rate'])} | {_pct(r['tie_rate'])} | {_pct(r['loss_rate'])} |")

    lines = ["# Human evaluation", "", f"{t['votes']} votes by {t['raters']} raters.", "",
             "## Win / tie / loss", "", head, rule, *(wtl(r) for r in t["pairs"]), "",
             "## Win / tie / loss by category", "", "| category " + head, "|---" + rule,
             *(f"| {_cell(r['category'] or '(none)')} " + wtl(r) for r in t["by_category"]), "",
             "## Rubric (1-5; mean ± sample std, n videos)", "",
             "| model | n | " + " | ".join(d.replace("_", " ") for d in DIMENSIONS) + " |",
             "|---|---:|" + "---:|" * len(DIMENSIONS)]
    for r in t["rubric"]:
        cells = []
        for d in DIMENSIONS:
            s = r["dimensions"][d]
            cells.append(f"{s['mean']:.2f}" + (f" ± {s['std']:.2f}" if s["std"] is not None else ""))
        lines.append(f"| {_cell(r['model'])} | {r['n']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_tables(db: str | os.PathLike, out: str | os.PathLike) -> tuple[Path, Path]:
    """Write ``votes-tables.json`` and ``votes-tables.md`` into folder ``out`` (atomically)."""
    from stepvid.video import atomic_path

    t = tables(read_vote_rows(db))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = out / "votes-tables.json", out / "votes-tables.md"
    for p, text in zip(paths, (json.dumps(t, indent=1, ensure_ascii=False) + "\n", tables_markdown(t))):
        with atomic_path(p) as tmp:
            tmp.write_text(text, encoding="utf-8")
    return paths
