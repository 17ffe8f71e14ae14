"""stepvid.serve."""
