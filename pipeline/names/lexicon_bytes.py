"""The lexicon as bytes, so that the canonical component carries its word lists inside a saved pipeline.

msgpack (spaCy's own format for component data, through `srsly`), not pickle: a saved pipeline is data that
may come from elsewhere, and unpickling runs code. Sets are written sorted, so the same word lists always give
the same bytes; the lexicon's digest travels with them, so a pipeline loaded from disk has the digest of the
files it was first initialised from.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import srsly

from ..errors import Errors, PipelineError
from .lexicon import Lexicon, Place

# Raised whenever the layout below changes, so that an older or newer layout is refused with a clear error.
FORMAT = 1
# The fields that map a word to a place; an empty dict cannot tell its values' type by looking.
PLACE_FIELDS = frozenset({"derived", "inhabitants", "aliases"})


def _encode(name: str, value: object) -> object:
    if isinstance(value, frozenset):
        return sorted(value)
    if name in PLACE_FIELDS:
        assert isinstance(value, dict)
        return {key: [place.base, place.label] for key, place in value.items()}
    return value


def lexicon_to_bytes(lexicon: Lexicon) -> bytes:
    fields = {field.name: _encode(field.name, getattr(lexicon, field.name)) for field in dataclasses.fields(Lexicon)}
    return srsly.msgpack_dumps({"format": FORMAT, "lexicon": fields})


def lexicon_from_bytes(data: bytes, *, source: str = "(bytes)") -> Lexicon:
    """The lexicon that `lexicon_to_bytes` wrote; `source` names where the bytes came from, for the error."""
    payload: dict[str, Any] = srsly.msgpack_loads(data)
    found = payload.get("format")
    if found != FORMAT:
        raise PipelineError(Errors.E005.format(source=source, found=found, expected=FORMAT))
    fields = payload["lexicon"]
    lexicon = Lexicon()
    for field in dataclasses.fields(Lexicon):
        default = getattr(lexicon, field.name)
        value = fields.get(field.name, default)
        if isinstance(default, frozenset):
            value = frozenset(value)
        elif field.name in PLACE_FIELDS:
            value = {key: Place(base, label) for key, (base, label) in value.items()}
        setattr(lexicon, field.name, value)
    return lexicon
