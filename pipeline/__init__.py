"""de-entities: German entity extraction on spaCy."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .nlp.loading import load

try:
    # The one version string is in pyproject.toml; the installed package's metadata carries it.
    __version__ = version("de-entities")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__", "load", "run"]


def __getattr__(name: str) -> Any:
    # `pipeline.run(...)` is the batch run; it is imported on first use, because it brings pandas, pandera
    # and pyarrow, which `pipeline.load()` alone does not need.
    if name == "run":
        from .batch import run

        return run
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
