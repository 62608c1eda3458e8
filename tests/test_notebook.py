"""The exploration notebook runs top to bottom on the sample corpus, and is stored without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import require

REPO = Path(__file__).parent.parent
NOTEBOOK = REPO / "notebooks" / "explore.ipynb"


def execute(out: Path) -> list:
    """Run the notebook top to bottom with its OUT pointed at `out`; the outputs of its code cells."""
    nbformat = require("nbformat", "running the notebook needs the dev extra")
    nbclient = require("nbclient", "running the notebook needs the dev extra")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells[1].source = notebook.cells[1].source.replace(
        'OUT = REPO / "output" / "samples"', f"OUT = Path({str(out)!r})"
    )
    nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(REPO / "notebooks")}}
    ).execute()
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


def test_notebook_is_stored_without_outputs() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_notebook_defines_no_pipeline_logic() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = "".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
    assert "def " not in code and "class " not in code and "import spacy" not in code


@pytest.mark.slow
def test_notebook_runs_top_to_bottom(tmp_path: Path) -> None:
    # Run it on a fresh output folder, so that it exercises the pipeline and not a stale folder.
    outputs = execute(tmp_path / "out")
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum(1 for o in outputs if "image/png" in o.get("data", {})) >= 3
    assert (tmp_path / "out" / "entity_index.csv").exists()


@pytest.mark.slow
def test_notebook_shows_an_article_of_the_run_it_is_pointed_at(tmp_path: Path) -> None:
    from pipeline.batch import RunOptions, run

    # Another run than the samples, as the notebook's comment invites: none of its articles is the sample's.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kurz.txt").write_text(" date 2021-03 Kurz\n\nOlaf Scholz besuchte Warschau.", encoding="utf-8")
    (corpus / "lang.txt").write_text(
        " date 2021-04 Lang\n\nAngela Merkel traf Emmanuel Macron in Paris und Wladimir Putin in Moskau.",
        encoding="utf-8",
    )
    run([corpus], tmp_path / "out", options=RunOptions(workers=1))
    outputs = execute(tmp_path / "out")
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [
        o["data"]["text/html"]
        for o in outputs
        if "text/html" in o.get("data", {}) and "<mark" in o["data"]["text/html"]
    ]
    assert len(shown) == 1 and "Emmanuel Macron" in shown[0] and "Sotschi" not in shown[0]


def test_the_notebook_extra_and_make_notebook_open_it() -> None:
    import subprocess
    import tomllib

    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(req.startswith("notebook") for req in extras["notebook"])  # Jupyter's notebook server and UI
    plan = subprocess.run(["make", "-n", "-B", "notebook"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert '.[notebook]"' in plan and "jupyter notebook notebooks/explore.ipynb" in plan
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make notebook" in readme
