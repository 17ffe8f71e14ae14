"""The world check (stepvid.world.verify): judge a clip against its prompt, try the next seed while it fails."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stepvid.world import caption, render_video, sample_scene
from stepvid.world.verify import Attempt, best_of, world_checker, world_request

TINY = {"num_frames": 17, "height": 32, "width": 32, "steps": 2, "cfg": 3.0, "shift": 5.0,
        "positive_suffix": "", "negative_prompt": "", "prompt_rewrite": "world"}


def _scene(seed: int = 3):
    spec = sample_scene(np.random.default_rng(seed), "train", num_objects=1)
    return spec, caption(spec, "en", "short", rng=np.random.default_rng(seed))


def test_a_rendered_scene_passes_its_caption_and_fails_another_colour():
    spec, text = _scene()
    frames = render_video(spec, 192, 192, 34)
    ok = world_checker(text)(frames, seed=7)
    assert ok == Attempt(7, True, 1.0, ())
    colour = spec.objects[0].color
    other = "blue" if colour != "blue" else "red"
    bad = world_checker(text.replace(colour, other))(frames, seed=8)
    assert not bad.passed and bad.seed == 8 and "color" in bad.failed and bad.score < 1.0
    assert bad.describe().startswith("seed 8 failed (") and "color" in bad.describe()


def test_text_the_judge_cannot_read_has_no_check():
    assert world_checker("a golden heart waltzes") is None and world_request("a golden heart waltzes") is None


def _fake(scores: dict[int, float]):
    made: list[int] = []

    def make(seed: int) -> np.ndarray:
        made.append(seed)
        return np.full((1, 1, 1, 3), seed, np.uint8)

    def check(frames: np.ndarray, seed: int) -> Attempt:
        assert int(frames[0, 0, 0, 0]) == seed  # the clip made with this seed is the one judged
        return Attempt(seed, scores[seed] == 1.0, scores[seed])

    return made, make, check


def test_best_of_stops_at_the_first_clip_that_passes():
    made, make, check = _fake({5: 0.5, 6: 1.0, 7: 1.0})
    seen: list[Attempt] = []
    frames, attempts = best_of(make, check, [5, 6, 7], seen.append)
    assert made == [5, 6] and int(frames[0, 0, 0, 0]) == 6
    assert [a.seed for a in attempts] == [5, 6] and attempts == seen and attempts[-1].passed


def test_best_of_keeps_the_best_score_and_the_earliest_of_equals_when_none_passes():
    made, make, check = _fake({1: 0.4, 2: 0.8, 3: 0.8})
    frames, attempts = best_of(make, check, [1, 2, 3])
    assert made == [1, 2, 3] and int(frames[0, 0, 0, 0]) == 2 and not any(a.passed for a in attempts)


def test_best_of_without_a_check_makes_one_clip():
    made, make, _ = _fake({})
    frames, attempts = best_of(make, None, [4, 5, 6])
    assert made == [4] and attempts == [] and int(frames[0, 0, 0, 0]) == 4
    with pytest.raises(ValueError, match="at least one seed"):
        best_of(make, None, [])


@pytest.fixture(scope="module")
def world_pipe(tmp_path_factory):
    from stepvid.pipeline import TextToVideoPipeline
    from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

    root = write_tiny_small_model(tmp_path_factory.mktemp("m") / "tiny", seed=0, defaults={**TINY, "tries": 3})
    return TextToVideoPipeline.from_pretrained(root, device="cpu")


def test_the_pipeline_tries_the_next_seeds_and_returns_the_clip_of_the_kept_one(world_pipe):
    """A random tiny model's clips fail the check, so all three seeds are made; what comes back is exactly the
    one-try clip of the best-scoring seed."""
    pipe = world_pipe
    frames = pipe("a red circle moves to the right", seed=10, progress=False)
    attempts = pipe.last_attempts
    assert [a.seed for a in attempts] == [10, 11, 12] and not any(a.passed for a in attempts)
    kept = max(attempts, key=lambda a: a.score)
    single = pipe("a red circle moves to the right", seed=kept.seed, tries=1, progress=False)
    assert pipe.last_attempts == [] and np.array_equal(frames, single)


def test_one_try_for_text_it_cannot_check_a_resumed_run_or_a_bad_value(world_pipe, tmp_path):
    pipe = world_pipe
    pipe("a golden heart waltzes", seed=0, progress=False)  # kept as written: nothing to check against
    assert pipe.last_attempts == []
    pipe("a red circle moves to the right", seed=0, progress=False, resume=tmp_path / "state.pt")
    assert pipe.last_attempts == []
    for bad in (0, 1.5, "2"):
        with pytest.raises(ValueError, match="tries must be an integer >= 1"):
            pipe("a red circle moves to the right", seed=0, tries=bad, progress=False)


def test_tries_in_stepvid_json_is_checked(tmp_path):
    from stepvid.model_folder import GenerationDefaults

    assert GenerationDefaults().tries == 1 and GenerationDefaults.from_dict({"tries": 3}).tries == 3
    with pytest.raises(ValueError, match="tries must be an integer >= 1; got 0"):
        GenerationDefaults.from_dict({"tries": 0})


def test_the_bundled_model_checks_three_clips_by_default():
    from stepvid.pipeline_cli import bundled_model_dir

    d = bundled_model_dir()
    if d is None:
        pytest.skip("no bundled model")
    defaults = json.loads((d / "stepvid.json").read_text())["defaults"]
    assert defaults["tries"] == 3 and defaults["prompt_rewrite"] == "world"


def test_generate_reports_each_attempt_and_refuses_a_bad_count(tmp_path, capsys):
    from stepvid.cli import main
    from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

    root = write_tiny_small_model(tmp_path / "tiny", seed=0, defaults={**TINY, "tries": 2})
    out = tmp_path / "v.gif"
    assert main(["generate", "a red circle moves to the right", "--model", str(root), "--seed", "4",
                 "--out", str(out)]) == 0
    said = capsys.readouterr()
    assert "world check: seed 4 failed" in said.err and "world check: seed 5 failed" in said.err
    assert "world check: none of 2 clips passed, kept seed" in said.out
    assert main(["generate", "a red circle moves to the right", "--model", str(root), "--tries", "1",
                 "--out", str(tmp_path / "w.gif")]) == 0
    assert "world check" not in capsys.readouterr().err
    assert main(["generate", "x", "--model", str(root), "--tries", "0", "--out", str(tmp_path / "z.gif")]) == 2
    assert "--tries must be >= 1; got 0" in capsys.readouterr().err
