from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import pipeline
from pipeline.errors import PipelineError
from pipeline.nlp.loading import default_batch_size, load_model


def test_unknown_model_has_coded_error() -> None:
    with pytest.raises(PipelineError, match=r"\[E001\].*no_such_model"):
        pipeline.load("no_such_model")


def test_path_to_any_pipeline_gets_the_stages(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("ner").add_label("PER")
    nlp.initialize()
    nlp.to_disk(tmp_path / "other")
    loaded = pipeline.load(tmp_path / "other")
    assert loaded.pipe_names == ["sentences", "ner", "fine_types", "canonical", "tables"]
    assert loaded.get_pipe_meta("fine_types").factory == "de_entities_fine_types"
    assert loaded("Angela Merkel besuchte Paris.")._.mentions is not None


def test_a_pipeline_without_ner_has_a_coded_error(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "no_ner")
    with pytest.raises(PipelineError, match=r"\[E003\]"):
        pipeline.load(tmp_path / "no_ner")


def test_load_model_is_the_model_alone_with_fine_types(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("ner").add_label("PER")
    nlp.initialize()
    nlp.to_disk(tmp_path / "other")
    assert load_model(tmp_path / "other").pipe_names == ["ner", "fine_types"]


def test_a_runs_batch_size_follows_the_model(tmp_path: Path) -> None:
    # The accurate model holds the encoder's work for a whole batch: smaller batches keep a run under 1.5 GB.
    assert default_batch_size("accurate") == default_batch_size("de_entities_ner_e5") == 16
    assert default_batch_size(None) == default_batch_size("fast") == 64
    assert default_batch_size(tmp_path) == default_batch_size("de_core_news_sm") == 64
