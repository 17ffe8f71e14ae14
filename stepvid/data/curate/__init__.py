"""Data curation (report §6): shot splitting, per-clip tags, captions, concept balancing and filtering.

Each stage is a small function over manifest rows; ``engine.run_curation`` chains them over many videos
with resumable per-input shards. ``stepvid curate --help`` is the command-line door.
"""

from stepvid.data.curate.config import CurateConfig
from stepvid.data.curate.expr import FilterError, compile_filter
from stepvid.data.curate.split import detect_boundaries, split_video

__all__ = ["CurateConfig", "FilterError", "compile_filter", "detect_boundaries", "split_video"]
