"""The shipped model: it loads, it finds the expected names, and its meta tells where it comes from."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.batch.readers import iter_txt_articles
from pipeline.nlp.loading import default_model_name, models_dir

REPO = Path(__file__).parent.parent

pytestmark = pytest.mark.slow


def test_sample_article_entities(shipped_nlp: Language) -> None:
    (article,) = iter_txt_articles([REPO / "data" / "samples" / "000_54a07f7f396f094c.txt"])
    doc = shipped_nlp(article.text)
    found = {(ent.text, ent.label_) for ent in doc.ents}
    for expected in [("Lukaschenko", "PER"), ("Putin", "PER"), ("Sotschi", "LOC"), ("EU", "ORG"), ("Nato", "ORG")]:
        assert expected in found, f"{expected} not among {sorted(found)}"
    assert all(ent._.fine_type for ent in doc.ents)


def test_fine_types_tell_names_from_derived_words(shipped_nlp: Language) -> None:
    doc = shipped_nlp("Der belarussische Präsident Lukaschenko reist nach Russland.")
    fine = {ent.text: (ent.label_, ent._.fine_type) for ent in doc.ents}
    assert fine.get("belarussische") == ("LOC", "LOCderiv")


def test_meta_names_data_licence_scores_and_speed(shipped_nlp: Language) -> None:
    meta = shipped_nlp.meta
    assert meta["license"] == "CC BY 4.0"
    assert any("GermEval 2014" in source["name"] for source in meta["sources"])
    assert any("ParlaMint" in source["name"] for source in meta["sources"])
    perf = meta["performance"]
    assert 0.5 < perf["ents_f_4class"] <= 1.0
    assert 0.5 < perf["ents_f_12class"] <= 1.0
    assert perf["speed_words_per_s_dev"] > 0
    assert set(meta["labels"]["ner"]) == {
        base + kind for base in ("PER", "LOC", "ORG", "OTH") for kind in ("", "deriv", "part")
    }


def test_model_is_at_most_60_mb() -> None:
    # The fast model's budget (issue 22): floret, the encoder word vectors and the network in 60 MB.
    folder = models_dir() / default_model_name()
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size <= 60_000_000, f"{folder} is {size / 1e6:.1f} MB"


def test_accurate_model_is_at_most_60_mb() -> None:
    """Every committed model stays in git's history: the accurate one, with its tuned layers, keeps to 60 MB."""
    folder = models_dir() / "de_entities_ner_e5"
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size <= 60_000_000, f"{folder} is {size / 1e6:.1f} MB"
