"""Shared pytest fixtures: reference/golden fixture folders and the torch thread policy.

Reference material comes from ``$STEPVID_SHARED/reference`` (default ``../shared/reference``) when that folder
exists, else from the verbatim subset shipped in ``tests/fixtures/reference`` (provenance in its README), so
the key-manifest and sampler-schedule parity tests run from a plain clone. The golden DiT / VAE forward
passes come from both sources (``golden_case`` fixture, tests/golden.py): the shared recordings where ../shared is
present (skipped otherwise, saying so) and the smaller in-repo recordings always.

CPU bf16: ``STEPVID_CPU_BF16=0`` unless set (see pytest_configure).

Threads: the session runs torch with ``STEPVID_TEST_THREADS`` intra-op threads, else ``OMP_NUM_THREADS``, else
1, and exports that count as OMP_NUM_THREADS / MKL_NUM_THREADS to the subprocesses tests start (CLI runs,
torchrun). One thread is the default because the test tensors are small and CI runs on two shared cores, where
a second spinning OpenMP thread costs 2x the CPU time and 2.5x the wall time. Results must not depend on the
count (tolerances: tests/numerics.py); run e.g. ``STEPVID_TEST_THREADS=4 python -m pytest`` to check.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from golden import SOURCES, GoldenCase, load_case

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STEPVID_SHARED", REPO.parent / "shared"))
IN_REPO_REFERENCE = Path(__file__).resolve().parent / "fixtures" / "reference"
THREADS = int(os.environ.get("STEPVID_TEST_THREADS") or os.environ.get("OMP_NUM_THREADS") or 1)


def reference_root() -> Path:
    """../shared/reference when present, else the in-repo subset."""
    shared = SHARED / "reference"
    return shared if shared.is_dir() else IN_REPO_REFERENCE


def pytest_configure(config: pytest.Config) -> None:
    torch.set_num_threads(THREADS)
    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(THREADS)
    # `stepvid generate` runs bf16 on CPUs with native bf16: the suite pins fp32 so its numbers (and the CLI runs
    # it compares with in-process pipelines) do not depend on the machine; tests of the switch set it themselves.
    os.environ.setdefault("STEPVID_CPU_BF16", "0")


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [f"stepvid: reference fixtures from {reference_root()}; torch threads {torch.get_num_threads()}"]


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Architecture spec key manifests (stepvideo_t2v_dit.json, stepvideo_vae_v2.json, step_llm.json)."""
    return reference_root()


@pytest.fixture(scope="session")
def golden_dir() -> Path:
    """Recorded inputs/outputs of the official code (configs.json, sampler_schedules.json, ...)."""
    return reference_root() / "golden"


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory) -> Path:
    """A tiny random model folder in the official layout (seed 0), shared read-only by the test files: tests
    that change a model folder copy it first."""
    from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint

    return write_tiny_checkpoint(tmp_path_factory.mktemp("tiny"), seed=0).root


@pytest.fixture(params=SOURCES)
def golden_case(request):
    """``golden_case(kind)``: the recorded official DiT ('dit') or VAE ('vae') forward pass, once per source:
    ``shared`` (skipped without ../shared/reference/golden) and ``in-repo`` (tests/fixtures/reference/golden)."""
    source = request.param
    folder = SHARED / "reference" / "golden" if source == "shared" else IN_REPO_REFERENCE / "golden"

    def get(kind: str) -> GoldenCase:
        if source == "shared" and not (folder / f"{kind}_tiny_weights.safetensors").is_file():
            pytest.skip(f"{folder}/{kind}_tiny_weights.safetensors not present (set STEPVID_SHARED); the in-repo "
                        "case covers the same code")
        return load_case(kind, source, folder)

    return get
