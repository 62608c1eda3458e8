"""Small things that several subpackages share: the version, where the package lives, reading text files."""

from __future__ import annotations

import gzip
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TextIO

try:
    # The one version string is in pyproject.toml; the installed package's metadata carries it.
    VERSION = version("de-entities")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    VERSION = "0+unknown"

PACKAGE_DIR = Path(__file__).parent
CONFIGS_DIR = PACKAGE_DIR / "configs"


def open_text(path: Path) -> TextIO:
    """Open a UTF-8 text file for reading, transparently decompressing `.gz`."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")
