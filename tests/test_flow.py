"""Flow-matching maths vs closed forms: interpolant, target, densities, DPO and distillation losses."""

from __future__ import annotations

import math

import pytest
import torch

from stepvid.diffusion.flow import (
    LogitNormal,
    Shifted,
    Uniform,
    UShape,
    distill_weight,
    dpo_loss,
    flow_matching_loss,
    interpolate,
    make_density,
    shift_tau,
    velocity_target,
)


def test_interpolant_endpoints_and_derivative():
    g = torch.Generator().manual_seed(0)
    noise, data = (
        torch.randn(3, 2, 4, 5, 5, generator=g, dtype=torch.float64),
        torch.randn(3, 2, 4, 5, 5, generator=g, dtype=torch.float64),
    )
    assert torch.equal(
        interpolate(noise, data, torch.zeros(3, dtype=torch.float64)), noise
    )  # tau = 0 is noise
    assert torch.equal(interpolate(noise, data, torch.ones(3, dtype=torch.float64)), data)  # tau = 1 is data
    tau = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    h = 1e-6
    fd = (interpolate(noise, data, tau + h) - interpolate(noise, data, tau - h)) / (2 * h)
    torch.testing.assert_close(fd, velocity_target(noise, data), rtol=0, atol=1e-8)
    x = interpolate(noise, data, tau)
    torch.testing.assert_close(x[1], 0.5 * noise[1] + 0.5 * data[1])


def test_flow_loss_closed_form():
    noise, data = torch.zeros(2, 1, 1, 1, 4), torch.ones(2, 1, 1, 1, 4)
    assert flow_matching_loss(torch.ones(2, 1, 1, 1, 4), noise, data).item() == 0.0
    assert flow_matching_loss(torch.full((2, 1, 1, 1, 4), 3.0), noise, data).item() == pytest.approx(4.0)
    w = torch.tensor([1.0, 0.0])
    assert flow_matching_loss(torch.full((2, 1, 1, 1, 4), 3.0), noise, data, w).item() == pytest.approx(2.0)


DENSITIES = [
    Uniform(),
    LogitNormal(0.0, 1.0),
    LogitNormal(-0.5, 0.8),
    UShape(5.0),
    UShape(5.0, centered=False),
    Shifted(Uniform(), 3.0),
    Shifted(LogitNormal(0.0, 1.0), 5.0),
    make_density({"name": "u_shape", "a": 3, "shift": 2}),
]


@pytest.mark.parametrize("dens", DENSITIES, ids=lambda d: type(d).__name__ + str(getattr(d, "shift", "")))
def test_density_integrates_to_one_and_matches_cdf(dens):
    u = torch.linspace(0, 1, 100_001, dtype=torch.float64)[1:-1]
    p = dens.pdf(u)
    assert torch.all(p >= 0)
    total = torch.trapezoid(p, u).item()
    assert total == pytest.approx(1.0, abs=2e-4)
    cum = torch.cat([torch.zeros(1, dtype=torch.float64), torch.cumulative_trapezoid(p, u)]) + dens.cdf(u[:1])
    torch.testing.assert_close(cum[::500], dens.cdf(u)[::500], rtol=0, atol=5e-4)
    # samples follow the CDF (Kolmogorov–Smirnov distance well under the 1% critical value 1.63/sqrt(n))
    s = dens.sample(20_000, generator=torch.Generator().manual_seed(1)).double().sort().values
    assert s.min() >= 0 and s.max() <= 1
    ks = (dens.cdf(s) - torch.arange(1, len(s) + 1, dtype=torch.float64) / len(s)).abs().max().item()
    assert ks < 1.63 / math.sqrt(len(s))


def test_shift_matches_sampler_schedule():
    from stepvid.diffusion.sampler import flow_schedule

    lin = torch.linspace(0, 1, 51)  # unshifted tau grid
    torch.testing.assert_close(shift_tau(lin, 13.0), flow_schedule(50, 13.0), rtol=0, atol=1e-6)


def test_u_shape_closed_form_values():
    d = UShape(5.0)
    p = d.pdf(torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64))
    assert p[0].item() == pytest.approx(p[2].item())  # symmetric
    assert (p[0] / p[1]).item() == pytest.approx(math.cosh(5.0))  # the report's exp(a u) + exp(-a u), a = 5
    assert d.cdf(torch.tensor(0.5, dtype=torch.float64)).item() == pytest.approx(0.5)


def test_make_density_errors():
    with pytest.raises(ValueError, match="unknown name"):
        make_density("lognormal")
    with pytest.raises(ValueError, match="bad parameters"):
        make_density({"name": "logit_normal", "sigma": 1})


def test_dpo_loss_sign_and_limits():
    e = torch.tensor([0.5, 0.7])
    loss, m = dpo_loss(e, e, e, e, beta=10.0)
    assert loss.item() == pytest.approx(math.log(2))  # policy == reference
    better, _ = dpo_loss(
        e - 0.1, e + 0.1, e, e, beta=10.0
    )  # policy prefers the winner more than the reference
    worse, _ = dpo_loss(e + 0.1, e - 0.1, e, e, beta=10.0)
    assert better.item() < math.log(2) < worse.item()
    huge, m = dpo_loss(e - 1, e + 1, e, e, beta=1e4)
    assert huge.item() == pytest.approx(0.0, abs=1e-6) and m["dpo_acc"].item() == 1.0
    big_wrong, _ = dpo_loss(e + 1, e - 1, e, e, beta=1e3)
    assert big_wrong.item() == pytest.approx(2e3, rel=1e-6)  # linear in |z| = beta * (1 - (-1))
    pw = torch.tensor([0.5], requires_grad=True)
    dpo_loss(pw, torch.tensor([0.5]), torch.tensor([0.5]), torch.tensor([0.5]), beta=2.0)[0].backward()
    assert pw.grad.item() == pytest.approx(2.0 * 0.5)  # d softplus(beta*(pw-…))/dpw at 0 = beta * sigmoid(0)


def test_distill_weight():
    tau = torch.tensor([0.5, 0.25, 0.0])
    torch.testing.assert_close(distill_weight(tau, eps=0.1), torch.tensor([4.0, 16.0, 100.0]))
    assert distill_weight(tau, eps=0.01, max_weight=50.0)[2].item() == 50.0
