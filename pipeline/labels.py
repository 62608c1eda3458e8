"""The GermEval 2014 entity types and the coarse labels the pipeline shows."""

from __future__ import annotations

# GermEval's OTH (other names: works, events, products) is spaCy's MISC, the name that displaCy and the
# WikiNER-trained German spaCy models use.
COARSE_OF_BASE = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}
BASE_TYPES = tuple(COARSE_OF_BASE)
KINDS = {"": "name", "deriv": "derived", "part": "part"}
FINE_TYPES = tuple(base + suffix for base in BASE_TYPES for suffix in KINDS)
COARSE_LABELS = ("PER", "LOC", "ORG", "MISC")
# A pipeline trained on coarse labels (such as de_core_news_sm on WikiNER) has no fine type; its MISC is
# GermEval's OTH.
FINE_OF_COARSE = {coarse: base for base, coarse in COARSE_OF_BASE.items()}


def split_fine_type(fine_type: str) -> tuple[str, str]:
    """Split `LOCderiv` into its base type and its suffix: (`LOC`, `deriv`)."""
    base, suffix = fine_type[:3], fine_type[3:]
    if base not in COARSE_OF_BASE or suffix not in KINDS:
        raise ValueError(f"not a GermEval type: {fine_type!r}")
    return base, suffix


def coarse_label(fine_type: str) -> str:
    """Map a GermEval type to the coarse label: `LOCderiv` → `LOC`, `OTHpart` → `MISC`."""
    return COARSE_OF_BASE[split_fine_type(fine_type)[0]]


def kind_of(fine_type: str) -> str:
    """Whether a GermEval type names the thing, derives from it, or is a compound containing it."""
    return KINDS[split_fine_type(fine_type)[1]]
