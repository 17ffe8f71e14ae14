"""stepvid.world: a synthetic bilingual video world (scene specs, renderer, captions) and its exact judge.

Public API::

    from stepvid.world import SceneSpec, ObjectSpec, sample_scene, render_video, render_image
    from stepvid.world import caption, parse_prompt, CannotJudge, judge, is_heldout
    from stepvid.world import natural_caption      # people's phrasings + the exact Request (phrasing.py)
"""

from stepvid.world.captions import all_captions, caption, request_from_spec
from stepvid.world.judge import JudgeResult, analyze, judge, judge_batch
from stepvid.world.parser import Parse, parse_prompt, parse_prompt_verbose
from stepvid.world.phrasing import natural_caption
from stepvid.world.render import render_image, render_video
from stepvid.world.request import CannotJudge, GroupRequest, Request
from stepvid.world.scene import ObjectSpec, SceneSpec, is_heldout, sample_scene

__all__ = [
    "CannotJudge",
    "GroupRequest",
    "JudgeResult",
    "ObjectSpec",
    "Parse",
    "Request",
    "SceneSpec",
    "all_captions",
    "analyze",
    "caption",
    "is_heldout",
    "judge",
    "judge_batch",
    "natural_caption",
    "parse_prompt",
    "parse_prompt_verbose",
    "render_image",
    "render_video",
    "request_from_spec",
    "sample_scene",
]
