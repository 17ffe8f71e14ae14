"""The in-repo reference fixtures are verbatim copies of ../shared/reference, within their size budget."""

from __future__ import annotations

import hashlib

import pytest
from conftest import IN_REPO_REFERENCE, SHARED

BUDGET = 2_000_000  # bytes for everything under tests/fixtures/reference


def _sums() -> dict[str, str]:
    lines = (IN_REPO_REFERENCE / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (ln.split(maxsplit=1) for ln in lines if ln.strip())}


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_in_repo_fixtures_match_their_recorded_digests_and_budget():
    sums = _sums()
    assert set(sums) == {"stepvideo_t2v_dit.json", "stepvideo_vae_v2.json", "step_llm.json",
                         "golden/configs.json", "golden/sampler_schedules.json"}
    for name, digest in sums.items():
        assert _sha256(IN_REPO_REFERENCE / name) == digest, name
    files = [p for p in IN_REPO_REFERENCE.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= BUDGET


@pytest.mark.skipif(not (SHARED / "reference").is_dir(), reason="../shared/reference not present")
def test_in_repo_fixtures_are_copies_of_shared():
    for name, digest in _sums().items():
        assert _sha256(SHARED / "reference" / name) == digest, name
