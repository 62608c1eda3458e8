"""Safe, atomic output: file names from article IDs, spreadsheet-safe CSV, and temp-file-then-rename writes.

A write goes to a temporary file in the target folder and is renamed over the target, so a run killed at any
moment leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from .rows import Row

# Names Windows refuses for files, with or without an extension.
RESERVED_RE = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
MAX_NAME = 120
# A cell that starts with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_CHARS = frozenset(FORMULA_START)


def safe_file_stem(article_id: str) -> str:
    """Turn an article ID into a file name stem that stays inside its folder on every system.

    IDs made of letters, digits, `_`, `-` and `.` are kept as they are. Any other character is written as
    `%XX` per UTF-8 byte; so is the first character of a reserved name (`CON`, `NUL`, `..`) or of a hidden
    one. `%` itself is always encoded, so two different IDs never share a name. Overlong names are cut and
    end in a hash of the whole ID.
    """
    # `quote` keeps `~` as well; it is encoded here because it marks the hash of an overlong name.
    encoded = quote(article_id, safe="").replace("~", "%7E")
    if not encoded or encoded.startswith(".") or RESERVED_RE.match(encoded):
        first = encoded[:1] or ""
        encoded = "".join(f"%{b:02X}" for b in first.encode("utf-8")) + encoded[1:] if first else "%00"
    if encoded.endswith("."):
        encoded = encoded[:-1] + "%2E"
    if len(encoded) > MAX_NAME:
        digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:16]
        encoded = f"{encoded[: MAX_NAME - 17]}~{digest}"
    return encoded


# mkstemp creates files readable by their owner only; outputs should get the usual permissions instead.
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def neutralise(value: object) -> object:
    """Prefix a formula-like string with `'`, so spreadsheets show it as text instead of running it."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if type(value) is str:  # the common case first: this runs once per cell of every table
        return "'" + value if value[:1] in FORMULA_CHARS else value
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return neutralise(value)


def csv_bytes(df: pd.DataFrame, *, excel: bool = False, header: bool = True) -> bytes:
    """A table as CSV: UTF-8, `,` and no BOM; or with `excel`, the German Excel dialect: `;` and a BOM.

    Missing values are empty cells, and formula-like strings are neutralised. Without `header`, only the
    rows are written (no BOM either), for appending to a file that has them.
    """
    # Column by column: a count column needs no check, and a text column needs one per cell, without a call.
    cells = [
        column.tolist() if column.dtype.kind in "iu" else [_text_cell(v) for v in column.tolist()]
        for _, column in df.items()
    ]
    return _csv(df.columns, zip(*cells, strict=True) if cells else iter(()), excel=excel, header=header)


def _text_cell(value: object) -> object:
    if type(value) is str:
        return "'" + value if value[:1] in FORMULA_CHARS else value
    return _cell(value)


def rows_csv_bytes(rows: Iterable[Row], columns: Sequence[str], *, excel: bool = False) -> bytes:
    """Validated rows as CSV, the same bytes as `csv_bytes` of their table, without building the table."""
    return _csv(columns, ([_cell(row[c]) for c in columns] for row in rows), excel=excel, header=True)


def _csv(columns: Iterable[str], rows: Iterable[Iterable[object]], *, excel: bool, header: bool) -> bytes:
    """CSV of rows whose cells are made safe already (`_cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\n")
    if header:
        buffer.write("\ufeff" if excel else "")
        writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_csv(df: pd.DataFrame, path: Path, *, excel: bool = False) -> None:
    atomic_write_bytes(path, csv_bytes(df, excel=excel))


def read_csv(path: Path, *, excel: bool = False) -> pd.DataFrame:
    """Read a table written by `write_csv`, keeping every column a string (IDs such as `007` stay as they are)."""
    return pd.read_csv(
        path, dtype=str, keep_default_na=False, sep=";" if excel else ",", encoding="utf-8-sig" if excel else "utf-8"
    )
