"""A plain `pip install .` carries the model: `pipeline.load()` works from outside the repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).parent.parent


def test_wheel_ships_the_model(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("de_entities-*.whl")
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    # Run from an empty folder with only the installed copy on the path, so the checkout cannot be used.
    code = "\n".join(
        [
            "import pipeline",
            "nlp = pipeline.load()",
            f"assert pipeline.__file__.startswith({str(target)!r}), pipeline.__file__",
            "doc = nlp('Wladimir Putin empfing Alexander Lukaschenko in Sotschi.')",
            "print(sorted(ent.label_ for ent in doc.ents))",
        ]
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    assert "PER" in run.stdout
