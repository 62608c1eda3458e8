"""Parallel runs give the same output as one worker: local processes and a 2-worker Dask LocalCluster."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import require

from pipeline.batch import RunOptions, run

pytestmark = pytest.mark.slow

REPO = Path(__file__).parent.parent
SAMPLE = REPO / "data" / "samples" / "000_54a07f7f396f094c.txt"
FILES = [
    "articles.csv",
    "mentions.csv",
    "entities.csv",
    "entity_index.csv",
    "cooccurrence.csv",
    "aliases.csv",
    "ambiguous.csv",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    paragraphs = SAMPLE.read_text(encoding="utf-8").split("\n\n")
    for i in range(24):
        # Articles of different lengths and content, so batches finish out of order.
        body = "\n\n".join(paragraphs[: 2 + i % 6])
        (folder / f"{i:03d}.txt").write_text(
            body.replace("Sotschi", ["Sotschi", "Minsk", "Kiew"][i % 3]), encoding="utf-8"
        )
    (folder / "broken.txt").write_bytes(b"\xff\xfe kaputt")
    return folder


def snapshot(out: Path) -> dict[str, object]:
    files: dict[str, object] = {name: (out / name).read_bytes() for name in FILES}
    files |= {f"articles/{p.name}": p.read_bytes() for p in sorted((out / "articles").glob("*.csv"))}
    for name in ("mentions", "entities", "entity_index", "cooccurrence"):
        table = pd.read_parquet(out / f"{name}.parquet")
        # Missing coordinates read back as NaN, which equals nothing, not even itself: compare them as None.
        files[f"{name}.parquet"] = table.astype(object).where(table.notna(), None).to_dict("list")
    return files


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("one")
    summary = run([corpus], out, options=RunOptions(workers=1, batch_size=4))
    assert summary.errors == 1 and summary.ok == 24
    return snapshot(out)


def test_two_local_workers_match_one(corpus: Path, reference: dict[str, object], tmp_path: Path) -> None:
    summary = run([corpus], tmp_path, options=RunOptions(workers=2, batch_size=4))
    assert summary.ok == 24
    assert snapshot(tmp_path) == reference


def test_dask_local_cluster_matches_one(corpus: Path, reference: dict[str, object], tmp_path: Path) -> None:
    require("distributed", "the Dask engine needs the 'dask' extra")
    summary = run([corpus], tmp_path, options=RunOptions(engine="dask", workers=2, batch_size=4))
    assert summary.ok == 24
    assert snapshot(tmp_path) == reference
