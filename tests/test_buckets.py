"""Bucket assignment, config validation and the sharded, resumable batch sampler."""

from __future__ import annotations

import itertools

import pytest

from stepvid.data.buckets import BucketBatchSampler, BucketScheme, latent_tokens


def test_default_scheme_is_the_reports():
    s = BucketScheme.from_config({})
    assert sorted({b.num_frames for b in s.buckets}) == [1, 68, 136, 204]
    assert len(s.buckets) == 12  # 4 lengths x landscape / portrait / square


@pytest.mark.parametrize(
    "kind,frames,h,w,expect",
    [
        ("image", 1, 512, 512, (1, 256, 256)),
        ("image", 1, 1080, 1920, (1, 192, 320)),  # landscape
        ("image", 1, 1920, 1080, (1, 320, 192)),  # portrait
        ("video", 250, 720, 1280, (204, 192, 320)),  # longest bucket it can fill
        ("video", 150, 600, 640, (136, 256, 256)),  # nearly square
        ("video", 70, 1280, 720, (68, 320, 192)),
    ],
)
def test_assignment(kind, frames, h, w, expect):
    s = BucketScheme.from_config({})
    b = s.buckets[s.assign(kind, frames, h, w)]
    assert (b.num_frames, b.height, b.width) == expect


def test_rejections_and_videos_as_images():
    s = BucketScheme.from_config({})
    assert s.assign("video", 40, 256, 256) is None  # shorter than 68 frames
    assert "fewer than the shortest" in s.why_rejected("video", 40)
    img_only = BucketScheme.from_config({"frames": [1]})
    assert img_only.assign("video", 100, 256, 256) is None
    assert img_only.assign("image", 1, 256, 256) is not None
    stills = BucketScheme.from_config({"frames": [1], "videos_as_images": True})
    assert stills.buckets[stills.assign("video", 100, 256, 256)].num_frames == 1


@pytest.mark.parametrize(
    "cfg,msg",
    [
        ({"frames": [1, 70]}, "invalid frame count 70"),
        ({"sizes": [[250, 256]]}, r"invalid size \[250, 256\]"),
        ({"batch_size": 0}, "batch_size must be >= 1"),
        ({"frmaes": [1]}, r"unknown key\(s\) \['frmaes'\]"),
        ({"batch_sizes": {"1x999x256": 3}}, "unknown bucket '1x999x256'"),
    ],
)
def test_invalid_buckets_name_the_problem(cfg, msg):
    with pytest.raises(ValueError, match=msg):
        BucketScheme.from_config(cfg)


def test_balance_matches_token_ratio():
    s = BucketScheme.from_config(
        {"frames": [1, 204], "sizes": [[256, 256]], "batch_size": 1, "balance": True}
    )
    bs = {b.num_frames: b.batch_size for b in s.buckets}
    assert bs[204] == 1 and bs[1] == latent_tokens(204, 256, 256) // latent_tokens(1, 256, 256) == 36


def test_sampler_one_shape_per_batch_sharded_and_layout_independent():
    groups = [i % 3 for i in range(40)] + [None] * 5
    sizes = [2, 3, 1]
    one = BucketBatchSampler(groups, [2 * s for s in sizes], seed=5, rank=0, world_size=1)
    r0 = BucketBatchSampler(groups, sizes, seed=5, rank=0, world_size=2)
    r1 = BucketBatchSampler(groups, sizes, seed=5, rank=1, world_size=2)
    n = one.batches_per_epoch()
    for b, x0, x1 in itertools.islice(zip(one, r0, r1), 2 * n + 3):  # crosses two epoch boundaries
        assert len({groups[i] for i in b}) == 1  # one bucket per batch
        assert b == x0 + x1  # the 2-rank run splits exactly the 1-rank batch
        assert not set(x0) & set(x1)


def test_sampler_epochs_differ_and_cover_and_resume():
    groups = [0] * 12
    s = BucketBatchSampler(groups, [4], seed=1)
    it = iter(s)
    e0 = [next(it) for _ in range(3)]
    e1 = [next(it) for _ in range(3)]
    assert sorted(sum(e0, [])) == list(range(12)) and e0 != e1
    again = BucketBatchSampler(groups, [4], seed=1)
    again.seek(4)  # resume after 4 consumed batches
    assert next(iter(again)) == e1[1]
    with pytest.raises(ValueError, match="no complete batch"):
        next(iter(BucketBatchSampler([0, 0], [4], seed=0)))
