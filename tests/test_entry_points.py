"""spaCy finds every factory and the tokenizer through the entry points, in an interpreter that has not
imported `pipeline`: this is what lets `spacy.load("models/...")` work in a notebook without a magic import.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pipeline.labels import COARSE_LABELS, FINE_TYPES, coarse_label

REPO = Path(__file__).parent.parent
ENTRY_POINTS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]


def fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    # Run outside the checkout, so that only the installed package (through its entry points) can be found.
    code = "import sys\n" + code
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", cwd="/")


def test_spacy_finds_every_factory_and_tokenizer_by_entry_point() -> None:
    factories = ENTRY_POINTS["spacy_factories"]
    tokenizers = ENTRY_POINTS["spacy_tokenizers"]
    assert factories and tokenizers
    code = "\n".join(
        [
            "import spacy",
            "from spacy.language import Language",
            "from spacy.util import registry",
            "assert 'pipeline' not in sys.modules",
            # spaCy imports every `spacy_factories` entry point when a Language is made; tokenizers are looked
            # up through their entry point on `get`.
            "nlp = spacy.blank('de')",
            f"for name, target in {factories!r}.items():",
            "    assert Language.has_factory(name), name",
            "    func = registry.factories.get(name)",
            "    assert f'{func.__module__}:{func.__name__}' == target, (name, target)",
            f"for name, target in {tokenizers!r}.items():",
            "    func = registry.tokenizers.get(name)",
            "    assert f'{func.__module__}:{func.__name__}' == target, (name, target)",
            "nlp.add_pipe('de_entities_fine_types')",
            "print(nlp.pipe_names)",
        ]
    )
    result = fresh_python(code)
    assert result.returncode == 0, result.stderr
    assert "de_entities_fine_types" in result.stdout


@pytest.mark.parametrize("group", ["callbacks", "architectures", "misc"])
def test_spacy_finds_every_registered_function_by_entry_point(group: str) -> None:
    functions = ENTRY_POINTS[f"spacy_{group}"]
    assert functions
    code = "\n".join(
        [
            "from spacy.util import registry",
            "assert 'pipeline' not in sys.modules",
            f"for name, target in {functions!r}.items():",
            # Straight from the entry point, not from what an earlier one registered.
            f"    func = registry.{group}.get_entry_point(name)",
            "    assert func is not None, name",
            "    assert f'{func.__module__}:{func.__name__}' == target, (name, target)",
            "print('ok')",
        ]
    )
    result = fresh_python(code)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


@pytest.mark.slow
def test_shipped_model_loads_without_importing_the_package() -> None:
    model = REPO / "models" / "de_entities_ner"
    code = "\n".join(
        [
            "import json",
            "import spacy",
            f"nlp = spacy.load({str(model)!r})",
            "doc = nlp('Der belarussische Staatschef Alexander Lukaschenko trifft Wladimir Putin in Sotschi.')",
            "factories = [nlp.get_pipe_meta(name).factory for name in nlp.pipe_names]",
            "print(json.dumps({'factories': factories, 'ents': [[e.label_, e._.fine_type] for e in doc.ents]}))",
        ]
    )
    result = fresh_python(code)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    # The fine-type stage ran: every entity shows a coarse label and keeps its GermEval type, which maps to that
    # label. Without the stage the labels would be the model's own (`LOCderiv`) and no entity a fine type.
    assert "de_entities_fine_types" in found["factories"]
    assert found["ents"], "the model found no entity"
    for label, fine_type in found["ents"]:
        assert label in COARSE_LABELS, found
        assert fine_type in FINE_TYPES and coarse_label(fine_type) == label, found
    assert ["PER", "PER"] in found["ents"]
