"""stepvid.world."""
