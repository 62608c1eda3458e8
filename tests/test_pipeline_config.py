"""`pipeline.cfg` is a plain spaCy config with the model's components sourced, and `pipeline.load()` is the
pipeline that the batch run runs (issue 23, point 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from thinc.api import Config

import pipeline
from pipeline.batch import RunOptions, run
from pipeline.batch.worker import Runner
from pipeline.errors import UsageError
from pipeline.nlp.build import PIPELINE_CONFIG, pipeline_config
from pipeline.nlp.compose import compose

STAGES = Config().from_disk(PIPELINE_CONFIG, interpolate=False)


def model_config(pipes: dict[str, str]) -> Config:
    """A model's config with these components (name -> factory), as its `config.cfg` has them."""
    return Config(
        {"nlp": {"lang": "de", "pipeline": list(pipes)}, "components": {n: {"factory": f} for n, f in pipes.items()}}
    )


def test_the_config_is_a_spacy_config_with_sourced_model_components() -> None:
    blocks = STAGES["components"]
    assert STAGES["nlp"]["pipeline"] == ["tok2vec", "sentences", "ner", "fine_types", "canonical", "tables"]
    assert blocks["ner"] == {"source": "${paths.model}"} and blocks["tok2vec"] == {"source": "${paths.model}"}
    assert "stages" not in STAGES  # the old section with its own rules is gone
    assert STAGES["initialize"]["components"]["canonical"]["lexicon"]["@misc"] == "de_entities.lexicon.v1"


def test_a_model_like_the_default_gives_the_config_itself() -> None:
    composed = compose(
        STAGES, model_config({"tok2vec": "tok2vec", "ner": "ner", "fine_types": "de_entities_fine_types"}), model="m"
    )
    assert composed["nlp"]["pipeline"] == STAGES["nlp"]["pipeline"]
    assert composed["components"] == STAGES["components"]
    assert composed["paths"]["model"] == "m"


def test_a_stage_the_model_has_keeps_the_models_place_with_the_configs_settings() -> None:
    # The accurate model's layout: its own sentences first (its encoder reads them), and fine types.
    pipes = {
        "sentences": "de_entities_sentences",
        "tok2vec": "tok2vec",
        "ner": "ner",
        "fine_types": "de_entities_fine_types",
    }
    composed = compose(STAGES, model_config(pipes), model="m")
    assert composed["nlp"]["pipeline"] == ["sentences", "tok2vec", "ner", "fine_types", "canonical", "tables"]
    assert composed["components"]["fine_types"]["keep_unknown"] is False
    assert composed["components"]["sentences"]["factory"] == "de_entities_sentences"


def test_another_pipeline_is_sourced_whole_and_its_parser_sets_the_sentences() -> None:
    pipes = {
        "tok2vec": "tok2vec",
        "tagger": "tagger",
        "morphologizer": "morphologizer",
        "parser": "parser",
        "ner": "ner",
    }
    composed = compose(STAGES, model_config(pipes), model="de_core_news_sm")
    assert composed["nlp"]["pipeline"] == [*pipes, "fine_types", "canonical", "tables"]
    assert all(composed["components"][name] == {"source": "${paths.model}"} for name in pipes)
    assert composed.interpolate()["components"]["parser"]["source"] == "de_core_news_sm"


def test_a_model_without_ner_is_refused() -> None:
    with pytest.raises(UsageError, match=r"\[E003\]"):
        compose(STAGES, model_config({"tagger": "tagger"}), model="tagger_only")


@pytest.mark.slow
def test_the_default_model_gives_exactly_pipeline_cfg() -> None:
    composed = pipeline_config()
    assert composed["nlp"]["pipeline"] == STAGES["nlp"]["pipeline"]
    assert {name: block for name, block in composed["components"].items()} == STAGES["components"]


@pytest.mark.slow
def test_load_is_the_pipeline_of_the_batch_run(shipped_nlp: object, tmp_path: Path) -> None:
    nlp = pipeline.load()
    runner = Runner(None, tmp_path, RunOptions())
    assert (
        nlp.pipe_names == runner.nlp.pipe_names == ["tok2vec", "sentences", "ner", "fine_types", "canonical", "tables"]
    )
    assert nlp.config.to_str() == runner.nlp.config.to_str()
    assert nlp.meta["name"] == "de_entities_ner"  # the model's meta: run.json reports its name and version
    assert not any(nlp.analyze_pipes()["problems"].values())
    # The run's mention table holds what the notebook user's pipeline gives.
    sample = Path(__file__).parent.parent / "data" / "samples" / "000_54a07f7f396f094c.txt"
    run([sample], tmp_path / "out", options=RunOptions(workers=1))
    table = (tmp_path / "out" / "mentions.csv").read_text(encoding="utf-8").splitlines()
    text = (tmp_path / "out" / "texts" / "000_54a07f7f396f094c.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    assert len(table) - 1 == len(doc.ents) > 0
    for line, ent in zip(table[1:], doc.ents, strict=True):
        assert f",{ent.start_char},{ent.end_char}," in line and ent._.canonical in line
