"""The fast model's encoder word vectors: the table file, the layer that reads it, and its place in the embed."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.strings import get_string_id
from thinc.api import Model

from pipeline.errors import PipelineError
from pipeline.nlp.encoder_vectors import EncoderVectors, read_table
from pipeline.nlp.flag_embed import FlagHashEmbed
from pipeline.training.encoder_vectors import build_table, reduce, vocabulary, write_table

WORDS = ["Putin", "Berlin", "Siemens", "der"]


@pytest.fixture
def table(tmp_path: Path) -> Path:
    vectors = np.arange(len(WORDS) * 4, dtype=np.float16).reshape(len(WORDS), 4) + 1
    keys, rows = build_table(WORDS, vectors)
    path = tmp_path / "table.npz"
    write_table(path, keys, rows, {"words": len(WORDS)})
    return path


def vectors_of(model: Model, text: str) -> np.ndarray:
    doc = spacy.blank("de")(text)
    ragged, _ = model([doc], False)
    return np.asarray(ragged.dataXd)


def test_a_word_in_the_table_gets_its_row_and_an_unknown_word_zeros(table: Path) -> None:
    model = EncoderVectors(table, 4)
    model.initialize()
    out = vectors_of(model, "Putin traf Siemens")
    assert out.shape == (3, 5)
    assert out[:, 4].tolist() == [1.0, 0.0, 1.0]
    assert out[0, :4].tolist() == [1, 2, 3, 4] and out[2, :4].tolist() == [9, 10, 11, 12]
    assert not out[1].any()
    # Exact word forms: the encoder is cased, so "putin" is another word.
    assert vectors_of(model, "putin")[0, 4] == 0.0


def test_the_table_travels_inside_the_model(table: Path, tmp_path: Path) -> None:
    model = EncoderVectors(table, 4)
    model.initialize()
    data = model.to_bytes()
    table.unlink()
    loaded = EncoderVectors(None, 4).from_bytes(data)
    assert np.array_equal(vectors_of(loaded, "Berlin der"), vectors_of(model, "Berlin der"))


def test_bad_tables_are_refused_with_a_code(table: Path, tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match=r"E100.*columns"):
        EncoderVectors(table, 8).initialize()
    with pytest.raises(PipelineError, match=r"E100.*no such file"):
        EncoderVectors(tmp_path / "missing.npz", 4).initialize()
    unsorted = tmp_path / "unsorted.npz"
    np.savez(unsorted, keys=np.array([5, 3], dtype=np.uint64), vectors=np.zeros((2, 4), dtype=np.float16))
    with pytest.raises(PipelineError, match=r"E100.*sorted"):
        read_table(unsorted)
    with pytest.raises(PipelineError, match=r"E100.*encoder_vectors"):
        EncoderVectors(None, 4).initialize()


def test_the_embed_takes_the_table_beside_its_other_inputs(table: Path) -> None:
    plain = FlagHashEmbed(16, ["NORM", "SHAPE"], [100, 50], False, ["FLAG50"], 8)
    with_table = FlagHashEmbed(16, ["NORM", "SHAPE"], [100, 50], False, ["FLAG50"], 8, EncoderVectors(table, 4))
    doc = spacy.blank("de")("Putin traf Siemens")
    for model in (plain, with_table):
        model.initialize(X=[doc])
        assert model([doc], False)[0][0].shape == (3, 16)

    # The Maxout that mixes the inputs reads the table's 4 columns and its indicator too.
    def mixer_width(model: Model) -> int:
        return next(node.get_dim("nI") for node in model.walk() if node.name == "maxout")

    assert mixer_width(with_table) - mixer_width(plain) == 5


def test_the_vocabulary_takes_train_words_first_and_no_word_twice(tmp_path: Path) -> None:
    train = tmp_path / "train.conll"
    train.write_text("Putin\tB-PER\nbesucht\tO\nBerlin\tB-LOC\n\nBerlin\tB-LOC\n", encoding="utf-8")
    lexicon = tmp_path / "lexicon"
    lexicon.mkdir()
    for name, lines in {
        "person_names.txt.gz": ["Merkel", "Putin"],
        "first_names.txt.gz": ["Angela"],
        "word_counts.tsv.gz": ["# total\t9", "und\t5", "Haus\t7"],
        "places.txt.gz": ["Bad Tölz", "Berlin"],
    }.items():
        with gzip.open(lexicon / name, "wt", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    assert vocabulary(train, lexicon, 100) == [
        "Berlin",
        "Putin",
        "besucht",
        "Merkel",
        "Angela",
        "Haus",
        "und",
        "Bad",
        "Tölz",
    ]
    assert vocabulary(train, lexicon, 4) == ["Berlin", "Putin", "besucht", "Merkel"]


def test_pca_keeps_the_strongest_directions_first() -> None:
    rng = np.random.default_rng(0)
    strong = rng.normal(size=(500, 1)) * 10
    vectors = np.concatenate([strong, rng.normal(size=(500, 5))], axis=1).astype(np.float32)
    reduced, summary = reduce(vectors, 2)
    assert reduced.dtype == np.float16 and reduced.shape == (500, 2)
    assert abs(np.corrcoef(reduced[:, 0].astype(np.float32), strong[:, 0])[0, 1]) > 0.99
    assert 0.8 < summary["explained_variance"] < 1.0
    assert abs(float((reduced.astype(np.float32) ** 2).mean()) - 1.0) < 0.01


def test_table_keys_are_spacy_hashes_sorted() -> None:
    keys, rows = build_table(WORDS, np.eye(4, dtype=np.float16))
    assert list(keys) == sorted(get_string_id(word) for word in WORDS)
    assert rows[list(keys).index(get_string_id("Siemens"))].tolist() == [0, 0, 1, 0]


def test_training_drops_rows_so_the_model_learns_words_outside_the_table(table: Path) -> None:
    model = EncoderVectors(table, 4, dropout=0.3)
    model.initialize()
    doc = spacy.blank("de")(" ".join(["Berlin"] * 2000))
    kept = np.asarray(model([doc], True)[0].dataXd)[:, 4].mean()
    assert 0.65 < kept < 0.75
    assert np.asarray(model([doc], False)[0].dataXd)[:, 4].min() == 1.0
    with pytest.raises(PipelineError, match="E100"):
        EncoderVectors(table, 4, dropout=1.0)
