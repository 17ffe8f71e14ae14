"""Evaluation: the official Step-Video-T2V-Eval prompt set (``stepvid.eval.benchmark``)."""
