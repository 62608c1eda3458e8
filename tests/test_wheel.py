"""A plain `pip install .` carries the model: `pipeline.load()` works from outside the repository. And a pipeline
saved with `nlp.to_disk` and packaged with `spacy package` installs as a wheel of its own and gives the same
entities, canonical names and table rows, with only the two installed wheels on the path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline

pytestmark = pytest.mark.slow

REPO = Path(__file__).parent.parent
TEXTS = [
    "Wladimir Putin empfing Alexander Lukaschenko in Sotschi. Putins Gast kam aus Belarus.",
    "Die Europäische Fußball-Union (UEFA) tagte in Nyon; der Kreml-Sprecher schwieg.",
]
# `spacy package` options: the package is named de_entities_test; no build, pip builds the wheel below.
PACKAGE = ["--name", "entities_test", "--version", "0.0.1", "--build", "none", "--force"]
ANNOTATE = """
import json
found = []
for doc in nlp.pipe({texts!r}):
    ents = [[e.start_char, e.end_char, e.label_, e._.fine_type, e._.canonical, e._.label_source] for e in doc.ents]
    found.append({{"ents": ents, "mentions": doc._.mentions, "entities": doc._.entities}})
print(json.dumps(found, ensure_ascii=False))
"""


def pip(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", *args, "--quiet"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def isolated(code: str, *, cwd: Path, path: list[Path]) -> str:
    """Run `code` from `cwd` with only `path` (the installed wheels) on PYTHONPATH, so the checkout is not used."""
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"PYTHONPATH": ":".join(map(str, path)), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """de-entities built as a wheel and installed into a folder of its own."""
    tmp = tmp_path_factory.mktemp("wheel")
    pip("wheel", "--no-deps", "-w", str(tmp / "wheels"), str(REPO))
    (wheel,) = (tmp / "wheels").glob("de_entities-*.whl")
    pip("install", "--no-deps", "--target", str(tmp / "site"), str(wheel))
    return tmp / "site"


def test_wheel_ships_the_model(site: Path, tmp_path: Path) -> None:
    code = "\n".join(
        [
            "import pipeline",
            "nlp = pipeline.load()",
            f"assert pipeline.__file__.startswith({str(site)!r}), pipeline.__file__",
            "doc = nlp('Wladimir Putin empfing Alexander Lukaschenko in Sotschi.')",
            "print(sorted(ent.label_ for ent in doc.ents))",
        ]
    )
    assert "PER" in isolated(code, cwd=tmp_path, path=[site])


def test_a_packaged_pipeline_gives_the_same_annotations(site: Path, tmp_path: Path) -> None:
    nlp = pipeline.load()
    nlp.to_disk(tmp_path / "saved")
    (tmp_path / "packages").mkdir()
    package = subprocess.run(
        [sys.executable, "-m", "spacy", "package", str(tmp_path / "saved"), str(tmp_path / "packages"), *PACKAGE],
        capture_output=True,
        text=True,
    )
    assert package.returncode == 0, package.stdout + package.stderr
    # No build isolation: the packaging tools are those of this environment, so no network is needed.
    pip(
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(tmp_path / "wheels"),
        str(tmp_path / "packages" / "de_entities_test-0.0.1"),
    )
    (wheel,) = (tmp_path / "wheels").glob("de_entities_test-*.whl")
    pip("install", "--no-deps", "--target", str(tmp_path / "model_site"), str(wheel))
    code = "\n".join(
        [
            "import spacy",
            "nlp = spacy.load('de_entities_test')",
            "import pipeline",
            f"assert pipeline.__file__.startswith({str(site)!r}), pipeline.__file__",
            ANNOTATE.format(texts=TEXTS),
        ]
    )
    out = isolated(code, cwd=tmp_path, path=[site, tmp_path / "model_site"])
    expected = []
    for doc in nlp.pipe(TEXTS):
        ents = [[e.start_char, e.end_char, e.label_, e._.fine_type, e._.canonical, e._.label_source] for e in doc.ents]
        expected.append({"ents": ents, "mentions": doc._.mentions, "entities": doc._.entities})
    assert json.loads(out) == json.loads(json.dumps(expected))
