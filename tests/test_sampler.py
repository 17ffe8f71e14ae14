"""Flow-matching sampler: official schedule values, closed-form Gaussian target, CFG and numerics modes."""

from __future__ import annotations

import json

import pytest
import torch

from stepvid.diffusion import (
    NEGATIVE_PROMPT,
    POSITIVE_SUFFIX,
    cfg_schedule,
    flow_schedule,
    initial_noise,
    sample_euler,
    sampler_preset,
)

# Spec §6.3 anchor tables: (steps, shift) -> (first five tau, last three tau before 1.0)
# (strings: each value is checked to half a unit of its last stated digit)
ANCHORS = {
    (50, 13): ("0 0.001567 0.003195 0.004886 0.00664", "0.5465 0.6486 0.7903"),
    (30, 13): ("0 0.002645 0.005464 0.008475 0.01170", "0.4091 0.5185 0.6905"),
    (10, 17): ("0 0.006494 0.014493 0.02459 0.03774", "0.1207 0.1905 0.3462"),
    (15, 17): ("0 0.004184 0.008969 0.014493 0.02094", "0.1905 0.2766 0.4516"),
}
# bf16(bf16(tau) * 1000), the value the official DiT feeds to its sinusoid
ANCHORS_X1000 = {
    (50, 13): ([0, 1.5625, 3.1875, 4.875, 6.65625], [548, 648, 788]),
    (30, 13): ([0, 2.640625, 5.46875, 8.5, 11.75], [408, 520, 692]),
    (10, 17): ([0, 6.5, 14.4375, 24.5, 37.75], [120.5, 190, 346]),
}


def test_schedule_matches_golden_bit_exact(golden_dir):
    golden = json.loads((golden_dir / "sampler_schedules.json").read_text())
    assert len(golden) == 5
    for name, rec in golden.items():
        steps, shift = name.removeprefix("steps").split("_shift")
        tau = flow_schedule(int(steps), float(shift))
        assert tau.dtype == torch.float32 and tau.shape == (int(steps) + 1,)
        assert torch.equal(tau, torch.tensor(rec["sigmas"], dtype=torch.float32)), name
        assert torch.equal(tau[:-1], torch.tensor(rec["timesteps"], dtype=torch.float32)), name


@pytest.mark.parametrize("key", sorted(ANCHORS))
def test_schedule_matches_spec_anchors(key):
    tau = flow_schedule(*key)
    first, last = ANCHORS[key]
    assert tau[0] == 0 and tau[-1] == 1
    for value, text in zip(tau[:5].tolist() + tau[-4:-1].tolist(), (first + " " + last).split()):
        decimals = len(text.split(".")[1]) if "." in text else 0
        assert abs(value - float(text)) <= 0.5 * 10**-decimals + 1e-12, (key, value, text)
    assert torch.all(tau[1:] > tau[:-1])


@pytest.mark.parametrize("key", sorted(ANCHORS_X1000))
def test_bf16_timestep_values(key):
    t = flow_schedule(*key)[:-1].bfloat16() * 1000  # bf16 tensor times a Python scalar stays bf16
    first, last = ANCHORS_X1000[key]
    assert t.dtype == torch.bfloat16
    assert t[:5].float().tolist() == first and t[-3:].float().tolist() == last


def test_schedule_rejects_bad_input():
    with pytest.raises(ValueError, match="steps"):
        flow_schedule(0, 13)
    with pytest.raises(ValueError, match="shift"):
        flow_schedule(10, 0)


def test_presets_and_magic_strings():
    assert (sampler_preset("base").steps, sampler_preset("base").cfg, sampler_preset("base").shift) == (
        50,
        9.0,
        13.0,
    )
    turbo = sampler_preset("turbo", steps=10, cfg=None)
    assert (turbo.steps, turbo.cfg, turbo.shift) == (10, 5.0, 17.0)
    with pytest.raises(ValueError, match="unknown sampler preset"):
        sampler_preset("fast")
    assert POSITIVE_SUFFIX.startswith("超高清、HDR 视频") and POSITIVE_SUFFIX.endswith("清晰。")
    assert NEGATIVE_PROMPT.startswith("画面暗") and NEGATIVE_PROMPT.endswith("模糊。")


def test_cfg_schedules():
    tau = flow_schedule(15, 17)
    assert torch.equal(cfg_schedule(5.0, tau), torch.full((15,), 5.0))
    decay = cfg_schedule(5.0, tau, decay=True)  # report: max(cfg - 9 tau (cfg - 1), 1)
    assert decay[0] == 5.0
    assert decay[1].item() == pytest.approx(5.0 - 36.0 * 0.004184, abs=1e-4)
    assert decay[-1].item() == 1.0  # tau = 0.4516 > 1/9
    assert torch.all(decay[1:] <= decay[:-1])
    assert torch.equal(cfg_schedule(list(range(15)), tau), torch.arange(15, dtype=torch.float32))
    with pytest.raises(ValueError, match="15 steps"):
        cfg_schedule([1.0, 2.0], tau)


def gaussian_velocity(mu: float, s: float):
    """Exact flow-matching velocity for data ~ N(mu, s^2), noise ~ N(0, 1), x_tau = (1-tau) z + tau x1.

    u = x1 - z and x_tau are jointly Gaussian: E[x_tau] = tau mu, Var[x_tau] = (1-tau)^2 + tau^2 s^2,
    Cov[u, x_tau] = tau s^2 - (1 - tau), so E[u | x_tau] = mu + Cov / Var * (x_tau - tau mu). Evaluated in fp64.
    """

    def velocity(x: torch.Tensor, tau: torch.Tensor) -> torch.Tensor:
        x64 = x.double()
        t = tau.double().view(-1, *([1] * (x.ndim - 1)))
        var = (1 - t) ** 2 + t**2 * s**2
        cov = t * s**2 - (1 - t)
        return (mu + cov / var * (x64 - t * mu)).to(x.dtype)

    return velocity


def test_closed_form_gaussian_target():
    """Many samples through a fine schedule reach N(mu, s^2); the exact ODE flow is z -> mu + s z."""
    mu, s = 1.5, 0.4
    noise = initial_noise((20000, 1), seed=0)
    x = sample_euler(gaussian_velocity(mu, s), noise, flow_schedule(200, 1.0), model_dtype=torch.float64)
    assert x.dtype == torch.float32
    assert x.mean().item() == pytest.approx(mu, abs=0.02)
    assert x.std().item() == pytest.approx(s, rel=0.02)
    assert (x - (mu + s * noise)).abs().max().item() < 0.02


def test_euler_on_base_schedule_matches_fp64_recursion():
    """On the coarse base schedule (50 steps, shift 13) Euler is far from the ODE limit, but it must be
    exactly the Euler recursion: for an affine field every step maps x -> x + dt (a_i + b_i x), so the
    result is A z + B with A, B computed here in fp64 from the spec's formulae."""
    mu, s = 1.5, 0.4
    tau = flow_schedule(50, 13.0)
    noise = initial_noise((4096, 1), seed=1)
    x = sample_euler(gaussian_velocity(mu, s), noise, tau, model_dtype=torch.float64)
    A, B = 1.0, 0.0
    t = tau.double().tolist()
    for i in range(50):
        var = (1 - t[i]) ** 2 + t[i] ** 2 * s**2
        b = (t[i] * s**2 - (1 - t[i])) / var
        a = mu - b * t[i] * mu
        dt = t[i + 1] - t[i]
        A, B = A * (1 + dt * b), B + dt * (a + b * B)
    torch.testing.assert_close(x.double(), A * noise.double() + B, rtol=0, atol=2e-6)


@pytest.mark.parametrize("cfg", [None, 3.0])
def test_ab2_converges_at_second_order_and_euler_at_first(cfg):
    """On the Gaussian target (exact map z -> mu + s z), doubling the steps of a uniform schedule halves Euler's
    error and quarters ab2's (one model call per step for both); on the uneven shift-3 schedule ab2 at 32 steps
    is > 10x closer than Euler (measured 16x; its ratio tends to 4 from above there). With CFG both branches are
    the same field, so the guided field is too."""
    mu, s = 1.5, 0.4
    noise = initial_noise((256, 1), seed=2)
    exact = mu + s * noise.double()

    def err(n: int, shift: float, solver: str) -> float:
        x = sample_euler(gaussian_velocity(mu, s), noise, flow_schedule(n, shift), cfg, model_dtype=torch.float64,
                         solver=solver)
        return (x.double() - exact).abs().max().item()

    euler, ab2 = [err(n, 1.0, "euler") for n in (16, 32)], [err(n, 1.0, "ab2") for n in (16, 32)]
    assert 1.8 < euler[0] / euler[1] < 2.2, euler  # measured 1.95
    assert 3.6 < ab2[0] / ab2[1] < 4.8, ab2  # measured 4.30
    assert err(32, 3.0, "ab2") < err(32, 3.0, "euler") / 10
    with pytest.raises(ValueError, match="unknown solver 'rk4'; choose from euler, ab2"):
        sample_euler(gaussian_velocity(mu, s), noise, flow_schedule(4, 3.0), solver="rk4")


def test_solver_is_a_model_default_and_bad_values_are_refused():
    from stepvid.model_folder import GenerationDefaults

    assert GenerationDefaults().solver == "euler"
    assert GenerationDefaults.from_dict({"solver": "ab2"}).solver == "ab2"
    with pytest.raises(ValueError, match="stepvid.json: solver must be one of euler, ab2; got 'heun'"):
        GenerationDefaults.from_dict({"solver": "heun"}, source="stepvid.json")
    from stepvid.cli import build_parser
    from stepvid.diffusion import sampler

    # The CLI lists the choices without importing torch: keep them in step with the sampler's.
    generate = next(a for a in build_parser()._subparsers._group_actions[0].choices["generate"]._actions
                    if "--solver" in a.option_strings)
    assert tuple(generate.choices) == sampler.SOLVERS


def test_cfg_with_equal_branches_equals_no_cfg():
    vel = gaussian_velocity(0.3, 0.7)
    noise = initial_noise((64, 2), seed=3)
    tau = flow_schedule(10, 17)
    plain = sample_euler(vel, noise, tau, cfg=None, model_dtype=torch.float64)
    guided = sample_euler(vel, noise, tau, cfg=9.0, model_dtype=torch.float64)
    assert torch.equal(plain, guided)


def test_cfg_combination_and_batch_order():
    """Conditional half first: a field with mean +1 (cond) and -1 (uncond) at cfg w gives v_u + w (v_c - v_u)."""
    calls = []

    def vel(x, tau):
        calls.append(x.shape[0])
        half = x.shape[0] // 2
        return torch.cat([torch.ones_like(x[:half]), -torch.ones_like(x[half:])])

    noise = torch.zeros(3, 4)
    tau = torch.tensor([0.0, 0.25, 1.0])
    x = sample_euler(vel, noise, tau, cfg=[2.0, 3.0])
    assert calls == [6, 6]
    # step 0: v = -1 + 2*2 = 3, dt 0.25; step 1: v = -1 + 3*2 = 5, dt 0.75
    torch.testing.assert_close(x, torch.full((3, 4), 3 * 0.25 + 5 * 0.75))


def test_official_numerics_combines_in_bf16():
    g = torch.Generator().manual_seed(0)
    vc, vu = torch.randn(1, 64, generator=g), torch.randn(1, 64, generator=g)

    def vel(x, tau):
        assert x.dtype == torch.bfloat16 and tau.dtype == torch.bfloat16
        return torch.cat([vc, vu]).bfloat16()

    tau = torch.tensor([0.0, 0.5])
    noise = torch.zeros(1, 64)
    official = sample_euler(vel, noise, tau, cfg=9.0, model_dtype=torch.bfloat16, official_numerics=True)
    fp32 = sample_euler(vel, noise, tau, cfg=9.0, model_dtype=torch.bfloat16)
    c, u = vc.bfloat16(), vu.bfloat16()
    torch.testing.assert_close(official, (u + 9.0 * (c - u)).float() * 0.5, rtol=0, atol=0)
    torch.testing.assert_close(fp32, (u.float() + 9.0 * (c.float() - u.float())) * 0.5, rtol=0, atol=0)
    assert not torch.equal(official, fp32)


def test_callback_progress_and_shape_check():
    seen = []
    tau = flow_schedule(4, 3.0)
    sample_euler(
        lambda x, t: torch.zeros_like(x),
        torch.zeros(1, 2),
        tau,
        callback=lambda i, t, x: seen.append((i, t)),
        progress=True,
    )
    assert [i for i, _ in seen] == [0, 1, 2, 3] and [t for _, t in seen] == tau[:-1].tolist()
    with pytest.raises(ValueError, match="velocity function returned shape"):
        sample_euler(lambda x, t: x[:, :1], torch.zeros(1, 2), tau)


def test_seeded_noise_is_reproducible_and_cpu_drawn():
    a = initial_noise((2, 3, 4), seed=1234)
    assert torch.equal(a, initial_noise((2, 3, 4), seed=1234))
    assert not torch.equal(a, initial_noise((2, 3, 4), seed=1235))
    expect = torch.randn((2, 3, 4), generator=torch.Generator().manual_seed(1234), dtype=torch.float32)
    assert torch.equal(a, expect) and a.dtype == torch.float32
    # official quirk: unseeded bf16 noise, identical whatever the seed
    o1 = initial_noise((2, 3), seed=1, official_unseeded=True)
    o2 = initial_noise((2, 3), seed=2, official_unseeded=True)
    assert torch.equal(o1, o2) and torch.equal(o1, o1.bfloat16().float())
    with pytest.raises(ValueError, match="seed"):
        initial_noise((1,), seed=None)
