"""stepvid.models.text."""
