"""Small helpers that several subpackages share: where the package lives, and reading text files."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import TextIO

PACKAGE_DIR = Path(__file__).parent
CONFIGS_DIR = PACKAGE_DIR / "configs"


def open_text(path: Path) -> TextIO:
    """Open a UTF-8 text file for reading, transparently decompressing `.gz`."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")
