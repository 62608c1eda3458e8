"""de-entities: German entity extraction on spaCy."""

from __future__ import annotations

from .loading import load

__version__ = "0.1.0"
__all__ = ["__version__", "load"]
