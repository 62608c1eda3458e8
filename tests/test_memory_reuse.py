"""A batch run asks glibc to keep the memory it frees between batches (`pipeline.util.keep_freed_memory`).

What glibc then does with it (no page faults for the next batch) is the allocator's business, measured in
benchmarks/README.md; these tests check our part: which settings are asked for, and that every process that
runs batches asks for them. The C library is replaced by a recorder at its source, `ctypes.CDLL`.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

from pipeline.batch import RunOptions
from pipeline.batch.worker import Runner
from pipeline.util import M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, keep_freed_memory


class Libc:
    """A C library that records its `mallopt` calls; with `glibc=False` it is one without glibc's symbols."""

    def __init__(self, *, glibc: bool = True) -> None:
        self.calls: list[tuple[int, int]] = []
        if glibc:
            self.gnu_get_libc_version = lambda: b"2.36"

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append((param, value))
        return 1


@pytest.fixture
def libc(monkeypatch: pytest.MonkeyPatch) -> Libc:
    recorder = Libc()
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name, *args, **kwargs: recorder)
    return recorder


def test_freed_memory_is_kept_up_to_a_gib_and_large_arrays_stay_on_the_heap(libc: Libc) -> None:
    assert keep_freed_memory()
    # The trim threshold must hold a batch's arrays (tens of MB); the mmap threshold keeps arrays up to glibc's
    # limit (32 MiB) on the heap, where freed memory is reused, instead of in mappings of their own.
    assert libc.calls == [(M_TRIM_THRESHOLD, 1 << 30), (M_MMAP_THRESHOLD, 32 << 20)]
    assert (M_TRIM_THRESHOLD, M_MMAP_THRESHOLD) == (-1, -3)  # glibc's malloc.h


def test_no_setting_where_the_c_library_is_not_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    musl = Libc(glibc=False)  # musl has a mallopt that ignores these parameters
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name, *args, **kwargs: musl)
    assert not keep_freed_memory()
    assert musl.calls == []


def test_every_process_that_runs_batches_keeps_freed_memory(libc: Libc, tmp_path: Path) -> None:
    # The run's own process and spawned or Dask workers each make a Runner; forked workers inherit the
    # settings of the process they are forked from, which made its Runner first.
    Runner(None, tmp_path, RunOptions())
    assert (M_TRIM_THRESHOLD, 1 << 30) in libc.calls and (M_MMAP_THRESHOLD, 32 << 20) in libc.calls
