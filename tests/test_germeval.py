from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.training.germeval import bio_to_spans, read_sentences


def test_reads_original_tsv(tiny_tsv: Path) -> None:
    sentences = list(read_sentences(tiny_tsv))
    assert len(sentences) == 3
    assert sentences[0].words == ["Putin", "traf", "Lukaschenko", "in", "Sotschi", "."]
    # The fourth column (inner tags) is ignored: "Europäische" is B-ORG outside, B-LOC inside.
    assert sentences[2].tags[1] == "B-ORG"


def test_reads_conll_with_hash_tokens_and_soft_hyphens(tiny_conll: Path) -> None:
    sentences = list(read_sentences(tiny_conll))
    assert len(sentences) == 2
    assert "Berlin" in sentences[0].words
    # "#<TAB>O" and "#comment<TAB>O" are tokens of a CoNLL file, not comment lines.
    assert sentences[1].words == ["#", "Neu", "#comment", "bei", "Porsche"]


def test_reads_gzip_and_limit(tmp_path: Path, tiny_tsv: Path) -> None:
    packed = tmp_path / "tiny.tsv.gz"
    packed.write_bytes(gzip.compress(tiny_tsv.read_bytes()))
    assert [s.words for s in read_sentences(packed)] == [s.words for s in read_sentences(tiny_tsv)]
    assert len(list(read_sentences(packed, limit=2))) == 2


def test_space_separated_conll(tmp_path: Path) -> None:
    path = tmp_path / "legal.conll"
    path.write_text("Das O\nBundesarbeitsgericht B-GRT\n\n", encoding="utf-8")
    assert [(s.words, s.tags) for s in read_sentences(path)] == [(["Das", "Bundesarbeitsgericht"], ["O", "B-GRT"])]


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["O", "B-PER", "I-PER", "O"], [(1, 3, "PER")]),
        (["B-LOC", "B-LOC"], [(0, 1, "LOC"), (1, 2, "LOC")]),
        (["O", "I-ORG", "I-ORG"], [(1, 3, "ORG")]),
        (["B-PER", "I-LOC"], [(0, 1, "PER"), (1, 2, "LOC")]),
        (["B-LOCderiv", "O", "B-ORGpart"], [(0, 1, "LOCderiv"), (2, 3, "ORGpart")]),
        (["O", "O"], []),
    ],
)
def test_bio_to_spans(tags: list[str], spans: list[tuple[int, int, str]]) -> None:
    assert bio_to_spans(tags) == spans


def test_missing_file_has_coded_error(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match=r"\[E011\]"):
        list(read_sentences(tmp_path / "nope.tsv"))


def test_bad_line_has_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("Putin\n\n", encoding="utf-8")
    with pytest.raises(PipelineError, match=r"\[E010\].*line 1"):
        list(read_sentences(path))
