"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STEPVID_SHARED", REPO.parent / "shared"))
REFERENCE = SHARED / "reference"
GOLDEN = REFERENCE / "golden"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """../shared/reference (architecture spec, key manifests); tests using it skip when it is absent."""
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference not present")
    return REFERENCE


@pytest.fixture(scope="session")
def golden_dir() -> Path:
    """../shared/reference/golden: recorded inputs/outputs of the official code, for parity tests."""
    if not GOLDEN.is_dir():
        pytest.skip("../shared/reference/golden not present")
    return GOLDEN
