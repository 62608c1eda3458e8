"""spaCy finds every factory and the tokenizer through the entry points, in an interpreter that has not
imported `pipeline`: this is what lets `spacy.load("models/...")` work in a notebook without a magic import.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

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
            "import spacy",
            f"nlp = spacy.load({str(model)!r})",
            "doc = nlp('Wladimir Putin empfing Alexander Lukaschenko in Sotschi.')",
            "print(sorted({ent.label_ for ent in doc.ents}), [ent._.fine_type for ent in doc.ents][:1])",
        ]
    )
    result = fresh_python(code)
    assert result.returncode == 0, result.stderr
    assert "PER" in result.stdout
