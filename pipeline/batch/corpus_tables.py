"""The end of a run: the corpus tables, rebuilt from the per-article results with the corpus identity.

Every table needs the corpus identity, which needs the names of every article, so the tables are written after
the last article. What does not need the identity is ready by then: the names were counted while the articles
were processed (`collect.NamesInOrder`), so the results are read once, not twice. The tables are written by two
processes at once: this one streams the article tables (`mentions`, `entities`, `articles` and each article's
own table), a forked helper builds the tables of the whole corpus (`entity_index`, `cooccurrence`, `aliases`,
`ambiguous`). Both read the results in input order and link the places the same way, so the tables are those
of one process, byte for byte; where no helper can be forked, this process writes them all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..names.identity import CorpusIdentity, resolve_corpus
from ..names.lexicon import Lexicon, load_lexicon
from ..nlp.components.tables import entity_id
from ..places.gazetteer import load_places
from ..places.linker import RunLinker
from ..tables.corpus import Cooccurrence, EntityIndex, NameCounts
from ..tables.output import rows_csv_texts
from ..tables.rows import Row
from ..tables.schemas import ENTITIES, TABLES, empty, validate
from ..tables.writer import TableWriter, write_table
from . import helper
from .collect import NamesInOrder
from .options import RunSummary
from .slots import Slot
from .worker import Runner, StoredResult, read_result
from .write_behind import Files, WriteBehind

# Rows per chunk of the corpus tables: enough for fast writes, small enough for flat memory.
CHUNK_ROWS = 10_000
# The tables the helper writes; this process writes the article tables.
CORPUS_TABLES = ("entity_index", "cooccurrence", "aliases", "ambiguous")
ENTITIES_COLUMNS = list(ENTITIES.columns)
# Whether the names of the article in a slot (by its index) were counted during processing.
Counted = Callable[[int], bool]


class ResultChanged(Exception):
    """An article's result file went bad after its names were counted: the names must be counted again."""


def write_corpus_tables(
    runner: Runner, slots: Iterable[Slot], summary: RunSummary, collected: NamesInOrder | None = None
) -> None:
    """Rebuild the corpus tables from the per-article results, in input order, streaming row chunks.

    `collected` holds the names counted during processing; without it (or if a result went bad since), they are
    read from the result files first. Then the corpus identity is resolved (`pipeline.names.identity`), and
    each article's places are linked to GeoNames (`pipeline.places`) as every table is written, including each
    article's own table in `articles/`, which is rewritten only when its content changed.
    """
    if collected is not None:
        try:
            _write(runner, slots, summary, collected.names, counted=collected.was_counted)
            return
        except ResultChanged:
            summary.ok = summary.articles = summary.mentions = 0
    _write(runner, slots, summary, read_names(runner, slots), counted=None)


def warm_up() -> None:
    """Load what the end of a run needs whatever the articles hold: the gazetteer, which `load_places` keeps for
    the process, and pandera's backends, which its first validation imports (about 0.2 s each). The run calls
    this while it waits for the second core's last batch (`pipeline.batch.second_core`), where it costs
    nothing; the helper process forked later has both too.
    """
    # A failure here is the tables' to report, where it would happen anyway.
    with contextlib.suppress(Exception):
        load_places()
        validate(empty(ENTITIES), ENTITIES)


def read_names(runner: Runner, slots: Iterable[Slot]) -> NameCounts:
    """Every article's entity names, read from its result file, in input order."""
    names = NameCounts()
    for _, result in results(runner, slots):
        if result is not None:
            names.add(result["entities"])
    return names


def results(runner: Runner, slots: Iterable[Slot]) -> Iterator[tuple[Slot, StoredResult | None]]:
    """Each slot with its result, read again: a result may have been cut short (a full disk) or replaced."""
    for slot in slots:
        yield slot, None if slot.error else read_result(runner.result_path(slot.stem), key=slot.key)


def run_lexicon(runner: Runner) -> Lexicon:
    """The word lists of the pipeline that ran (its canonical stage carries them), else the shipped ones."""
    if runner.loaded and "canonical" in runner.nlp.pipe_names:
        lexicon = getattr(runner.nlp.get_pipe("canonical"), "lexicon", None)
        if isinstance(lexicon, Lexicon):
            return lexicon
    return load_lexicon()


def _write(
    runner: Runner, slots: Iterable[Slot], summary: RunSummary, names: NameCounts, *, counted: Counted | None
) -> None:
    identity = resolve_corpus(names.mentions, run_lexicon(runner), together=names.together, articles=names.articles)
    linker = RunLinker()  # before the fork, so that the helper has the gazetteer too

    def corpus_tables() -> int:
        # A linker of its own: `linker` counts each article's links once, for run.json.
        return write_whole_corpus_tables(runner, slots, names, identity, RunLinker(), counted=counted)

    forked = helper.start(corpus_tables)
    try:
        write_article_tables(runner, slots, summary, identity, linker, counted=counted)
        entities = corpus_tables() if forked is None else _result(forked, corpus_tables)
    except BaseException:
        if forked is not None:
            forked.kill()
        raise
    summary.errors = summary.articles - summary.ok
    summary.places = linker.info()
    summary.entities = entities


def _result(forked: helper.ForkedHelper[int], again: Callable[[], int]) -> int:
    try:
        return forked.result()
    except helper.Gone:
        return again()  # the helper was killed from outside: its tables are still to write


def checked(slot_index: int, slot: Slot, result: StoredResult | None, counted: Counted | None) -> None:
    """Raise `ResultChanged` if the names of an article were counted from a result that is gone now."""
    if counted is not None and result is None and counted(slot_index):
        raise ResultChanged(slot.article_id)


def write_article_tables(
    runner: Runner,
    slots: Iterable[Slot],
    summary: RunSummary,
    identity: CorpusIdentity,
    linker: RunLinker,
    *,
    counted: Counted | None,
) -> None:
    """`mentions`, `entities`, `articles` and each article's table, streamed in chunks, in input order."""
    out, excel = runner.out_dir, runner.options.excel
    writers = {
        name: TableWriter(out, name, TABLES[name].schema, excel=excel, parquet="parquet" in TABLES[name].formats)
        for name in ("mentions", "entities", "articles")
    }
    chunks: dict[str, list[Row]] = {name: [] for name in writers}
    stems: dict[str, str] = {}  # article ID -> file stem, for the article tables of the current chunk
    files = WriteBehind(unless_same=True)  # each article's table, rewritten only when its bytes change
    ids = CorpusIds(identity)

    def flush() -> None:
        for name, writer in writers.items():
            writer.write(chunks[name])
            if name == "entities":
                files.put(article_files(out, chunks[name], stems, excel=excel))
            chunks[name] = []
        stems.clear()

    try:
        for index, (slot, result) in enumerate(results(runner, slots)):
            checked(index, slot, result, counted)
            row = article_row(slot, result)
            if result is not None:
                summary.ok += 1
                mentions = [with_corpus_identity(m, ids) for m in result["mentions"]]
                chunks["mentions"].extend({"article_id": slot.article_id, **m} for m in mentions)
                entities = linker.link([with_corpus_identity(e, ids) for e in result["entities"]])
                chunks["entities"].extend({"article_id": slot.article_id, **e} for e in entities)
                stems[slot.article_id] = slot.stem
                summary.mentions += row["mentions"]
            chunks["articles"].append(row)
            summary.articles += 1
            if len(chunks["mentions"]) >= CHUNK_ROWS or len(chunks["articles"]) >= CHUNK_ROWS:
                flush()
        flush()
    except BaseException:
        files.close(raise_error=False)
        for writer in writers.values():
            writer.abort()
        raise
    files.close()
    for writer in writers.values():
        writer.close()


def write_whole_corpus_tables(
    runner: Runner,
    slots: Iterable[Slot],
    names: NameCounts,
    identity: CorpusIdentity,
    linker: RunLinker,
    *,
    counted: Counted | None,
) -> int:
    """`entity_index`, `cooccurrence`, `aliases` and `ambiguous`; returns the number of corpus entities."""
    out, excel = runner.out_dir, runner.options.excel
    index = EntityIndex()
    cooccurrence = Cooccurrence()
    ids = CorpusIds(identity)
    for i, (slot, result) in enumerate(results(runner, slots)):
        checked(i, slot, result, counted)
        if result is not None:
            mentions = [with_corpus_identity(m, ids) for m in result["mentions"]]
            index.add(mentions, date=slot.date)
            index.add_places(linker.link([with_corpus_identity(e, ids) for e in result["entities"]]))
            cooccurrence.add(mentions)
    entity_table = index.table()
    tables = {
        "entity_index": entity_table,
        "cooccurrence": cooccurrence.table(),
        "aliases": names.aliases(identity, entity_id),
        "ambiguous": names.ambiguous(identity.ambiguous, entity_id),
    }
    for name, rows in tables.items():
        write_table(out, name, TABLES[name].schema, rows, excel=excel)
    return len(entity_table)


def with_corpus_identity(row: Mapping[str, Any], identity: CorpusIdentity | CorpusIds) -> Row:
    """A mention or entity row with the corpus identity in `entity_id` and `canonical`, and the article's kept."""
    ids = identity if isinstance(identity, CorpusIds) else CorpusIds(identity)
    canonical, eid = ids(row["label"], row["canonical"])
    return {
        **row,
        "canonical": canonical,
        "entity_id": eid,
        "article_canonical": row["canonical"],
        "article_entity_id": row["entity_id"],
    }


class CorpusIds:
    """The corpus identity's canonical name and entity ID of each article-level (label, canonical name), each
    worked out once: a name recurs in many mentions and articles, and its ID is a hash. Holds no more names
    than the run's `NameCounts` does."""

    def __init__(self, identity: CorpusIdentity) -> None:
        self.identity = identity
        self.known: dict[tuple[str, str], tuple[str, str]] = {}

    def __call__(self, label: str, canonical: str) -> tuple[str, str]:
        key = (label, canonical)
        found = self.known.get(key)
        if found is None:
            corpus_label, corpus_canonical = self.identity(key)
            found = self.known[key] = (corpus_canonical, entity_id(corpus_label, corpus_canonical))
        return found


def article_files(out: Path, rows: list[Row], stems: dict[str, str], *, excel: bool) -> Files:
    """`articles/<stem>.csv` of each article of a validated chunk, as (path, bytes).

    An article without entities still gets its (empty) table. The rows are written as they are: a table per
    article, built and validated again, would cost more than the whole chunk's validation. They are written
    by one CSV writer for the whole chunk (`rows_csv_texts`), each article's table a slice of its text.
    """
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row["article_id"], []).append(row)
    folder = out / "articles"
    header, texts = rows_csv_texts([groups.get(article_id, []) for article_id in stems], ENTITIES_COLUMNS, excel=excel)
    return [
        (folder / f"{stem}.csv", (header + text).encode("utf-8"))
        for stem, text in zip(stems.values(), texts, strict=True)
    ]


def article_row(slot: Slot, result: StoredResult | None) -> Row:
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
        row["error"] = "its result file is missing, corrupt or from other input; run again to redo this article"
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
