"""Worker processes end with the process that started them, however it ends.

A pool worker waits for work on a pipe that it holds both ends of, so it does not notice when the process
that started it is killed (SIGKILL gives that process no chance to stop its pool). On Linux the kernel
sends the worker SIGKILL when its parent dies (PR_SET_PDEATHSIG); a write it had begun is left as a
temporary file, which the next run removes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

from ..util import share_cores

PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies; exit now if it has died already."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def start_worker(workers: int, parent: int) -> None:
    """Pool initializer: end with the parent, and take this worker's share of the cores for BLAS."""
    end_with_parent(parent)
    share_cores(workers)
