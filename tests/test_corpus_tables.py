"""The end of a run: names counted while articles are processed, and the corpus tables written by two processes.

The runs use a rule-based stand-in for the NER model (an entity ruler saved as a spaCy pipeline), as
tests/test_corpus_identity.py does, so they need no trained model.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spacy

import pipeline.tables.corpus as corpus_module
from pipeline.batch import RunOptions, helper, run
from pipeline.batch.collect import NamesInOrder
from pipeline.tables.corpus import NameCounts

DIGESTS = Path(__file__).parent.parent / "data" / "samples" / "digests"
NAMES = ["Obama", "Barack Obama", "George W. Bush", "George Bush", "Merkel", "Angela Merkel", "McCain", "Pofalla"]


@pytest.fixture(scope="module")
def ruler_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    patterns = [{"label": "PER", "pattern": [{"ORTH": w} for w in name.split()]} for name in NAMES]
    patterns += [{"label": "LOC", "pattern": name} for name in ("Berlin", "Paris", "Washington", "Moskau")]
    patterns.append({"label": "PER", "pattern": [{"ORTH": "Xaver"}, {"ORTH": "Zwiebelmeier"}]})
    ruler.add_patterns(patterns)
    path = tmp_path_factory.mktemp("ruler") / "model"
    nlp.to_disk(path)
    return str(path)


def corpus(folder: Path, *, n: int = 24) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(DIGESTS.glob("*.txt"))[:n]:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} | {"run.json": b""}


def test_names_are_counted_in_input_order_whatever_order_they_come_in(monkeypatch: pytest.MonkeyPatch) -> None:
    # With a context of one entity per person, the counts depend on the order of the articles.
    monkeypatch.setattr(corpus_module, "MAX_TOGETHER", 1)
    articles = [
        [("PER", "Obama", 2), ("LOC", "Berlin", 1)],
        None,  # an article without a result
        [("PER", "Obama", 1), ("ORG", "UNO", 3)],
        [("PER", "Merkel", 1), ("PER", "Obama", 1), ("LOC", "Paris", 2)],
    ]
    expected = NameCounts()
    for names in articles:
        if names is not None:
            expected.add_names(names)
    collected = NamesInOrder()
    for index in (2, 0, 3, 1):  # as batches of several workers may finish
        collected.known(index, articles[index])
        assert collected.complete(4) == (index == 1)
    got = collected.names
    assert (got.mentions, got.articles, got.together) == (expected.mentions, expected.articles, expected.together)
    assert [collected.was_counted(i) for i in range(4)] == [True, False, True, True]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="helpers are forked on Linux only")
def test_the_helper_process_writes_what_one_process_writes(
    ruler_model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = corpus(tmp_path / "in")
    # With a helper: a fresh process, which runs no other thread (this one may, after a Dask test).
    command = [sys.executable, "-m", "pipeline.cli", "run", str(inputs), "--out", str(tmp_path / "two")]
    command += ["--model", ruler_model, "--workers", "1", "--batch-size", "4", "-q"]
    subprocess.run(command, check=True, capture_output=True)
    # Without: this process, told that it cannot fork.
    monkeypatch.setattr(helper, "can_fork", lambda: False)
    run([inputs], tmp_path / "one", options=RunOptions(model=ruler_model, workers=1, batch_size=4))
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")


def test_a_result_that_goes_bad_after_its_names_were_counted_counts_no_more(ruler_model: str, tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", n=6)
    (inputs / "zz.txt").write_text("Xaver Zwiebelmeier traf Angela Merkel in Berlin.", encoding="utf-8")
    options = RunOptions(model=ruler_model, workers=1)
    out = tmp_path / "out"
    run([inputs], out, options=options)
    assert "Zwiebelmeier" in (out / "aliases.csv").read_text(encoding="utf-8")
    (inputs / "digest_2005-01.txt").write_text("Neu: Barack Obama in Washington.", encoding="utf-8")

    # The rerun reuses zz's result (its names are counted as it is read) and redoes one article; when the
    # last article is done, zz's result is cut short, as a full disk would leave it.
    seen = []

    def progress(articles: int, words: int) -> None:
        seen.append(articles)
        if len(seen) == 7:
            (out / "results" / "zz.json").write_bytes(b'{"key": "')

    summary = run([inputs], out, options=options, progress=progress)
    assert len(seen) == 7
    assert (summary.ok, summary.errors) == (6, 1)
    rows = (out / "articles.csv").read_text(encoding="utf-8").splitlines()
    assert any(row.startswith("zz,") and "its result file is missing" in row for row in rows)
    # The names of the bad result are in no table, as if they had never been counted.
    for table in ("aliases.csv", "entity_index.csv", "mentions.csv"):
        assert "Zwiebelmeier" not in (out / table).read_text(encoding="utf-8"), table


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="helpers are forked on Linux only")
def test_an_error_of_the_helper_is_raised_in_the_run() -> None:
    def full_disk() -> int:
        raise OSError(errno.ENOSPC, "No space left on device", "/out/cooccurrence.csv")

    forked = helper.ForkedHelper(full_disk)  # not `start`: this process may run a thread (after a Dask test)
    with pytest.raises(OSError) as err:
        forked.result()
    assert (err.value.errno, err.value.filename) == (errno.ENOSPC, "/out/cooccurrence.csv")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="helpers are forked on Linux only")
def test_a_helper_killed_from_outside_leaves_its_work_to_the_run() -> None:
    forked = helper.ForkedHelper(lambda: time.sleep(60))
    os.kill(forked.pid, signal.SIGKILL)
    with pytest.raises(helper.Gone):
        forked.result()


# A run's process that starts a helper, prints its PID and waits; the test kills it.
PARENT = """
import sys, time
from pipeline.batch import helper
forked = helper.ForkedHelper(lambda: time.sleep(60))
print(forked.pid, flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="helpers are forked on Linux only")
def test_the_helper_ends_with_a_killed_run() -> None:
    proc = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        child = int(proc.stdout.readline())
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and alive(child):
            time.sleep(0.05)
        assert not alive(child), f"helper {child} outlived its run"
    finally:
        if proc.poll() is None:
            proc.kill()
        if proc.stdout is not None:
            proc.stdout.close()


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return False
    return "State:\tZ" not in status


def test_cooccurrence_pairs_by_sentences_then_articles_then_ids() -> None:
    """The table is sorted by numpy over the IDs' ranks (issue 23, point 8): the order is still by sentences and
    articles (most first), then by the IDs as strings, whatever characters they hold."""
    ids = ["b", "a", "Z", "ä", "a1", "ß", "A-2", "z"]
    pairs = corpus_module.Cooccurrence()
    for article in range(12):
        chosen = [ids[(article * k) % len(ids)] for k in (1, 3, 5)]
        mentions = [
            {"entity_id": eid, "canonical": f"name of {eid}", "sentence": (article + i) % 2}
            for i, eid in enumerate(chosen)
        ]
        pairs.add(mentions)
    table = pairs.table()
    expected = sorted(
        ((a, b, pairs.sentences.get((a, b), 0), n) for (a, b), n in pairs.articles.items()),
        key=lambda r: (-r[2], -r[3], r[0], r[1]),
    )
    assert list(table.columns) == ["entity_a", "entity_b", "canonical_a", "canonical_b", "sentences", "articles"]
    got = list(zip(table["entity_a"], table["entity_b"], table["sentences"], table["articles"], strict=True))
    assert got == expected
    assert table["canonical_a"].tolist() == [f"name of {a}" for a, *_ in expected]
    assert corpus_module.Cooccurrence().table().empty
