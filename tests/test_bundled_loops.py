"""The bundled recipe's training loops (recipes/bundled/dit_loop.py, dist_util.py): gradient averaging over
processes equals the closed-form mean, ranks agree on rank 0's decisions, caption tokenization matches the tokenizer, and the device-resident DiT
loop learns a tiny dataset."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch
import torch.multiprocessing as mp

RECIPE = Path(__file__).resolve().parents[1] / "recipes" / "bundled"
sys.path.insert(0, str(RECIPE))


def _avg_worker(rank: int, world: int, port: int, out: dict) -> None:
    import os

    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE=str(world),
                      LOCAL_RANK=str(rank))
    from dist_util import agree, average_gradients

    from stepvid.train.distributed import init_distributed

    d = init_distributed(device="cpu")
    lin = torch.nn.Linear(3, 2)
    lin.weight.grad = torch.full((2, 3), float(rank + 1))
    lin.bias.grad = None if rank == 0 else torch.tensor([4.0, -2.0])  # a missing grad counts as zero
    average_gradients(list(lin.parameters()), d)
    out[rank] = (lin.weight.grad.clone(), lin.bias.grad.clone(), agree(10.0 + rank, d))
    torch.distributed.destroy_process_group()


def test_average_gradients_and_agree_over_two_processes():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = mp.Manager().dict()
    mp.spawn(_avg_worker, args=(2, port, out), nprocs=2, join=True)
    for rank in range(2):
        w, b, agreed = out[rank]
        torch.testing.assert_close(w, torch.full((2, 3), 1.5))  # (1 + 2) / 2
        torch.testing.assert_close(b, torch.tensor([2.0, -1.0]))  # (0 + [4, -2]) / 2
        assert agreed == 10.0  # rank 0's value on every rank


def _tiny_encoder():
    from stepvid.models.text.small import SmallBilingualEncoder, SmallTextConfig, WordCharTokenizer

    tok = WordCharTokenizer.build(["a red circle moves right", "一个蓝色的正方形向上移动", "a blue square"])
    torch.manual_seed(0)
    cfg = SmallTextConfig(vocab_size=len(tok), llm_dim=32, llm_layers=1, llm_heads=2, llm_len=16, clip_dim=32,
                          clip_layers=1, clip_heads=2)
    return SmallBilingualEncoder(cfg, tok)


def _tiny_dit():
    from stepvid.train.dit_trainer import build_dit

    torch.manual_seed(0)
    return build_dit({"preset": "small", "num_layers": 1, "num_attention_heads": 2, "attention_head_dim": 16,
                      "rope_split": [8, 4, 4], "in_channels": 4, "out_channels": 4, "caption_channels": [32, 32]})


def test_tokenize_captions_matches_the_tokenizer():
    from dit_loop import tokenize_captions

    enc = _tiny_encoder()
    caps = [["a red circle moves right", "一个蓝色的正方形向上移动"], ["a blue square", "a red circle"]]
    llm_ids, llm_len, clip_ids, clip_len = tokenize_captions(enc.tokenizer, caps, 16)
    assert llm_ids.shape == (2, 2, 16) and clip_ids.shape == (2, 2, 77) and llm_ids.dtype == torch.int32
    for i, row in enumerate(caps):
        for k, c in enumerate(row):
            ids = enc.tokenizer.encode(c)
            assert llm_len[i, k] == clip_len[i, k] == len(ids)
            assert llm_ids[i, k, : len(ids)].tolist() == ids


def test_fast_dit_loop_learns_a_tiny_dataset():
    """Two scenes, each with its own caption pair: the flow-matching loss falls by > 3x, the EMA differs from
    the live weights, and the exported EMA state has exactly the model's keys."""
    from dit_loop import FastDiTLoop, StageData, tokenize_captions

    from stepvid.train.distributed import DistInfo

    enc = _tiny_encoder()
    torch.manual_seed(0)
    latents = torch.randn(2, 1, 4, 2, 2)
    caps = [["a red circle moves right", "a red circle"], ["a blue square", "一个蓝色的正方形向上移动"]]
    data = StageData(latents, *tokenize_captions(enc.tokenizer, caps, 16))
    model = _tiny_dit()
    rows = []
    loop = FastDiTLoop(model, enc, enc.encode([""]), DistInfo(), lr=1e-2, warmup_steps=5, ema_decay=0.9,
                       text_dropout=0.1, timestep={"name": "uniform"}, seed=0, log=rows.append, log_every=25)
    res = loop.run_stage("t", data, steps=500, batch=16, until=float("inf"))
    assert res["steps"] == 500 and not res["stopped_by_budget"]
    losses = [r["loss"] for r in rows if "loss" in r]
    assert losses[-1] < losses[0] / 3, losses
    ema = loop.ema_state_dict()
    assert set(ema) == set(model.state_dict())
    assert any(not torch.equal(ema[n], p.detach()) for n, p in model.named_parameters())


def test_fast_dit_loop_cycles_clip_lengths():
    """A cycle of sets [3-frame, 3-frame, 1-frame latents]: step i trains on set i % 3 (seen by the forward)."""
    from dit_loop import FastDiTLoop, StageData, tokenize_captions

    from stepvid.train.distributed import DistInfo

    enc = _tiny_encoder()
    caps = [["a red circle moves right", "a red circle"], ["a blue square", "一个蓝色的正方形向上移动"]]
    long_, short = (StageData(torch.randn(2, t, 4, 2, 2), *tokenize_captions(enc.tokenizer, caps, 16))
                    for t in (3, 1))
    model = _tiny_dit()
    seen = []
    model.register_forward_pre_hook(lambda m, args: seen.append(args[0].shape[1]))
    loop = FastDiTLoop(model, enc, enc.encode([""]), DistInfo(), lr=1e-3, warmup_steps=1, ema_decay=0.9,
                       text_dropout=0.0, timestep={"name": "uniform"}, seed=0)
    res = loop.run_stage("t", [long_, long_, short], steps=7, batch=2, until=float("inf"))
    assert res["steps"] == 7 and seen == [3, 3, 1, 3, 3, 1, 3]


def test_fast_dit_loop_stops_at_its_deadline():
    from dit_loop import FastDiTLoop, StageData, tokenize_captions

    from stepvid.train.distributed import DistInfo

    enc = _tiny_encoder()
    data = StageData(torch.randn(2, 1, 4, 2, 2), *tokenize_captions(enc.tokenizer, [["a red circle"]] * 2, 16))
    model = _tiny_dit()
    loop = FastDiTLoop(model, enc, enc.encode([""]), DistInfo(), lr=1e-3, warmup_steps=1, ema_decay=0.9,
                       text_dropout=0.0, timestep={"name": "uniform"}, seed=0)
    res = loop.run_stage("t", data, steps=100, batch=2, until=0.0)  # a deadline already past
    assert res["steps"] == 0 and res["stopped_by_budget"]


def test_border_weights_closed_form():
    from vae_loop import border_weights

    w = border_weights(6, 7, 3.0, 2, "cpu")  # ring 0: 3, ring 1: 1 + 2 * (1 - 1/2) = 2, inside: 1
    expect = torch.ones(6, 7)
    expect[1:-1, 1:-1] = 2.0
    expect[2:-2, 2:-2] = 1.0
    expect[0], expect[-1], expect[:, 0], expect[:, -1] = 3.0, 3.0, 3.0, 3.0
    torch.testing.assert_close(w, expect)
    assert torch.equal(border_weights(4, 4, 1.0, 16, "cpu"), torch.ones(4, 4))
    # the bottom-right corner_px square is multiplied on top of the ramp
    wc = border_weights(6, 7, 3.0, 2, "cpu", corner_weight=5.0, corner_px=3)
    expect[-3:, -3:] *= 5.0
    torch.testing.assert_close(wc, expect)
    assert wc[-1, -1] == 15.0 and wc[-3, -3] == 5.0 and wc[0, -1] == 3.0
    torch.testing.assert_close(border_weights(2, 2, 1.0, 1, "cpu", 4.0, 16), torch.full((2, 2), 4.0))


def test_pixel_loss_closed_form():
    """pixel_loss = sum(w * (a|e| + b e^2)) / sum(w), recomputed in float64 over every [T, C] plane; the weights
    reach the loss only through their ratios; l1_weight 0 leaves the weighted MSE; bad weights are refused."""
    import pytest
    from vae_loop import border_weights, pixel_loss, train_vae

    g = torch.Generator().manual_seed(0)
    err = torch.randn(2, 3, 3, 6, 7, generator=g)
    w = border_weights(6, 7, 3.0, 2, "cpu", corner_weight=5.0, corner_px=3)
    e, wd = err.double(), w.double().expand(2, 3, 3, 6, 7)
    for a, b in ((1.0, 1.0), (0.0, 1.0), (0.3, 7.0)):
        expect = (wd * (a * e.abs() + b * e * e)).sum() / wd.sum()
        assert abs(float(pixel_loss(err, w, a, b)) - float(expect)) < 1e-5
    torch.testing.assert_close(pixel_loss(err, w * 10, 0.0, 1.0), pixel_loss(err, w, 0.0, 1.0))
    torch.testing.assert_close(pixel_loss(err, torch.ones(6, 7), 0.0, 1.0), err.pow(2).mean())
    clips = torch.zeros(1, 17, 32, 32, 3, dtype=torch.uint8)
    from stepvid.models.vae import VAEConfig, VideoVAE
    for a, b in ((-1.0, 1.0), (0.0, 0.0)):
        with pytest.raises(ValueError, match="l1_weight"):
            train_vae(VideoVAE(VAEConfig.preset("tiny")), clips, None, steps=1, device="cpu", l1_weight=a,
                      mse_weight=b)


def test_decoder_only_vae_training_keeps_the_latent_space():
    """freeze_encoder: encoder weights (hence latents) bit-identical after training, decoder weights changed."""
    from vae_loop import train_vae

    from stepvid.models.vae import VAEConfig, VideoVAE

    torch.manual_seed(0)
    vae = VideoVAE(VAEConfig.preset("tiny"))
    enc0 = {k: v.clone() for k, v in vae.encoder.state_dict().items()}
    dec0 = {k: v.clone() for k, v in vae.decoder.state_dict().items()}
    clips = torch.randint(0, 255, (2, 17, 32, 32, 3), dtype=torch.uint8)
    train_vae(vae, clips, None, steps=3, batch_size=1, crop=32, lr=1e-3, warmup=1, device="cpu",
              freeze_encoder=True, border_weight=4.0, border_px=4, l1_weight=0.0)  # the run-9 loss: MSE only
    assert all(torch.equal(v, enc0[k]) for k, v in vae.encoder.state_dict().items())
    assert any(not torch.equal(v, dec0[k]) for k, v in vae.decoder.state_dict().items())


def test_latent_drift_closed_form():
    """latent_drift = RMS(new − old) / RMS(old): 0 for the same encoder, exactly 0.1 for latents scaled by 1.1."""
    import copy

    import numpy as np
    from vae_loop import latent_drift

    from stepvid.models.vae import VAEConfig, VideoVAE

    torch.manual_seed(0)
    start = VideoVAE(VAEConfig.preset("tiny")).double()
    clips = [np.random.default_rng(i).integers(0, 255, (17, 32, 32, 3), dtype=np.uint8) for i in range(2)]
    assert latent_drift(start, start, clips, torch.device("cpu")) == 0.0
    scaled = copy.deepcopy(start)
    scaled.encode_frames = lambda c: start.encode_frames(c) * 1.1
    assert abs(latent_drift(scaled, start, clips, torch.device("cpu")) - 0.1) < 1e-9


def test_anchored_vae_training_keeps_the_latents_near_the_start():
    """anchor_weight: the same full fine-tune (same data, seed, LR) moves the latents far less with the anchor
    than without; the logged latent_drift is the anchored run's; the anchor refuses a frozen encoder."""
    import copy

    import numpy as np
    from vae_loop import latent_drift, train_vae

    from stepvid.models.vae import VAEConfig, VideoVAE

    torch.manual_seed(0)
    start = VideoVAE(VAEConfig.preset("tiny"))
    clips = torch.randint(0, 255, (2, 17, 32, 32, 3), dtype=torch.uint8)
    held = [np.asarray(c) for c in clips]
    drift, logs = {}, []
    for weight in (0.0, 100.0):
        vae = copy.deepcopy(start)
        train_vae(vae, clips, None, steps=4, batch_size=2, crop=32, lr=3e-4, warmup=1, device="cpu",
                  anchor_weight=weight, log_every=1, log=logs.append if weight else None)
        drift[weight] = latent_drift(vae, start, held, torch.device("cpu"))
    assert drift[0.0] > 0.02 and drift[100.0] < drift[0.0] / 3, drift
    assert "latent_drift" in logs[-1] and 0.0 < logs[-1]["latent_drift"] < 1.0, logs[-1]
    with pytest.raises(ValueError, match="needs freeze_encoder=False"):
        train_vae(copy.deepcopy(start), clips, None, steps=1, crop=32, device="cpu", freeze_encoder=True,
                  anchor_weight=1.0)


def _decoder_input_spread(clips: torch.Tensor, sigma: float) -> float:
    """Std of (decoder input - encoder mean) over a 2-step decoder-only run with ``latent_noise=sigma``."""
    from vae_loop import train_vae

    from stepvid.models.vae import VAEConfig, VideoVAE

    vae = VideoVAE(VAEConfig.preset("tiny"))
    seen, means = [], []
    dec, enc = vae.decode, vae.encode_moments

    def decode(z, **kw):
        seen.append(z.detach().clone())
        return dec(z, **kw)

    def encode_moments(x, **kw):
        mean, logvar = enc(x, **kw)
        means.append(mean.detach().clone())
        return mean, torch.full_like(logvar, -30.0)  # a near-exact posterior, like the trained VAE's

    vae.decode, vae.encode_moments = decode, encode_moments
    train_vae(vae, clips, None, steps=2, batch_size=2, crop=32, lr=0.0, warmup=1, device="cpu",
              freeze_encoder=True, latent_noise=sigma)
    return float((torch.cat(seen) - torch.cat(means)).std())


def test_decoder_only_training_perturbs_the_decoder_input_by_latent_noise():
    """latent_noise=σ: the decoder sees the encoder's latents plus N(0, σ²) noise (σ measured from the
    decoder's inputs); without it, the (here near-exact) posterior sample; and it needs freeze_encoder."""
    from vae_loop import train_vae

    from stepvid.models.vae import VAEConfig, VideoVAE

    torch.manual_seed(0)
    clips = torch.randint(0, 255, (2, 17, 32, 32, 3), dtype=torch.uint8)
    spread = {sigma: _decoder_input_spread(clips, sigma) for sigma in (0.0, 0.3)}
    assert spread[0.0] < 1e-3 and abs(spread[0.3] - 0.3) < 0.05, spread
    with pytest.raises(ValueError, match="needs freeze_encoder"):
        train_vae(VideoVAE(VAEConfig.preset("tiny")), clips, None, steps=1, crop=32, device="cpu", latent_noise=0.1)


def test_fast_dit_loop_checkpoint_resumes_weights_optimizer_and_position(tmp_path):
    from dit_loop import FastDiTLoop, StageData, tokenize_captions

    from stepvid.train.distributed import DistInfo

    enc = _tiny_encoder()
    data = StageData(torch.randn(2, 1, 4, 2, 2), *tokenize_captions(enc.tokenizer, [["a red circle"]] * 2, 16))

    def make():
        return FastDiTLoop(_tiny_dit(), enc, enc.encode([""]), DistInfo(), lr=1e-3, warmup_steps=1, ema_decay=0.9,
                           text_dropout=0.0, timestep={"name": "uniform"}, seed=0)

    a = make()
    saved = []
    a.run_stage("t", data, steps=30, batch=2, until=float("inf"), checkpoint_every_s=0.0,
                checkpoint=lambda pos: (saved.append(pos), a.save(tmp_path, pos, "run-a")))
    assert saved[-1] == {"stage": "t", "stage_step": 30, "planned": 30} and len(saved) >= 3
    b = make()
    assert b.load(tmp_path, "another-run", 0) is None  # a checkpoint of a different run is ignored
    assert b.load(tmp_path, "run-a", 0) == saved[-1] and b.global_step == 30
    for (n, p), q in zip(a.model.named_parameters(), b.model.parameters()):
        assert torch.equal(p, q), n
    assert a.ema.shadow.keys() == b.ema.shadow.keys()
    assert all(torch.equal(a.ema.shadow[n], b.ema.shadow[n]) for n in a.ema.shadow)
    sa, sb = a.opt.state_dict()["state"], b.opt.state_dict()["state"]
    assert sa.keys() == sb.keys() and all(torch.equal(sa[i][k], sb[i][k]) for i in sa for k in sa[i])
    res = b.run_stage("t", data, steps=40, batch=2, until=float("inf"), start=30)
    assert res["steps"] == 40 and b.global_step == 40


def test_vae_loop_checkpoints_on_rank_zero(tmp_path):
    from vae_loop import train_vae

    from stepvid.models.vae import VAEConfig, VideoVAE

    torch.manual_seed(0)
    vae = VideoVAE(VAEConfig.preset("tiny"))
    calls = []
    clips = torch.randint(0, 255, (2, 17, 32, 32, 3), dtype=torch.uint8)
    train_vae(vae, clips, None, steps=4, batch_size=1, crop=32, device="cpu", log_every=1, checkpoint_every_s=0.0,
              checkpoint=lambda: calls.append(vae.save_pretrained(tmp_path / "vae.safetensors")))
    assert len(calls) == 4  # every log step once the interval has passed
    again = VideoVAE.from_pretrained(tmp_path / "vae.safetensors", dtype=torch.float32)
    assert all(torch.equal(a, b) for a, b in zip(again.state_dict().values(), vae.state_dict().values()))


def test_text_distillation_teaches_new_words_through_the_frozen_dit():
    """An open-vocabulary copy of a closed encoder learns, through a frozen random DiT, to make the DiT do for
    "a red ball slides right" what it does for the teacher's "a red circle moves right": the error to the
    teacher falls > 5x, the template anchors stay at the teacher (error ~0: they start equal), and neither the
    DiT nor the teacher encoder changes."""
    from distill_loop import DistillData, TextDistillLoop
    from dit_loop import tokenize_captions
    from natural import distill_error

    from stepvid.models.text.small import ByteBPETokenizer
    from stepvid.train.distributed import DistInfo

    teacher = _tiny_encoder().eval()
    nat = [["a red ball slides right", "a red circle moves right"], ["a blue box drifts up", "a blue square"]]
    tch = [["a red circle moves right", "a red circle moves right"], ["a blue square", "a blue square"]]
    tok = ByteBPETokenizer.train([c for row in nat for c in row] * 3, teacher.tokenizer.vocab, 30)
    student = teacher.with_tokenizer(tok).requires_grad_(True)
    dit = _tiny_dit()
    torch.manual_seed(1)
    with torch.no_grad():  # a DiT whose output depends on the text: random projections (the preset zero-inits
        for n, p in dit.named_parameters():  # its output layers) and sharp cross-attention (QK-norm gain 2)
            if n.endswith(("q_norm.weight", "k_norm.weight")):
                p.fill_(2.0)
            elif p.ndim == 2:
                p.normal_(0, 0.1)
    dit_before = {k: v.clone() for k, v in dit.state_dict().items()}
    t_before = {k: v.clone() for k, v in teacher.state_dict().items()}
    latents = torch.randn(2, 1, 4, 2, 2)
    data = DistillData(latents, *tokenize_captions(tok, nat, 16), *tokenize_captions(teacher.tokenizer, tch, 16))
    data.student_texts = nat
    loop = TextDistillLoop(dit, teacher, student, DistInfo(), empty_prob=0.1, lr=3e-3, warmup_steps=5,
                           ema_decay=0.5, timestep={"name": "uniform", "shift": 3.0}, seed=0, anchor_weight=1.0)
    before = distill_error(loop, data, batches=4, batch=16)
    assert before["template"] == 0.0 and before["natural"] > 1e-3  # the copy reads old texts exactly as before
    assert before["natural"] == pytest.approx(before["natural_teacher_encoder"], rel=0.05)  # new pieces ~ [UNK]
    loop.run_stage("d", data, steps=60, batch=16, until=float("inf"))
    with torch.no_grad():
        for n, p in student.named_parameters():
            p.copy_(loop.ema.shadow[n])
    after = distill_error(loop, data, batches=4, batch=16)
    assert after["natural"] < before["natural"] / 5, (before, after)
    assert after["template"] < before["natural"] / 20, (before, after)
    assert all(torch.equal(dit.state_dict()[k], v) for k, v in dit_before.items())
    assert all(torch.equal(teacher.state_dict()[k], v) for k, v in t_before.items())
