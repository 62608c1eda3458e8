"""A model trained with the word-list flags sets them again when it is loaded anywhere, and predicts the same.

A tiny smoke training (60 sentences, 20 steps) through `pipeline.training.train`, then `spacy.load` of the saved
folder in an interpreter that has not imported `pipeline`: spaCy finds the `[nlp.after_creation]` callback and
the embedding through their entry points.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy
import numpy as np
import pytest
import spacy
from spacy.language import Language

from pipeline.nlp.loading import load_model
from pipeline.nlp.wordlists import WORD_LISTS
from pipeline.training.encoder_vectors import build_table, write_table
from pipeline.training.train import TrainOptions, train
from pipeline.util import CONFIGS_DIR

pytestmark = pytest.mark.slow

REPO = Path(__file__).parent.parent
SENTENCES = [
    "Angela Merkel besuchte die Siemens AG in München.",
    "Der Bundesverband der Deutschen Industrie tagt in Berlin.",
    "Wladimir Putin empfing Alexander Lukaschenko in Sotschi.",
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("wordlists") / "model"
    # ner.cfg reads the encoder word vectors too; random rows for a few words stand in for the real table.
    words = ["Berlin", "Putin", "Industrie"]
    keys, rows = build_table(words, np.random.default_rng(0).normal(size=(3, 32)).astype(np.float16))
    table = output.parent / "encoder_vectors.npz"
    write_table(table, keys, rows, {"words": len(words)})
    train(
        TrainOptions(
            train_path=REPO / "data/germeval2014/NER-de-train.outer.conll.gz",
            dev_path=REPO / "data/germeval2014/NER-de-dev.tsv.gz",
            output=output,
            vectors=None,
            name="wordlists_smoke",
            config=CONFIGS_DIR / "ner.cfg",
            limit=60,
            max_steps=20,
            seed=3,
            encoder_vectors=table,
        )
    )
    return output


def predictions(nlp: Language) -> dict[str, list]:
    """What the test compares: entities, the tok2vec's output, and the flags of each token."""
    flags = [int(flag[4:]) for flag in nlp.config["components"]["tok2vec"]["model"]["embed"]["flags"]]
    docs = list(nlp.pipe(SENTENCES))
    return {
        "ents": [[(ent.start, ent.end, ent.label_) for ent in doc.ents] for doc in docs],
        "tensors": [doc.tensor.tolist() for doc in docs],
        "flags": [[[int(token.check_flag(bit)) for bit in flags] for token in doc] for doc in docs],
    }


def reload_elsewhere(model: Path) -> dict[str, list]:
    # The function above cannot travel to the other interpreter, so it gets the same steps as source.
    code = "\n".join(
        [
            "import json, sys",
            "import spacy",
            "assert 'pipeline' not in sys.modules",
            f"nlp = spacy.load({str(model)!r})",
            "flags = [int(f[4:]) for f in nlp.config['components']['tok2vec']['model']['embed']['flags']]",
            f"docs = list(nlp.pipe({SENTENCES!r}))",
            "print(json.dumps({",
            "    'ents': [[(e.start, e.end, e.label_) for e in doc.ents] for doc in docs],",
            "    'tensors': [doc.tensor.tolist() for doc in docs],",
            "    'flags': [[[int(t.check_flag(b)) for b in flags] for t in doc] for doc in docs],",
            "}))",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", cwd="/", check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_meta_names_the_word_lists(trained: Path) -> None:
    meta = json.loads((trained / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["word_lists"]["flags"]) == set(WORD_LISTS)
    assert any("GeoNames" in source["name"] for source in meta["sources"])


def test_reloaded_model_sets_the_flags_and_predicts_the_same(trained: Path) -> None:
    here = predictions(load_model(trained))  # the model alone, as `reload_elsewhere` loads it
    there = reload_elsewhere(trained)
    assert there["ents"] == [[list(ent) for ent in ents] for ents in here["ents"]]
    assert there["flags"] == here["flags"]
    for a, b in zip(there["tensors"], here["tensors"], strict=True):
        assert numpy.allclose(a, b, atol=1e-5)
    # The flags are set: "Angela" is a first name, "AG" an organisation word, "München" a place.
    assert any(here["flags"][0][0]) and any(here["flags"][0][5]) and any(here["flags"][0][7])


def test_without_the_flags_the_model_computes_something_else(trained: Path) -> None:
    # The control: the comparison above would pass trivially if the flags did not reach the network.
    with_flags = predictions(spacy.load(trained))
    without = predictions(spacy.load(trained, config={"nlp": {"after_creation": None}}))
    assert not any(any(row) for doc in without["flags"] for row in doc)
    assert not numpy.allclose(with_flags["tensors"][0], without["tensors"][0])
