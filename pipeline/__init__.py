"""de-entities: German entity extraction on spaCy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .util import VERSION as __version__

if TYPE_CHECKING:
    from .batch.driver import run
    from .nlp.build import build_pipeline as load

__all__ = ["__version__", "load", "run"]


def __getattr__(name: str) -> Any:
    # Both are imported on first use: `load` brings spaCy (1.5 s), `run` pandas, pandera and pyarrow besides,
    # and `de-entities --help` needs neither.
    if name == "load":
        from .nlp.build import build_pipeline as load

        return load
    if name == "run":
        from .batch.driver import run

        return run
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
