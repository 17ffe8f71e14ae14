"""stepvid.models."""
