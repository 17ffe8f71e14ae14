"""stepvid: an open, complete implementation of the Step-Video-T2V system (arXiv 2502.10248)."""

__version__ = "0.1.0"
