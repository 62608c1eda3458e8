"""The tok2vec embedding with the word-list flags packed into one table (`de_entities.FlagHashEmbed.v1`)."""

from __future__ import annotations

import numpy
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from pipeline.errors import PipelineError
from pipeline.nlp import factories  # noqa: F401  (registers the architecture)
from pipeline.nlp.flag_embed import FlagFeatureExtractor, flag_ids

WORDS = {50: {"Berlin", "Siemens"}, 51: {"Angela"}, 52: {"AG", "Siemens"}}


@pytest.fixture(scope="module")
def flagged_nlp() -> Language:
    nlp = spacy.blank("de")
    for bit, words in WORDS.items():
        nlp.vocab.add_flag(words.__contains__, flag_id=bit)
    return nlp


@pytest.fixture
def docs(flagged_nlp: Language) -> list[Doc]:
    return [flagged_nlp("Angela arbeitet bei der Siemens AG in Berlin."), flagged_nlp("Ja."), flagged_nlp("")]


def test_flags_are_packed_into_one_column(docs: list[Doc]) -> None:
    extract = FlagFeatureExtractor(["NORM", "SHAPE"], ["FLAG50", "FLAG51", "FLAG52"])
    features, _ = extract(docs, is_train=False)
    assert [f.shape for f in features] == [(len(doc), 3) for doc in docs]
    doc, columns = docs[0], features[0]
    assert list(columns[:, 0]) == [token.norm for token in doc]
    expected = [sum(1 << j for j, words in enumerate(WORDS.values()) if token.text in words) for token in doc]
    assert list(columns[:, 2]) == expected
    assert expected[:6] == [0b010, 0, 0, 0, 0b101, 0b100]  # Angela arbeitet bei der Siemens AG


@pytest.mark.parametrize("flag", ["NORM", "FLAG64", "FLAGS", 0, 70])
def test_only_lexeme_flags_can_be_packed(flag: str | int) -> None:
    with pytest.raises(PipelineError, match=r"\[E065\]"):
        flag_ids([flag])


def test_flag_ids_by_name_or_number() -> None:
    assert flag_ids(["FLAG50", "flag51", 52]) == [50, 51, 52]


def test_embedding_gives_one_vector_per_token(docs: list[Doc]) -> None:
    make = registry.architectures.get("de_entities.FlagHashEmbed.v1")
    model = make(
        width=16,
        attrs=["NORM", "PREFIX"],
        rows=[100, 50],
        include_static_vectors=False,
        flags=["FLAG50", "FLAG51", "FLAG52"],
        flag_rows=8,
    )
    model.initialize(X=docs)
    vectors = model.predict(docs)
    assert [v.shape for v in vectors] == [(len(doc), 16) for doc in docs]
    # The same word with different flags gets a different vector: "Berlin" as a place and as a plain word.
    plain = spacy.blank("de")("Angela arbeitet bei der Siemens AG in Berlin.")
    assert not numpy.allclose(model.predict([plain])[0][-2], vectors[0][-2])
    assert numpy.allclose(model.predict([plain])[0][1], vectors[0][1])  # "arbeitet" has no flag either way
    restored = make(
        width=16,
        attrs=["NORM", "PREFIX"],
        rows=[100, 50],
        include_static_vectors=False,
        flags=["FLAG50", "FLAG51", "FLAG52"],
        flag_rows=8,
    )
    restored.initialize(X=docs)
    restored.from_bytes(model.to_bytes())
    assert numpy.allclose(restored.predict(docs)[0], vectors[0])


def test_mismatched_rows_fail() -> None:
    make = registry.architectures.get("de_entities.FlagHashEmbed.v1")
    with pytest.raises(ValueError, match="Mismatched"):
        make(width=8, attrs=["NORM"], rows=[10, 10], include_static_vectors=False, flags=["FLAG50"], flag_rows=8)
