from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import pipeline
from pipeline.errors import PipelineError


def test_unknown_model_has_coded_error() -> None:
    with pytest.raises(PipelineError, match=r"\[E001\].*no_such_model"):
        pipeline.load("no_such_model")


def test_path_to_any_pipeline_gets_fine_types(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("ner").add_label("PER")
    nlp.initialize()
    nlp.to_disk(tmp_path / "other")
    loaded = pipeline.load(tmp_path / "other")
    assert loaded.pipe_names == ["ner", "fine_types"]
    assert loaded.get_pipe_meta("fine_types").factory == "de_entities_fine_types"
