"""Where batches of articles are processed: in this process, in a pool of local processes, or on Dask.

Every engine runs the same `process_batch` on each worker: the worker builds the pipeline once, annotates
the batch and writes each article's result files itself, so only small outcomes travel back. The main
process keeps at most a few batches in flight, so input streams through in bounded memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

from .errors import Errors, PipelineError

# (position in batch, error or None, words)
Outcome = list[tuple[int, str | None, int]]


@dataclass(frozen=True)
class Job:
    """What a worker needs to process one batch; everything in it pickles."""

    batch: list[Any]  # [(Article, stem, key)]
    out_dir: str
    options: Any  # RunOptions


_RUNNERS: dict[tuple[str, str], Any] = {}


def process_batch(job: Job) -> Outcome:
    """Process one batch on this worker, building its pipeline on first use (once per worker process)."""
    from .batch import Runner
    from .nlp.build import build_pipeline

    key = (job.out_dir, repr(job.options))
    runner = _RUNNERS.get(key)
    if runner is None:
        runner = _RUNNERS[key] = Runner(build_pipeline(job.options.model), Path(job.out_dir), job.options)
    return runner.process(job.batch)


class Engine(Protocol):
    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class InProcess:
    """One worker: this process, with an already built runner."""

    def __init__(self, runner: Any) -> None:
        self.runner = runner

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]:
        for job in jobs:
            yield job, self.runner.process(job.batch)

    def close(self) -> None:
        pass


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


class LocalPool:
    """N worker processes on this machine. They start fresh (spawn), so each loads the model once."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]:
        def submit(job: Job) -> Future[Outcome]:
            return self.pool.submit(process_batch, job)

        def wait_first(futures: list[Any]) -> Iterable[Any]:
            return wait(futures, return_when=FIRST_COMPLETED).done

        for job, future in _bounded(submit, jobs, 2 * self.workers, wait_first):
            yield job, future.result()

    def close(self) -> None:
        self.pool.shutdown()


class DaskEngine:
    """A Dask distributed cluster: an existing scheduler, or a LocalCluster started here.

    The workers write the per-article files, so the output folder must be on a path that every worker and
    this process see (a shared or network file system).
    """

    def __init__(self, workers: int, scheduler: str | None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:
            raise PipelineError(Errors.E040) from err
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]:
        from distributed import wait as dask_wait

        def submit(job: Job) -> Any:
            # pure=False: two batches with equal content are still two pieces of work.
            return self.client.submit(process_batch, job, pure=False)

        def wait_first(futures: list[Any]) -> Iterable[Any]:
            return dask_wait(futures, return_when="FIRST_COMPLETED").done

        for job, future in _bounded(submit, jobs, 2 * self.workers, wait_first):
            yield job, future.result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
