"""A rerun never reuses a stale result: another model with the same name, other word lists, a corrupt file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spacy
from runs import make_corpus, tables

from pipeline.batch import RunOptions, run
from pipeline.names import lexicon
from pipeline.nlp.build import build_pipeline, pipeline_digest
from pipeline.nlp.loading import default_model_name, models_dir
from pipeline.tables.output import read_csv

pytestmark = pytest.mark.slow


def retrain(model: Path) -> None:
    """Stand-in for a retraining: other NER weights, the same name and version in the meta."""
    nlp = spacy.load(model)
    ner = nlp.get_pipe("ner").model
    for node in ner.walk():
        for name in node.param_names:
            if node.has_param(name):
                node.set_param(name, node.get_param(name) * 0.3)
    meta = dict(nlp.meta)
    nlp.to_disk(model)
    assert json.loads((model / "meta.json").read_text(encoding="utf-8"))["version"] == meta["version"]


def test_a_retrained_model_with_the_same_name_and_version_redoes_every_article(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(models_dir() / default_model_name(), model)
    corpus = make_corpus(tmp_path / "in", 3)
    options = RunOptions(model=str(model), workers=1)
    first = run([corpus], tmp_path / "out", options=options)
    assert first.ok == 3
    retrain(model)
    second = run([corpus], tmp_path / "out", options=options)
    assert (second.reused, second.redone) == (0, 3)
    fresh = run([corpus], tmp_path / "fresh", options=options)
    assert fresh.ok == 3
    assert tables(tmp_path / "out") == tables(tmp_path / "fresh")


def test_the_digest_follows_the_word_lists_the_component_carries(tmp_path: Path) -> None:
    same, edited = tmp_path / "same", tmp_path / "edited"
    shutil.copytree(lexicon.lexicon_dir(), same)
    shutil.copytree(lexicon.lexicon_dir(), edited)
    with open(edited / "titles.txt", "a", encoding="utf-8") as f:
        f.write("Landrätin\n")
    # The word lists' digest is of their contents, wherever they lie.
    assert lexicon.load_lexicon(same).digest == lexicon.load_lexicon().digest != lexicon.load_lexicon(edited).digest
    nlp = build_pipeline()
    before = pipeline_digest(nlp)
    nlp.get_pipe("canonical").initialize(lexicon=lambda: lexicon.load_lexicon(same))
    assert pipeline_digest(nlp) == before
    nlp.get_pipe("canonical").initialize(lexicon=lambda: lexicon.load_lexicon(edited))
    assert pipeline_digest(nlp) != before


def test_an_edited_word_list_redoes_every_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lexicon"
    shutil.copytree(lexicon.lexicon_dir(), folder)
    monkeypatch.setattr(lexicon, "lexicon_dir", lambda: folder)
    corpus = make_corpus(tmp_path / "in", 3)
    options = RunOptions(workers=1)
    assert run([corpus], tmp_path / "out", options=options).ok == 3
    again = run([corpus], tmp_path / "out", options=options)
    assert (again.reused, again.redone) == (3, 0)
    with open(folder / "titles.txt", "a", encoding="utf-8") as f:
        f.write("Landrätin\n")
    lexicon._load_lexicon.cache_clear()  # a new process would read the lists anew; this one keeps them per folder
    edited = run([corpus], tmp_path / "out", options=options)
    assert (edited.reused, edited.redone) == (0, 3)


def test_stale_and_corrupt_results_are_redone_and_never_crash_the_tables(tmp_path: Path) -> None:
    nlp = build_pipeline()
    corpus = make_corpus(tmp_path / "in", 5)
    out = tmp_path / "out"
    run([corpus], out, nlp=nlp)
    reference = tables(out)
    results = out / "results"
    (results / "000.json").write_bytes((results / "000.json").read_bytes()[:100])  # cut short by a full disk
    (results / "001.json").write_text("[]", encoding="utf-8")
    other = json.loads((results / "002.json").read_text(encoding="utf-8"))
    (results / "002.json").write_text(json.dumps(other | {"key": "0" * 64}), encoding="utf-8")
    (results / "003.json").write_text(json.dumps({"key": other["key"]}), encoding="utf-8")
    summary = run([corpus], out, nlp=nlp)
    assert (summary.ok, summary.reused, summary.redone) == (5, 1, 4)
    assert tables(out) == reference

    # A result that goes bad after it was checked (another program, a disk fault) becomes an error row: 004's
    # is reused (its names counted as it is checked), then spoiled once the batch of the changed 000 is done.
    def spoil(articles: int, words: int) -> None:
        if words:
            (results / "004.json").write_text("{", encoding="utf-8")

    (corpus / "000.txt").write_text("Olaf Scholz besuchte Warschau.", encoding="utf-8")
    spoiled = run([corpus], out, nlp=nlp, progress=spoil)
    assert spoiled.exit_code == 1 and spoiled.errors == 1
    articles = read_csv(out / "articles.csv").set_index("article_id")
    assert articles.loc["004", "status"] == "error" and "run again" in articles.loc["004", "error"]
    assert run([corpus], out, nlp=nlp).exit_code == 0


def test_ids_that_differ_only_in_case_get_files_that_differ_regardless_of_case(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    ids = ["Merkel", "merkel", "MERKEL"]
    feed.write_text("".join(json.dumps({"id": i, "text": f"{i} traf Putin."}) + "\n" for i in ids), encoding="utf-8")
    summary = run([feed], tmp_path / "out", options=RunOptions(workers=1))
    assert summary.ok == 3
    for folder in ("articles", "texts", "results"):
        names = [p.name.lower() for p in (tmp_path / "out" / folder).iterdir()]
        assert len(set(names)) == 3, names
    texts = {p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "texts").iterdir()}
    assert texts == {f"{i} traf Putin." for i in ids}
