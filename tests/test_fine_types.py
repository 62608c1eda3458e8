from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import ConfigValidationError

import pipeline.nlp.factories  # noqa: F401


def make_doc(nlp: Language, labels: list[tuple[int, int, str]]) -> Doc:
    words = ["Der", "belarussische", "Präsident", "Lukaschenko", "traf", "den", "Kreml-Sprecher", "in", "Sotschi"]
    doc = Doc(nlp.vocab, words=words)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in labels]
    return doc


@pytest.fixture
def nlp() -> Language:
    nlp = spacy.blank("de")
    nlp.add_pipe("de_entities_fine_types", name="fine_types")
    return nlp


def test_germeval_types_become_coarse_labels(nlp: Language) -> None:
    doc = make_doc(nlp, [(1, 2, "LOCderiv"), (3, 4, "PER"), (6, 7, "ORGpart"), (8, 9, "OTH")])
    doc = nlp.get_pipe("fine_types")(doc)
    assert [(e.text, e.label_, e._.fine_type) for e in doc.ents] == [
        ("belarussische", "LOC", "LOCderiv"),
        ("Lukaschenko", "PER", "PER"),
        ("Kreml-Sprecher", "ORG", "ORGpart"),
        ("Sotschi", "MISC", "OTH"),
    ]


def test_coarse_models_get_a_fine_type(nlp: Language) -> None:
    doc = nlp.get_pipe("fine_types")(make_doc(nlp, [(3, 4, "PER"), (8, 9, "MISC")]))
    assert [(e.label_, e._.fine_type) for e in doc.ents] == [("PER", "PER"), ("MISC", "OTH")]


def test_unknown_labels_kept_or_dropped() -> None:
    for keep, expected in ((True, [("GPE", "GPE")]), (False, [])):
        nlp = spacy.blank("de")
        nlp.add_pipe("de_entities_fine_types", config={"keep_unknown": keep})
        doc = nlp.get_pipe("de_entities_fine_types")(make_doc(nlp, [(8, 9, "GPE")]))
        assert [(e.label_, e._.fine_type) for e in doc.ents] == expected


def test_bad_config_fails_validation() -> None:
    nlp = spacy.blank("de")
    with pytest.raises(ConfigValidationError):
        nlp.add_pipe("de_entities_fine_types", config={"keep_unknown": "sometimes"})


def test_fine_type_survives_doc_serialisation(nlp: Language) -> None:
    doc = nlp.get_pipe("fine_types")(make_doc(nlp, [(1, 2, "LOCderiv")]))
    restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert [(e.label_, e._.fine_type) for e in restored.ents] == [("LOC", "LOCderiv")]


def test_factory_is_an_entry_point() -> None:
    from importlib.metadata import entry_points

    names = {ep.name: ep.value for ep in entry_points(group="spacy_factories")}
    assert names.get("de_entities_fine_types") == "pipeline.nlp.factories:make_fine_types"


def test_analyze_pipes_reports_no_problems() -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("ner")
    nlp.add_pipe("de_entities_fine_types")
    analysis = nlp.analyze_pipes()
    assert all(not problems for problems in analysis["problems"].values())


def test_tokenizer_is_an_entry_point() -> None:
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="spacy_tokenizers")}
    assert "de_entities.NormalisingTokenizer.v1" in names
