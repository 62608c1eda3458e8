"""The scorer on cases computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.training.scoring import PRF, evaluate, score_spans


def test_prf_by_hand() -> None:
    prf = PRF(tp=3, fp=1, fn=2)
    assert prf.precision == pytest.approx(3 / 4)
    assert prf.recall == pytest.approx(3 / 5)
    assert prf.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert PRF().f1 == 0.0


def test_strict_match_per_type_and_micro() -> None:
    gold = [{(0, 1, "PER"), (2, 4, "LOC")}, {(0, 2, "ORG"), (3, 4, "LOCderiv")}]
    pred = [
        {(0, 1, "PER"), (2, 3, "LOC")},  # LOC boundary wrong: one fp and one fn
        {(0, 2, "LOC"), (3, 4, "LOCderiv")},  # ORG typed as LOC: fp LOC, fn ORG
    ]
    four = score_spans(gold, pred, types=("PER", "LOC", "ORG", "OTH"))
    assert (four["PER"].tp, four["PER"].fp, four["PER"].fn) == (1, 0, 0)
    assert (four["LOC"].tp, four["LOC"].fp, four["LOC"].fn) == (0, 2, 1)
    assert (four["ORG"].tp, four["ORG"].fp, four["ORG"].fn) == (0, 0, 1)
    # micro over the 4 classes: tp 1, fp 2, fn 2 -> P 1/3, R 1/3
    assert four["micro"].precision == pytest.approx(1 / 3)
    assert four["micro"].recall == pytest.approx(1 / 3)
    # 12 classes add the matching LOCderiv: tp 2, fp 2, fn 2 -> F1 0.5
    twelve = score_spans(gold, pred, types=("PER", "LOC", "ORG", "OTH", "LOCderiv"))
    assert twelve["micro"].f1 == pytest.approx(0.5)
    assert twelve["LOCderiv"].f1 == pytest.approx(1.0)


def test_deriv_and_part_removed_from_both_sides_in_4class_view() -> None:
    gold = [{(0, 1, "LOCderiv")}]
    pred = [{(0, 1, "LOC")}]
    four = score_spans(gold, pred, types=("PER", "LOC", "ORG", "OTH"))
    # The gold LOCderiv is not in this view, so the predicted LOC is a false positive and nothing is missed.
    assert (four["micro"].tp, four["micro"].fp, four["micro"].fn) == (0, 1, 0)


def test_evaluate_file_with_a_perfect_and_an_empty_model(de_nlp: Language, tiny_tsv: Path) -> None:
    assert evaluate(de_nlp, tiny_tsv)["views"]["4class"]["micro"]["recall"] == 0.0

    gold = {
        ("Putin",): "PER",
        ("Lukaschenko",): "PER",
        ("Sotschi",): "LOC",
        ("belarussische",): "LOCderiv",
        ("Kreml-Sprecher",): "ORGpart",
        ("Dmitri", "Peskow"): "PER",
        ("Europäische", "Union"): "ORG",
        ("Nato",): "ORG",
        ("Brüssel",): "LOC",
    }

    def oracle(doc: Doc) -> Doc:
        ents = []
        words = [t.text for t in doc]
        for key, label in gold.items():
            for i in range(len(words) - len(key) + 1):
                if tuple(words[i : i + len(key)]) == key:
                    ents.append(Span(doc, i, i + len(key), label=label))
        doc.ents = ents
        return doc

    if "oracle" not in Language.factories:
        Language.component("oracle", func=oracle)
    nlp = spacy.blank("de")
    nlp.add_pipe("oracle")
    nlp.add_pipe("de_entities_fine_types")
    result = evaluate(nlp, tiny_tsv)
    assert result["views"]["4class"]["micro"]["f1"] == 1.0
    assert result["views"]["12class"]["micro"]["f1"] == 1.0
    assert result["views"]["4class"]["micro"]["support"] == 7
    assert result["views"]["12class"]["micro"]["support"] == 9
