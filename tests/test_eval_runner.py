"""stepvid eval end to end at tiny settings: the bundled model and a tiny random model on 3 prompts x 2 seeds
(folder contract, summary recomputed from the items, escaping, resume, shards, refusals), and prompt files."""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

import numpy as np
import pytest

from stepvid.cli import main
from stepvid.eval.metrics import METRICS
from stepvid.eval.report import build_summary, length_bucket, prompt_length, write_report
from stepvid.eval.runner import load_prompts, load_run, parse_model_arg, plan_models, read_items, run_eval
from stepvid.pipeline import TextToVideoPipeline
from stepvid.pipeline_cli import bundled_model_dir
from stepvid.video import read_video
from stepvid.world.judge import resolve_request

TINY = {"num_frames": 17, "height": 32, "width": 32, "steps": 2}
SEEDS = [0, 1]
EVIL = "<script>alert(1)</script> a cat plays the piano in a sunny room while a dog watches"
PROMPTS = [
    {"id": "red", "prompt": "a red circle moves to the right", "category": "world"},
    {"id": "w2", "prompt": "一个蓝色的正方形向上移动", "category": "world",
     "request": {"objects": [{"color": "blue", "shape": "square", "motion": "up"}]}},
    {"prompt": EVIL, "category": "<b onmouseover=x>odd</b>"},
]
LENGTHS = {"red": (14, "short"), "w2": (12, "short"), "line00003": (34, "medium")}  # hand-counted


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

    return write_tiny_small_model(tmp_path_factory.mktemp("tiny") / "model", seed=3)


@pytest.fixture(scope="module")
def prompt_file(tmp_path_factory) -> Path:
    f = tmp_path_factory.mktemp("prompts") / "p.jsonl"
    f.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in PROMPTS), encoding="utf-8")
    return f


class Counter:
    """Counts generations (TextToVideoPipeline.__call__) per (prompt text, seed)."""

    def __init__(self, monkeypatch) -> None:
        self.calls: list[int] = []
        real = TextToVideoPipeline.__call__

        def spy(pipe, prompt, *a, **kw):
            self.calls.append(kw["seed"])
            return real(pipe, prompt, *a, **kw)

        monkeypatch.setattr(TextToVideoPipeline, "__call__", spy)


def _run(out, prompt_file, tiny_model, **kw):
    prompts, source = load_prompts(str(prompt_file))
    models = plan_models(kw.pop("models", ["bundled", f"tiny={tiny_model}"]), kw.pop("overrides", TINY))
    return run_eval(out, prompts, models, kw.pop("seeds", SEEDS), prompts_file=source, overrides=TINY,
                    device="cpu", progress=False, log=lambda s: None, **kw)


@pytest.fixture(scope="module")
def base_run(tmp_path_factory, prompt_file, tiny_model) -> Path:
    out = tmp_path_factory.mktemp("eval") / "out"
    stats = _run(out, prompt_file, tiny_model)
    assert stats["generated"] == 12 and stats["already_done"] == 0
    write_report(out)
    return out


def _copy(base: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "out"
    shutil.copytree(base, dst)
    return dst


def test_folder_follows_the_contract(base_run, tiny_model):
    run = json.loads((base_run / "run.json").read_text())
    assert run["version"] == 1 and run["seeds"] == SEEDS and [m["tag"] for m in run["models"]] == ["bundled", "tiny"]
    assert run["models"][0]["path"] == str(bundled_model_dir().resolve())
    assert run["models"][1]["path"] == str(tiny_model.resolve())
    assert {k: run["settings"][k] for k in TINY} == TINY and run["settings"]["cfg"] is None  # None: model's own
    assert run["models"][0]["settings"]["cfg"] == 1.0 and run["models"][0]["domain"] == "world"  # the bundled default preset: Turbo, CFG 1
    rows = [json.loads(s) for s in (base_run / "items.jsonl").read_text().splitlines()]
    assert len(rows) == 12
    assert [(r["model"], r["prompt_id"], r["seed"]) for r in rows] == [
        (m, p, s) for m in ("bundled", "tiny") for p in ("red", "w2", "line00003") for s in SEEDS]
    for r in rows:
        assert r["video"] == f"videos/{r['model']}/{r['prompt_id']}-s{r['seed']}.mp4"
        assert read_video(base_run / r["video"]).shape == (17, 32, 32, 3)
        assert r["seconds"] > 0 and set(r["metrics"]) == set(METRICS)
        assert r["prompt"] == {"red": PROMPTS[0]["prompt"], "w2": PROMPTS[1]["prompt"], "line00003": EVIL}[r["prompt_id"]]
    by_id = {r["prompt_id"]: r for r in rows if r["model"] == "tiny"}
    assert by_id["line00003"]["judge"] is None  # not a world prompt
    assert by_id["red"]["judge"]["source"] == "prompt" and by_id["w2"]["judge"]["source"] == "request"
    want, _ = resolve_request(prompt=PROMPTS[0]["prompt"])
    assert by_id["red"]["judge"]["request"] == want.to_dict()
    j = by_id["w2"]["judge"]
    assert set(j["attributes"]) >= {"g0.color", "g0.shape", "g0.motion"}
    assert j["score"] == pytest.approx(np.mean(list(j["attributes"].values())))
    assert j["passed"] == all(j["attributes"].values())
    assert read_items(base_run) == rows  # one shard: the merged view is its rows in run order


def test_summary_matches_numbers_recomputed_from_the_items(base_run):
    summary = json.loads((base_run / "summary.json").read_text())
    rows = [json.loads(s) for s in (base_run / "items.jsonl").read_text().splitlines()]
    assert summary["items"] == summary["expected"] == 12
    assert summary["world_prompts"] == {"understood": 2, "total": 3, "fraction": 2 / 3}
    assert summary["categories"] == ["world", "<b onmouseover=x>odd</b>"]

    def check(s, sel):
        judged = [r for r in sel if r["judge"] is not None]
        assert s["items"] == len(sel) and s["judged"] == len(judged)
        assert s["passed"] == sum(r["judge"]["passed"] for r in judged)
        assert s["pass_rate"] == (pytest.approx(s["passed"] / len(judged)) if judged else None)
        assert s["judge_score"] == (pytest.approx(statistics.fmean(r["judge"]["score"] for r in judged))
                                    if judged else None)
        for k in METRICS:
            assert s["metrics"][k] == (pytest.approx(statistics.fmean(r["metrics"][k] for r in sel)) if sel else None)
        if sel:
            assert s["seconds"]["mean"] == pytest.approx(statistics.fmean(r["seconds"] for r in sel))
            assert s["seconds"]["median"] == pytest.approx(statistics.median(r["seconds"] for r in sel))

    for tag in ("bundled", "tiny"):
        mine = [r for r in rows if r["model"] == tag]
        m = summary["models"][tag]
        check(m, mine)
        assert m["judged"] == 4 and m["expected"] == 6
        for cat in summary["categories"]:
            check(m["by_category"][cat], [r for r in mine if r["category"] == cat])
        for bucket in ("short", "medium", "long"):
            check(m["by_length"][bucket], [r for r in mine if LENGTHS[r["prompt_id"]][1] == bucket])
    score = {(r["model"], r["prompt_id"], r["seed"]): r["judge"]["score"] for r in rows if r["judge"]}
    diffs = [score[("bundled", p, s)] - score[("tiny", p, s)] for p in ("red", "w2") for s in SEEDS]
    assert summary["pairwise"] == [{"a": "bundled", "b": "tiny", "shared": 4, "win": sum(d > 0 for d in diffs),
                                    "tie": sum(d == 0 for d in diffs), "loss": sum(d < 0 for d in diffs)}]


def test_report_escapes_prompts_and_says_what_is_out_of_domain(base_run):
    page = (base_run / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b onmouseover" not in page and "&lt;b onmouseover=x&gt;odd&lt;/b&gt;" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched
    assert "Out of domain for model bundled" in page and "Only 2 of 3 prompts" in page
    assert "Out of domain for model tiny" not in page  # not a world-trained model
    assert page.count("not a world prompt") == 4  # one cell per (model, seed) of the non-world prompt
    for r in read_items(base_run):
        assert f'src="{r["video"]}"' in page
    assert page.count("<svg") == 2 + len(METRICS)  # pass rate by category and by length, one per metric


def test_prompt_length_buckets():
    for pid, (n, bucket) in LENGTHS.items():
        text = {p.get("id", "line00003"): p["prompt"] for p in PROMPTS}[pid]
        assert prompt_length(text) == n and length_bucket(text) == bucket
    assert prompt_length("一个 red 圆, moving!") == 3 + 2 * 2
    assert [length_bucket("字" * n) for n in (20, 21, 50, 51)] == ["short", "medium", "medium", "long"]


def test_resume_skips_finished_items_and_drops_a_torn_line(base_run, prompt_file, tiny_model, tmp_path, monkeypatch):
    out = _copy(base_run, tmp_path)
    shard = out / "items-0of1.jsonl"
    lines = shard.read_text().splitlines(keepends=True)
    removed = json.loads(lines[-1])
    shard.write_text("".join(lines[:-1]) + lines[-1][:40])  # the last row lost, half of it left torn
    assert len(read_items(out)) == 11  # the torn line is ignored by readers
    count = Counter(monkeypatch)
    stats = _run(out, prompt_file, tiny_model)
    assert count.calls == [removed["seed"]] and stats["generated"] == 1 and stats["already_done"] == 11
    text = shard.read_text()
    assert text.endswith("\n") and len(text.splitlines()) == 12
    rows = read_items(out)
    assert len({(r["model"], r["prompt_id"], r["seed"]) for r in rows}) == 12
    redone = next(r for r in rows if (r["model"], r["prompt_id"], r["seed"]) ==
              (removed["model"], removed["prompt_id"], removed["seed"]))
    assert redone["metrics"] == pytest.approx(removed["metrics"], rel=1e-5)  # same seed, same video
    assert len((out / "items.jsonl").read_text().splitlines()) == 12
    count.calls.clear()
    assert _run(out, prompt_file, tiny_model)["generated"] == 0 and count.calls == []


def test_shards_share_a_folder_and_merge(base_run, prompt_file, tiny_model, tmp_path, monkeypatch):
    out = tmp_path / "sharded"
    count = Counter(monkeypatch)
    a = _run(out, prompt_file, tiny_model, models=[f"tiny={tiny_model}"], shard=(0, 2))
    b = _run(out, prompt_file, tiny_model, models=[f"tiny={tiny_model}"], shard=(1, 2), workers=1)
    assert a["generated"] + b["generated"] == 6 and len(count.calls) == 6
    assert sorted(p.name for p in out.glob("items-*")) == ["items-0of2.jsonl", "items-1of2.jsonl"]
    merged = [json.loads(s) for s in (out / "items.jsonl").read_text().splitlines()]
    unsharded = [r for r in read_items(base_run) if r["model"] == "tiny"]
    assert [(r["prompt_id"], r["seed"]) for r in merged] == [(r["prompt_id"], r["seed"]) for r in unsharded]
    for x, y in zip(merged, unsharded):  # the same videos whichever process made them, inline or in a pool
        assert x["metrics"] == pytest.approx(y["metrics"], rel=1e-5) and (x["judge"] is None) == (y["judge"] is None)
        assert x["judge"] is None or x["judge"]["attributes"] == y["judge"]["attributes"]
    count.calls.clear()
    assert _run(out, prompt_file, tiny_model, models=[f"tiny={tiny_model}"])["generated"] == 0 and not count.calls
    run, prompts, items = load_run(out)
    assert build_summary(run, prompts, items)["models"]["tiny"]["items"] == 6


def test_a_rerun_with_other_settings_is_refused_before_generating(base_run, prompt_file, tiny_model, tmp_path,
                                                                   monkeypatch):
    out = _copy(base_run, tmp_path)
    count = Counter(monkeypatch)
    prompts, source = load_prompts(str(prompt_file))
    models = plan_models(["bundled"], {**TINY, "steps": 3})
    with pytest.raises(ValueError, match=r"made with --steps 2; this run has --steps 3"):
        run_eval(out, prompts, models, SEEDS, prompts_file=source, overrides={**TINY, "steps": 3}, device="cpu",
                 progress=False)
    with pytest.raises(ValueError, match=r"--seeds \[0, 1\]; this run has --seeds \[0, 2\]"):
        _run(out, prompt_file, tiny_model, seeds=[0, 2])
    with pytest.raises(ValueError, match="model tag 'tiny' is .* this run gives"):
        _run(out, prompt_file, tiny_model, models=[f"tiny={bundled_model_dir()}"])
    other = tmp_path / "other.txt"
    other.write_text("a green star moves up\n")
    with pytest.raises(ValueError, match="made with other prompts"):
        run_eval(out, load_prompts(str(other))[0], plan_models(["bundled"], TINY), SEEDS, prompts_file=str(other),
                 overrides=TINY, device="cpu", progress=False)
    assert count.calls == []


def test_prompt_files(tmp_path, prompt_file):
    txt = tmp_path / "p.txt"
    txt.write_text("a red circle moves up\n\n  一个绿色的星形向左移动  \n")
    rows, source = load_prompts(str(txt))
    assert [(r.id, r.prompt, r.category) for r in rows] == [
        ("line00001", "a red circle moves up", None), ("line00003", "一个绿色的星形向左移动", None)]
    assert source == str(txt.resolve())
    rows, _ = load_prompts(str(prompt_file))
    assert [r.id for r in rows] == ["red", "w2", "line00003"] and rows[1].request == PROMPTS[1]["request"]
    official, source = load_prompts("official")
    assert source == "official" and len(official) == 128 and official[0].id == "sports-01"
    assert official[0].category == "Sports" and official[-1].category == "Style"
    from stepvid.world.prompts import world_prompts

    world = tmp_path / "w.jsonl"
    made = world_prompts(1, [1, 2], "heldout", langs=["en", "zh"])
    world.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in made))
    rows, _ = load_prompts(str(world))
    assert [(r.id, r.category, r.request) for r in rows] == [
        (r["id"], f"{r['objects']} object{'s' if r['objects'] > 1 else ''}, {r['lang']}", r["request"]) for r in made]


@pytest.mark.parametrize("content, message", [
    ('{"prompt": "a"}\n{"prompt": "b"\n', r"p.jsonl:2: not JSON"),
    ('{"prompt": "a"}\n\n{"id": "x"}\n', r"p.jsonl:3: 'prompt' must be a non-empty string"),
    ('{"prompt": "a", "id": "../etc"}\n', r"p.jsonl:1: id '../etc' is not a safe name"),
    ('{"prompt": "a", "id": "k"}\n{"prompt": "b", "id": "k"}\n', r"p.jsonl:2: id 'k' already used on line 1"),
    ('{"prompt": "a", "category": 3}\n', r"p.jsonl:1: 'category' must be a non-empty string or null"),
    ('{"prompt": "a", "request": {"objects": [{"color": "mauve"}]}}\n', r"p.jsonl:1: request: .*unknown value 'mauve'"),
    ("\n\n", r"p.jsonl: no prompts"),
])
def test_bad_prompt_files_name_file_and_line(tmp_path, content, message):
    f = tmp_path / "p.jsonl"
    f.write_text(content)
    with pytest.raises(ValueError, match=message):
        load_prompts(str(f))


def test_cli_errors_and_report_only(base_run, tmp_path, capsys):
    bad = tmp_path / "p.txt"
    bad.write_text('{"prompt": "a red circle"}\n')
    assert main(["eval", "--prompts", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert f"{bad}:1: a JSON row in a text prompt file" in capsys.readouterr().err
    assert main(["eval", "--prompts", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")]) == 2
    assert "prompt file not found" in capsys.readouterr().err
    assert main(["eval", "--prompts", "official", "--model", "x/y=z", "--out", str(tmp_path / "o")]) == 2
    assert "model folder not found: x/y=z" in capsys.readouterr().err
    assert main(["eval", "report", str(tmp_path)]) == 2
    assert "not an eval run folder" in capsys.readouterr().err
    out = _copy(base_run, tmp_path)
    (out / "report.html").unlink()
    (out / "items.jsonl").unlink()
    assert main(["eval", "report", str(out)]) == 0
    said = capsys.readouterr().out
    assert "12 of 12 videos" in said and "bundled: 6 / 6 videos" in said and (out / "report.html").is_file()
    assert (out / "items.jsonl").read_text() == (base_run / "items.jsonl").read_text()
    (out / "summary.json").unlink()
    assert main(["eval", "--out", str(out), "--report-only"]) == 0 and (out / "summary.json").is_file()


def test_model_arguments(tmp_path):
    assert parse_model_arg("bundled") == ("bundled", bundled_model_dir())
    assert parse_model_arg("base=bundled") == ("base", bundled_model_dir())
    assert parse_model_arg("a.b_c-1=/x/y") == ("a.b_c-1", Path("/x/y"))
    assert parse_model_arg("/x/my model/") == ("my-model", Path("/x/my model/"))
    assert parse_model_arg("/x/k=v") == ("k-v", Path("/x/k=v"))  # not a tag: the whole text is a path
    with pytest.raises(ValueError, match="two models have the tag 'bundled'"):
        plan_models(["bundled", "bundled"], {})
    with pytest.raises(ValueError, match="model bundled: height 40 is not a positive multiple of 16"):
        plan_models(["bundled"], {"height": 40})


def test_each_seed_is_one_clip_unless_tries_is_asked_and_old_folders_resume(base_run, prompt_file, tiny_model,
                                                                            tmp_path, monkeypatch):
    """By default a row is its seed's own clip (the model's pass rate, not the world check's best of N, though the
    bundled model's generate default is 3 tries); ``tries`` runs the check and records every attempt; a folder
    made before the setting existed resumes as one try."""
    run = json.loads((base_run / "run.json").read_text())
    assert [m["settings"]["tries"] for m in run["models"]] == [1, 1]
    out = tmp_path / "tries"
    prompts, source = load_prompts(str(prompt_file))
    overrides = {**TINY, "tries": 2}
    run_eval(out, prompts[:1], plan_models(["bundled"], overrides), [0], prompts_file=source, overrides=overrides,
             device="cpu", progress=False, log=lambda s: None)
    (row,) = read_items(out)
    seeds = [a["seed"] for a in row["attempts"]]
    assert seeds in ([0], [0, 1]) and (seeds == [0]) == row["attempts"][0]["passed"]
    assert json.loads((out / "run.json").read_text())["models"][0]["settings"]["tries"] == 2
    old = _copy(base_run, tmp_path)
    legacy = json.loads((old / "run.json").read_text())
    for m in legacy["models"]:
        del m["settings"]["tries"]
    del legacy["settings"]["tries"]
    (old / "run.json").write_text(json.dumps(legacy))
    count = Counter(monkeypatch)
    assert _run(old, prompt_file, tiny_model)["generated"] == 0 and not count.calls
