"""Faults around a run, each made for real: a second run, a full disk, a read-only folder, odd folders."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import runs
from conftest import missing
from runs import REPO, cli, make_corpus, run_command, tables

from pipeline.batch import RunOptions, driver, run
from pipeline.batch.folder import sweep_temporary
from pipeline.errors import PipelineError
from pipeline.nlp.build import build_pipeline
from pipeline.tables.output import read_csv
from pipeline.tables.schemas import TABLES
from pipeline.tables.writer import TableWriter

pytestmark = pytest.mark.slow


@functools.cache
def can_mount() -> bool:
    """True if this process may mount a tmpfs (root with CAP_SYS_ADMIN); tried once on a scratch folder."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    with tempfile.TemporaryDirectory() as folder:
        tried = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder], capture_output=True)
        if tried.returncode != 0:
            return False
        subprocess.run(["umount", folder], check=True)
    return True


@contextlib.contextmanager
def tmpfs(folder: Path, size_kb: int) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def final_files_are_complete(out: Path, reference: Path) -> None:
    """Every file under its final name in `out` is identical to the reference run's file of that name."""
    for path in out.rglob("*"):
        relative = path.relative_to(out)
        if path.is_file() and not path.name.startswith(".") and path.suffix in (".json", ".txt", ".csv"):
            if relative.parts[0] in ("articles", "texts"):
                assert path.read_bytes() == (reference / relative).read_bytes(), f"{relative} is not complete"
            if relative.parts[0] == "results":
                json.loads(path.read_text(encoding="utf-8"))


def test_second_run_into_the_same_folder_exits_2_and_the_first_completes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    feed = [json.dumps({"id": f"a{i}", "text": f"Putin traf Merkel in Sotschi ({i})."}) + "\n" for i in range(20)]
    # The first run reads its articles from a pipe that stays open, so it holds the folder until the test is done.
    first = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run", "-", "--out", str(out), "--batch-size", "2", "--workers", "1"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    runs.STARTED.append(first)
    try:
        assert first.stdin is not None
        first.stdin.write("".join(feed[:10]).encode("utf-8"))
        first.stdin.flush()
        deadline = time.monotonic() + 120
        while len(list((out / "results").glob("*.json"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        second = cli("run", str(make_corpus(tmp_path / "in", 1)), "--out", str(out), "--workers", "1")
        assert second.returncode == 2, second.stdout + second.stderr
        assert "[E070]" in second.stderr and f"PID {first.pid}" in second.stderr
        stdout, stderr = first.communicate("".join(feed[10:]).encode("utf-8"), timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    assert first.returncode == 0, stdout.decode() + stderr.decode()
    assert len((out / "articles.csv").read_text(encoding="utf-8").splitlines()) == 21
    assert not [p for p in out.rglob("*.tmp")]


def test_start_up_sweep_removes_only_what_a_run_left(tmp_path: Path) -> None:
    ours = [
        ".mentions.csv.ab12cd_3.tmp",
        ".slots.x1y2z3w4.tmp",
        ".run.json.abcdefgh.tmp",
        "articles/.007.csv.abcdefgh.tmp",
        "results/.007.json.abcdefgh.tmp",
    ]
    theirs = [
        ".notes.tmp",
        ".mentions.csv.tmp",
        "project/.mentions.csv.ab12cd_3.tmp",
        "project/results/.007.json.abcdefgh.tmp",
        "texts/sub/.a.txt.abcdefgh.tmp",
    ]
    for name in ours + theirs:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / ".entities.parquet.abcdefgh.tmp").mkdir()
    sweep_temporary(tmp_path)
    assert [name for name in ours if (tmp_path / name).exists()] == []
    assert [name for name in theirs if not (tmp_path / name).exists()] == []
    assert not (tmp_path / ".entities.parquet.abcdefgh.tmp").exists()


@pytest.mark.parametrize("name", sorted(TABLES))
def test_start_up_sweep_removes_the_temporary_files_of_every_table(tmp_path: Path, name: str) -> None:
    """A run killed while it wrote a table (`aliases` and `ambiguous` were once missed) leaves nothing behind."""
    table = TABLES[name]
    writer = TableWriter(tmp_path, name, table.schema, excel=False, parquet="parquet" in table.formats)
    writer.csv.close()  # killed: the temporary files stay, nothing is renamed
    left = sorted(entry.name for entry in tmp_path.iterdir())
    assert left and all(entry.startswith(f".{name}.") and entry.endswith(".tmp") for entry in left)
    sweep_temporary(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_output_folder_inside_the_input_is_never_read(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", 1)
    for _ in range(2):
        result = cli("run", str(corpus), "--out", str(corpus / "out"))
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("1 articles: 1 ok")


def test_pipeline_object_with_workers_that_cannot_inherit_it_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nlp = build_pipeline()
    with pytest.raises(PipelineError, match="E042"):
        run([tmp_path], tmp_path / "out", nlp=nlp, options=RunOptions(engine="dask", workers=1))
    # Spawned workers (macOS, Windows) start fresh and would build their own pipeline.
    monkeypatch.setattr(driver, "fork_workers", lambda: False)
    with pytest.raises(PipelineError, match="E042"):
        run([tmp_path], tmp_path / "out", nlp=nlp, options=RunOptions(workers=2))


def test_train_refuses_to_replace_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.md").write_text("Kapitel 1", encoding="utf-8")
    result = cli("train", "--output", str(precious), "--limit", "20", "--max-steps", "2")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "[E072]" in result.stderr
    assert (precious / "chapter1.md").read_text(encoding="utf-8") == "Kapitel 1"


def output_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_full_disk_exits_2_keeps_every_file_whole_and_a_rerun_completes(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", 30)
    reference = tmp_path / "reference"
    assert cli("run", str(corpus), "--out", str(reference), "--quiet", "--workers", "1").returncode == 0
    size_kb = output_size(reference) // 1024
    out = tmp_path / "small"
    command = run_command(corpus, out, "--workers", "2", "--batch-size", "4")
    command.remove("--quiet")
    if can_mount():
        # A real full disk: a tmpfs with room for about half of the output.
        with tmpfs(out, size_kb // 2):
            full = subprocess.run(command, cwd=REPO, capture_output=True, text=True, encoding="utf-8")
            reason = "No space left on device"
            final_files_are_complete(out, reference)
            subprocess.run(["mount", "-o", f"remount,size={size_kb * 4}k", str(out)], check=True)
            rerun = cli("run", str(corpus), "--out", str(out), "--quiet", "--workers", "2")
            done = tables(out) == tables(reference)
    else:
        # No tmpfs without privileges: the kernel's file size limit fails the large writes the same way.
        limit = output_size(reference / "mentions.csv") // 2

        def limited() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        full = subprocess.run(command, cwd=REPO, capture_output=True, text=True, encoding="utf-8", preexec_fn=limited)
        reason = "File too large"
        final_files_are_complete(out, reference)
        rerun = cli("run", str(corpus), "--out", str(out), "--quiet", "--workers", "2")
        done = tables(out) == tables(reference)
    assert full.returncode == 2, full.stdout + full.stderr
    assert "[E071]" in full.stderr and reason in full.stderr and str(out) in full.stderr
    assert "Traceback" not in full.stderr
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert done


def test_read_only_folder_exits_2_and_changes_nothing(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", 3)
    out = tmp_path / "out"
    assert cli("run", str(corpus), "--out", str(out), "--quiet", "--workers", "1").returncode == 0
    (corpus / "001.txt").write_text("Olaf Scholz besuchte Warschau.", encoding="utf-8")
    before = tables(out)
    if can_mount():
        saved = tmp_path / "saved"
        shutil.copytree(out, saved)
        with tmpfs(out, 4096):
            shutil.copytree(saved, out, dirs_exist_ok=True)
            subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
            result = cli("run", str(corpus), "--out", str(out), "--workers", "1")
            reason = "Read-only file system"
            assert tables(out) == before
    else:
        # No mount allowed: folders without write permission, which bind root too once it drops DAC override.
        folders = [out, *[p for p in out.rglob("*") if p.is_dir()]]
        for folder in folders:
            folder.chmod(0o555)
        try:
            command = [*without_root_override(), *run_command(corpus, out, "--workers", "1")]
            command.remove("--quiet")
            result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, encoding="utf-8")
        finally:
            for folder in folders:
                folder.chmod(0o755)
        reason = "Permission denied"
        assert tables(out) == before
    assert result.returncode == 2, result.stdout + result.stderr
    assert "[E071]" in result.stderr and reason in result.stderr
    assert "Free some space" not in result.stderr  # the advice fits the fault: no space is missing here
    assert "Traceback" not in result.stderr
    rerun = cli("run", str(corpus), "--out", str(out), "--quiet", "--workers", "1")
    assert rerun.returncode == 0
    assert "Warschau" in (out / "mentions.csv").read_text(encoding="utf-8")


def without_root_override() -> list[str]:
    """A command prefix under which file permissions hold even for root (which normally reads anything)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        missing("setpriv (util-linux) is needed to test an unreadable folder as root")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


def test_symlink_loops_and_unreadable_folders_give_error_rows_not_a_hang(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", 1)
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)
    (corpus / "self.txt").symlink_to(corpus / "self.txt")
    secret = corpus / "secret"
    secret.mkdir()
    (secret / "a.txt").write_text("Putin traf Merkel.", encoding="utf-8")
    secret.chmod(0)
    try:
        command = [*without_root_override(), *run_command(corpus, tmp_path / "out", "--workers", "1")]
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=300)
    finally:
        secret.chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    articles = read_csv(tmp_path / "out" / "articles.csv").set_index("article_id")
    assert articles.loc["000", "status"] == "ok"
    assert "cannot read folder: Permission denied" in articles.loc["secret", "error"]
    assert "Too many levels of symbolic links" in articles.loc["self", "error"]
    assert len(articles) == 3  # the loop was not followed: no article was read twice


def test_a_file_that_vanishes_during_the_run_gets_an_error_row(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", 4)

    def vanish(articles: int, words: int) -> None:
        (corpus / "003.txt").unlink(missing_ok=True)

    summary = run([corpus], tmp_path / "out", options=RunOptions(workers=1, batch_size=1), progress=vanish)
    assert (summary.ok, summary.errors) == (3, 1)
    articles = read_csv(tmp_path / "out" / "articles.csv").set_index("article_id")
    assert "No such file or directory" in articles.loc["003", "error"]
