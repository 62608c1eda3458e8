"""Every spaCy factory of the project, registered in one place.

The same factories are listed under `[project.entry-points.spacy_factories]` in `pyproject.toml`, so that
`spacy.load()` of a saved pipeline finds them without importing this package first.
"""

from __future__ import annotations

from spacy.language import Language

from .components.fine_types import FineTypes


@Language.factory(
    "de_entities_fine_types",
    requires=["doc.ents"],
    assigns=["doc.ents", "span._.fine_type"],
    default_config={"keep_unknown": True},
)
def make_fine_types(nlp: Language, name: str, keep_unknown: bool) -> FineTypes:
    return FineTypes(nlp, name, keep_unknown=keep_unknown)
