"""CI trains a tiny model end to end: train, evaluate, load; and the same seed gives the same model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline

pytestmark = pytest.mark.slow

REPO = Path(__file__).parent.parent


def de_entities(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8"
    )


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("train") / "tiny"
    result = de_entities("train", "--limit", "300", "--max-steps", "60", "--seed", "7", "--output", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_train_evaluate_load(tiny_model: Path, tmp_path: Path) -> None:
    meta = json.loads((tiny_model / "meta.json").read_text(encoding="utf-8"))
    assert meta["training"]["limit"] == 300
    assert meta["training"]["seed"] == 7
    scores = tmp_path / "scores.json"
    result = de_entities(
        "evaluate",
        "data/germeval2014/NER-de-dev.tsv.gz",
        "--model",
        str(tiny_model),
        "--limit",
        "100",
        "--json",
        str(scores),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4class" in result.stdout and "12class" in result.stdout
    assert json.loads(scores.read_text(encoding="utf-8"))["sentences"] == 100
    nlp = pipeline.load(tiny_model)
    assert nlp.pipe_names == ["tok2vec", "ner", "fine_types"]
    assert len(nlp.get_pipe("ner").labels) >= 8


def test_same_seed_same_model(tiny_model: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = de_entities("train", "--limit", "300", "--max-steps", "60", "--seed", "7", "--output", str(again))
    assert result.returncode == 0, result.stdout + result.stderr
    for part in ("tok2vec/model", "ner/model"):
        assert (again / part).read_bytes() == (tiny_model / part).read_bytes(), part
    other = tmp_path / "other"
    assert (
        de_entities("train", "--limit", "300", "--max-steps", "60", "--seed", "8", "--output", str(other)).returncode
        == 0
    )
    assert (other / "ner/model").read_bytes() != (tiny_model / "ner/model").read_bytes()
