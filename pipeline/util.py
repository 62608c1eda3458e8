"""Small things that several subpackages share: the version, where the package lives, reading text files."""

from __future__ import annotations

import gzip
import os
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


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system reports one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def share_cores(workers: int) -> None:
    """Process-pool initializer: give each of `workers` processes its share of the cores for BLAS.

    The accurate model's encoder is matrix products; N processes that each start one BLAS thread per core
    oversubscribe the machine and run slower than one. (Dask's workers get the same limit from Dask.)
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=max(1, available_cores() // workers))
