"""stepvid.diffusion."""
