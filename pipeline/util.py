"""Small things that several subpackages share: the version, where the package lives, reading text files."""

from __future__ import annotations

import ctypes
import gzip
import os
import signal
import sys
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TextIO

try:
    # The one version string is in pyproject.toml; the installed package's metadata carries it.
    VERSION = version("de-entities")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    VERSION = "0+unknown"

PACKAGE_DIR = Path(__file__).parent
CONFIGS_DIR = PACKAGE_DIR / "configs"


def open_text(path: Path) -> TextIO:
    """Open a UTF-8 text file for reading, transparently decompressing `.gz`."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system reports one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def share_cores(workers: int) -> None:
    """Process-pool initializer: give each of `workers` processes its share of the cores for BLAS.

    The accurate model's encoder is matrix products; N processes that each start one BLAS thread per core
    oversubscribe the machine and run slower than one. (Dask's workers get the same limit from Dask.)
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=max(1, available_cores() // workers))


# mallopt(3) parameters of glibc, and the values a batch run sets (see `keep_freed_memory`).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
TRIM_THRESHOLD = 1 << 30  # free memory at the top of the heap that glibc keeps instead of returning it
MMAP_THRESHOLD = 32 << 20  # allocations above this get their own mapping (glibc's upper limit)


def keep_freed_memory() -> bool:
    """Let this process reuse the memory it frees between batches instead of handing it back to the system.

    Each batch allocates and frees tens of MB of arrays. By default glibc returns them to the kernel and
    takes them back, zero-filled, page by page, for the next batch, a cost measured in benchmarks/README.md
    (issue 14). With these settings the heap stays at the size of the largest batch. Only where the C library
    is glibc; returns whether the settings were made.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 -- musl has a mallopt that ignores these parameters
        return bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) and libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):
        return False


# prctl(2) option: the signal this process gets when the thread that started it ends.
PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Make this worker process end as soon as its parent (the run's main process) is gone.

    A worker that outlived a killed run would go on writing its batches into the output folder while the
    user starts the run again. On Linux the kernel sends SIGKILL when the parent dies (PR_SET_PDEATHSIG);
    elsewhere a daemon thread checks the parent once a second. Either way, a parent that died before this
    call is caught by the check of `getppid`.
    """
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent_pid:
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="watch-parent").start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os._exit(1)


def init_worker(workers: int, parent_pid: int) -> None:
    """Process-pool initializer: end with the parent, leave Ctrl-C to the parent, share the cores.

    Ctrl-C in a terminal signals the whole process group; the main process alone decides how the run stops
    (it cancels the queued batches and ends the workers), so a worker ignores SIGINT.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the run's SIGTERM handler, which would make it act as the run; it just ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent_pid)
    share_cores(workers)
