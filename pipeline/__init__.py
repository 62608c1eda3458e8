"""de-entities: German entity extraction on spaCy."""

from __future__ import annotations

from typing import Any

from .loading import load

__version__ = "0.1.0"
__all__ = ["__version__", "load", "run"]


def __getattr__(name: str) -> Any:
    # `pipeline.run(...)` is the batch run; it is imported on first use, because it brings pandas, pandera
    # and pyarrow, which `pipeline.load()` alone does not need.
    if name == "run":
        from .batch import run

        return run
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
