from __future__ import annotations

import pytest
import spacy
from spacy.util import registry
from thinc.api import ConfigValidationError

import pipeline.nlp.factories  # noqa: F401
from pipeline.nlp.components.normalise import make_normaliser

normalise = make_normaliser(unicode_nfc=True, soft_hyphens=True, whitespace=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mu\u0308nchen", "München"),  # combining diaeresis -> precomposed
        ("Bundes\u00adtag", "Bundestag"),
        ("Kreml\u200b-Sprecher", "Kreml-Sprecher"),
        ("9.\u00a0August\u2009 2020", "9. August  2020"),
        ("Erster Absatz.\r\n\r\nZweiter\u2028Zeile", "Erster Absatz.\n\nZweiter\nZeile"),
        ("\ufeffTitel", "Titel"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected
    assert normalise(expected) == expected  # idempotent: normalising twice changes nothing


def test_steps_can_be_switched_off() -> None:
    keep = make_normaliser(unicode_nfc=False, soft_hyphens=False, whitespace=False)
    assert keep("Bundes\u00adtag\u00a0") == "Bundes\u00adtag\u00a0"


def test_tokenizer_offsets_refer_to_normalised_text() -> None:
    nlp = spacy.blank("de")
    nlp.tokenizer = registry.tokenizers.get("de_entities.NormalisingTokenizer.v1")()(nlp)
    doc = nlp("Der Bundes\u00adtag tagt in Ber\u00adlin.")
    assert doc.text == "Der Bundestag tagt in Berlin."
    berlin = doc[4]
    assert doc.text[berlin.idx : berlin.idx + len(berlin)] == "Berlin"


def test_bad_tokenizer_config_fails_validation() -> None:
    config = {"t": {"@tokenizers": "de_entities.NormalisingTokenizer.v1", "unicode_nfc": "maybe"}}
    with pytest.raises(ConfigValidationError):
        registry.resolve(config)
