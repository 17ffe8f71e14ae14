"""Flow-matching sampler with classifier-free guidance: Euler steps (the official sampler), or ``solver="ab2"``.

Model-agnostic: it knows tensors and a velocity function, not model classes. Time convention (spec §6.1):
tau = 0 is noise, tau = 1 is data, ``x_tau = (1 - tau) * noise + tau * data`` and the velocity is
``data - noise``. The state is kept in fp32; the model is called in its own dtype.

The velocity function receives ``(x, tau)`` with ``x`` of batch ``B`` (no guidance) or ``2B`` (guidance:
the conditional half first, then the unconditional half — the same order as the official text batch) and
``tau`` of shape [batch]. It returns a velocity of ``x``'s shape.

``ab2`` is the second-order Adams-Bashforth multistep rule on the guided velocity, for the schedule's uneven
steps: ``x += h_i · ((1 + r/2) v_i − (r/2) v_{i−1})`` with ``r = h_i / h_{i−1}`` (the first step is Euler).
One model call per step like Euler, but its error falls as h² instead of h, so fewer steps reach the same
path (the DPM-Solver++(2M) idea, written for the velocity).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import torch

from stepvid.diffusion.resume import SamplerState

__all__ = [
    "NEGATIVE_PROMPT",
    "POSITIVE_SUFFIX",
    "SAMPLER_PRESETS",
    "SOLVERS",
    "SamplerConfig",
    "cfg_schedule",
    "flow_schedule",
    "initial_noise",
    "sample_euler",
    "sampler_preset",
]

SOLVERS = ("euler", "ab2")

# Spec §4.1: appended directly (no separator) to the user prompt / used alone as the unconditional branch.
POSITIVE_SUFFIX = "超高清、HDR 视频、环境光、杜比全景声、画面稳定、流畅动作、逼真的细节、专业级构图、超现实主义、自然、生动、超细节、清晰。"
NEGATIVE_PROMPT = (
    "画面暗、低分辨率、不良手、文本、缺少手指、多余的手指、裁剪、低质量、颗粒状、签名、水印、用户名、模糊。"
)

VelocityFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
StepCallback = Callable[[int, float, torch.Tensor], None]


@dataclass(frozen=True)
class SamplerConfig:
    """Sampling settings. ``cfg_decay`` selects the Turbo report's linearly decaying guidance (§5 of the
    report): ``cfg_t = max(cfg - 9 * tau * (cfg - 1), 1)``; the released code uses constant guidance."""

    steps: int = 50
    cfg: float = 9.0
    shift: float = 13.0
    cfg_decay: bool = False


SAMPLER_PRESETS: dict[str, SamplerConfig] = {
    "base": SamplerConfig(steps=50, cfg=9.0, shift=13.0),  # README: 30–50 steps, CFG 9, shift 13
    "turbo": SamplerConfig(steps=15, cfg=5.0, shift=17.0),  # README: 10–15 steps, CFG 5, shift 17
}


def sampler_preset(name: str, **overrides) -> SamplerConfig:
    """A named preset (``base`` or ``turbo``) with fields replaced by the non-None ``overrides``."""
    if name not in SAMPLER_PRESETS:
        raise ValueError(f"unknown sampler preset {name!r}; choose from {sorted(SAMPLER_PRESETS)}")
    return replace(SAMPLER_PRESETS[name], **{k: v for k, v in overrides.items() if v is not None})


def flow_schedule(steps: int, shift: float) -> torch.Tensor:
    """The N+1 model times tau (fp32, tau[0] = 0 noise → tau[N] = 1 data), bit-exact with the official
    scheduler: ``s = linspace(1, 0, N+1)``, SD3 shift ``shift*s / (1 + (shift-1)*s)``, ``tau = 1 - s``.
    The model is evaluated at ``tau[:-1]``; Euler steps use ``tau[i+1] - tau[i]``."""
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be an integer >= 1; got {steps!r}")
    if not shift > 0:
        raise ValueError(f"shift must be > 0; got {shift!r}")
    s = torch.linspace(1, 0, int(steps) + 1, dtype=torch.float32)
    s = (shift * s) / (1 + (shift - 1) * s)
    return 1 - s


def cfg_schedule(
    cfg: float | Sequence[float] | torch.Tensor, tau: torch.Tensor, decay: bool = False
) -> torch.Tensor:
    """Per-step guidance scales [N] (fp32) for the model times ``tau[:-1]``.

    ``cfg`` is a scalar (constant, the official behaviour), or an explicit per-step sequence of length N.
    ``decay=True`` applies the Turbo report's linear decay to a scalar: ``max(cfg - 9*tau*(cfg - 1), 1)``.
    """
    n = tau.numel() - 1
    if isinstance(cfg, (int, float)):
        if decay:
            return torch.clamp(float(cfg) - 9.0 * tau[:-1].double() * (float(cfg) - 1.0), min=1.0).float()
        return torch.full((n,), float(cfg), dtype=torch.float32)
    if decay:
        raise ValueError(
            "cfg decay applies to a scalar cfg; pass either a scalar with decay or a per-step list"
        )
    sched = torch.as_tensor(cfg, dtype=torch.float32).flatten()
    if sched.numel() != n:
        raise ValueError(f"per-step cfg schedule has {sched.numel()} values but there are {n} steps")
    return sched


def initial_noise(
    shape: Sequence[int],
    seed: int | None = 0,
    device: torch.device | str = "cpu",
    official_unseeded: bool = False,
) -> torch.Tensor:
    """Initial latents (fp32).

    Default: drawn on the CPU in fp32 from a ``torch.Generator`` seeded with ``seed``, then moved, so a
    seed gives the same noise (hence the same video) on any device. ``official_unseeded=True`` reproduces
    the official quirk (spec §6.4) for parity tests only: a fresh, never-seeded generator on ``device``
    drawing bf16 directly — identical for every seed.
    """
    shape = tuple(int(s) for s in shape)
    if official_unseeded:
        gen = torch.Generator(device=device)
        return torch.randn(shape, generator=gen, device=device, dtype=torch.bfloat16).float()
    if seed is None:
        raise ValueError(
            "seed must be an integer (use official_unseeded=True for the official unseeded noise)"
        )
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    return torch.randn(shape, generator=gen, dtype=torch.float32).to(device)


@torch.no_grad()
def sample_euler(
    velocity: VelocityFn,
    noise: torch.Tensor,
    tau: torch.Tensor,
    cfg: float | Sequence[float] | torch.Tensor | None = None,
    *,
    cfg_decay: bool = False,
    model_dtype: torch.dtype | None = None,
    official_numerics: bool = False,
    callback: StepCallback | None = None,
    progress: bool = False,
    solver: str = "euler",
    state: SamplerState | None = None,
    on_state: Callable[[SamplerState], None] | None = None,
) -> torch.Tensor:
    """Integrate ``dx/dtau = v(x, tau)`` from ``tau[0]`` to ``tau[-1]`` with Euler steps (``solver="ab2"``: the
    second-order multistep rule of the module docstring); returns fp32 x.

    cfg:          None → no guidance (the model sees batch B); otherwise a scalar or per-step schedule and
                  the model sees ``cat([x, x])`` (conditional half first) and
                  ``v = v_u + cfg * (v_c - v_u)``.
    model_dtype:  dtype of the model's inputs (x and tau); default the noise dtype. The state stays fp32.
    official_numerics: evaluate the CFG combination in the model's output dtype (bf16 in the official
                  code, spec §6.2) instead of fp32. The Euler update is fp32 either way.
    callback:     ``callback(i, tau_i, x)`` after each step, with the updated fp32 state.
    state:        continue from this :class:`~stepvid.diffusion.resume.SamplerState` (its ``step`` steps done)
                  instead of ``noise``: the remaining steps are the same operations on the same values.
    on_state:     ``on_state(SamplerState)`` after each step (:mod:`stepvid.diffusion.resume` saves it).
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose from {', '.join(SOLVERS)}")
    tau = tau.detach().to(dtype=torch.float32, device="cpu")
    if tau.ndim != 1 or tau.numel() < 2:
        raise ValueError(f"tau must be a 1-D schedule of N+1 >= 2 times; got shape {tuple(tau.shape)}")
    n = tau.numel() - 1
    scales = None if cfg is None else cfg_schedule(cfg, tau, decay=cfg_decay)
    model_dtype = model_dtype or noise.dtype
    x = noise.to(torch.float32)
    v_prev = None  # ab2: the last step's guided velocity
    first = 0
    if state is not None:
        if state.x.shape != x.shape or not 0 <= state.step <= n:
            raise ValueError(f"sampler state of shape {tuple(state.x.shape)} at step {state.step} does not fit "
                             f"noise of shape {tuple(x.shape)} and {n} steps")
        first, x = state.step, state.x.to(device=x.device, dtype=torch.float32)
        v_prev = None if state.v_prev is None else state.v_prev.to(device=x.device, dtype=torch.float32)
    batch = x.shape[0]

    steps = range(first, n)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, initial=first, desc="sampling", unit="step", leave=False)
    try:
        for i in steps:
            x_in = x.to(model_dtype)
            if scales is not None:
                x_in = torch.cat([x_in, x_in])
            t = torch.full((x_in.shape[0],), float(tau[i]), dtype=torch.float32, device=x.device).to(
                model_dtype
            )
            v = velocity(x_in, t)
            if v.shape != x_in.shape:
                raise ValueError(
                    f"velocity function returned shape {tuple(v.shape)} for input {tuple(x_in.shape)}"
                )
            if scales is not None:
                v_c, v_u = v[:batch], v[batch:]
                w = float(scales[i])
                if not official_numerics:
                    v_c, v_u = v_c.float(), v_u.float()
                v = v_u + w * (v_c - v_u)
            dt = tau[i + 1] - tau[i]  # fp32 scalar, as in the official scheduler
            v = v.to(torch.float32)
            if solver == "ab2" and v_prev is not None:
                r = float(dt / (tau[i] - tau[i - 1]))
                v, v_prev = (1 + r / 2) * v - (r / 2) * v_prev, v
            else:
                v_prev = v
            x = x + v * dt.to(x.device)
            if on_state is not None:
                on_state(SamplerState(i + 1, x, v_prev if solver == "ab2" else None))
            if callback is not None:
                callback(i, float(tau[i]), x)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return x
