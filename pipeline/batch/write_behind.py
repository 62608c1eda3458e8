"""Each article's files written on a thread while the next batch is annotated, or the next chunk of the
corpus tables is made.

Writing a file is system calls (create, write, rename), during which a thread holds no GIL, so a thread can
write one batch's files on a second core while the model works on the next batch. Only in the run's own
process (`--workers 1`) when no child runs the last stages (`pipeline.batch.second_core`, which writes the
files itself): it waits for every write before the corpus tables are built from the results. A
worker of a pool or of Dask writes its files before it reports a batch done, because the run reads them as
soon as it hears so.

The order of the files does not change: an article's text, then its result file, which marks it done, so
a run killed at any moment still leaves only complete articles. At the end of a run, the article tables
(`articles/<stem>.csv`) go through a writer too, while the run validates and writes the next chunk.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from ..tables.output import atomic_write_bytes

Files = list[tuple[Path, bytes]]
# Batches waiting to be written: enough to keep the thread busy, few enough that memory stays flat.
QUEUED_BATCHES = 2


class WriteBehind:
    """A thread that writes batches of files in the order they are given."""

    def __init__(self, *, unless_same: bool = False) -> None:
        self.unless_same = unless_same  # leave a file that holds these bytes already as it is
        self.queue: queue.Queue[Files | None] = queue.Queue(maxsize=QUEUED_BATCHES)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._write, name="write-behind", daemon=True)
        self.thread.start()

    def put(self, files: Files) -> None:
        """Queue one batch's files; raises the error of an earlier write (a full disk), if any."""
        self._raise()
        self.queue.put(files)

    def close(self, *, raise_error: bool = True) -> None:
        """Wait until every queued file is written and end the thread; raise a write's error, if any."""
        self.queue.put(None)
        self.thread.join()
        if raise_error:
            self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _write(self) -> None:
        while (files := self.queue.get()) is not None:
            if self.error is not None:
                continue  # after a failed write, nothing more: the run stops at its next batch
            try:
                for path, data in files:
                    if not (self.unless_same and holds(path, data)):
                        atomic_write_bytes(path, data)
            except BaseException as err:  # raised in the run's thread, by `put` or `close`
                self.error = err


def holds(path: Path, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data`."""
    try:
        return path.read_bytes() == data
    except OSError:
        return False
