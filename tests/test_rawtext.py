from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pipeline.training.pretrain import write_raw_jsonl
from pipeline.training.rawtext import iter_paragraphs
from pipeline.training.vectors import tokenize_line, write_floret_corpus


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    lines = ["Der Bundestag berät heute über den Haushalt des Jahres.", "", "(Beifall)", "Die Kanzlerin spricht."]
    (folder / "part-0001.txt.gz").write_bytes(gzip.compress("\n".join(lines).encode("utf-8")))
    (folder / "part-0002.txt").write_text("Der Nationalrat in Wien tagt morgen erneut.\n", encoding="utf-8")
    return folder


def test_paragraphs_respect_budget_and_minimum(raw_dir: Path) -> None:
    assert list(iter_paragraphs(raw_dir, words=5)) == ["Der Bundestag berät heute über den Haushalt des Jahres."]
    every = list(iter_paragraphs(raw_dir, words=1000, min_words=5))
    assert every == [
        "Der Bundestag berät heute über den Haushalt des Jahres.",
        "Der Nationalrat in Wien tagt morgen erneut.",
    ]


def test_tokenize_keeps_hyphenated_compounds() -> None:
    assert tokenize_line("Kreml-Sprecher Peskow sagte: „Nein.“") == [
        "Kreml-Sprecher",
        "Peskow",
        "sagte",
        ":",
        "„",
        "Nein",
        ".",
        "“",
    ]


def test_floret_corpus_and_pretraining_jsonl(raw_dir: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    assert write_floret_corpus([(raw_dir, 1000)], corpus) > 10
    assert corpus.read_text(encoding="utf-8").splitlines()[0].endswith("Jahres .")
    jsonl = tmp_path / "raw.jsonl"
    write_raw_jsonl([raw_dir], jsonl, words=1000)
    texts = {json.loads(line)["text"] for line in jsonl.read_text(encoding="utf-8").splitlines()}
    assert "Die Kanzlerin spricht." not in texts  # shorter than five words
    assert len(texts) == 2
