"""The batch run: a corpus of German articles in, entity tables per article and for the corpus out.

`run()` is the plain function behind `de-entities run`; notebooks call it too. Each article's result is
written atomically to `results/<id>.json` (last, after its entity table and text), and the corpus tables are
rebuilt from those results at the end. So a run killed at any moment and started again ends with the same
tables as an uninterrupted one, and a rerun skips every article whose text and model are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from . import __version__
from .chunking import split_text
from .engines import DaskEngine, Engine, InProcess, Job, LocalPool
from .errors import Errors, PipelineError
from .nlp.build import PIPELINE_CONFIG, build_pipeline
from .nlp.components.normalise import NormalisingTokenizer
from .readers import Article, BadArticle, ReadOptions, Record, read_records
from .tables.corpus import Cooccurrence, EntityIndex
from .tables.output import atomic_write_text, safe_file_stem, write_csv
from .tables.rows import Row, entity_rows
from .tables.schemas import ARTICLES, COOCCURRENCE, ENTITIES, ENTITY_INDEX, MENTIONS, empty, validate
from .tables.writer import TableWriter, write_table

logger = logging.getLogger(__name__)

# Rows per chunk of the corpus tables: enough for fast writes, small enough for flat memory.
CHUNK_ROWS = 10_000
# Batches processed in one spaCy memory zone before it is closed and its strings freed.
ZONE_BATCHES = 50
ProgressCallback = Callable[[int, int], None]


@dataclass
class RunOptions:
    """Options of a batch run; the defaults suit a laptop."""

    model: str | Path | None = None
    force: bool = False
    excel: bool = False
    batch_size: int = 64
    read: ReadOptions = field(default_factory=ReadOptions)
    engine: str = "local"
    workers: int = 1
    scheduler: str | None = None


@dataclass
class RunSummary:
    out_dir: Path
    articles: int = 0
    ok: int = 0
    errors: int = 0
    reused: int = 0
    mentions: int = 0
    entities: int = 0
    words: int = 0
    seconds: float = 0.0

    @property
    def words_per_s(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def line(self) -> str:
        text = (
            f"{self.articles} articles: {self.ok} ok ({self.reused} unchanged), {self.errors} failed; "
            f"{self.mentions} mentions of {self.entities} entities; {self.words_per_s:,.0f} words/s. "
            f"Output in {self.out_dir}"
        )
        if self.errors:
            text += f". See the status and error columns of {self.out_dir / 'articles.csv'} for the failures."
        return text


@dataclass
class Slot:
    """One input article's place in the run, in input order."""

    article_id: str
    stem: str
    source: str
    title: str | None = None
    date: str | None = None
    error: str | None = None


class SlotSpool:
    """The slots of a run in input order, spooled to a temporary file so that memory stays flat.

    A slot is written when its article is read; a processing failure, known only later, is kept aside.
    """

    def __init__(self, out_dir: Path) -> None:
        fd, path = tempfile.mkstemp(prefix=".slots.", suffix=".tmp", dir=out_dir)
        self.path = Path(path)
        self.file = os.fdopen(fd, "w", encoding="utf-8")
        self.count = 0
        self.failures: dict[int, str] = {}

    def add(self, slot: Slot) -> int:
        self.file.write(json.dumps(asdict(slot), ensure_ascii=False) + "\n")
        self.count += 1
        return self.count - 1

    def fail(self, index: int, error: str) -> None:
        self.failures[index] = error

    def __iter__(self) -> Iterator[Slot]:
        self.file.close()
        with open(self.path, encoding="utf-8") as f:
            for index, line in enumerate(f):
                slot = Slot(**json.loads(line))
                if index in self.failures:
                    slot.error = self.failures[index]
                yield slot

    def close(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def fingerprint(nlp: Language) -> str:
    """What an article's result depends on besides its text: the model, the stages and their settings."""
    parts = [
        __version__,
        f"{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        json.dumps(nlp.pipe_names),
        PIPELINE_CONFIG.read_text(encoding="utf-8"),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def article_key(article: Article, model_fingerprint: str) -> str:
    payload = json.dumps([article.text, article.title, article.date, model_fingerprint], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Runner:
    """Process articles into per-article results in `out_dir`."""

    def __init__(self, nlp: Language, out_dir: Path, options: RunOptions) -> None:
        self.nlp = nlp
        self.out_dir = out_dir
        self.options = options
        self.model_fingerprint = fingerprint(nlp)
        self.zone: ExitStack | None = None
        self.zone_batches = 0
        tokenizer = nlp.tokenizer
        self.normalise = tokenizer.normalise if isinstance(tokenizer, NormalisingTokenizer) else (lambda t: t)

    def result_path(self, stem: str) -> Path:
        return self.out_dir / "results" / f"{stem}.json"

    def cached(self, stem: str, key: str) -> Row | None:
        path = self.result_path(stem)
        if self.options.force or not path.exists():
            return None
        try:
            result: Row = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return result if result.get("key") == key else None

    def process(self, batch: Sequence[tuple[Article, str, str]]) -> list[tuple[int, str | None, int]]:
        """Annotate a batch of (article, file stem, key) and write its results; returns (position, error, words)."""
        results = self.annotate_in_zone([article for article, _, _ in batch])
        outcome: list[tuple[int, str | None, int]] = []
        done = []
        for i, ((article, stem, key), result) in enumerate(zip(batch, results, strict=True)):
            if isinstance(result, Exception):
                outcome.append((i, f"processing failed: {type(result).__name__}: {result}", 0))
            else:
                done.append((article, stem, key, result))
                outcome.append((i, None, result["tokens"]))
        self.save(done)
        return outcome

    def annotate_in_zone(self, articles: Sequence[Article]) -> list[Row | Exception]:
        """Annotate inside a spaCy memory zone that is renewed every `ZONE_BATCHES` batches.

        A zone frees the strings and lexemes its batches added to the vocabulary, so a long run stays flat.
        It also drops the tokenizer's cache, so renewing it after every batch would cost speed for nothing.
        """
        if self.zone is None:
            self.zone = ExitStack()
            self.zone.enter_context(self.nlp.memory_zone())
        results = self.annotate(articles)
        self.zone_batches += 1
        if self.zone_batches >= ZONE_BATCHES:
            self.close_zone()
        return results

    def close_zone(self) -> None:
        if self.zone is not None:
            self.zone.close()
        self.zone, self.zone_batches = None, 0

    def annotate(self, articles: Sequence[Article]) -> list[Row | Exception]:
        """Run the pipeline over a batch; long texts go through in chunks with their offsets kept."""
        texts = [self.normalise(a.text) for a in articles]
        jobs = [
            (i, offset, chunk)
            for i, text in enumerate(texts)
            for offset, chunk in split_text(text, self.nlp.max_length)
        ]
        try:
            docs: Iterable[Doc] = list(
                self.nlp.pipe((chunk for _, _, chunk in jobs), batch_size=self.options.batch_size)
            )
        except Exception:
            # One bad article must not take its batch down: retry one by one to find it.
            if len(articles) == 1:
                raise
            return [self._annotate_one(a) for a in articles]
        results: list[Row | Exception] = [{"text": t, "tokens": 0, "mentions": []} for t in texts]
        sentences_before = [0] * len(articles)
        chunks = [0] * len(articles)
        for (i, offset, _), doc in zip(jobs, docs, strict=True):
            result = results[i]
            assert isinstance(result, dict)
            for row in doc._.mentions:
                row = dict(row, start=row["start"] + offset, end=row["end"] + offset)
                row["sentence"] += sentences_before[i]
                result["mentions"].append(row)
            result["tokens"] += len(doc) - int(doc.to_array(IS_SPACE).sum())
            sentences_before[i] += sum(1 for _ in doc.sents) if doc.has_annotation("SENT_START") else 1
            chunks[i] += 1
            # The tables component grouped this doc's mentions already; that is the article's entity table
            # unless the article came in several chunks.
            result["entities"] = doc._.entities
        for result, n in zip(results, chunks, strict=True):
            if n > 1:
                assert isinstance(result, dict)
                result["entities"] = entity_rows(result["mentions"])
        return results

    def _annotate_one(self, article: Article) -> Row | Exception:
        try:
            return self.annotate([article])[0]
        except Exception as err:
            return err

    def save(self, batch: Sequence[tuple[Article, str, str, Row]]) -> None:
        """Write each article's text and entity table, then its result file, which marks it done.

        The entity tables of the whole batch are validated in one call: per article, schema validation
        would cost more than the NER itself.
        """
        entities = [result["entities"] for _, _, _, result in batch]
        rows = [{"article_id": a.id, **row} for (a, _, _, _), ents in zip(batch, entities, strict=True) for row in ents]
        table = validate(pd.DataFrame(rows, columns=list(ENTITIES.columns)) if rows else empty(ENTITIES), ENTITIES)
        groups = {key: group for key, group in table.groupby("article_id", sort=False)} if rows else {}
        no_entities = empty(ENTITIES)
        for (article, stem, key, result), ents in zip(batch, entities, strict=True):
            article_table = groups.get(article.id, no_entities)
            write_csv(article_table, self.out_dir / "articles" / f"{stem}.csv", excel=self.options.excel)
            atomic_write_text(self.out_dir / "texts" / f"{stem}.txt", result["text"])
            record = {
                "key": key,
                "article_id": article.id,
                "chars": len(result["text"]),
                "tokens": result["tokens"],
                "mentions": result["mentions"],
                "entities": ents,
            }
            atomic_write_text(self.result_path(stem), json.dumps(record, ensure_ascii=False))


def _stems(records: Iterable[Record]) -> Iterator[tuple[Record, Slot]]:
    """Give each record its slot, reporting duplicate IDs as errors of the later records."""
    seen: dict[str, str] = {}
    for record in records:
        source = record.source
        slot = Slot(article_id=record.id, stem=safe_file_stem(record.id), source=source)
        if isinstance(record, Article):
            slot.title, slot.date = record.title, record.date
        if isinstance(record, BadArticle):
            slot.error = record.reason
        elif record.id in seen:
            slot.error = f"duplicate article ID: first seen in {seen[record.id]}; give each article its own ID"
        else:
            seen[record.id] = source
        yield record, slot


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
    """
    options = options or RunOptions()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # A run killed in the middle of a write leaves its temporary file behind; the target itself is intact.
    for stale in out.rglob(".*.tmp"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    nlp = nlp or build_pipeline(options.model)
    runner = Runner(nlp, out, options)
    summary = RunSummary(out_dir=out)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    slots = SlotSpool(out)
    batches: dict[int, list[int]] = {}

    def jobs() -> Iterator[Job]:
        pending: list[tuple[Article, str, str]] = []
        pending_slots: list[int] = []
        for record, slot in _stems(read_records(inputs, options.read)):
            index = slots.add(slot)
            if slot.error is not None or not isinstance(record, Article):
                if progress:
                    progress(1, 0)
                continue
            key = article_key(record, runner.model_fingerprint)
            if runner.cached(slot.stem, key) is not None:
                summary.reused += 1
                if progress:
                    progress(1, 0)
                continue
            pending.append((record, slot.stem, key))
            pending_slots.append(index)
            if len(pending) >= options.batch_size:
                batches[id(pending)] = pending_slots
                yield Job(pending, str(out), options)
                pending, pending_slots = [], []
        if pending:
            batches[id(pending)] = pending_slots
            yield Job(pending, str(out), options)

    engine = make_engine(options, runner)
    processing_start = time.perf_counter()
    try:
        for job, outcome in engine.map(jobs()):
            batch_slots = batches.pop(id(job.batch))
            words = 0
            for position, error, n in outcome:
                if error is not None:
                    slots.fail(batch_slots[position], error)
                words += n
            summary.words += words
            if progress:
                progress(len(outcome), words)
    finally:
        engine.close()
        runner.close_zone()
    summary.seconds = time.perf_counter() - processing_start
    try:
        write_corpus_tables(runner, slots, summary)
    finally:
        slots.close()
    write_run_json(runner, summary, started=started, total_seconds=time.perf_counter() - clock)
    return summary


def make_engine(options: RunOptions, runner: Runner) -> Engine:
    """The engine the options ask for; one local worker runs in this process with its pipeline."""
    if options.engine == "dask":
        return DaskEngine(options.workers, options.scheduler)
    if options.engine != "local":
        raise PipelineError(Errors.E041.format(engine=options.engine))
    if options.workers <= 1:
        return InProcess(runner)
    return LocalPool(options.workers)


def write_corpus_tables(runner: Runner, slots: Iterable[Slot], summary: RunSummary) -> None:
    """Rebuild the corpus tables from the per-article results, in input order, streaming row chunks."""
    out, excel = runner.out_dir, runner.options.excel
    writers = {
        "mentions": TableWriter(out, "mentions", MENTIONS, excel=excel),
        "entities": TableWriter(out, "entities", ENTITIES, excel=excel),
        "articles": TableWriter(out, "articles", ARTICLES, excel=excel, parquet=False),
    }
    chunks: dict[str, list[Row]] = {name: [] for name in writers}
    index = EntityIndex()
    cooccurrence = Cooccurrence()
    try:
        for slot in slots:
            result = None if slot.error else _read_result(runner.result_path(slot.stem))
            row = article_row(slot, result)
            if result is not None:
                summary.ok += 1
                chunks["mentions"].extend({"article_id": slot.article_id, **m} for m in result["mentions"])
                chunks["entities"].extend({"article_id": slot.article_id, **e} for e in result["entities"])
                index.add(result["mentions"], date=slot.date)
                cooccurrence.add(result["mentions"])
                summary.mentions += row["mentions"]
            chunks["articles"].append(row)
            summary.articles += 1
            if len(chunks["mentions"]) >= CHUNK_ROWS or len(chunks["articles"]) >= CHUNK_ROWS:
                for name, writer in writers.items():
                    writer.write(chunks[name])
                    chunks[name] = []
        for name, writer in writers.items():
            writer.write(chunks[name])
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    for writer in writers.values():
        writer.close()
    summary.errors = summary.articles - summary.ok
    entity_table = index.table()
    summary.entities = len(entity_table)
    write_table(out, "entity_index", ENTITY_INDEX, entity_table, excel=excel)
    write_table(out, "cooccurrence", COOCCURRENCE, cooccurrence.table(), excel=excel)


def article_row(slot: Slot, result: Row | None) -> Row:
    """The articles-table row of one input article, from its result file or its error."""
    row: Row = {
        "article_id": slot.article_id,
        "source": slot.source,
        "date": slot.date,
        "title": slot.title,
        "chars": 0,
        "tokens": 0,
        "mentions": 0,
        "entities": 0,
        "status": "error",
        "error": slot.error,
    }
    if slot.error is not None:
        return row
    if result is None:
        row["error"] = "no result was written for this article; run again"
        return row
    row.update(
        chars=result["chars"],
        tokens=result["tokens"],
        mentions=len(result["mentions"]),
        entities=len(result["entities"]),
        status="ok",
        error=None,
    )
    return row


def _read_result(path: Path) -> Row | None:
    try:
        result: Row = json.loads(path.read_text(encoding="utf-8"))
        return result
    except (OSError, ValueError):
        return None


def write_run_json(runner: Runner, summary: RunSummary, *, started: datetime, total_seconds: float) -> None:
    nlp = runner.nlp
    info = {
        "de_entities_version": __version__,
        "model": {"name": nlp.meta.get("name"), "version": nlp.meta.get("version"), "lang": nlp.lang},
        "pipeline": nlp.pipe_names,
        "config": PIPELINE_CONFIG.read_text(encoding="utf-8"),
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
        "words_per_s": round(summary.words_per_s, 1),
    }
    atomic_write_text(runner.out_dir / "run.json", json.dumps(info, indent=2, ensure_ascii=False) + "\n")
