"""The batch run end to end, with the shipped model."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import missing, require
from runs import (
    REPO,
    SAMPLE,
    alive,
    children_of,
    cli,
    make_corpus,
    run_command,
    snapshot,
    start_and_wait_for_results,
    still_alive,
    tables,
)
from spacy.language import Language

from pipeline.batch import RunOptions, run
from pipeline.nlp.build import build_pipeline
from pipeline.tables.output import read_csv, safe_file_stem
from pipeline.tables.schemas import ARTICLES, COOCCURRENCE, ENTITIES, ENTITY_INDEX, MENTIONS
from pipeline.util import available_cores

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_pipeline()


def test_run_is_a_plain_function_of_the_package() -> None:
    import pipeline

    assert pipeline.run is run


def test_pipeline_analysis_has_no_problems(nlp: Language) -> None:
    analysis = nlp.analyze_pipes()
    assert not any(analysis["problems"].values())
    assert nlp.pipe_names[-3:] == ["fine_types", "canonical", "tables"]


def test_sample_article_end_to_end(tmp_path: Path, nlp: Language) -> None:
    summary = run([SAMPLE], tmp_path, nlp=nlp)
    assert summary.exit_code == 0 and summary.ok == 1
    table = read_csv(tmp_path / "articles" / "000_54a07f7f396f094c.csv")
    assert list(table.columns) == list(ENTITIES.columns)
    found = {
        (form, label)
        for forms, label in zip(table["surface_forms"], table["label"], strict=True)
        for form in forms.split(" | ")
    }
    for expected in [("Lukaschenko", "PER"), ("Putin", "PER"), ("Sotschi", "LOC"), ("EU", "ORG"), ("Nato", "ORG")]:
        assert expected in found
    mentions = read_csv(tmp_path / "mentions.csv")
    assert list(mentions.columns) == list(MENTIONS.columns)
    text = (tmp_path / "texts" / "000_54a07f7f396f094c.txt").read_text(encoding="utf-8")
    for row in mentions.itertuples():
        assert text[int(row.start) : int(row.end)] == row.text
    articles = read_csv(tmp_path / "articles.csv")
    assert list(articles.columns) == list(ARTICLES.columns)
    assert articles.loc[0, "date"] == "2020-09" and articles.loc[0, "status"] == "ok"
    index = read_csv(tmp_path / "entity_index.csv")
    assert list(index.columns) == list(ENTITY_INDEX.columns)
    people = index[index["label"] == "PER"].set_index("canonical")
    assert "Alexander Lukaschenko" in people.index
    assert "Lukaschenko" in people.loc["Alexander Lukaschenko", "surface_forms"].split(" | ")
    assert set(index["entity_id"]) == set(mentions["entity_id"])
    pairs = read_csv(tmp_path / "cooccurrence.csv")
    assert list(pairs.columns) == list(COOCCURRENCE.columns) and len(pairs) > 0
    assert (pairs["entity_a"] < pairs["entity_b"]).all()
    assert set(pairs["entity_a"]) | set(pairs["entity_b"]) <= set(index["entity_id"])
    info = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert info["model"]["name"] == "de_entities_ner" and info["words_per_s"] > 0
    assert info["options"]["batch_size"] == 64  # the default model's batch size in settings.cfg
    assert (tmp_path / "mentions.parquet").exists() and (tmp_path / "entities.parquet").exists()


def test_bad_inputs_are_reported_and_the_rest_is_written(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    make_corpus(corpus, 2)
    (corpus / "latin1.txt").write_bytes("Müller in Köln".encode("latin-1"))
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02")
    (corpus / "dup.jsonl").write_text(json.dumps({"id": "000", "text": "Doppelt."}) + "\n", encoding="utf-8")
    result = cli("run", str(corpus), "--out", str(tmp_path / "out"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "4 failed" in result.stdout and "articles.csv" in result.stdout
    articles = read_csv(tmp_path / "out" / "articles.csv")
    status = dict(zip(articles["article_id"] + "@" + articles["source"].str[-9:], articles["status"], strict=True))
    assert sorted(status.values()).count("ok") == 2
    errors = articles[articles["status"] == "error"].set_index("article_id")["error"].to_dict()
    assert "UTF-8" in errors["latin1"] and "empty" in errors["empty"] and "binary" in errors["binary"]
    assert "duplicate article ID" in errors["000"]
    assert (tmp_path / "out" / "articles" / "000.csv").exists() and (tmp_path / "out" / "articles" / "001.csv").exists()


def test_exit_codes(tmp_path: Path) -> None:
    assert cli("run", str(SAMPLE), "--out", str(tmp_path / "ok"), "--quiet").returncode == 0
    assert cli("run", str(SAMPLE)).returncode == 2  # no --out
    assert cli("run", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "x")).returncode == 2
    assert cli("run", str(SAMPLE), "--out", str(tmp_path / "m"), "--model", "no_such_model").returncode == 2


def test_incremental_rerun_and_force(tmp_path: Path, nlp: Language) -> None:
    corpus = make_corpus(tmp_path / "in", 3)
    out = tmp_path / "out"
    first = run([corpus], out, nlp=nlp)
    before = tables(out)
    second = run([corpus], out, nlp=nlp)
    assert (second.reused, first.reused) == (3, 0)
    assert tables(out) == before
    (corpus / "001.txt").write_text("Angela Merkel traf Emmanuel Macron in Paris.", encoding="utf-8")
    (corpus / "new.txt").write_text("Olaf Scholz besuchte Warschau.", encoding="utf-8")
    third = run([corpus], out, nlp=nlp)
    assert third.reused == 2 and third.ok == 4
    assert "Macron" in (out / "articles" / "001.csv").read_text(encoding="utf-8")
    forced = run([corpus], out, nlp=nlp, options=RunOptions(force=True))
    assert forced.reused == 0


def test_long_article_is_chunked_with_correct_offsets(tmp_path: Path, nlp: Language) -> None:
    body = "\n\n".join(SAMPLE.read_text(encoding="utf-8").split("\n\n")[1:])
    (tmp_path / "long.txt").write_text(body * 4, encoding="utf-8")
    saved = nlp.max_length
    nlp.max_length = 700
    try:
        summary = run([tmp_path / "long.txt"], tmp_path / "out", nlp=nlp)
    finally:
        nlp.max_length = saved
    assert summary.ok == 1
    text = (tmp_path / "out" / "texts" / "long.txt").read_text(encoding="utf-8")
    mentions = read_csv(tmp_path / "out" / "mentions.csv")
    assert len(mentions) > 20
    for row in mentions.itertuples():
        assert text[int(row.start) : int(row.end)] == row.text
    sentences = mentions["sentence"].astype(int).tolist()
    assert sentences == sorted(sentences) and sentences[-1] > 20


def test_unsafe_ids_stay_inside_out_dir(tmp_path: Path) -> None:
    ids = ["../escape", "a/b", "NUL", "x\u0000y", "=HYPERLINK()"]
    feed = "".join(json.dumps({"id": i, "text": f"Putin sprach mit Merkel ({n})."}) + "\n" for n, i in enumerate(ids))
    out = tmp_path / "out"
    result = cli("run", "-", "--out", str(out), "--quiet", stdin=feed)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "escape.csv").exists()
    written = {p.name for p in (out / "articles").iterdir()}
    assert written == {f"{safe_file_stem(i)}.csv" for i in ids}
    for p in out.rglob("*"):
        assert p.resolve().is_relative_to(out.resolve())
    articles = read_csv(out / "articles.csv")
    assert articles["article_id"].tolist()[:4] == ids[:4]
    assert articles["article_id"].tolist()[4] == "'=HYPERLINK()"  # neutralised for spreadsheets


def test_excel_dialect(tmp_path: Path) -> None:
    result = cli("run", str(SAMPLE), "--out", str(tmp_path), "--excel", "--quiet")
    assert result.returncode == 0
    raw = (tmp_path / "mentions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8-sig").startswith("article_id;sentence;start")


@pytest.fixture(scope="module")
def forty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus of 40 articles and the output of one uninterrupted run over it, shared by the fault tests."""
    folder = tmp_path_factory.mktemp("forty")
    corpus = make_corpus(folder / "in", 40)
    reference = folder / "reference"
    assert cli("run", str(corpus), "--out", str(reference), "--quiet", "--batch-size", "2").returncode == 0
    return corpus, reference


# With one worker, the process that gets killed is the one child of the run: it runs the last stages on the
# second core (`pipeline.batch.second_core`), on a machine that has one.
@pytest.mark.parametrize(("engine", "workers"), [("local", 2), ("dask", 2), ("local", 1)])
def test_killed_run_leaves_no_worker_and_resumes_to_identical_output(
    tmp_path: Path, engine: str, workers: int, forty: tuple[Path, Path]
) -> None:
    if not Path("/proc/self/stat").exists():
        missing("the test reads the process table from /proc (Linux)")
    if engine == "dask":
        require("distributed", "the Dask engine needs the 'dask' extra")
    if workers == 1 and available_cores() < 2:
        pytest.skip("one core: a run with one worker forks no child")
    corpus, reference = forty

    out = tmp_path / "out"
    command = run_command(corpus, out, "--batch-size", "2", "--workers", str(workers), "--engine", engine)
    proc = start_and_wait_for_results(command, out, 6)
    children = children_of(proc.pid)
    assert len(children) >= workers, f"the run should have started {workers} worker processes"
    os.kill(proc.pid, signal.SIGKILL)  # the parent only, as `kill -9` does
    # wait, not communicate: surviving workers would hold the output pipes open, and the test would hang.
    proc.wait(timeout=30)
    time.sleep(10)
    assert [pid for pid in children if alive(pid)] == [], "worker processes outlived their run"
    after_death = snapshot(out)
    time.sleep(3)
    assert snapshot(out) == after_death, "files changed in the output folder after the run was killed"
    done = len(list((out / "results").glob("*.json")))
    assert 0 < done < 40, f"the kill came too late or too early ({done} results)"
    assert not (out / "mentions.csv").exists()

    rerun = cli("run", str(corpus), "--out", str(out), "--batch-size", "2")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "Took over the output folder from run PID" in rerun.stdout
    assert tables(out) == tables(reference)
    assert not [p for p in out.rglob("*.tmp")]
    shutil.rmtree(out)


@pytest.mark.parametrize("workers", [2, 1])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_the_run_and_a_rerun_completes_it(
    tmp_path: Path, signum: int, workers: int, forty: tuple[Path, Path]
) -> None:
    if workers == 1 and available_cores() < 2:
        pytest.skip("one core: a run with one worker forks no child")
    corpus, reference = forty

    out = tmp_path / "out"
    command = run_command(corpus, out, "--batch-size", "2", "--workers", str(workers))
    command.remove("--quiet")
    proc = start_and_wait_for_results(command, out, 4)
    children = children_of(proc.pid)
    assert len(children) >= workers
    started = time.monotonic()
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)  # Ctrl-C in a terminal signals the whole process group, workers too
    else:
        os.kill(proc.pid, signum)  # `kill PID` signals the main process only
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, stdout.decode() + stderr.decode()
    assert time.monotonic() - started < 30
    assert "Interrupted:" in stdout.decode() and "Traceback" not in stderr.decode()
    assert still_alive(children, within=10) == []
    assert not [p for p in out.rglob("*.tmp")], "a temporary file was left behind"
    assert not (out / "mentions.csv").exists()
    for result in (out / "results").glob("*.json"):
        json.loads(result.read_text(encoding="utf-8"))  # complete, never half-written

    assert cli("run", str(corpus), "--out", str(out), "--quiet", "--batch-size", "2").returncode == 0
    assert tables(out) == tables(reference)


def test_show_highlights_entities() -> None:
    result = cli("show", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    assert "Lukaschenko" in result.stdout and "PER" in result.stdout
    assert cli("show", str(REPO / "data")).returncode == 2


# Issue 20: what a first-time user meets on input as common as a good folder.


@pytest.mark.parametrize("case", ["empty folder", "only a binary file", "only a Latin-1 file", "wrong delimiter"])
def test_a_run_in_which_no_article_needs_the_model_ends_with_its_summary(tmp_path: Path, case: str) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    extra: list[str] = []
    if case == "only a binary file":
        (corpus / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    elif case == "only a Latin-1 file":
        (corpus / "brief.txt").write_bytes("Müller traf Schröder in Köln.".encode("latin-1"))
    elif case == "wrong delimiter":
        (corpus / "news.csv").write_text("id;text\n1;Putin traf Merkel.\n2;Scholz in Paris.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli("run", str(corpus), "--out", str(out), *extra)
    assert "Traceback" not in result.stderr, result.stderr
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["model"]["name"] == "de_entities_ner" and info["counts"]["processed"] == 0
    if case == "empty folder":
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("0 articles: 0 ok") and result.stderr.startswith("[W001] Found no articles")
    else:
        assert result.returncode == 1, result.stdout + result.stderr
        assert "0 ok" in result.stdout and "failed" in result.stdout
        reasons = {"only a binary file": "binary", "only a Latin-1 file": "line 1", "wrong delimiter": "--delimiter"}
        assert reasons[case] in result.stdout  # the failures are listed with their reasons
    assert (out / "articles.csv").exists() and cli("report", str(out)).returncode == 0


def test_a_latin1_csv_loses_no_row(tmp_path: Path) -> None:
    from test_readers import latin1_csv

    path = tmp_path / "news.csv"
    offset = latin1_csv(path)
    result = cli("run", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1, result.stdout + result.stderr
    articles = read_csv(tmp_path / "out" / "articles.csv").set_index("article_id")
    assert len(articles) == 160 and (articles["status"] == "ok").sum() == 159
    error = articles.loc["r151", "error"]
    assert "line 152" in error and f"byte {offset} of the file" in error
    assert articles.loc["r151", "source"] == f"{path}:152"
    assert f"r151 ({path}:152): not valid UTF-8" in result.stdout


def test_rows_without_ids_in_same_named_files_of_two_subfolders(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    for month in ("2023-05", "2023-06"):
        (corpus / month).mkdir(parents=True)
        rows = [json.dumps({"text": f"Olaf Scholz traf Emmanuel Macron in Paris ({month}, {i})."}) for i in range(2)]
        (corpus / month / "articles.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = cli("run", str(corpus), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    articles = read_csv(tmp_path / "out" / "articles.csv")
    assert articles["article_id"].tolist() == [f"{m}/articles-{i}" for m in ("2023-05", "2023-06") for i in (1, 2)]
    assert articles["source"].tolist()[2] == f"{corpus / '2023-06' / 'articles.jsonl'}:1"
    assert (articles["status"] == "ok").all()


def test_a_json_array_is_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    objects = [{"id": "a", "text": "Angela Merkel traf Wladimir Putin in Sotschi."}, {"text": "Scholz in Paris."}]
    path.write_text(json.dumps(objects, ensure_ascii=False, indent=2), encoding="utf-8")
    result = cli("run", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    articles = read_csv(tmp_path / "out" / "articles.csv")
    assert articles["article_id"].tolist() == ["a", "feed-2"] and (articles["status"] == "ok").all()
    assert int(articles["mentions"][0]) > 0


def test_failed_articles_are_listed_in_the_terminal(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", 1)
    for i in range(7):
        (corpus / f"bad{i}.txt").write_bytes(f"Br{i}ef aus K".encode() + b"\xf6ln")
    result = cli("run", str(corpus), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "7 failed" in result.stdout
    listed = [line for line in result.stdout.splitlines() if line.startswith("  bad")]
    assert len(listed) == 5 and all("not valid UTF-8" in line and "re-save" in line for line in listed)
    assert "and 2 more" in result.stdout and "--verbose" in result.stdout
    verbose = cli("run", str(corpus), "--out", str(tmp_path / "out"), "--verbose")
    assert len([line for line in verbose.stdout.splitlines() if line.startswith("  bad")]) == 7


def test_article_files_can_be_named_in_any_shell_as_they_are(tmp_path: Path) -> None:
    ids = ["Artikel-001", "Merkel", "merkel", "$HOME", "a b", "-x", "~root", "x!y", "Straße"]
    feed = "".join(json.dumps({"id": i, "text": f"Putin sprach mit Merkel ({n})."}) + "\n" for n, i in enumerate(ids))
    out = tmp_path / "out"
    assert cli("run", "-", "--out", str(out), "--quiet", stdin=feed).returncode == 0
    names = sorted(p.name for p in (out / "articles").iterdir())
    assert len(names) == len(ids)
    shells = [shell for shell in ("bash", "zsh") if shutil.which(shell)]
    assert shells, "no shell to try the names with"
    for shell in shells:
        for name in names:
            # Typed into an interactive shell, as a user does: only there is `!` history expansion on (a
            # command given with -c is not expanded).
            typed = subprocess.run(
                [shell, "-i"], input=f"cat articles/{name}\n", cwd=out, capture_output=True, text=True, encoding="utf-8"
            )
            assert "event not found" not in typed.stderr and "No such file" not in typed.stderr, (shell, name)
            assert typed.stdout == (out / "articles" / name).read_text(encoding="utf-8"), (shell, name, typed.stderr)


def test_a_rerun_with_nothing_to_do_keeps_the_last_speed(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", 2)
    out = tmp_path / "out"
    assert cli("run", str(corpus), "--out", str(out), "--quiet").returncode == 0
    first = json.loads((out / "run.json").read_text(encoding="utf-8"))
    rerun = cli("run", str(corpus), "--out", str(out))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    second = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert first["words_per_s"] > 0 and second["words_per_s"] == first["words_per_s"]
    assert second["words_processed"] == 0 and second["speed_measured"] == first["timings"]["started"]
    # A word boundary, because the last real speed ("720 words/s") is printed and must not match.
    assert (
        not re.search(r"(?<![\d,.])0 words/s", rerun.stdout)
        and "nothing to process, every article unchanged" in rerun.stdout
    )
    assert cli("report", str(out)).returncode == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"{first['words_per_s']:,.0f}" in page and "reused every article" in page


def test_show_marks_entities_in_plain_text_off_a_terminal_and_writes_html(tmp_path: Path, nlp: Language) -> None:
    from pipeline.batch.readers import read_txt_article

    result = cli("show", str(SAMPLE), "--html", str(tmp_path / "article.html"))
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout  # no colour codes into a pipe or file
    record = read_txt_article(SAMPLE)
    doc = nlp(record.text)
    for row in doc._.mentions:
        tag = row["label"] if row["canonical"] == row["text"] else f"{row['label']} → {row['canonical']}"
        assert f"[{row['text']}]({tag})" in result.stdout
    assert any(row["canonical"] != row["text"] for row in doc._.mentions), "no mention with another canonical name"
    page = (tmp_path / "article.html").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page and page.count("<mark") == len(doc._.mentions)
    for external in ("<script", "<link", "src=", "http://", "https://"):
        assert external not in page


def test_the_readme_quick_start_shows_what_a_run_of_the_samples_gives(tmp_path: Path, nlp: Language) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    line = re.search(r"(\d+) articles: (\d+) ok .*?, (\d+) failed; (\d+) mentions of (\d+) entities", quick_start)
    assert line, "the quick start shows no summary line"
    summary = run([REPO / "data" / "samples"], tmp_path / "out", nlp=nlp)
    said = tuple(int(n) for n in line.groups())
    assert said == (summary.articles, summary.ok, summary.errors, summary.mentions, summary.entities), (
        "the README's quick start is stale: update its summary line to " + summary.line()
    )


def test_run_json_holds_the_config_the_run_built(tmp_path: Path) -> None:
    import pipeline

    corpus = make_corpus(tmp_path / "in", 1)
    out = tmp_path / "out"
    assert cli("run", str(corpus), "--out", str(out), "--quiet").returncode == 0
    recorded = json.loads((out / "run.json").read_text(encoding="utf-8"))["config"]
    # pipeline.cfg fitted to the model, with its source filled in: what pipeline.load() builds too.
    assert recorded == pipeline.load().config.to_str()
    # A rerun that needs no model keeps what the last run recorded.
    assert cli("run", str(corpus), "--out", str(out), "--quiet").returncode == 0
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["config"] == recorded
