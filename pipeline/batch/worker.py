"""The worker's side of the batch run: annotate a batch of articles and write each one's files.

A worker writes an article's text first and its result file (`results/<stem>.json`) last, so an article
counts as done only once all of its files are complete. Its entity table is written at the end of the run.
Only small outcomes travel back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypedDict, TypeVar, cast

import orjson
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from ..invalidation import model_fingerprint, result_key
from ..nlp.build import build_pipeline, pipeline_digest
from ..nlp.components.normalise import NormalisingTokenizer
from ..tables.corpus import EntityName
from ..tables.output import atomic_write_bytes
from ..tables.rows import EntityRow, MentionRow, entity_rows
from ..util import keep_freed_memory
from .chunking import split_text
from .options import RunOptions
from .packed import ModelPart, pack
from .readers import Article
from .write_behind import Files, WriteBehind

# Batches processed in one spaCy memory zone before it is closed and its strings freed.
ZONE_BATCHES = 50
# Batches processed before the first memory zone. spaCy's tokenizer caches nothing inside a zone, so without
# these every word would be split into affixes again each time; their words, the corpus's most frequent,
# stay cached for the whole run, at the memory cost of these batches' vocabulary only.
WARM_BATCHES = 2

T = TypeVar("T")


class Pending(NamedTuple):
    """An article to process, with its file stem and its result key."""

    article: Article
    stem: str
    key: str


class ArticleOutcome(NamedTuple):
    """What travels back from a worker for one article of a job: besides its words, its entities' names, so
    that the run collects the corpus identity's inputs while articles are still being processed."""

    position: int  # in the job
    error: str | None
    words: int
    names: list[EntityName]


Outcome = list[ArticleOutcome]


class ArticleResult(TypedDict):
    """One article annotated, in memory: its normalised text, words and rows."""

    text: str
    tokens: int
    mentions: list[MentionRow]
    entities: list[EntityRow]


class StoredResult(TypedDict):
    """An article's result file (`results/<stem>.json`): what the corpus tables are rebuilt from."""

    key: str
    article_id: str
    chars: int
    tokens: int
    mentions: list[MentionRow]
    entities: list[EntityRow]


@dataclass(frozen=True)
class Job:
    """One batch of articles for a worker; everything in it pickles, so it can travel to Dask workers."""

    articles: list[Pending]
    slots: list[int]  # the articles' places in the run, in the same order, so outcomes find their slot
    out_dir: str
    options: RunOptions


def fingerprint(nlp: Language) -> str:
    """What an article's result depends on besides its text: the model's files, the word lists, the stages
    and their settings, the package version (see `pipeline_digest`)."""
    return model_fingerprint(pipeline_digest(nlp))


def article_key(article: Article, model_fingerprint: str) -> str:
    """The result key of an article (`pipeline.invalidation.result_key`)."""
    return result_key(text=article.text, title=article.title, date=article.date, fingerprint=model_fingerprint)


class Runner:
    """Process articles into per-article results in `out_dir`.

    Without `nlp`, the pipeline is built from `options.model` when it is first needed; with the model's
    fingerprint known from the last run, a rerun that finds every article unchanged never builds it.
    """

    def __init__(
        self, nlp: Language | None, out_dir: Path, options: RunOptions, *, model_fingerprint: str | None = None
    ) -> None:
        keep_freed_memory()  # this process runs batch after batch from now on
        self._nlp = nlp
        self.out_dir = out_dir
        self.options = options
        self._fingerprint = model_fingerprint
        self.zone: ExitStack | None = None
        self.zone_batches = 0
        self.warm_batches = 0
        # Whether `save` may leave the writing to a thread (`write_behind`): only when this process is the run's
        # only worker, which calls `finish_writes` before it reads the results.
        self.write_behind = False
        self.writer: WriteBehind | None = None

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = build_pipeline(self.options.model)
        return self._nlp

    @property
    def model_fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.nlp)
        return self._fingerprint

    def normalise(self, text: str) -> str:
        tokenizer = self.nlp.tokenizer
        return tokenizer.normalise(text) if isinstance(tokenizer, NormalisingTokenizer) else text

    def result_path(self, stem: str) -> Path:
        return self.out_dir / "results" / f"{stem}.json"

    def cached(self, stem: str, key: str) -> StoredResult | None:
        """The article's earlier result, if it was made from the same text and model and `force` is off."""
        if self.options.force:
            return None
        return read_result(self.result_path(stem), key=key)

    def process(self, job: Job) -> Outcome:
        """Annotate a job's articles and write their results; returns (position, error, words) per article."""
        articles = [pending.article for pending in job.articles]
        return self.finish(job, self.in_zone(lambda: self.annotate(articles)))

    def finish(self, job: Job, results: Sequence[ArticleResult | Exception]) -> Outcome:
        """Write the results of a job's articles; its outcome: (position, error, words, names) per article."""
        outcome: Outcome = []
        done = []
        for i, (pending, result) in enumerate(zip(job.articles, results, strict=True)):
            if isinstance(result, Exception):
                outcome.append(ArticleOutcome(i, f"processing failed: {type(result).__name__}: {result}", 0, []))
            else:
                done.append((pending, result))
                outcome.append(ArticleOutcome(i, None, result["tokens"], entity_names(result["entities"])))
        self.save(done)
        return outcome

    def in_zone(self, work: Callable[[], T]) -> T:
        """`work()` (a batch through the pipeline) inside a spaCy memory zone renewed every `ZONE_BATCHES` batches.

        A zone frees the strings and lexemes its batches added to the vocabulary, so a long run stays flat.
        Inside a zone the tokenizer caches no new words, so the first `WARM_BATCHES` run outside one; and
        renewing a zone drops its lexemes, so doing it after every batch would cost speed for nothing.
        """
        if self.warm_batches < WARM_BATCHES:
            self.warm_batches += 1
            return work()
        if self.zone is None:
            self.zone = ExitStack()
            self.zone.enter_context(self.nlp.memory_zone())
        result = work()
        self.zone_batches += 1
        if self.zone_batches >= ZONE_BATCHES:
            self.close_zone()
        return result

    def close_zone(self) -> None:
        if self.zone is not None:
            self.zone.close()
        self.zone, self.zone_batches = None, 0

    def annotate(self, articles: Sequence[Article]) -> list[ArticleResult | Exception]:
        """Run the pipeline over a batch; long texts go through in chunks with their offsets kept."""
        texts = [self.normalise(a.text) for a in articles]
        pieces = self.pieces(texts)
        try:
            docs = list(self.nlp.pipe((chunk for _, _, chunk in pieces), batch_size=self.options.batch_size))
        except Exception:
            # One bad article must not take its batch down: retry one by one to find it.
            if len(articles) == 1:
                raise
            return [self._annotate_one(a) for a in articles]
        return list(assemble(texts, pieces, docs))

    def model_part(self, job: Job, stages: list[str]) -> tuple[list[str], list[ModelPart]]:
        """A job's normalised texts and each article's docs through the pipeline but its last `stages`,
        packed for the process that runs those (`pipeline.batch.second_core`)."""
        return self.in_zone(lambda: self._model_part([pending.article for pending in job.articles], stages))

    def _model_part(self, articles: Sequence[Article], stages: list[str]) -> tuple[list[str], list[ModelPart]]:
        texts = [self.normalise(a.text) for a in articles]
        pieces = self.pieces(texts)
        # The texts are normalised already: the docs are made by the wrapped tokenizer, which is all that the
        # normalising one would do again.
        tokenizer = self.nlp.tokenizer
        make_doc = tokenizer.tokenizer if isinstance(tokenizer, NormalisingTokenizer) else tokenizer
        chunks = (make_doc(chunk) for _, _, chunk in pieces)
        try:
            docs = list(self.nlp.pipe(chunks, batch_size=self.options.batch_size, disable=stages))
        except Exception as err:
            if len(articles) == 1:
                return texts, [err]
            # One bad article must not take its batch down: one by one, to find it.
            return texts, [self._model_part([a], stages)[1][0] for a in articles]
        parts: list[ModelPart] = [[] for _ in texts]
        for (i, offset, chunk), doc in zip(pieces, docs, strict=True):
            parts[i].append((offset, pack(doc, chunk)))  # type: ignore[union-attr]
        return texts, parts

    def pieces(self, texts: Sequence[str]) -> list[tuple[int, int, str]]:
        """(article, offset, chunk) for each chunk of each text, cut to the pipeline's `max_length`."""
        return [
            (i, offset, chunk)
            for i, text in enumerate(texts)
            for offset, chunk in split_text(text, self.nlp.max_length)
        ]

    def _annotate_one(self, article: Article) -> ArticleResult | Exception:
        try:
            return self.annotate([article])[0]
        except Exception as err:
            return err

    def save(self, batch: Sequence[tuple[Pending, ArticleResult]]) -> None:
        """Write each article's text, then its result file, which marks it done: here, or with `write_behind`
        on a thread while the next batch is annotated (`pipeline.batch.write_behind`).

        The article's entity table (`articles/<stem>.csv`) is written by the run at the end, with the corpus
        identity, which no single article knows.
        """
        files: Files = []
        for (article, stem, key), result in batch:
            files.append((self.out_dir / "texts" / f"{stem}.txt", result["text"].encode("utf-8")))
            record: StoredResult = {
                "key": key,
                "article_id": article.id,
                "chars": len(result["text"]),
                "tokens": result["tokens"],
                "mentions": result["mentions"],
                "entities": result["entities"],
            }
            files.append((self.result_path(stem), orjson.dumps(record)))
        if self.write_behind:
            self.writer = self.writer or WriteBehind()
            self.writer.put(files)
            return
        for path, data in files:
            atomic_write_bytes(path, data)

    def finish_writes(self, *, raise_error: bool = True) -> None:
        """Wait until the files of every saved batch are written; raise a failed write's error, if any."""
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.close(raise_error=raise_error)


def assemble(texts: Sequence[str], pieces: Sequence[tuple[int, int, str]], docs: Iterable[Doc]) -> list[ArticleResult]:
    """Each article's result from the docs of its chunks (`pieces`: article, offset, chunk, in order)."""
    results: list[ArticleResult] = [{"text": t, "tokens": 0, "mentions": [], "entities": []} for t in texts]
    sentences_before = [0] * len(texts)
    chunks = [0] * len(texts)
    for (i, offset, _), doc in zip(pieces, docs, strict=True):
        result = results[i]
        mention: MentionRow
        for mention in doc._.mentions:
            result["mentions"].append(
                {
                    **mention,
                    "start": mention["start"] + offset,
                    "end": mention["end"] + offset,
                    "sentence": mention["sentence"] + sentences_before[i],
                }
            )
        result["tokens"] += len(doc) - int(doc.to_array(IS_SPACE).sum())
        sentences_before[i] += sum(1 for _ in doc.sents) if doc.has_annotation("SENT_START") else 1
        chunks[i] += 1
        # The tables component grouped this doc's mentions already; that is the article's entity table
        # unless the article came in several chunks.
        result["entities"] = doc._.entities
    for result, n in zip(results, chunks, strict=True):
        if n > 1:
            result["entities"] = entity_rows(result["mentions"])
    return results


def entity_names(entities: Iterable[EntityRow]) -> list[EntityName]:
    """The names of an article's entities, in order (`pipeline.tables.corpus.NameCounts` counts them)."""
    return [(e["label"], e["canonical"], e["mentions"]) for e in entities]


def read_result(path: Path, *, key: str | None) -> StoredResult | None:
    """An article's result file, or None if it is missing, unreadable, corrupt or made from other input.

    A full disk or a crash of the file system can leave a result that is cut short or empty; another
    model or text leaves one with another key. None of them may reach the tables.
    """
    try:
        result = orjson.loads(path.read_bytes())  # UTF-8, as every file this project writes
    except (OSError, ValueError):
        return None
    if not isinstance(result, dict) or result.get("key") != key:
        return None
    shapes = {"chars": int, "tokens": int, "mentions": list, "entities": list}
    if not all(isinstance(result.get(name), kind) for name, kind in shapes.items()):
        return None
    return cast(StoredResult, result)  # its shape checked above; the rows are this project's own


_RUNNERS: dict[tuple[str, str], Runner] = {}


def process_batch(job: Job) -> Outcome:
    """Process one job on this worker, building its pipeline on first use (once per worker process)."""
    key = (job.out_dir, repr(job.options))
    runner = _RUNNERS.get(key)
    if runner is None:
        runner = _RUNNERS[key] = Runner(build_pipeline(job.options.model), Path(job.out_dir), job.options)
    return runner.process(job)
