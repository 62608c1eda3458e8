"""The batch run: a corpus of German articles in, entity tables per article and for the corpus out.

`run()` is the plain function behind `de-entities run`; notebooks call it too. It reads the input, gives each
article its slot, hands batches to an engine whose workers write each article's result (see `worker`), and at
the end rebuilds the corpus tables from those results. So a run killed at any moment and started again ends
with the same tables as an uninterrupted one, and a rerun skips every article whose text and model are unchanged.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import logging
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..errors import Errors, OutputError, PipelineError, UsageError, Warnings
from ..invalidation import TablesDigest, known_fingerprint
from ..names.lexicon import lexicon_stamp
from ..nlp.build import PIPELINE_CONFIG
from ..places.gazetteer import places_stamp
from ..tables.output import BOM, atomic_write_text, restore
from ..util import VERSION
from .collect import NamesInOrder
from .corpus_tables import warm_up, write_corpus_tables
from .engines import fork_workers, make_engine
from .folder import LOCK_NAME, FolderLock, sweep_temporary
from .options import Interrupted, RunOptions, RunSummary
from .readers import FORMATS, Article, ReadStats, check_inputs, read_records
from .reuse import forget_tables, last_speed, model_meta, model_stamp, previous_run, tables_in_place
from .second_core import pipelined
from .slots import SlotSpool, assign_slots
from .worker import Job, Pending, Runner, article_key, entity_names

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


def run(
    inputs: Sequence[str | Path],
    out_dir: Path | str,
    *,
    options: RunOptions | None = None,
    nlp: Language | None = None,
    progress: ProgressCallback | None = None,
) -> RunSummary:
    """Extract the entities of every input article and write the tables to `out_dir`.

    Args:
        inputs: `.txt` files, folders (searched recursively), JSONL or CSV/TSV files, or `-` for JSONL on stdin.
        out_dir: the output folder; it is created if needed, and reused incrementally.
        options: model, `force`, `excel`, batch size and how to read JSONL/CSV fields.
        nlp: an already built pipeline (from `build_pipeline`); by default one is built from `options.model`.
        progress: called with (articles done, words done) after each batch.

    Returns:
        The counts and speed; `summary.exit_code` is 0 if every article succeeded, else 1.

    Raises:
        UsageError: an input is missing or of a format that is not read [E080, E081], `out_dir` is a file
            [E082], the model is unknown [E001]; raised before anything is created.
        OutputError: another run holds `out_dir` [E070], or a write failed (disk full, no permission) [E071].
        Interrupted: a signal stopped the run; its `summary` says how many articles are done.
    """
    options = options or RunOptions()
    # Forked local workers inherit `nlp`; spawned or Dask workers could only build their own.
    if nlp is not None and (options.engine != "local" or (options.workers > 1 and not fork_workers())):
        raise PipelineError(Errors.E042.format(workers=options.workers, engine=options.engine))
    out = Path(out_dir)
    # Usage errors first, so that a command that cannot work creates nothing.
    check_inputs(inputs)
    check_output_folder(out)
    if nlp is None:
        from ..nlp.loading import resolve_model

        resolve_model(options.model)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        with FolderLock(out) as lock:
            # Only now: before the lock, the temporary files could be another live run's.
            sweep_temporary(out)
            summary = RunSummary(out_dir=out, notes=lock.notes)
            try:
                return _run(inputs, out, options, nlp, progress, summary)
            except KeyboardInterrupt as err:
                raise Interrupted(getattr(err, "signum", signal.SIGINT), summary) from None
    except UsageError:
        if created:  # found only once the model was loaded (a pipeline without NER): leave no folder behind
            (out / LOCK_NAME).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                out.rmdir()
        raise
    except OSError as err:
        raise output_error(err, out) from err


def check_output_folder(out: Path) -> None:
    """Refuse an output path that is a file, or lies under one, before anything is created [E082]."""
    for folder in (out, *out.parents):
        if folder.exists():
            if not folder.is_dir():
                detail = "" if folder == out else f" ({folder} is a file, so no folder can be made under it)"
                raise UsageError(Errors.E082.format(path=out, detail=detail))
            return


# What to do about a failed write, by its errno; anything else gets the last line.
ADVICE = {
    errno.ENOSPC: "Free some space on that disk or pass another --out",
    errno.EDQUOT: "Free some space (your disk quota is used up) or pass another --out",
    errno.EACCES: "Make the folder writable for you or pass another --out",
    errno.EPERM: "Make the folder writable for you or pass another --out",
    errno.EROFS: "The file system is read-only: pass an --out on a writable one",
}


def output_error(err: OSError, out: Path) -> OutputError:
    """A failed write (disk full, no permission, read-only) as a coded error naming the path, the reason and
    what to do about it."""
    path = err.filename or out
    reason = err.strerror or str(err)
    if err.errno is not None:
        reason = f"{reason} ({errno.errorcode.get(err.errno, err.errno)})"
    advice = ADVICE.get(err.errno or 0, "Check the path and its folder, or pass another --out")
    return OutputError(Errors.E071.format(path=path, reason=reason, advice=advice))


def _run(
    inputs: Sequence[str | Path],
    out: Path,
    options: RunOptions,
    nlp: Language | None,
    progress: ProgressCallback | None,
    summary: RunSummary,
) -> RunSummary:
    # The pipeline is built when an article needs it: a rerun with nothing changed never loads the model.
    previous = previous_run(out)
    stamp = model_stamp(options.model) if nlp is None else None
    runner = Runner(nlp, out, options, model_fingerprint=known_fingerprint(previous, stamp))
    # This process is the only worker: it may write each batch's files while it annotates the next one.
    runner.write_behind = options.engine == "local" and options.workers <= 1
    digest = TablesDigest(excel=options.excel, lexicon_stamp=lexicon_stamp(), places_stamp=places_stamp())
    started = datetime.now(UTC)
    clock = time.perf_counter()
    slots = SlotSpool(out)
    stats = ReadStats()
    names = NamesInOrder()  # the corpus identity's inputs, counted as the articles are done

    def jobs() -> Iterator[Job]:
        pending: list[Pending] = []
        pending_slots: list[int] = []
        for record, slot in assign_slots(read_records(inputs, options.read, skip=out, stats=stats)):
            if slot.error is None and isinstance(record, Article):
                slot.key = article_key(record, runner.model_fingerprint)
            index = slots.add(slot)
            summary.read += 1
            if slot.error is not None or not isinstance(record, Article) or slot.key is None:
                digest.add(slot, None)
                names.known(index, None)
                if progress:
                    progress(1, 0)
                continue
            key = slot.key
            digest.add(slot, key)
            cached = runner.cached(slot.stem, key)
            if cached is not None:
                names.known(index, entity_names(cached["entities"]))
                summary.reused += 1
                summary.done += 1
                if progress:
                    progress(1, 0)
                continue
            if not options.force and runner.result_path(slot.stem).exists():
                summary.redone += 1  # made by another model, settings or text, or cut short
            pending.append(Pending(record, slot.stem, key))
            pending_slots.append(index)
            if len(pending) >= options.batch_size:
                yield Job(pending, pending_slots, str(out), options)
                pending, pending_slots = [], []
        if pending:
            yield Job(pending, pending_slots, str(out), options)

    try:
        engine = make_engine(
            options,
            here=runner.process,
            prepare=lambda: runner.nlp,
            stream=partial(pipelined, runner, before_last=warm_up),
        )
        processing_start = time.perf_counter()
        try:
            for job, outcome in engine.map(jobs()):
                words = 0
                for position, error, n, entities in outcome:
                    if error is not None:
                        slots.fail(job.slots[position], error)
                        names.known(job.slots[position], None)
                    else:
                        summary.done += 1
                        names.known(job.slots[position], entities)
                    words += n
                summary.words += words
                if progress:
                    progress(len(outcome), words)
        except BaseException:
            # A signal, a full disk, a broken worker: drop the queued batches and end the workers now.
            engine.stop()
            runner.finish_writes(raise_error=False)  # what is done is written, for the next run to keep
            raise
        finally:
            engine.close()
            runner.close_zone()
        runner.finish_writes()
        summary.seconds = time.perf_counter() - processing_start
        tables = digest.hexdigest()
        if not (unchanged(previous, tables, summary, slots) and tables_in_place(out, slots)):
            forget_tables(out, previous)
            slots.seal()
            write_corpus_tables(runner, slots, summary, names if names.complete(slots.count) else None)
        else:
            keep_counts(previous, summary)
    finally:
        slots.close()
    if summary.read == 0:
        skipped = stats.skipped_line()
        listed = ", ".join(str(item) for item in inputs)
        summary.warnings.append(
            Warnings.W001.format(inputs=listed, formats=FORMATS, skipped=f"; {skipped}" if skipped else "")
        )
    if summary.words == 0:
        # Nothing was processed (every article unchanged or failed): the speed is the last one measured.
        summary.last_speed = last_speed(previous)
    write_run_json(
        runner, summary, started=started, total_seconds=time.perf_counter() - clock, stamp=stamp, tables=tables
    )
    return summary


def failures(out_dir: Path | str, *, limit: int | None = None) -> tuple[list[dict[str, str]], int]:
    """The failed articles of the run in `out_dir` from its `articles.csv`: the first `limit` rows (all with
    None) with their ID, source and error, and how many failed in all. Streams the table."""
    path = Path(out_dir) / "articles.csv"
    shown: list[dict[str, str]] = []
    count = 0
    try:
        with open(path, "rb") as head:
            excel = head.read(len(BOM)) == BOM  # `--excel` tables start with a BOM and use `;`
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f, delimiter=";" if excel else ","):
                if row.get("status") != "error":
                    continue
                count += 1
                if limit is None or len(shown) < limit:
                    shown.append({key: str(restore(row.get(key) or "")) for key in ("article_id", "source", "error")})
    except OSError:
        return [], 0
    return shown, count


def unchanged(previous: dict[str, Any], tables: str, summary: RunSummary, slots: SlotSpool) -> bool:
    """Whether the corpus tables of the last run are this run's: same digest, nothing processed or failed."""
    processed = summary.words > 0 or bool(slots.failures)
    return (
        not processed
        and previous.get("tables_digest") == tables
        and slots.count == summary.reused + int(previous.get("counts", {}).get("errors", -1))
    )


def keep_counts(previous: dict[str, Any], summary: RunSummary) -> None:
    counts = previous["counts"]
    summary.articles, summary.ok, summary.errors = counts["articles"], counts["ok"], counts["errors"]
    summary.mentions, summary.entities = counts["mentions"], counts["entities"]
    summary.places = previous.get("places")


def write_run_json(
    runner: Runner, summary: RunSummary, *, started: datetime, total_seconds: float, stamp: str | None, tables: str
) -> None:
    pipe_names: list[str] | None
    # The config the run built (pipeline.cfg fitted to the model), so that run.json says what ran.
    config = PIPELINE_CONFIG.read_text(encoding="utf-8")
    if runner.loaded:
        nlp = runner.nlp
        model = {"name": nlp.meta.get("name"), "version": nlp.meta.get("version"), "lang": nlp.lang}
        pipe_names = nlp.pipe_names
        config = nlp.config.to_str()
    else:
        # No article needed the model (every one unchanged or failed, or none found): its meta says which it
        # is, and the pipeline is the last run's if that ran the same model.
        model = model_meta(runner.options.model)
        last = previous_run(runner.out_dir)
        same = stamp is not None and (last.get("result_key") or {}).get("model_stamp") == stamp
        pipe_names = last.get("pipeline") if same else None
        config = last.get("config", config) if same else config
    speed = summary.last_speed
    if summary.words:
        speed = {"words_per_s": summary.words_per_s, "measured": started.isoformat(timespec="seconds")}
    info = {
        "de_entities_version": VERSION,
        "model": model,
        "pipeline": pipe_names,
        "config": config,
        "options": {
            "force": runner.options.force,
            "excel": runner.options.excel,
            "batch_size": runner.options.batch_size,
            "read": asdict(runner.options.read),
        },
        "counts": {
            "articles": summary.articles,
            "ok": summary.ok,
            "errors": summary.errors,
            "unchanged": summary.reused,
            "processed": summary.ok - summary.reused,
            "mentions": summary.mentions,
            "entities": summary.entities,
        },
        "timings": {
            "started": started.isoformat(timespec="seconds"),
            "total_seconds": round(total_seconds, 3),
            "processing_seconds": round(summary.seconds, 3),
        },
        "words_processed": summary.words,
        # The GeoNames links of the LOC entities: the data, how many were linked, the time it took, or why none.
        "places": summary.places,
        # A run that processed nothing keeps the last measured speed, and says when that run started.
        "words_per_s": round(speed["words_per_s"], 1) if speed else None,
        "speed_measured": speed["measured"] if speed else None,
        # What a rerun may reuse (see `pipeline.batch.reuse`).
        "result_key": {"model_stamp": stamp, "fingerprint": runner.model_fingerprint},
        "tables_digest": tables,
    }
    atomic_write_text(runner.out_dir / "run.json", json.dumps(info, indent=2, ensure_ascii=False) + "\n")
