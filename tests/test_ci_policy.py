"""In CI (the environment variable CI is set) a test whose tool is missing fails instead of skipping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent


def run_pytest(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_needs_a_tool.py"
    test.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "from conftest import require\n\n\n"
        "def test_it():\n"
        "    require('no_such_tool_de_entities', 'a tool this test needs')\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "true"} if ci else {})
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(test)]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8")


def test_a_missing_tool_skips_outside_ci(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, ci=False)
    assert result.returncode == 0 and "1 skipped" in result.stdout, result.stdout


def test_a_missing_tool_fails_in_ci(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, ci=True)
    assert result.returncode == 1 and "1 failed" in result.stdout, result.stdout
    assert "CI is set, so a missing tool is a failure" in result.stdout
