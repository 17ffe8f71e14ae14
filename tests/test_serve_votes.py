"""Blind voting: eval run folders checked against the contract, pairing, least-voted-first and random sides, vote
validation, 20 concurrent voters on a live server, and both exports (the pairs file read back by
`stepvid dpo import`'s reader; the tables against hand-computed counts, rates, means and stds)."""

from __future__ import annotations

import json
import os
import statistics
import threading
from contextlib import contextmanager

import numpy as np
import pytest

from stepvid.cli import main
from stepvid.dpo.votes import read_votes
from stepvid.pipeline_cli import bundled_model_dir
from stepvid.serve.app import ServeApp, Server
from stepvid.serve.fixtures import call, write_eval_run
from stepvid.serve.votes import (
    DIMENSIONS,
    OUTCOMES,
    VoteError,
    VoteStore,
    load_eval_run,
    load_eval_runs,
    pair_items,
    pair_rows,
    read_vote_rows,
    tables,
    tables_markdown,
)
from stepvid.video import read_video

PROMPTS = [("p1", "a red ball", "Sports"), ("p2", "a blue cube", "Food"), ("p3", "two green stars", None)]


@pytest.fixture(scope="module")
def run3(tmp_path_factory):
    """Three models x three prompts x one seed: 9 videos, 9 pairs."""
    return write_eval_run(tmp_path_factory.mktemp("run3"), ["alpha", "beta", "gamma"], PROMPTS, [0])


@pytest.fixture(scope="module")
def run2(tmp_path_factory):
    """Two models x three prompts x one seed: 3 pairs."""
    return write_eval_run(tmp_path_factory.mktemp("run2"), ["alpha", "beta"], PROMPTS, [0])


def item_id(store, model, prompt_id):
    return next(i for i, it in store.items.items() if it.model == model and it.prompt_id == prompt_id)


def scores(*values):
    return dict(zip(DIMENSIONS, values))


# ------------------------------------------------------------------------------------------------ eval runs


def test_pairs_are_two_models_on_the_same_prompt_and_seed(run3):
    items = load_eval_run(run3)
    assert len(items) == 9
    assert all(it.path.is_file() and it.path.resolve().is_relative_to(run3.resolve()) for it in items)
    pairs = pair_items(items)
    got = sorted((a.prompt_id, a.model, b.model) for a, b in pairs)
    assert got == sorted((p, a, b) for p, *_ in PROMPTS for a, b in
                         (("alpha", "beta"), ("alpha", "gamma"), ("beta", "gamma")))
    assert all(a.seed == b.seed and a.prompt == b.prompt for a, b in pairs)


def test_runs_sharing_a_model_pair_across_folders(tmp_path):
    a = write_eval_run(tmp_path / "a", ["base", "dpo"], PROMPTS[:1], [0, 1])
    b = write_eval_run(tmp_path / "b", ["base", "turbo"], PROMPTS[:1], [0, 1])
    items, dropped = load_eval_runs([a, b])
    assert (len(items), dropped) == (6, 2)  # b's base videos duplicate a's
    assert {it.source for it in items if it.model == "base"} == {a.resolve()}
    pairs = pair_items(items)
    assert sorted((x.seed, x.model, y.model) for x, y in pairs) == sorted(
        (s, x, y) for s in (0, 1) for x, y in (("base", "dpo"), ("base", "turbo"), ("dpo", "turbo")))


BAD_ROWS = [
    ({"video": "../outside.mp4"}, "must be a path inside the run folder"),
    ({"video": "/etc/passwd"}, "must be a path inside the run folder"),
    ({"video": "videos/alpha/./p1-s0.mp4"}, "must be a path inside the run folder"),
    ({"video": "videos/alpha/missing.mp4"}, "is not an existing .mp4 inside"),
    ({"video": "videos/alpha/link.mp4"}, "is not an existing .mp4 inside"),
    ({"video": "run.json"}, "is not an existing .mp4 inside"),
    ({"model": "delta"}, "model 'delta' is not one of run.json's tags"),
    ({"seed": "0"}, "'seed' must be an integer"),
    ({"prompt": ""}, "'prompt' must be a non-empty string"),
    ({"category": 3}, "'category' must be a string or null"),
]


@pytest.mark.parametrize("change,message", BAD_ROWS, ids=[str(c) for c, _ in BAD_ROWS])
def test_eval_rows_off_the_contract_are_refused_naming_the_line(tmp_path, change, message):
    run = write_eval_run(tmp_path / "run", ["alpha", "beta"], PROMPTS[:1], [0])
    (tmp_path / "outside.mp4").write_bytes(b"secret")
    os.symlink(tmp_path / "outside.mp4", run / "videos" / "alpha" / "link.mp4")
    lines = (run / "items.jsonl").read_text().splitlines()
    lines[1] = json.dumps({**json.loads(lines[1]), **change})
    (run / "items.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=f"items.jsonl:2: .*{message}".replace("(", r"\(").replace(")", r"\)")):
        load_eval_run(run)


def test_eval_run_files_are_checked(tmp_path):
    run = write_eval_run(tmp_path / "run", ["alpha", "beta"], PROMPTS[:1], [0])
    lines = (run / "items.jsonl").read_text().splitlines()
    (run / "items.jsonl").write_text("\n".join([*lines, "{not json"]) + "\n")
    with pytest.raises(ValueError, match=r"items.jsonl:3: not JSON"):
        load_eval_run(run)
    twin = {**json.loads(lines[0]), "video": json.loads(lines[1])["video"]}  # alpha's row, beta's video
    (run / "items.jsonl").write_text("\n".join([*lines, json.dumps(twin)]) + "\n")
    with pytest.raises(ValueError, match=r"items.jsonl:3: a second video for model 'alpha'"):
        load_eval_run(run)
    (run / "items.jsonl").write_text("\n".join([*lines, lines[0]]) + "\n")  # an identical repeat is harmless
    assert len(load_eval_run(run)) == 2
    desc = json.loads((run / "run.json").read_text())
    (run / "run.json").write_text(json.dumps({**desc, "models": [{"tag": "a b"}]}))
    with pytest.raises(ValueError, match="model tag 'a b' is not a short safe name"):
        load_eval_run(run)
    (run / "run.json").unlink()
    with pytest.raises(FileNotFoundError, match="run.json: no run description"):
        load_eval_run(run)


# --------------------------------------------------------------------------------------------- pairing


def test_next_pair_is_blind_unvoted_and_least_voted_first(tmp_path, run3):
    store = VoteStore(tmp_path / "votes.sqlite", seed=0)
    assert store.offer(load_eval_run(run3)) == 9
    voted = []
    for _ in range(8):  # r1 votes on 8 of the 9 pairs, each offered once
        nxt = store.next_pair("r1")
        text = json.dumps(nxt)
        assert not any(m in text for m in ("alpha", "beta", "gamma", "videos/")), text  # blind
        p = nxt["pair"]
        assert p["key"] not in voted and nxt["voted"] == len(voted) and nxt["total"] == 9
        assert p["left"]["video"] == f"/media/items/{p['left']['item']}.mp4"
        store.record({"rater": "r1", "left": p["left"]["item"], "right": p["right"]["item"], "outcome": "tie",
                      "scores": {"left": scores(3, 3, 3, 3), "right": scores(3, 3, 3, 3)}})
        voted.append(p["key"])
    (last,) = set(store.pairs) - set(voted)
    for k in range(10):  # the one pair nobody voted on comes first for everyone else
        assert store.next_pair(f"r{k + 2}")["pair"]["key"] == last
    p = store.next_pair("r1")["pair"]
    assert p["key"] == last
    store.record({"rater": "r1", "left": p["left"]["item"], "right": p["right"]["item"], "outcome": "win_left",
                  "scores": {"left": scores(3, 3, 3, 3), "right": scores(3, 3, 3, 3)}})
    assert store.next_pair("r1") == {"rater": "r1", "voted": 9, "total": 9, "pair": None}


def test_sides_are_shown_in_random_order(tmp_path):
    run = write_eval_run(tmp_path / "run", ["alpha", "beta"], PROMPTS[:1], [0])
    store = VoteStore(tmp_path / "votes.sqlite", seed=1)
    store.offer(load_eval_run(run))
    orders = set()
    for _ in range(40):
        p = store.next_pair("r")["pair"]
        orders.add((store.items[p["left"]["item"]].model, store.items[p["right"]["item"]].model))
    assert orders == {("alpha", "beta"), ("beta", "alpha")}


def test_bad_votes_are_refused_naming_the_field(tmp_path, run3):
    store = VoteStore(tmp_path / "votes.sqlite")
    store.offer(load_eval_run(run3))
    a, b, c = item_id(store, "alpha", "p1"), item_id(store, "beta", "p1"), item_id(store, "beta", "p2")
    good = {"rater": "ann", "left": a, "right": b, "outcome": "win_left",
            "scores": {"left": scores(5, 4, 3, 2), "right": scores(1, 2, 3, 4)}}
    bad = [
        ({k: v for k, v in good.items() if k != "rater"}, 400, "rater"),
        ({**good, "rater": "a b"}, 400, "rater"),
        ({**good, "rater": "x" * 65}, 400, "rater"),
        ({**good, "left": str(a)}, 400, "left"),
        ({**good, "right": None}, 400, "right"),
        ({**good, "right": a}, 422, "left"),
        ({**good, "right": c}, 422, "left"),  # different prompts: not a pair
        ({**good, "outcome": "win"}, 422, "outcome"),
        ({**good, "scores": None}, 422, "scores"),
        ({**good, "scores": {"left": good["scores"]["left"]}}, 422, "scores"),
        ({**good, "scores": {**good["scores"], "left": scores(5, 4, 3)}}, 422, "scores.left"),
        ({**good, "scores": {**good["scores"], "right": scores(1, 6, 3, 4)}}, 422, "scores.right.motion_smoothness"),
        ({**good, "scores": {**good["scores"], "right": scores(1, 0, 3, 4)}}, 422, "scores.right.motion_smoothness"),
        ({**good, "scores": {**good["scores"], "left": scores(True, 4, 3, 2)}}, 422,
         "scores.left.instruction_following"),
        ({**good, "extra": 1}, 400, "extra"),
        ([good], 400, None),
    ]
    for body, status, field in bad:
        with pytest.raises(VoteError) as e:
            store.record(body)
        assert (e.value.status, e.value.field) == (status, field), body
    assert store.record(good)["id"] == 1
    with pytest.raises(VoteError, match="already voted on this pair") as e:
        store.record({**good, "left": b, "right": a, "outcome": "tie"})  # same pair, sides swapped
    assert e.value.status == 409
    assert len(read_vote_rows(store.path)) == 1


# ------------------------------------------------------------------------------------------- live server


@contextmanager
def server(out, evals):
    app = ServeApp(out, bundled_model_dir(), eval_dirs=evals)  # no job is submitted: the model never loads
    srv = Server(app, "127.0.0.1", 0)
    srv.start_thread()
    try:
        yield app, srv.url.rstrip("/")
    finally:
        srv.close()
        app.stop()


@pytest.mark.skipif(bundled_model_dir() is None, reason="this install has no bundled model")
def test_twenty_concurrent_voters_lose_no_vote(tmp_path, run3):
    sent, statuses, errors = [], [], []
    lock = threading.Lock()
    with server(tmp_path, [run3]) as (app, url):
        start = threading.Barrier(20)

        def voter(k: int) -> None:
            rater = f"rater-{k:02d}"
            try:
                start.wait()
                while True:
                    s, _, body = call(f"{url}/api/pairs/next?rater={rater}")
                    nxt = json.loads(body)
                    if nxt["pair"] is None:
                        break
                    p = nxt["pair"]
                    n = len([x for x in sent if x[0] == rater])
                    vote = {"rater": rater, "left": p["left"]["item"], "right": p["right"]["item"],
                            "outcome": OUTCOMES[(k + n) % 3],
                            "scores": {"left": scores(*(1 + (k + n + d) % 5 for d in range(4))),
                                       "right": scores(*(1 + (k * n + d) % 5 for d in range(4)))}}
                    s, _, body = call(f"{url}/api/votes", "POST", vote)
                    with lock:
                        statuses.append(s)
                        sent.append((rater, p["key"], json.dumps(vote, sort_keys=True)))
            except (AssertionError, OSError, ValueError, KeyError, TypeError) as e:  # surfaced below: a thread's assertion would otherwise vanish
                errors.append(repr(e))

        threads = [threading.Thread(target=voter, args=(k,)) for k in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors
        assert statuses == [201] * 180  # 20 raters x 9 pairs
        rows = read_vote_rows(app.votes.path)
    stored = {(r["rater"], r["pair"], json.dumps({
        "rater": r["rater"], "left": r["left_item"], "right": r["right_item"], "outcome": r["outcome"],
        "scores": {"left": r["left_scores"], "right": r["right_scores"]}}, sort_keys=True)) for r in rows}
    assert len(rows) == 180 and stored == set(sent)


@pytest.mark.skipif(bundled_model_dir() is None, reason="this install has no bundled model")
def test_vote_endpoints_answer_with_4xx(tmp_path, run2):
    with server(tmp_path, [run2]) as (_app, url):
        s, _, body = call(f"{url}/api/pairs/next?rater=no%20spaces")
        assert s == 400 and json.loads(body)["field"] == "rater"
        p = json.loads(call(f"{url}/api/pairs/next?rater=ann")[2])["pair"]
        vote = {"rater": "ann", "left": p["left"]["item"], "right": p["right"]["item"], "outcome": "tie",
                "scores": {"left": scores(1, 2, 3, 4), "right": scores(4, 3, 2, 1)}}
        assert call(f"{url}/api/votes", "POST", vote)[0] == 201
        s, _, body = call(f"{url}/api/votes", "POST", vote)
        assert s == 409 and "already voted" in json.loads(body)["error"]
        s, _, body = call(f"{url}/api/votes", "POST", {**vote, "outcome": "left"})
        assert s == 422 and json.loads(body)["field"] == "outcome"
        s, _, body = call(f"{url}/api/export/pairs?mode=best")
        assert s == 400 and json.loads(body)["field"] == "mode"
        assert json.loads(call(f"{url}/api/pairs/next?rater=ann")[2])["voted"] == 1


# ----------------------------------------------------------------------------------------------- exports

# (rater, prompt, model shown left, outcome, alpha's scores, beta's scores): alpha wins p1 twice (one tie), beta
# wins p2 two to one, p3 is a tie and a beta win.
A1, A2, A3, B = (4, 3, 5, 2), (5, 3, 4, 2), (3, 3, 3, 3), (2, 2, 2, 2)
VOTES = [
    ("r1", "p1", "alpha", "win_left", A1), ("r1", "p2", "beta", "win_left", A1), ("r1", "p3", "alpha", "tie", A1),
    ("r2", "p1", "beta", "win_right", A2), ("r2", "p2", "alpha", "win_left", A2),
    ("r2", "p3", "alpha", "win_right", A2),
    ("r3", "p1", "alpha", "tie", A3), ("r3", "p2", "alpha", "win_right", A3),
]


@pytest.fixture
def voted(tmp_path, run2):
    store = VoteStore(tmp_path / "out" / "votes.sqlite")
    store.offer(load_eval_run(run2))
    for rater, pid, left, outcome, a_scores in VOTES:
        right = "beta" if left == "alpha" else "alpha"
        sc = {"alpha": scores(*a_scores), "beta": scores(*B)}
        store.record({"rater": rater, "left": item_id(store, left, pid), "right": item_id(store, right, pid),
                      "outcome": outcome, "scores": {"left": sc[left], "right": sc[right]}})
    return store


def video(run, model, pid):
    return (run / "videos" / model / f"{pid}-s0.mp4").resolve()


def test_pairs_export_round_trips_through_the_dpo_import_reader(tmp_path, run2, voted):
    out = tmp_path / "exports" / "votes.jsonl"
    assert main(["serve", "export-pairs", "--db", str(voted.path), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    winners = [("p1", "alpha"), ("p2", "beta"), ("p1", "alpha"), ("p2", "alpha"), ("p3", "beta"), ("p2", "beta")]
    assert [(r["prompt_id"], r["chosen_model"]) for r in rows] == winners  # ties left out, vote order
    for r, (pid, winner) in zip(rows, winners):
        loser = "beta" if winner == "alpha" else "alpha"
        assert not os.path.isabs(r["chosen"])
        assert (out.parent / r["chosen"]).resolve() == video(run2, winner, pid)
        assert (out.parent / r["rejected"]).resolve() == video(run2, loser, pid)
        assert (r["chosen_score"], r["rejected_score"]) == (1.0, 0.0)
        assert r["prompt"] == {p: t for p, t, _ in PROMPTS}[pid]
    assert rows[1]["chosen_rubric"] == 2.0 and rows[0]["chosen_rubric"] == 3.5  # beta's 2s; alpha's (4+3+5+2)/4
    checked = read_votes(out)  # what `stepvid dpo import` runs first: fields, decodable videos, sizes
    assert len(checked) == 6 and len({r["id"] for r in checked}) == 6
    np.testing.assert_array_equal(checked[4]["frames"]["chosen"], read_video(video(run2, "beta", "p3")))

    assert main(["serve", "export-pairs", "--db", str(voted.path), "--out", str(out), "--majority"]) == 0
    rows = {r["prompt_id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert {p: (r["chosen_model"], r["chosen_score"], r["rejected_score"], r["votes"], r["ties"])
            for p, r in rows.items()} == {"p1": ("alpha", 2 / 3, 0.0, 3, 1), "p2": ("beta", 2 / 3, 1 / 3, 3, 0),
                                          "p3": ("beta", 0.5, 0.0, 2, 1)}
    assert len(read_votes(out)) == 3


def test_tables_match_hand_computed_values(tmp_path, voted):
    assert main(["serve", "export-tables", "--db", str(voted.path), "--out", str(tmp_path / "t")]) == 0
    t = json.loads((tmp_path / "t" / "votes-tables.json").read_text())
    assert (t["votes"], t["raters"]) == (8, 3)
    assert t["pairs"] == [{"model_a": "alpha", "model_b": "beta", "votes": 8, "wins": 3, "ties": 2, "losses": 3,
                           "win_rate": 0.375, "tie_rate": 0.25, "loss_rate": 0.375}]
    by_cat = {r["category"]: (r["wins"], r["ties"], r["losses"]) for r in t["by_category"]}
    assert by_cat == {"Sports": (2, 1, 0), "Food": (1, 0, 2), None: (0, 1, 1)}
    assert [r["category"] for r in t["by_category"]] == [None, "Food", "Sports"]
    alpha, beta = t["rubric"]
    assert (alpha["model"], alpha["n"], beta["model"], beta["n"]) == ("alpha", 8, "beta", 8)
    per_vote = [A1] * 3 + [A2] * 3 + [A3] * 2
    for k, d in enumerate(DIMENSIONS):
        xs = [s[k] for s in per_vote]
        assert alpha["dimensions"][d]["mean"] == pytest.approx(statistics.mean(xs))
        assert alpha["dimensions"][d]["std"] == pytest.approx(statistics.stdev(xs))
        assert beta["dimensions"][d] == {"mean": 2.0, "std": 0.0, "n": 8}
    assert alpha["dimensions"]["instruction_following"]["mean"] == 33 / 8
    md = (tmp_path / "t" / "votes-tables.md").read_text()
    assert "| alpha | beta | 8 | 3 | 2 | 3 | 37.5% | 25.0% | 37.5% |" in md
    assert "| (none) | alpha | beta | 2 | 0 | 1 | 1 | 0.0% | 50.0% | 50.0% |" in md
    assert "| beta | 8 | 2.00 ± 0.00 | 2.00 ± 0.00 | 2.00 ± 0.00 | 2.00 ± 0.00 |" in md
    assert md == tables_markdown(t)
    one = tables(read_vote_rows(voted.path)[:1])  # a single vote: no std
    assert one["rubric"][0]["dimensions"]["aesthetic_appeal"] == {"mean": 2.0, "std": None, "n": 1}
    assert "| alpha | 1 | 4.00 | 3.00 | 5.00 | 2.00 |" in tables_markdown(one)


@pytest.mark.skipif(bundled_model_dir() is None, reason="this install has no bundled model")
def test_http_exports_equal_the_cli_exports(tmp_path, run2, voted):
    with server(tmp_path / "out", [run2]) as (_app, url):
        s, h, body = call(f"{url}/api/export/pairs")
        assert s == 200 and h["content-type"].startswith("text/plain")
        http_rows = [json.loads(line) for line in body.decode().splitlines()]
        s, _, body = call(f"{url}/api/export/tables")
        http_tables = json.loads(body)
        md = call(f"{url}/api/export/tables.md")[2].decode()
        majority = call(f"{url}/api/export/pairs?mode=majority")[2].decode().splitlines()
    rows = pair_rows(read_vote_rows(voted.path), tmp_path)
    assert len(http_rows) == len(rows) == 6 and len(majority) == 3
    for h_row, row in zip(http_rows, rows):
        assert os.path.isabs(h_row["chosen"]) and os.path.isabs(h_row["rejected"])
        assert h_row["chosen"] == str((tmp_path / row["chosen"]).resolve())
        assert {k: v for k, v in h_row.items() if k not in ("chosen", "rejected")} == \
               {k: v for k, v in row.items() if k not in ("chosen", "rejected")}
    assert http_tables == tables(read_vote_rows(voted.path))
    assert md == tables_markdown(http_tables)


def test_exports_refuse_a_missing_or_foreign_database(tmp_path, capsys):
    assert main(["serve", "export-pairs", "--db", str(tmp_path / "none.sqlite"), "--out", str(tmp_path / "v.jsonl")]) == 2
    assert "votes database not found" in capsys.readouterr().err
    (tmp_path / "other.sqlite").write_bytes(b"not a database at all" * 10)
    assert main(["serve", "export-tables", "--db", str(tmp_path / "other.sqlite"), "--out", str(tmp_path)]) == 2
    assert "not a stepvid votes database" in capsys.readouterr().err
    assert main(["serve", "export-pairs", "--db", str(tmp_path / "other.sqlite"), "--out", str(tmp_path / "v.txt")]) == 2
    assert "must end in .jsonl" in capsys.readouterr().err
