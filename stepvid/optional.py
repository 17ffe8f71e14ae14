"""Optional dependencies: import one, or fail with the pip command that installs it."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingDependency(ImportError):
    """An optional package is not installed; the message says which extra provides it."""


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependency` naming ``purpose`` and ``pip install 'stepvid[extra]'``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependency(
            f"{purpose} needs the optional package {module.split('.')[0]}: pip install 'stepvid[{extra}]'"
        ) from exc
