"""The last stages of the pipeline in a forked child on the second core (`pipeline.batch.second_core`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import spacy
from runs import children_of
from spacy.language import Language

import pipeline.batch.packed as packed
import pipeline.batch.second_core as second_core
from pipeline.batch import RunOptions, run
from pipeline.nlp.build import build_pipeline
from pipeline.nlp.components.tables import Tables

TEXTS = [
    "Putins Sprecher sagte am Montag in Moskau, Wladimir Putin komme nicht.",
    "Die deutschen Firmen in Berlin.\n\nMerkel und Angela Merkel trafen den Kreml-Sprecher.",
    "Kaputt: Merkel sprach in Berlin.",
    "Ohne jeden Namen.",
    "Alexander Lukaschenko und Lukaschenkos Gegner in Minsk.",
]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    patterns = ["Putins", "Wladimir Putin", "Merkel", "Angela Merkel", "Alexander Lukaschenko", "Lukaschenkos"]
    ruler.add_patterns([{"label": "PER", "pattern": p} for p in patterns])  # type: ignore[attr-defined]
    ruler.add_patterns([{"label": "LOC", "pattern": p} for p in ("Moskau", "Berlin", "Minsk")])  # type: ignore[attr-defined]
    ruler.add_patterns(
        [{"label": "LOCderiv", "pattern": "deutschen"}, {"label": "LOCpart", "pattern": "Kreml-Sprecher"}]
    )  # type: ignore[attr-defined]
    path = tmp_path_factory.mktemp("second-core") / "model"
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def nlp(model: Path) -> Language:
    return build_pipeline(str(model))


def corpus(folder: Path, copies: int = 4) -> Path:
    folder.mkdir()
    for c in range(copies):
        for i, text in enumerate(TEXTS):
            (folder / f"{c}-{i}.txt").write_text(f"{text} ({c})", encoding="utf-8")
    return folder


def files(out: Path) -> dict[str, bytes]:
    """Every file of a run but run.json (timings) and the lock."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in {"run.json", ".lock", "de-entities.lock"} and not p.name.startswith(".")
    }


def test_the_last_stages_are_canonical_and_tables(nlp: Language) -> None:
    assert packed.last_stages(nlp) == ["canonical", "tables"]
    plain = spacy.blank("de")
    plain.add_pipe("sentencizer")
    assert packed.last_stages(plain) == []


@pytest.mark.parametrize("text", TEXTS)
def test_a_packed_doc_gives_the_same_rows_as_the_doc_itself(nlp: Language, text: str) -> None:
    stages = packed.last_stages(nlp)
    doc = next(nlp.pipe([text], disable=stages))
    if len(doc) > 3:
        doc[3].set_morph("Case=Gen")  # morphology travels too (a model with a morphologizer sets it)
    data = packed.pack(doc)
    again = packed.unpack(nlp, data)
    assert [t.text_with_ws for t in again] == [t.text_with_ws for t in doc]
    assert [str(t.morph) for t in again] == [str(t.morph) for t in doc]
    assert packed.pack(doc, doc.text + " ").text == doc.text  # a text that is not the doc's is not taken
    for name in stages:
        doc = nlp.get_pipe(name)(doc)
        again = nlp.get_pipe(name)(again)
    assert again._.mentions == doc._.mentions
    assert again._.entities == doc._.entities
    assert [s.start for s in again.sents] == [s.start for s in doc.sents]


def run_twice(
    tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch, *, batch_size: int = 3
) -> tuple[Path, Path, list[int]]:
    """The same corpus with the second core and without it; returns both outputs and the children forked."""
    inputs = corpus(tmp_path / "in")
    others = set(children_of(os.getpid()))  # such as multiprocessing's resource tracker, from other tests
    forked: list[int] = []
    start = second_core.SecondCore.__init__

    def spy(self: second_core.SecondCore, *args: object) -> None:
        start(self, *args)  # type: ignore[arg-type]
        forked.append(self.pid)

    monkeypatch.setattr(second_core.SecondCore, "__init__", spy)
    monkeypatch.setattr(second_core, "possible", lambda: True)
    options = RunOptions(model=str(model), workers=1, batch_size=batch_size)
    run([inputs], tmp_path / "with", options=options)
    monkeypatch.setattr(second_core, "possible", lambda: False)
    run([inputs], tmp_path / "without", options=options)
    assert set(children_of(os.getpid())) <= others  # the child was waited for
    return tmp_path / "with", tmp_path / "without", forked


def test_a_run_with_the_second_core_writes_the_same_files(
    tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_child, without, forked = run_twice(tmp_path, model, monkeypatch)
    assert len(forked) == 1
    assert files(with_child) == files(without)
    assert len(list((with_child / "results").iterdir())) == 20


def test_a_run_of_one_batch_forks_no_child(tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_child, without, forked = run_twice(tmp_path, model, monkeypatch, batch_size=64)
    assert forked == []
    assert files(with_child) == files(without)


def test_a_stage_that_fails_on_one_article_in_the_child_fails_that_article_only(
    tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = Tables.__call__

    def broken(self: Tables, doc: spacy.tokens.Doc) -> spacy.tokens.Doc:
        if doc.text.startswith("Kaputt"):
            raise ValueError("kaputt")
        return call(self, doc)

    monkeypatch.setattr(Tables, "__call__", broken)
    with_child, without, forked = run_twice(tmp_path, model, monkeypatch)
    assert len(forked) == 1
    assert files(with_child) == files(without)
    articles = (with_child / "articles.csv").read_text(encoding="utf-8")
    assert articles.count("processing failed: ValueError: kaputt") == 4
    assert len(list((with_child / "results").iterdir())) == 16


def test_a_child_that_dies_leaves_its_batches_to_the_run(
    tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finish_all = second_core.finish_all
    batches = [0]

    def dies_at_the_third_batch(*args: object) -> object:
        batches[0] += 1
        if batches[0] == 3:
            os._exit(9)  # as if killed: no answer, no cleanup
        return finish_all(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(second_core, "finish_all", dies_at_the_third_batch)
    with_child, without, forked = run_twice(tmp_path, model, monkeypatch)
    assert len(forked) == 1
    assert files(with_child) == files(without)
    assert len(list((with_child / "results").iterdir())) == 20
