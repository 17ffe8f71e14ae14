"""stepvid.train."""
