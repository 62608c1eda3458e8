from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import MentionRow

import pipeline.tables.writer as table_writer
from pipeline.errors import PipelineError
from pipeline.tables.output import read_csv
from pipeline.tables.schemas import ARTICLES, MENTIONS
from pipeline.tables.writer import TableWriter


def test_chunks_stream_into_csv_and_parquet(tmp_path: Path, mention_row: MentionRow) -> None:
    writer = TableWriter(tmp_path, "mentions", MENTIONS, excel=False)
    writer.write([mention_row(article_id=f"{i:03d}") for i in range(3)])
    writer.write([mention_row(article_id=f"{i:03d}") for i in range(3, 5)])
    writer.close()
    csv = read_csv(tmp_path / "mentions.csv")
    assert csv["article_id"].tolist() == ["000", "001", "002", "003", "004"]
    parquet = pd.read_parquet(tmp_path / "mentions.parquet")
    assert parquet["article_id"].tolist() == csv["article_id"].tolist()
    assert not list(tmp_path.glob(".*"))


def test_large_tables_are_partitioned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mention_row: MentionRow) -> None:
    monkeypatch.setattr(table_writer, "PART_ROWS", 2)
    writer = TableWriter(tmp_path, "mentions", MENTIONS, excel=False)
    for start in range(0, 6, 2):
        writer.write([mention_row(article_id=f"{i:03d}") for i in range(start, start + 2)])
    writer.close()
    assert sorted(p.name for p in (tmp_path / "mentions.parquet").iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    assert pd.read_parquet(tmp_path / "mentions.parquet")["article_id"].tolist() == [f"{i:03d}" for i in range(6)]


def test_bad_chunk_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path, "articles", ARTICLES, excel=True, parquet=False)
    with pytest.raises(PipelineError):
        writer.write([{"article_id": "a", "status": "maybe"}])
    writer.abort()
    assert not list(tmp_path.iterdir())


def test_replacing_a_parquet_table_never_leaves_it_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mention_row: MentionRow
) -> None:
    """A reader polling the table while it is rewritten, as one file and as a folder of parts, always finds it."""
    import threading

    target = tmp_path / "mentions.parquet"
    missing: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not target.exists():
                missing.append(1)

    watcher = threading.Thread(target=watch)
    writer = TableWriter(tmp_path, "mentions", MENTIONS, excel=False)
    writer.write([mention_row()])
    writer.close()
    watcher.start()
    try:
        for round_ in range(30):
            monkeypatch.setattr(table_writer, "PART_ROWS", 1 if round_ % 2 else 10)
            writer = TableWriter(tmp_path, "mentions", MENTIONS, excel=False)
            for i in range(3):
                writer.write([mention_row(article_id=f"{round_}-{i}")])
            writer.close()
            assert target.is_dir() == bool(round_ % 2)
            assert pd.read_parquet(target)["article_id"].tolist() == [f"{round_}-{i}" for i in range(3)]
    finally:
        stop.set()
        watcher.join()
    assert not missing, f"the table was missing {len(missing)} times while it was replaced"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mentions.csv", "mentions.parquet"]
