"""A cache of the parsed lexicon, so that a run does not parse 20 MB of word lists at every start.

Parsing the word lists and the noun table takes about a second; unpickling the result takes a fifth of
that. The cache is a pickle in the user's cache folder (`$XDG_CACHE_HOME/de-entities`, else
`~/.cache/de-entities`), named by a hash of this package's version and of each source file's path, size and
modification time, so a changed list is parsed again. A cache that cannot be read or written is skipped:
the lexicon is then parsed as before.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from ..invalidation import sources_stamp

T = TypeVar("T")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "de-entities"


def cache_key(sources: Iterable[Path]) -> str:
    """The lexicon stamp (`pipeline.invalidation.sources_stamp`), which names the pickle."""
    return sources_stamp(sources)


def cached(name: str, sources: Iterable[Path], build: Callable[[], T]) -> T:
    """`build()`, or its result from an earlier call with the same source files."""
    try:
        path = cache_dir() / f"{name}-{cache_key(sources)}.pickle"
    except OSError:
        return build()
    try:
        with open(path, "rb") as f:
            value: T = pickle.load(f)
        return value
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home: parse at every start, as before
    return value
