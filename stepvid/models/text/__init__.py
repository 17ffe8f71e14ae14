"""Text encoders behind one interface (:class:`TextEncoder` → :class:`TextEmbeddings`).

The released pair is :class:`StepVideoTextEncoder` (Step-LLM + Hunyuan-CLIP). transformers and
sentencepiece (the ``stepvid[text]`` extra) are imported only when an encoder is loaded.
"""

from stepvid.models.text.base import TextEmbeddings, TextEncoder
from stepvid.models.text.hunyuan_clip import HunyuanCLIP
from stepvid.models.text.step_llm import STEP_LLM_PRESETS, StepLLM, StepLLMConfig
from stepvid.models.text.step_tokenizer import StepTokenizer
from stepvid.models.text.step_video import StepVideoTextEncoder, load_step_llm

__all__ = [
    "STEP_LLM_PRESETS",
    "HunyuanCLIP",
    "StepLLM",
    "StepLLMConfig",
    "StepTokenizer",
    "StepVideoTextEncoder",
    "TextEmbeddings",
    "TextEncoder",
    "load_step_llm",
]
