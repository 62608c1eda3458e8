"""de-entities: German entity extraction on spaCy."""

from __future__ import annotations

from typing import Any

from .nlp.loading import load
from .util import VERSION as __version__

__all__ = ["__version__", "load", "run"]


def __getattr__(name: str) -> Any:
    # `pipeline.run(...)` is the batch run; it is imported on first use, because it brings pandas, pandera
    # and pyarrow, which `pipeline.load()` alone does not need.
    if name == "run":
        from .batch.driver import run

        return run
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
