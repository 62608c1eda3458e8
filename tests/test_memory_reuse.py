"""A batch run keeps the memory it frees between batches (glibc), instead of faulting it in again each time."""

from __future__ import annotations

import subprocess
import sys

import pytest

# A batch's pattern: six 8 MB arrays held together, then all freed; ten batches. Prints the page faults.
PROBE = """
import resource, sys
import numpy
from pipeline.util import keep_freed_memory
if sys.argv[1] == "tuned":
    assert keep_freed_memory()
def batch():
    arrays = [numpy.ones(1 << 20) for _ in range(6)]
    del arrays
for _ in range(3):
    batch()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    batch()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def page_faults(mode: str) -> int:
    result = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True)
    return int(result.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux only")
def test_freed_memory_is_reused_without_page_faults() -> None:
    default, tuned = page_faults("default"), page_faults("tuned")
    # By default glibc returns much of the 48 MB to the system after each batch (30,000 faults seen here).
    assert default > 10_000
    assert tuned < default / 10
