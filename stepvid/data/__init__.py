"""stepvid.data."""
