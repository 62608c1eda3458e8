"""End to end on the sample article with the shipped model: one row per real-world thing.

The assertions hold for any reasonable model version: they name the things, not the model's tags.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch import RunOptions, run

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).parent.parent / "data" / "samples" / "000_54a07f7f396f094c.txt"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    run([SAMPLE], folder, options=RunOptions(workers=1))
    return folder


def test_one_row_per_thing(out: Path) -> None:
    table = pd.read_csv(out / "articles" / f"{SAMPLE.stem}.csv", dtype=str)
    names = list(table["canonical"])
    for name in ("Alexander Lukaschenko", "Wladimir Putin", "Belarus", "Russland", "Kreml"):
        assert names.count(name) == 1, (name, names)
    assert "Belarussen" not in names
    # No shorter form of the two people is left as a row of its own, whatever label the model gave it.
    assert not {"Putin", "Putins", "Lukaschenko", "Lukaschenkos"} & set(names)


def test_mentions_say_who_decided_the_label(out: Path) -> None:
    mentions = pd.read_csv(out / "mentions.csv", dtype=str, keep_default_na=False)
    putin = mentions[mentions["canonical"] == "Wladimir Putin"]
    assert set(putin["label"]) == {"PER"}
    changed = mentions[mentions["label"] != mentions["model_label"]]
    assert set(changed["label_source"]) <= {"article", "lexicon"}
    # A compound with the Kreml ("Kreml-Erklärung"), where the model tags it, is a part mention of the Kreml.
    kreml_compounds = mentions[mentions["text"].str.startswith("Kreml-")]
    assert set(kreml_compounds["kind"]) <= {"part"}
    assert set(kreml_compounds["canonical"]) <= {"Kreml"}
    belarussen = mentions[mentions["text"] == "Belarussen"]
    assert set(belarussen["canonical"]) <= {"Belarus"} and set(belarussen["kind"]) <= {"derived"}
