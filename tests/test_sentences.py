from __future__ import annotations

import pytest
import spacy
from thinc.api import ConfigValidationError

import pipeline.nlp.factories  # noqa: F401


def test_paragraph_breaks_and_punctuation_end_sentences() -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("de_entities_sentences")
    doc = nlp("Putin trifft Lukaschenko\n\nDas Treffen findet in Sotschi statt. Es ist der erste Besuch.")
    sents = [s.text.strip() for s in doc.sents]
    assert sents == ["Putin trifft Lukaschenko", "Das Treffen findet in Sotschi statt.", "Es ist der erste Besuch."]


def test_abbreviations_do_not_end_sentences() -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("de_entities_sentences")
    doc = nlp("Die Wahl vom 9. August war umstritten, sagte Dr. Peskow.")
    assert len(list(doc.sents)) == 1


def test_bad_config_fails_validation() -> None:
    nlp = spacy.blank("de")
    with pytest.raises(ConfigValidationError):
        nlp.add_pipe("de_entities_sentences", config={"punct_chars": 5})
