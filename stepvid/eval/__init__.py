"""Evaluation: the official Step-Video-T2V-Eval prompt set (``stepvid.eval.benchmark``), offline video metrics
(``stepvid.eval.metrics``), the benchmark runner writing eval folders (``stepvid.eval.runner``) and their
summary and HTML report (``stepvid.eval.report``); the command is ``stepvid eval`` (``stepvid.eval.cli``)."""
