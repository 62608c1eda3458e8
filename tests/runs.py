"""Helpers for tests that run the CLI in real processes and look at the files and processes they leave."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).parent.parent
SAMPLE = REPO / "data" / "samples" / "000_54a07f7f396f094c.txt"
# Every run a test starts in the background, so that a failing test cannot leave one behind (see conftest).
STARTED: list[subprocess.Popen[bytes]] = []
TABLES = ["articles.csv", "mentions.csv", "entities.csv", "entity_index.csv", "cooccurrence.csv"]


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
    )


def make_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = SAMPLE.read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"{i:03d}.txt").write_text(
            body.replace("Sotschi", f"Sotschi{'' if i % 2 else ' und Minsk'}"), encoding="utf-8"
        )
    return folder


def tables(out: Path) -> dict[str, str]:
    return {name: (out / name).read_text(encoding="utf-8") for name in TABLES} | {
        f"articles/{p.name}": p.read_text(encoding="utf-8") for p in sorted((out / "articles").glob("*.csv"))
    }


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the run's workers and multiprocessing's resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """True if the process exists and is not a zombie (a dead child that nobody has reaped yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def still_alive(pids: list[int], *, within: float) -> list[int]:
    """The processes of `pids` still alive after waiting up to `within` seconds for them to end."""
    deadline = time.monotonic() + within
    while [pid for pid in pids if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    return [pid for pid in pids if alive(pid)]


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}


def run_command(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "--out", str(out), "--quiet", *extra]


def start_and_wait_for_results(command: list[str], out: Path, n: int) -> subprocess.Popen[bytes]:
    """Start a run in its own process group (as a shell starts a job) and wait until it has `n` results."""
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    STARTED.append(proc)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(list((out / "results").glob("*.json"))) < n:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    return proc
