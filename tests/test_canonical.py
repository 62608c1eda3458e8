"""Canonical names on hand-made docs: inflection, aliases, derived and part mentions, and the traps."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from thinc.api import ConfigValidationError

import pipeline.nlp.factories  # noqa: F401
from pipeline.errors import PipelineError
from pipeline.names.evaluation import gold_doc, identity, score_canonical

GOLD = Path(__file__).parent / "data" / "canonical_gold.jsonl"


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.blank("de")
    nlp.add_pipe("de_entities_fine_types", name="fine_types")
    nlp.add_pipe("de_entities_canonical", name="canonical")
    nlp.initialize()  # the canonical stage takes its word lists here
    return nlp


def canonical(nlp: Language, text: str, mentions: list[tuple[str, str]]) -> list[str]:
    item = {"id": "t", "text": text, "mentions": [[s, "", fine, ""] for s, fine in mentions]}
    doc = gold_doc(nlp, item)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return [ent._.canonical for ent in doc.ents]


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        ("Putins Sprecher schwieg.", [("Putins", "PER")], ["Putin"]),
        ("Die Politik Russlands.", [("Russlands", "LOC")], ["Russland"]),
        ("Angaben des Kremls.", [("Kremls", "ORG")], ["Kreml"]),
        ("Sie leben in Paris.", [("Paris", "LOC")], ["Paris"]),
        ("Hans lachte.", [("Hans", "PER")], ["Hans"]),
        ("Klaus schwieg.", [("Klaus", "PER")], ["Klaus"]),
        ("Mercedes verkauft Autos.", [("Mercedes", "ORG")], ["Mercedes"]),
        ("Spiele in Los Angeles.", [("Los Angeles", "LOC")], ["Los Angeles"]),
        ("Die Niederlande stimmen zu.", [("Niederlande", "LOC")], ["Niederlande"]),
        ("Athen und Athens Hafen.", [("Athen", "LOC"), ("Athens", "LOC")], ["Athen", "Athen"]),
        ("Urlaub am Schwarzen Meer.", [("Schwarzen Meer", "LOC")], ["Schwarzes Meer"]),
        ("Der Rat der Europäischen Union.", [("Europäischen Union", "ORG")], ["Europäische Union"]),
        ("Der Präsident der Vereinigten Staaten.", [("Vereinigten Staaten", "LOC")], ["Vereinigte Staaten"]),
        ("Das Blatt der Neuen Zürcher Zeitung.", [("Neuen Zürcher Zeitung", "ORG")], ["Neue Zürcher Zeitung"]),
    ],
)
def test_base_forms(nlp: Language, text: str, mentions: list[tuple[str, str]], expected: list[str]) -> None:
    assert canonical(nlp, text, mentions) == expected


def test_full_name_surname_genitive_and_title_merge(nlp: Language) -> None:
    text = "Alexander Lukaschenko kam. Lukaschenko sprach. Lukaschenkos Gegner. Präsident Lukaschenko ging."
    mentions = [
        ("Alexander Lukaschenko", "PER"),
        ("Lukaschenko", "PER"),
        ("Lukaschenkos", "PER"),
        ("Präsident Lukaschenko", "PER"),
    ]
    assert set(canonical(nlp, text, mentions)) == {"Alexander Lukaschenko"}


def test_two_people_sharing_a_surname_stay_apart(nlp: Language) -> None:
    text = "Thomas Müller traf. Gerd Müller hielt den Rekord. Müller jubelte."
    result = canonical(nlp, text, [("Thomas Müller", "PER"), ("Gerd Müller", "PER"), ("Müller", "PER")])
    assert result == ["Thomas Müller", "Gerd Müller", "Müller"]


def test_company_named_after_a_person_and_city_vs_club(nlp: Language) -> None:
    text = "Ferdinand Porsche gründete Porsche. Bayern München spielt in Bayern."
    mentions = [("Ferdinand Porsche", "PER"), ("Porsche", "ORG"), ("Bayern München", "ORG"), ("Bayern", "LOC")]
    assert canonical(nlp, text, mentions) == ["Ferdinand Porsche", "Porsche", "Bayern München", "Bayern"]


def test_acronym_and_long_form(nlp: Language) -> None:
    text = "Die Europäische Union und die EU-Kommission. Die EU handelt."
    mentions = [("Europäische Union", "ORG"), ("EU-Kommission", "ORGpart"), ("EU", "ORG")]
    assert set(canonical(nlp, text, mentions)) == {"Europäische Union"}


@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        ("Die belarussische Opposition.", ("belarussische", "LOCderiv"), "Belarus"),
        ("Tausende Belarussen protestieren.", ("Belarussen", "LOCderiv"), "Belarus"),
        ("Der russischen Regierung zufolge.", ("russischen", "LOCderiv"), "Russland"),
        ("Kreml-Sprecher Peskow.", ("Kreml-Sprecher", "ORGpart"), "Kreml"),
        ("US-Außenminister Blinken.", ("US-Außenminister", "LOCpart"), "USA"),
        ("Die EU-Kommission tagt.", ("EU-Kommission", "ORGpart"), "EU"),
    ],
)
def test_derived_and_part_mentions(nlp: Language, text: str, mention: tuple[str, str], expected: str) -> None:
    assert canonical(nlp, text, [mention]) == [expected]


def test_gold_set_scores() -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("de_entities_fine_types", name="fine_types")
    nlp.add_pipe("de_entities_canonical", name="canonical")
    nlp.initialize()  # the canonical stage takes its word lists here
    result = score_canonical(nlp, GOLD)
    assert result["mentions"] >= 415
    # Before the rules of issue 21, on this gold set: accuracy 0.848, merge P/R 0.994 / 0.862, corpus P/R
    # 0.938 / 0.788, 21 split entities, 4 names with quote marks or line breaks. A drop below these bounds is a
    # regression; issue 21 asks for a corpus merge precision of at least 0.98.
    assert result["canonical_accuracy"] >= 0.97, result["errors"]
    assert result["merge_precision"] >= 0.98
    assert result["merge_recall"] >= 0.95
    assert result["corpus_merge_precision"] >= 0.98
    assert result["corpus_merge_recall"] >= 0.9
    assert result["split_entities_in_articles"] <= 3
    assert result["unclean_canonicals"] == 0


def test_gold_set_without_corpus_resolution_splits_more() -> None:
    # The corpus stage must be what joins the short forms across articles: without it, recall drops.
    nlp = spacy.blank("de")
    nlp.add_pipe("de_entities_fine_types", name="fine_types")
    nlp.add_pipe("de_entities_canonical", name="canonical")
    nlp.initialize()  # the canonical stage takes its word lists here
    with_corpus = score_canonical(nlp, GOLD)
    alone = score_canonical(nlp, GOLD, corpus=identity)
    assert alone["corpus_merge_recall"] < with_corpus["corpus_merge_recall"]
    assert alone["split_entities_in_corpus"] > with_corpus["split_entities_in_corpus"]


def test_bad_config_fails_validation() -> None:
    nlp = spacy.blank("de")
    # The word lists are no factory argument any more: they come through initialize() (next test).
    with pytest.raises(ConfigValidationError):
        nlp.add_pipe("de_entities_canonical", config={"lexicon_dir": "data/lexicon"})


def test_bad_initialize_settings_fail_validation() -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("de_entities_canonical", name="canonical")
    nlp.config["initialize"]["components"]["canonical"] = {"lexicon": 5}
    with pytest.raises(ConfigValidationError):
        nlp.initialize()


def test_uninitialised_component_has_a_coded_error() -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("de_entities_fine_types", name="fine_types")
    nlp.add_pipe("de_entities_canonical", name="canonical")
    with pytest.raises(PipelineError, match=r"\[E004\].*initialize"):
        nlp("Putin")


def test_model_morphology_is_evidence(nlp: Language) -> None:
    # "Standards" is more frequent than "Standard" in the word counts (it is mostly a plural), so without
    # morphology it stays whole ...
    assert canonical(nlp, "Die Regeln Standards.", [("Standards", "OTH")]) == ["Standards"]
    # ... but when a morphologizer (such as de_core_news_sm's) marks it as genitive, the -s goes.
    doc = gold_doc(nlp, {"id": "m", "text": "Die Regeln Standards.", "mentions": [["Standards", "", "OTH", ""]]})
    doc[2].set_morph("Case=Gen|Number=Sing")
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert doc.ents[0]._.canonical == "Standard"


def run_stages(nlp: Language, text: str, mentions: list[tuple[str, str]]) -> list[tuple[str, str, str, str]]:
    """(label, fine type, canonical, label source) of each mention of a hand-made doc."""
    item = {"id": "t", "text": text, "mentions": [[s, "", fine, ""] for s, fine in mentions]}
    doc = gold_doc(nlp, item)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return [(e.label_, e._.fine_type, e._.canonical, e._.label_source) for e in doc.ents]


def test_genitive_of_a_person_tagged_loc_joins_the_person(nlp: Language) -> None:
    text = "Wladimir Putin kam. Lukaschenko braucht die Hilfe Putins. Putin schwieg."
    got = run_stages(
        nlp, text, [("Wladimir Putin", "PER"), ("Lukaschenko", "PER"), ("Putins", "LOC"), ("Putin", "PER")]
    )
    assert got[2] == ("PER", "PER", "Wladimir Putin", "article")
    assert got[0][3] == "model"


def test_bare_form_with_another_label_keeps_the_genitive_apart(nlp: Language) -> None:
    # The company Porsche beside the person Ferdinand Porsche: "Porsches" follows the bare "Porsche".
    text = "Ferdinand Porsche gründete Porsche. Porsches Gewinn stieg."
    got = run_stages(nlp, text, [("Ferdinand Porsche", "PER"), ("Porsche", "ORG"), ("Porsches", "ORG")])
    assert [g[:3] for g in got[1:]] == [("ORG", "ORG", "Porsche"), ("ORG", "ORG", "Porsche")]


def test_one_label_per_canonical_name_name_mentions_first(nlp: Language) -> None:
    text = "Kreml-Sprecher Peskow sprach. Der Kreml schwieg. Nach Angaben des Kreml nicht."
    got = run_stages(nlp, text, [("Kreml-Sprecher", "ORGpart"), ("Peskow", "PER"), ("Kreml", "LOC"), ("Kreml", "LOC")])
    assert got[0] == ("LOC", "LOCpart", "Kreml", "article")
    assert {g[0] for g in got if g[2] == "Kreml"} == {"LOC"}


def test_demonym_tagged_as_a_name_is_a_derived_mention(nlp: Language) -> None:
    text = "Hunderttausende Belarussen protestieren. Die Dortmunder Fans jubeln. Drei Palästinenser starben."
    got = run_stages(nlp, text, [("Belarussen", "LOC"), ("Dortmunder", "ORG"), ("Palästinenser", "LOC")])
    assert got == [
        ("LOC", "LOCderiv", "Belarus", "lexicon"),
        ("LOC", "LOCderiv", "Dortmund", "lexicon"),
        ("LOC", "LOCderiv", "Palästina", "lexicon"),
    ]


def test_compound_tagged_as_a_name_is_a_part_mention(nlp: Language) -> None:
    text = "Der Kreml schwieg. In einer Kreml-Erklärung hieß es anders."
    got = run_stages(nlp, text, [("Kreml", "LOC"), ("Kreml-Erklärung", "OTH")])
    assert got[1][:3] == ("LOC", "LOCpart", "Kreml")


@pytest.mark.parametrize(
    ("text", "long", "short"),
    [
        ("Die Österreichische Volkspartei verliert. Die ÖVP reagiert.", "Österreichische Volkspartei", "ÖVP"),
        ("Der Norddeutsche Rundfunk sendet. Der NDR berichtet.", "Norddeutsche Rundfunk", "NDR"),
        ("Das Bundesamt für Verfassungsschutz warnt. Das BFV prüft.", "Bundesamt für Verfassungsschutz", "BFV"),
    ],
)
def test_acronym_of_compound_parts(nlp: Language, text: str, long: str, short: str) -> None:
    got = run_stages(nlp, text, [(long, "ORG"), (short, "ORG")])
    assert got[0][2] == got[1][2] != short


def test_acronym_needs_matching_initials(nlp: Language) -> None:
    got = run_stages(
        nlp, "Die Europäische Union tagt. Die ÖVP reagiert.", [("Europäische Union", "ORG"), ("ÖVP", "ORG")]
    )
    assert got[1][2] == "ÖVP"


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        ("Mats Hummels traf.", [("Mats Hummels", "PER")], ["Mats Hummels"]),
        ("Hummels spielte durch.", [("Hummels", "PER")], ["Hummels"]),
        ("Der Film Leaving Las Vegas lief.", [("Leaving Las Vegas", "OTH")], ["Leaving Las Vegas"]),
        ("Sie flog nach Las Vegas.", [("Las Vegas", "LOC")], ["Las Vegas"]),
        (
            "Joseph Ratzingers Heimat. Ratzinger kam.",
            [("Joseph Ratzingers", "PER"), ("Ratzinger", "PER")],
            ["Joseph Ratzinger"] * 2,
        ),
        ("Papst Benedikt XVI. kam.", [("Papst Benedikt XVI.", "PER")], ["Benedikt XVI."]),
        (
            "Johannes Paul II. starb. Johannes Paul war beliebt.",
            [("Johannes Paul II.", "PER"), ("Johannes Paul", "PER")],
            ["Johannes Paul II."] * 2,
        ),
        ("Des Weißen Hauses Sprecher.", [("Weißen Hauses", "ORG")], ["Weißes Haus"]),
    ],
)
def test_names_stay_whole(nlp: Language, text: str, mentions: list[tuple[str, str]], expected: list[str]) -> None:
    assert canonical(nlp, text, mentions) == expected


def test_two_full_names_are_never_merged(nlp: Language) -> None:
    text = "George W. Bush sprach. Sein Vater George Bush schwieg. Bushs Partei jubelte."
    got = canonical(nlp, text, [("George W. Bush", "PER"), ("George Bush", "PER"), ("Bushs", "LOC")])
    assert got == ["George W. Bush", "George Bush", "Bush"]
