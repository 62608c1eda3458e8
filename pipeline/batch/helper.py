"""A forked helper process: one piece of the end of a run, done on a second core while this process does another.

The corpus tables are written after the last article, when the workers are done and the cores are free; the
helper writes some of them while the run's own process writes the others. It is forked, so it starts at once
with everything the run has built (the corpus identity, the gazetteer), and it ends with its parent: the kernel
kills it when the parent dies (PR_SET_PDEATHSIG), and the parent kills it when it stops early (a signal, an
error). Its result or its exception comes back pickled through a pipe.

Only where forking is safe: on Linux, and while this process runs no other thread (a thread holding a lock at
the fork would leave that lock held forever in the child). Elsewhere `start` returns None and the caller does
the work itself; the output is the same either way.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from ..util import die_with_parent

T = TypeVar("T")


class Gone(Exception):
    """The helper ended without a result (killed, out of memory): its work is still to do."""


class ForkedHelper(Generic[T]):
    """`work()` running in a forked child; `result()` waits for it."""

    def __init__(self, work: Callable[[], T]) -> None:
        parent = os.getpid()
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        # The objects made so far out of the garbage collector's sight until the helper is done: a collection
        # touches every object it tracks, which would copy each page that the two processes still share.
        gc.freeze()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            os.close(read_end)
            _child(work, write_end, parent)
        os.close(write_end)
        self.pipe = os.fdopen(read_end, "rb")

    def result(self) -> T:
        """The helper's result; its exception raised here; `Gone` if it ended without either."""
        try:
            data = self.pipe.read()
        finally:
            self.pipe.close()
            os.waitpid(self.pid, 0)
            gc.unfreeze()
        if not data:
            raise Gone
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    def kill(self) -> None:
        """End the helper now and reap it (the run stops early)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self.pipe.close()
        gc.unfreeze()


def can_fork() -> bool:
    """Whether a helper may be forked now: Linux, and no other thread in this process."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def start(work: Callable[[], T]) -> ForkedHelper[T] | None:
    """`work` in a forked helper, or None where forking is not safe (then the caller does it)."""
    return ForkedHelper(work) if can_fork() else None


def _child(work: Callable[[], object], pipe: int, parent: int) -> None:
    code = 1
    try:
        die_with_parent(parent)
        try:
            message: tuple[bool, object] = (True, work())
        except BaseException as err:
            message = (False, err)
        try:
            data = pickle.dumps(message)
        except Exception as err:
            data = pickle.dumps((False, RuntimeError(f"{type(err).__name__}: {err}")))
        with os.fdopen(pipe, "wb") as f:
            f.write(data)
        code = 0
    finally:
        # No cleanup of the parent's (atexit handlers, buffered output, the run's temporary files) may run here.
        os._exit(code)
