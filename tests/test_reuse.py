"""What a run reuses: a rerun with nothing changed loads no model and keeps the tables; forked workers share
the pipeline of the process that starts them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from spacy.language import Language

from pipeline.batch import RunOptions, run
from pipeline.batch.engines import fork_workers
from pipeline.nlp.build import build_pipeline
from pipeline.tables.output import csv_bytes, rows_csv_bytes
from pipeline.tables.schemas import ENTITIES, empty

pytestmark = pytest.mark.slow

REPO = Path(__file__).parent.parent
SAMPLE = REPO / "data" / "samples" / "000_54a07f7f396f094c.txt"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_pipeline()


def make_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = SAMPLE.read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"{i:03d}.txt").write_text(body.replace("Sotschi", ["Sotschi", "Minsk", "Kiew"][i % 3]), "utf-8")
    return folder


def snapshot(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.name != "run.json"
    }


def no_model(*args: object, **kwargs: object) -> Language:
    raise AssertionError("a pipeline was built")


def forbid_building_pipelines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make building any spaCy pipeline fail, wherever the run would do it: every way to make one (`spacy.load`,
    `spacy.blank`, a config) ends in `Language.from_config`. Patched there, not where the run imports a
    loader, so the check still holds if the loading moves."""
    monkeypatch.setattr(Language, "from_config", classmethod(no_model))


def test_rerun_with_nothing_changed_loads_no_model_and_keeps_the_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = make_corpus(tmp_path / "in", 3)
    out = tmp_path / "out"
    first = run([corpus], out)
    before = snapshot(out)
    stamps = {name: p.stat().st_mtime_ns for name, p in ((n, out / n) for n in before)}
    forbid_building_pipelines(monkeypatch)
    with pytest.raises(AssertionError, match="a pipeline was built"):
        build_pipeline()  # the guard catches the run's own way of building one
    again = run([corpus], out)
    assert (again.reused, again.ok, again.mentions, again.entities) == (3, 3, first.mentions, first.entities)
    assert snapshot(out) == before
    assert {name: (out / name).stat().st_mtime_ns for name in before} == stamps  # nothing was rewritten
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["counts"]["unchanged"] == 3 and info["pipeline"]

    # A table that went missing is written again, the same as before, still without a model.
    (out / "mentions.csv").unlink()
    (out / "articles" / "001.csv").unlink()
    run([corpus], out)
    assert snapshot(out) == before


def test_rerun_after_a_change_writes_the_tables_again(tmp_path: Path, nlp: Language) -> None:
    corpus = make_corpus(tmp_path / "in", 3)
    out = tmp_path / "out"
    run([corpus], out, nlp=nlp)
    (corpus / "001.txt").write_text("Angela Merkel traf Emmanuel Macron in Paris.", encoding="utf-8")
    summary = run([corpus], out, nlp=nlp)
    assert summary.reused == 2
    assert "Macron" in (out / "mentions.csv").read_text(encoding="utf-8")
    # An article removed: nothing to process, but the tables are those of a fresh run on what is left.
    (corpus / "002.txt").unlink()
    reference = tmp_path / "reference"
    run([corpus], reference, nlp=nlp)
    run([corpus], out, nlp=nlp)
    assert snapshot(out)["mentions.csv"] == snapshot(reference)["mentions.csv"]


@pytest.mark.skipif(not fork_workers(), reason="workers are forked on Linux only")
def test_forked_workers_use_the_pipeline_of_the_run(
    tmp_path: Path, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = make_corpus(tmp_path / "in", 4)
    reference = tmp_path / "one"
    run([corpus], reference, nlp=nlp, options=RunOptions(workers=1, batch_size=1))
    # A worker that built a pipeline of its own would fail every article of its batches.
    forbid_building_pipelines(monkeypatch)
    summary = run([corpus], tmp_path / "two", nlp=nlp, options=RunOptions(workers=2, batch_size=1))
    assert (summary.ok, summary.errors) == (4, 0)
    assert snapshot(tmp_path / "two") == snapshot(reference)


def test_rows_csv_bytes_match_the_table_csv() -> None:
    rows = [
        {c: (3 if c.endswith(("mentions", "start")) else f"={c}") for c in ENTITIES.columns},
        {c: (0 if c.endswith(("mentions", "start")) else c) for c in ENTITIES.columns},
    ]
    table = pd.DataFrame(rows, columns=list(ENTITIES.columns))
    for excel in (False, True):
        assert rows_csv_bytes(rows, list(ENTITIES.columns), excel=excel) == csv_bytes(table, excel=excel)
        assert rows_csv_bytes([], list(ENTITIES.columns), excel=excel) == csv_bytes(empty(ENTITIES), excel=excel)


@pytest.mark.skipif(not fork_workers(), reason="the kernel's parent-death signal is Linux only")
def test_forked_workers_end_with_a_killed_run(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    corpus = make_corpus(tmp_path / "in", 12)
    command = [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "--out", str(tmp_path / "out")]
    proc = subprocess.Popen([*command, "-q", "--workers", "2", "--batch-size", "1"], cwd=REPO)
    children_file = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    children: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(children) < 2 and proc.poll() is None:
        children = [int(c) for c in children_file.read_text(encoding="utf-8").split()]
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(children) == 2, "the run did not start two workers"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
        time.sleep(0.05)
    alive = [c for c in children if Path(f"/proc/{c}").exists() and "Z" not in status(c)]
    assert not alive, f"workers {alive} outlived their run"


def status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").split(")")[-1].split()[0]
    except OSError:
        return "Z"
