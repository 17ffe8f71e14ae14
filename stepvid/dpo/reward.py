"""A small learned reward model for Video-DPO (report §4: a reward model trained on the collected preference
labels keeps the pair data fresh without a person or a rule-based judge in the loop).

:class:`LatentReward` scores a denoised latent video [F, C, h, w] against a prompt's text states, so ranking a
candidate needs no VAE decode. Text: the mean of the valid Step-LLM-stream states and of the CLIP-stream
states (from the model's own frozen text encoder). Video: three causal-free 3D convolutions (the second and
third halve h and w), modulated by the text (FiLM) before pooling over space and time, then an MLP head: a
logit whose sigmoid is the predicted score in [0, 1].

Training data are labelled latents: every chosen and rejected latent of one or more pair sets with its scorer
score (judge verdicts, or votes mapped to scores). Loss: binary cross-entropy on the score (soft label) plus a
Bradley-Terry term on each pair (chosen above rejected). Prompts are split into train and validation
(``val_fraction`` of the prompts, by id hash), and the validation pairwise accuracy is what ``train_reward``
reports. Saved as ``reward.safetensors`` + ``reward.json`` (configuration only: data, nothing to import).

    stepvid dpo reward --pairs pairs/ --out reward/                  # train on the pairs' labels
    stepvid dpo pairs --prompts p.jsonl --out pairs2/ --scorer reward --reward reward/
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from stepvid.dpo.pairs import PairSet, PromptRow, Score, read_pairs

__all__ = ["LatentReward", "RewardConfig", "RewardScorer", "load_reward", "pool_text", "train_reward"]


@dataclass
class RewardConfig:
    latent_channels: int
    text_dim: int
    width: int = 64


class LatentReward(nn.Module):
    def __init__(self, cfg: RewardConfig) -> None:
        super().__init__()
        self.cfg = cfg
        c, w = cfg.latent_channels, cfg.width
        self.convs = nn.ModuleList([nn.Conv3d(c, w, 3, padding=1),
                                    nn.Conv3d(w, w, 3, stride=(1, 2, 2), padding=1),
                                    nn.Conv3d(w, 2 * w, 3, stride=(1, 2, 2), padding=1)])
        self.film = nn.Linear(cfg.text_dim, 4 * w)
        self.head = nn.Sequential(nn.Linear(4 * w + cfg.text_dim, w), nn.SiLU(), nn.Linear(w, 1))

    def forward(self, latents: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """latents [B, F, C, h, w], pooled text [B, D] -> logits [B]."""
        x = latents.transpose(1, 2)
        for conv in self.convs:
            x = F.silu(conv(x))
        scale, shift = self.film(text).chunk(2, dim=-1)
        x = x * (1 + scale[:, :, None, None, None]) + shift[:, :, None, None, None]
        feats = torch.cat([x.mean((2, 3, 4)), x.amax((2, 3, 4))], dim=1)
        return self.head(torch.cat([feats, text], dim=1)).squeeze(-1)


def pool_text(encoder, texts: Sequence[str], device: torch.device | str = "cpu") -> torch.Tensor:
    """[N, D_llm + D_clip]: masked mean of the LLM stream and mean of the CLIP stream of each text."""
    out = []
    for i in range(0, len(texts), 256):
        with torch.no_grad():
            e = encoder.encode(list(texts[i : i + 256]), device=device)
        m = e.llm_mask.to(e.llm.dtype)[..., None]
        llm = (e.llm * m).sum(1) / m.sum(1).clamp(min=1)
        out.append(torch.cat([llm, e.clip.mean(1)], dim=1).float())
    return torch.cat(out)


def _is_val(pid: str, fraction: float) -> bool:
    h = int.from_bytes(hashlib.blake2b(pid.encode(), digest_size=8).digest(), "little")
    return (h % 10_000) < fraction * 10_000


def train_reward(
    pairs: PairSet | Sequence[str | os.PathLike],
    encoder,
    out: str | os.PathLike,
    epochs: int = 20,
    batch_size: int = 32,
    lr: float = 1e-3,
    width: int = 64,
    val_fraction: float = 0.15,
    seed: int = 0,
    device: str | torch.device = "cpu",
    progress: bool = True,
) -> dict:
    """Train :class:`LatentReward` on a pair set's labelled latents; save it to ``out``; return the summary
    (train/validation pairwise accuracy of the scores, i.e. agreement with the scorer's ranking)."""
    from tqdm.auto import tqdm

    from stepvid.video import atomic_path

    ps = pairs if isinstance(pairs, PairSet) else read_pairs(list(pairs))
    ps.preload()
    device = torch.device(device)
    texts = ps.texts
    uniq = list(dict.fromkeys(texts))
    pooled = pool_text(encoder, uniq, device).to(device)
    tid = torch.tensor([uniq.index(t) for t in texts])
    win = torch.stack([ps.get(i)[0] for i in range(len(ps))])
    lose = torch.stack([ps.get(i)[1] for i in range(len(ps))])
    sw = torch.tensor([float(r["chosen"]["score"]) for r in ps.rows])
    sl = torch.tensor([float(r["rejected"]["score"]) for r in ps.rows])
    val = torch.tensor([_is_val(str(r.get("id", r["index"])), val_fraction) for r in ps.rows])
    train_idx = (~val).nonzero().squeeze(1)
    if len(train_idx) == 0:
        raise ValueError(f"reward: no training pairs left after holding out {val_fraction:.0%} of the prompts")
    torch.manual_seed(seed)
    cfg = RewardConfig(int(ps.shape[1]), int(pooled.shape[1]), width)
    model = LatentReward(cfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    g = torch.Generator().manual_seed(seed)

    def logits(idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        t = pooled[tid[idx].to(device)]
        return model(win[idx].to(device), t), model(lose[idx].to(device), t)

    bar = tqdm(range(epochs), desc="reward", unit="epoch", disable=not progress)
    for _ in bar:
        model.train()
        perm = train_idx[torch.randperm(len(train_idx), generator=g)]
        for s in range(0, len(perm), batch_size):
            idx = perm[s : s + batch_size]
            lw, ll = logits(idx)
            loss = (F.binary_cross_entropy_with_logits(lw, sw[idx].to(device))
                    + F.binary_cross_entropy_with_logits(ll, sl[idx].to(device))
                    - F.logsigmoid(lw - ll).mean())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        bar.set_postfix(loss=f"{loss.item():.3f}")

    @torch.no_grad()
    def accuracy(mask: torch.Tensor) -> float | None:
        idx = mask.nonzero().squeeze(1)
        if len(idx) == 0:
            return None
        model.eval()
        lw, ll = logits(idx)
        return float((lw > ll).float().mean())

    summary = {"pairs": len(ps), "train_pairs": int((~val).sum()), "val_pairs": int(val.sum()),
               "train_accuracy": accuracy(~val), "val_accuracy": accuracy(val), "epochs": epochs}
    from safetensors.torch import save_file

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_path(out / "reward.safetensors", keep_suffix=False) as tmp:
        save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, str(tmp))
    with atomic_path(out / "reward.json") as tmp:
        tmp.write_text(json.dumps({"config": asdict(cfg), "summary": summary}, indent=1) + "\n")
    return summary


def load_reward(path: str | os.PathLike, device: str | torch.device = "cpu") -> LatentReward:
    """A saved reward model (``reward.json`` + ``reward.safetensors``; safetensors only)."""
    from safetensors.torch import load_file

    path = Path(path)
    try:
        meta = json.loads((path / "reward.json").read_text())
        cfg = RewardConfig(**meta["config"])
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: not a reward model (no reward.json); train one with `stepvid dpo reward`") from None
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise ValueError(f"{path}/reward.json: not a reward configuration ({e})") from None
    model = LatentReward(cfg)
    sd = load_file(str(path / "reward.safetensors"))
    res = model.load_state_dict(sd, strict=False)
    if res.missing_keys or res.unexpected_keys:
        raise ValueError(f"{path}/reward.safetensors: does not fit reward.json "
                         f"(missing {res.missing_keys[:3]}, unexpected {res.unexpected_keys[:3]})")
    return model.to(device).eval()


@dataclass
class RewardScorer:
    """Ranks candidates with a :class:`LatentReward` on their latents (no decode needed); ``passed`` = score
    >= 0.5. ``encoder``: the text encoder of the model being trained (what the reward model was trained with)."""

    model: LatentReward
    encoder: object
    device: str | torch.device = "cpu"
    name: str = "reward"
    needs_video: bool = False

    def check(self, rows: Sequence[PromptRow]) -> None:
        pass

    @torch.no_grad()
    def submit(self, videos, rows: Sequence[PromptRow], latents: torch.Tensor | None = None) -> Callable[[], list[Score]]:
        if latents is None:
            raise ValueError("the reward scorer ranks latents; none were given")
        texts = [r.prompt for r in rows]  # candidates of one prompt repeat it: encode each text once
        uniq = list(dict.fromkeys(texts))
        pooled = pool_text(self.encoder, uniq, self.device).to(self.device)
        t = pooled[torch.tensor([uniq.index(x) for x in texts], device=self.device)]
        p = torch.sigmoid(self.model(latents.to(self.device, torch.float32), t)).cpu().numpy()
        out = [Score(float(x), bool(x >= 0.5)) for x in np.asarray(p).reshape(-1)]
        return lambda: out

    def close(self) -> None:
        pass
