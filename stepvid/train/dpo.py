"""Video-DPO step (report §4): Diffusion-DPO on flow-matching velocity errors, winner and loser sharing
the noise and the timestep, against a frozen reference model. The loss itself is
:func:`stepvid.diffusion.flow.dpo_loss`; this module evaluates the four velocity errors it needs.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from stepvid.diffusion.flow import dpo_loss, interpolate, per_sample_mse, velocity_target

__all__ = ["dpo_step_loss"]

VelocityModel = Callable[..., torch.Tensor]


def dpo_step_loss(
    policy: VelocityModel,
    reference: VelocityModel,
    winner: torch.Tensor,
    loser: torch.Tensor,
    noise: torch.Tensor,
    tau: torch.Tensor,
    cond: tuple,
    beta: float,
    sft_weight: float = 0.0,
    ref_cond: tuple | None = None,
) -> tuple[torch.Tensor, dict]:
    """Latents ``winner``/``loser`` [B, F, C, h, w], one ``noise`` and ``tau`` [B] for both; ``cond`` is the
    rest of the model call (llm, clip, mask); ``ref_cond`` the reference's, when it differs (a text encoder
    that trains with the policy). Returns (loss, metrics): the DPO loss (+ ``sft_weight`` x the
    policy's velocity error on the winner, an optional anchor on the chosen samples), implicit reward accuracy
    and margin, and the four mean velocity errors."""
    x = torch.cat([interpolate(noise, winner, tau), interpolate(noise, loser, tau)])
    t = torch.cat([tau, tau])
    def both(cond: tuple) -> tuple:
        return tuple(torch.cat([a, a]) if isinstance(a, torch.Tensor) else a for a in cond)

    c = both(cond)
    target = torch.cat([velocity_target(noise, winner), velocity_target(noise, loser)])
    err = per_sample_mse(policy(x, t, *c), target)
    with torch.no_grad():
        ref = per_sample_mse(reference(x, t, *(c if ref_cond is None else both(ref_cond))), target)
    b = winner.shape[0]
    loss, metrics = dpo_loss(err[:b], err[b:], ref[:b], ref[b:], beta)
    metrics = {"dpo_loss": loss.detach(), **metrics,
               "err_chosen": err[:b].detach().mean(), "err_rejected": err[b:].detach().mean(),
               "ref_err_chosen": ref[:b].mean(), "ref_err_rejected": ref[b:].mean()}
    if sft_weight:
        loss = loss + sft_weight * err[:b].mean()
    return loss, metrics
