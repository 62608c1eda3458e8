"""CI trains a tiny model end to end, as the shipped fast model is made: silver data from the accurate model,
then training on gold plus silver with the word-list flags; evaluate, load; the same seed gives the same model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

import pipeline
from pipeline.labels import FINE_TYPES
from pipeline.nlp.loading import load_model

pytestmark = pytest.mark.slow

REPO = Path(__file__).parent.parent


def de_entities(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8"
    )


RAW = REPO / "tests/data/raw_paragraphs.txt"


@pytest.fixture(scope="module")
def silver(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("silver") / "silver"
    args = ["silver", str(RAW), "--output", str(out), "--parts", "2", "--part-paragraphs", "4", "--every", "1"]
    result = de_entities(*args, "--workers", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The encoder word vectors of the accurate model, for a few hundred words."""
    out = tmp_path_factory.mktemp("table") / "encoder_vectors.npz"
    result = de_entities("encoder-vectors", "--output", str(out), "--max-words", "300")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def tiny_train(out: Path, silver: Path, table: Path, seed: int) -> subprocess.CompletedProcess[str]:
    args = ["--limit", "300", "--max-steps", "60", "--seed", str(seed), "--silver", str(silver)]
    # The table goes in as a spaCy config override, passed through as `spacy train` takes them.
    args += ["--paths.encoder_vectors", str(table)]
    return de_entities("train", *args, "--gold-copies", "2", "--output", str(out))


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory, silver: Path, table: Path) -> Path:
    out = tmp_path_factory.mktemp("train") / "tiny"
    result = tiny_train(out, silver, table, seed=7)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_the_encoder_table_and_the_model_that_holds_it(table: Path, tiny_model: Path) -> None:
    summary = json.loads(table.with_suffix(".json").read_text(encoding="utf-8"))
    assert summary["words"] == 300 and summary["width"] == 32 and summary["teacher"] == "de_entities_ner_e5"
    meta = json.loads((tiny_model / "meta.json").read_text(encoding="utf-8"))
    assert meta["encoder_vectors"]["words"] == 300 and "Encoder word vectors" in meta["description"]
    # The model keeps the table: it loads and tags with the file gone.
    moved = table.with_name("elsewhere.npz")
    table.rename(moved)
    try:
        doc = pipeline.load(tiny_model)("Angela Merkel besuchte die Siemens AG in Berlin.")
        assert [token.text for token in doc][-2:] == ["Berlin", "."]
    finally:
        moved.rename(table)


def test_silver_parts_hold_labelled_sentences(silver: Path) -> None:
    manifest = json.loads((silver / "silver.json").read_text(encoding="utf-8"))
    assert sorted(manifest["parts"]) == ["part-0000.spacy", "part-0001.spacy"]
    vocab = spacy.blank("de").vocab
    docs = [doc for part in sorted(silver.glob("part-*.spacy")) for doc in DocBin().from_disk(part).get_docs(vocab)]
    assert sum(part["sentences"] for part in manifest["parts"].values()) == len(docs)
    labels = {ent.label_ for doc in docs for ent in doc.ents}
    # The teacher's 12 GermEval types, not the 4 coarse ones the fine-type component would make.
    assert labels & {"PER", "LOC", "ORG"} and labels <= set(FINE_TYPES)
    assert any(ent.text == "Berlin" for doc in docs for ent in doc.ents)


def test_silver_rerun_labels_nothing_new(silver: Path) -> None:
    before = {part.name: part.stat().st_mtime_ns for part in silver.glob("part-*.spacy")}
    args = ["silver", str(RAW), "--output", str(silver), "--parts", "2", "--part-paragraphs", "4", "--every", "1"]
    assert de_entities(*args, "--workers", "1").returncode == 0
    assert {part.name: part.stat().st_mtime_ns for part in silver.glob("part-*.spacy")} == before
    other = de_entities(*args[:-1], "2", "--workers", "1")  # other sampling options, same folder
    assert other.returncode == 1 and "E066" in other.stderr


def test_meta_records_the_silver_data(tiny_model: Path, silver: Path) -> None:
    meta = json.loads((tiny_model / "meta.json").read_text(encoding="utf-8"))
    manifest = json.loads((silver / "silver.json").read_text(encoding="utf-8"))
    recorded = meta["training"]["silver"]
    assert recorded["parts"] == 2 and recorded["teacher"] == "accurate"
    assert recorded["words"] == sum(part["words"] for part in manifest["parts"].values())
    assert meta["training"]["gold_copies"] == 2
    assert meta["word_lists"]["flags"], "the CI model goes through the word-list flags, as the shipped one"


def test_train_evaluate_load(tiny_model: Path, tmp_path: Path) -> None:
    meta = json.loads((tiny_model / "meta.json").read_text(encoding="utf-8"))
    assert meta["training"]["limit"] == 300
    assert meta["training"]["seed"] == 7
    scores = tmp_path / "scores.json"
    result = de_entities(
        "evaluate",
        "data/germeval2014/NER-de-dev.tsv.gz",
        "--model",
        str(tiny_model),
        "--limit",
        "100",
        "--json",
        str(scores),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4class" in result.stdout and "12class" in result.stdout
    assert json.loads(scores.read_text(encoding="utf-8"))["sentences"] == 100
    nlp = load_model(tiny_model)  # the trained model alone; pipeline.load() puts the run's stages around it
    assert nlp.pipe_names == ["tok2vec", "ner", "fine_types"]
    assert len(nlp.get_pipe("ner").labels) >= 8


def test_same_seed_same_model(tiny_model: Path, silver: Path, table: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = tiny_train(again, silver, table, seed=7)
    assert result.returncode == 0, result.stdout + result.stderr
    for part in ("tok2vec/model", "ner/model"):
        assert (again / part).read_bytes() == (tiny_model / part).read_bytes(), part
    other = tmp_path / "other"
    assert tiny_train(other, silver, table, seed=8).returncode == 0
    assert (other / "ner/model").read_bytes() != (tiny_model / "ner/model").read_bytes()
