"""Each article's files written on a thread while the next batch is annotated (`--workers 1`)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import spacy

from pipeline.batch import RunOptions, run
from pipeline.batch.write_behind import WriteBehind


def test_every_queued_file_is_written_when_close_returns(tmp_path: Path) -> None:
    writer = WriteBehind()
    for batch in range(5):
        writer.put([(tmp_path / "texts" / f"{batch}-{i}.txt", f"{batch} {i}".encode()) for i in range(20)])
    writer.close()
    assert not writer.thread.is_alive()
    assert sorted(p.name for p in (tmp_path / "texts").iterdir()) == sorted(
        f"{b}-{i}.txt" for b in range(5) for i in range(20)
    )
    assert (tmp_path / "texts" / "3-7.txt").read_bytes() == b"3 7"


def test_a_failed_write_is_raised_in_the_run_and_nothing_after_it_is_written(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    writer = WriteBehind()
    writer.put([(tmp_path / "file" / "a.json", b"{}"), (tmp_path / "b.json", b"{}")])
    writer.thread.join(timeout=0.5)  # the thread is waiting for the next batch by now
    with pytest.raises(OSError):
        writer.close()
    assert not (tmp_path / "b.json").exists()


def test_a_run_with_one_worker_ends_its_writer_thread(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("entity_ruler", name="ner").add_patterns([{"label": "PER", "pattern": "Merkel"}])
    nlp.to_disk(tmp_path / "model")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(9):
        (inputs / f"{i}.txt").write_text(f"Merkel sprach {i} Mal in Berlin.", encoding="utf-8")
    threads = threading.active_count()
    options = RunOptions(model=str(tmp_path / "model"), workers=1, batch_size=2)
    summary = run([inputs], tmp_path / "out", options=options)
    assert (summary.ok, summary.mentions) == (9, 9)
    assert threading.active_count() == threads
    assert len(list((tmp_path / "out" / "results").iterdir())) == 9
