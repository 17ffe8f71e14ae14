"""Video-DPO (report §4): preference pairs from the model's own samples, and preference training against a
frozen reference (``stepvid.dpo.pairs``, ``stepvid.dpo.trainer``; the loss is ``stepvid.diffusion.flow.dpo_loss``)."""
