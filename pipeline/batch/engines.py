"""Where batches of articles are processed: in this process, in a pool of local processes, or on Dask.

An engine is given a plain function from a `Job` to its `Outcome`: in this process, a runner's `process`;
in other processes, `worker.process_batch`, which builds the pipeline once per worker. The main process
keeps at most a few batches in flight, so input streams through in bounded memory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from functools import partial
from itertools import chain, islice
from multiprocessing import active_children, get_context
from multiprocessing.context import BaseContext
from typing import Any, Protocol

from ..errors import Errors, PipelineError
from ..util import available_cores, init_worker
from .options import RunOptions
from .worker import Job, Outcome, process_batch

Process = Callable[[Job], Outcome]
Stream = Callable[[Iterable[Job]], Iterator[tuple[Job, Outcome]]]


class Engine(Protocol):
    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]: ...

    def close(self) -> None:
        """Wait for the running batches, then end the workers."""

    def stop(self) -> None:
        """End the workers now, dropping queued and running batches (the run was interrupted)."""


def default_workers() -> int:
    return available_cores()


class InProcess:
    """One worker: this process, with a pipeline it has built already.

    With `stream` (`pipeline.batch.second_core.pipelined`), the jobs go through it instead of one by one
    through `process`: it runs the pipeline's last stages in a child on the second core.
    """

    def __init__(self, process: Process, stream: Stream | None = None) -> None:
        self.process = process
        self.stream = stream
        self.running: Iterator[tuple[Job, Outcome]] | None = None

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]:
        if self.stream is None:
            for job in jobs:
                yield job, self.process(job)
            return
        self.running = self.stream(jobs)
        yield from self.running

    def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        # Ending the stream ends its child: killed if it still had a batch, which the next run does again.
        if self.running is not None:
            self.running.close()  # type: ignore[attr-defined]
            self.running = None


def _bounded(
    submit: Callable[[Job], Any], jobs: Iterable[Job], limit: int, wait_first: Callable[[list[Any]], Iterable[Any]]
) -> Iterator[tuple[Job, Any]]:
    """Submit jobs keeping at most `limit` in flight; yield (job, finished future) as they complete.

    `wait_first` blocks until at least one of the given futures is done and returns the done ones; it is
    the only part that differs between concurrent.futures and Dask.
    """
    pending: dict[Any, Job] = {}
    for job in jobs:
        pending[submit(job)] = job
        while len(pending) >= limit:
            for future in wait_first(list(pending)):
                yield pending.pop(future), future
    while pending:
        for future in wait_first(list(pending)):
            yield pending.pop(future), future


# The `here` function of each forking pool, by pool; a forked worker finds its pool's entry in its copy.
_INHERITED: dict[int, Process] = {}


def _call_inherited(pool: int, job: Job) -> Outcome:
    return _INHERITED[pool](job)


def fork_workers() -> bool:
    """Whether pool workers are forked from this process: on Linux, where fork is safe and cheap.

    Forked workers share the pipeline that this process has built already (copy-on-write), so they start at
    once instead of each importing spaCy and loading the model; macOS and Windows spawn fresh processes.
    """
    return sys.platform == "linux"


class LocalPool:
    """N worker processes on this machine, forked from this process (Linux) or started fresh (spawn).

    The workers are forked at the first batch, before this process starts any thread of the pool (see
    `ProcessPoolExecutor`), so no worker inherits a lock held by another thread. A run of a single batch is
    processed here, without a pool.
    """

    def __init__(
        self, process: Process, workers: int, *, here: Process, prepare: Callable[[], object] = lambda: None
    ) -> None:
        self.workers = workers
        self.here = here
        self.prepare = prepare
        context: BaseContext = get_context("fork" if fork_workers() else "spawn")
        if fork_workers():
            _INHERITED[id(self)] = here
            self.process: Callable[[Job], Outcome] = partial(_call_inherited, id(self))
        else:
            self.process = process
        self.pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=init_worker, initargs=(workers, os.getpid())
        )

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]:
        jobs = iter(jobs)
        first = list(islice(jobs, 2))
        if len(first) < 2:
            # One batch: starting workers would cost more than it saves.
            for job in first:
                yield job, self.here(job)
            return
        if fork_workers():
            self.prepare()

        def submit(job: Job) -> Future[Outcome]:
            return self.pool.submit(self.process, job)

        def wait_first(futures: list[Any]) -> Iterable[Any]:
            return wait(futures, return_when=FIRST_COMPLETED).done

        for job, future in _bounded(submit, chain(first, jobs), 2 * self.workers, wait_first):
            yield job, future.result()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
        _INHERITED.pop(id(self), None)

    def stop(self) -> None:
        """End the run now (a signal): drop the queued batches and end the workers in the middle of theirs.

        Every file a worker writes is renamed into place only when complete, so ending one mid-batch loses
        only that batch's unfinished articles, which the next run does again.
        """
        # The executor has no public way to end busy workers; its processes are the pool's children
        # (taken before the shutdown, which forgets them).
        workers = list((getattr(self.pool, "_processes", None) or {}).values()) or active_children()
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in workers:
            process.terminate()
        for process in workers:
            process.join(timeout=10)
        self.pool.shutdown(wait=True)
        _INHERITED.pop(id(self), None)


class DaskEngine:
    """A Dask distributed cluster: an existing scheduler, or a LocalCluster started here.

    A LocalCluster's worker processes already end with this process (Dask's own processes watch their
    parent); tests/test_run.py kills a run on each engine to hold both to that.

    The workers write the per-article files, so the output folder must be on a path that every worker and
    this process see (a shared or network file system).
    """

    def __init__(self, process: Process, workers: int, scheduler: str | None) -> None:
        self.process = process
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:
            raise PipelineError(Errors.E040) from err
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            # The scheduler serves HTTP even without a dashboard; a free port (":0"), not 8787, so that two runs
            # (or another Dask user) on one machine do not collide.
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]:
        from distributed import wait as dask_wait

        def submit(job: Job) -> Any:
            # pure=False: two batches with equal content are still two pieces of work.
            return self.client.submit(self.process, job, pure=False)

        def wait_first(futures: list[Any]) -> Iterable[Any]:
            return dask_wait(futures, return_when="FIRST_COMPLETED").done

        for job, future in _bounded(submit, jobs, 2 * self.workers, wait_first):
            yield job, future.result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def stop(self) -> None:
        self.close()


def make_engine(
    options: RunOptions,
    *,
    here: Process,
    prepare: Callable[[], object] = lambda: None,
    stream: Stream | None = None,
) -> Engine:
    """The engine the options ask for; one local worker is this process, running `here` (or `stream`).

    `prepare` builds this process's pipeline; forked workers call it before the fork, to share the result.
    """
    if options.engine == "dask":
        return DaskEngine(process_batch, options.workers, options.scheduler)
    if options.engine != "local":
        raise PipelineError(Errors.E041.format(engine=options.engine))
    if options.workers <= 1:
        return InProcess(here, stream)
    return LocalPool(process_batch, options.workers, here=here, prepare=prepare)
