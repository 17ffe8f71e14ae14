"""configure_cpu_allocator: glibc keeps freed big blocks for reuse (no fresh page faults for the next tensor of the
same size), and it stands aside when the user tunes malloc. Each case runs in a fresh interpreter: the setting is
process-wide and must not leak into the test process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

_PROBE = r"""
import resource, sys, torch
from stepvid.runtime import configure_cpu_allocator
tuned = configure_cpu_allocator() if sys.argv[1] == "1" else None
def fill(mib):  # a tensor written through: 256 pages of 4 KiB per MiB
    torch.empty(mib << 18).fill_(1.0)
fill(64)  # the first one always faults its pages in
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
fill(60)  # a little smaller: fits the freed block with the allocator's alignment slack (64 bytes)
print(tuned, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None, reason="glibc only"
)


def _probe(tune: bool, **env: str) -> tuple[str, int]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    out = subprocess.run([sys.executable, "-c", _PROBE, "1" if tune else "0"], env=clean | env, text=True,
                         capture_output=True, check=True).stdout.split()
    return out[0], int(out[1])


@glibc
def test_freed_big_blocks_are_reused_without_page_faults():
    tuned, faults = _probe(True)
    untuned, faults_default = _probe(False)
    assert tuned == "True" and untuned == "None"
    assert faults_default > 8_000  # a fresh mapping per tensor: its 15,360 pages fault in again
    assert faults < 1_000  # the freed heap block is reused


@glibc
@pytest.mark.parametrize("env", [{"MALLOC_ARENA_MAX": "2"}, {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=0"},
                                 {"STEPVID_MALLOC_TUNE": "0"}])
def test_user_malloc_settings_win(env):
    assert _probe(True, **env)[0] == "False"
