"""The pipeline's last stages and each article's files, in a forked process on the second core.

With one worker (`--workers 1`) the model runs on one core: its matrix products are single-threaded, and a
thread beside it gains nothing, since the stages after the model (`canonical`, `tables`) are Python and
would hold the GIL. So this process runs the pipeline up to the model's last component on a batch, and a
forked child runs the last stages on that batch, assembles each article's result and writes its files,
while this process runs the model on the next batch. A doc travels as plain data and the child makes it
again from the same words (`pipeline.batch.packed`), so that the stages see what they would have seen here.

Only where it is safe and helps: Linux (fork), two cores or more, no other thread in this process, and a
pipeline whose last stages read nothing that a packed doc leaves behind (`packed.last_stages`). Elsewhere the run does
everything here, with the same output.

The child ends with its parent (PR_SET_PDEATHSIG), ignores Ctrl-C (the parent decides how a run stops) and
is killed when the run stops early. If it dies on its own (killed, out of memory), the batches it had are
done again in this process: its files are written atomically, so a batch it left half done is only
written again with the same bytes.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import chain, islice
from multiprocessing.connection import Connection, Pipe

from spacy.tokens import Doc

from ..util import available_cores, die_with_parent
from .packed import ModelPart, last_stages, unpack
from .worker import ArticleResult, Job, Outcome, Runner, assemble


def possible() -> bool:
    """Whether a child may be forked now and has a core of its own: Linux, two cores, no other thread."""
    return sys.platform.startswith("linux") and available_cores() >= 2 and threading.active_count() == 1


class Gone(Exception):
    """The child ended without answering (killed, out of memory)."""


class SecondCore:
    """A forked child that runs `runner`'s last stages on a batch and writes its files; one batch at a time.

    The two sides take turns on the pipe (a batch goes out only once the last one's outcome is in), so
    neither can block on a full pipe while the other does too.
    """

    def __init__(self, runner: Runner, stages: list[str]) -> None:
        parent = os.getpid()
        self.conn, child_conn = Pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        # The objects made so far out of the garbage collector's sight: a collection touches every object it
        # tracks, which would copy each page the two processes share.
        gc.freeze()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            self.conn.close()
            _child(runner, stages, child_conn, parent)
        child_conn.close()

    def send(self, job: Job, texts: list[str], parts: list[ModelPart]) -> None:
        try:
            self.conn.send((job, texts, parts))
        except OSError as err:
            raise Gone from err

    def receive(self) -> Outcome:
        """The outcome of the batch sent last; its exception (a full disk) raised here; `Gone` if none came."""
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError) as err:
            raise Gone from err
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Tell the child to end, and wait for it."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self._reap()

    def kill(self) -> None:
        """End the child now (the run stops early, or it failed)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.conn.close()
        gc.unfreeze()


def _child(runner: Runner, stages: list[str], conn: Connection, parent: int) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        die_with_parent(parent)
        runner.write_behind = False  # the files are written here, before the outcome says they are
        components: list[Callable[[Doc], Doc]] = [runner.nlp.get_pipe(name) for name in stages]
        while (message := conn.recv()) is not None:
            job, texts, parts = message
            try:
                results = runner.in_zone(partial(finish_all, runner, components, texts, parts))
                answer: tuple[bool, object] = (True, runner.finish(job, results))
            except Exception as err:
                answer = (False, err)
            conn.send(answer)
        code = 0
    except EOFError:
        code = 0  # the parent is gone
    finally:
        # No cleanup of the parent's (atexit handlers, buffered output, the run's temporary files) may run here.
        os._exit(code)


def finish_all(
    runner: Runner, components: list[Callable[[Doc], Doc]], texts: list[str], parts: list[ModelPart]
) -> list[ArticleResult | Exception]:
    return [finish(runner, components, text, part) for text, part in zip(texts, parts, strict=True)]


def finish(
    runner: Runner, components: list[Callable[[Doc], Doc]], text: str, part: ModelPart
) -> ArticleResult | Exception:
    """One article's result from its packed docs: the last stages, then the rows as `Runner.annotate` makes
    them; the exception of the model or of a stage instead, as `Runner.annotate` gives it."""
    if isinstance(part, Exception):
        return part
    try:
        docs = []
        for _, packed in part:
            doc = unpack(runner.nlp, packed)
            for component in components:
                doc = component(doc)
            docs.append(doc)
        return assemble([text], [(0, offset, "") for offset, _ in part], docs)[0]
    except Exception as err:
        return err


def pipelined(
    runner: Runner, jobs: Iterable[Job], *, before_last: Callable[[], object] = lambda: None
) -> Iterator[tuple[Job, Outcome]]:
    """Each job's outcome, the last stages of one batch in the child while the model runs on the next.

    Falls back to `runner.process` for every job when no child can be used or there is one job only, and for
    the jobs a child had when it died. `before_last` is called while the child does the last batch, when
    this process would only wait.
    """
    jobs = iter(jobs)
    first = list(islice(jobs, 2))
    if len(first) < 2:
        # One batch: nothing to do beside it, so a child would only cost its start.
        for job in first:
            yield job, runner.process(job)
        return
    jobs = chain(first, jobs)
    child: SecondCore | None = None
    waiting: Job | None = None  # the job at the child
    stages: list[str] | None = None
    try:
        for job in jobs:
            if stages is None:
                stages = last_stages(runner.nlp)
                child = SecondCore(runner, stages) if stages and possible() else None
            if child is None:
                yield job, runner.process(job)
                continue
            texts, parts = runner.model_part(job, stages)
            try:
                if waiting is not None:
                    outcome = child.receive()
                    done, waiting = waiting, None
                    yield done, outcome
                child.send(job, texts, parts)
                waiting = job
            except Gone:
                # The child died: this process does its batch and the one it was given, and goes on alone.
                child.kill()
                child = None
                for lost in (waiting, job):
                    if lost is not None:
                        yield lost, runner.process(lost)
                waiting = None
        if child is not None and waiting is not None:
            before_last()
            try:
                outcome = child.receive()
            except Gone:
                child.kill()
                child = None
                outcome = runner.process(waiting)
            done, waiting = waiting, None
            yield done, outcome
    finally:
        if child is not None:
            if waiting is None:
                child.close()
            else:
                child.kill()  # stopped early: the batch it had is done again by the next run
