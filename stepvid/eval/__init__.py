"""stepvid.eval."""
