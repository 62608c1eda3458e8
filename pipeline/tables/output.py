"""Safe, atomic output: file names from article IDs, spreadsheet-safe CSV, and temp-file-then-rename writes.

A write goes to a temporary file in the target folder and is renamed over the target, so a run killed at any
moment leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import csv
import ctypes
import hashlib
import io
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .rows import Row

# Names Windows refuses for files, with or without an extension.
RESERVED_RE = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
MAX_NAME = 120
# A `%XX` escape of `quote` (its hex digits are capitals), or a character that `quote` leaves but a file name
# must not carry as it is: a capital letter (case-insensitive file systems) or `~` (the mark of a cut name).
ESCAPE_OR_UNSAFE_RE = re.compile(r"%[0-9A-F]{2}|[A-Z~]")
PARTIAL_ESCAPE_RE = re.compile(r"%[0-9A-F]?$")
# A cell that starts with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_CHARS = frozenset(FORMULA_START)
# A value that would read back as a neutralised formula (`'=x`) gets one more `'`, so that reading undoes
# exactly what writing did: `=x` -> `'=x` -> `=x`, and `'=x` -> `''=x` -> `'=x`.
QUOTED_FORMULA_RE = re.compile(r"^'+[=+\-@\t\r]")
BOM = b"\xef\xbb\xbf"


def safe_file_stem(article_id: str) -> str:
    """Turn an article ID into a file name stem that stays inside its folder on every system and that any shell
    takes as it is.

    IDs made of small letters, digits, `_`, `-` and `.` are kept as they are. Every other character is
    percent-encoded, as in URLs (`%XX` per UTF-8 byte, capital hex digits), capital letters included
    (`Artikel-001` -> `%41rtikel-001`): so IDs that differ only in case stay two files where the file system
    ignores case (macOS, Windows), and no name holds a character that a shell expands (`!`, `$`, `*`, `~`
    ...). So is the first character of a reserved name (`con`, `nul`), of a hidden one (`.x`) and a leading
    `-`, which a command would take for an option. `urllib.parse.unquote(stem)` gives the ID back; only
    overlong names are cut, ending in `~` and a hash of the whole ID.
    """
    encoded = ESCAPE_OR_UNSAFE_RE.sub(_escape, quote(article_id, safe=""))
    if not encoded or encoded.startswith((".", "-")) or RESERVED_RE.match(encoded):
        first = encoded[:1]
        encoded = f"%{ord(first):02X}{encoded[1:]}" if first else "%00"
    if encoded.endswith("."):
        encoded = encoded[:-1] + "%2E"
    if len(encoded) > MAX_NAME:
        digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:16]
        head = PARTIAL_ESCAPE_RE.sub("", encoded[: MAX_NAME - 17])  # never half an escape
        encoded = f"{head}~{digest}"
    return encoded


def _escape(match: re.Match[str]) -> str:
    text = match.group(0)
    return text if len(text) == 3 else f"%{ord(text):02X}"


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


# renameat2(2): swap two paths in one step, whatever each one is (file or folder). Linux only.
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(source: Path, target: Path) -> bool:
    """Swap `source` and `target` atomically; False where the system cannot (not Linux, old kernel or libc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE) == 0
    return bool(done)


def replace_path(source: Path, target: Path) -> None:
    """Put `source` (a file or a folder) in the place of `target`, so that readers see the old or the new one.

    `os.replace` does that for a file over a file. A folder cannot be renamed over anything that exists, so
    then the two are swapped in one step (Linux), or the old one is moved aside first (elsewhere; a crash
    in between leaves no table, never half of one). The old one is removed last.
    """
    if not target.exists() or not (source.is_dir() or target.is_dir()):
        os.replace(source, target)
        return
    if _exchange(source, target):
        old = source
    else:
        old = target.with_name(f".{target.name}.old.{os.urandom(4).hex()}.tmp")
        os.replace(target, old)
        os.replace(source, target)
    if old.is_dir() and not old.is_symlink():
        shutil.rmtree(old)
    else:
        old.unlink()


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def neutralise(value: object) -> object:
    """Prefix a formula-like string with `'`, so spreadsheets show it as text instead of running it."""
    if isinstance(value, str) and (value.startswith(FORMULA_START) or QUOTED_FORMULA_RE.match(value)):
        return "'" + value
    return value


def restore(value: object) -> object:
    """Undo `neutralise`: the value as it was before it was written."""
    if isinstance(value, str) and QUOTED_FORMULA_RE.match(value):
        return value[1:]
    return value


def _cell(value: object) -> object:
    if type(value) is str:  # the common case first: this runs once per cell of every table
        if value[:1] in FORMULA_CHARS or (value[:1] == "'" and QUOTED_FORMULA_RE.match(value)):
            return "'" + value
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return neutralise(value)


def csv_bytes(df: pd.DataFrame, *, excel: bool = False, header: bool = True) -> bytes:
    """A table as CSV: UTF-8, `,` and no BOM; or with `excel`, the German Excel dialect: `;` and a BOM.

    Missing values are empty cells, and formula-like strings are neutralised. Without `header`, only the
    rows are written (no BOM either), for appending to a file that has them. The bytes are those of the csv
    module's writer (`_csv`, QUOTE_MINIMAL), made by column with pyarrow's string functions (`_arrow_cells`):
    in C++, where the writer takes every cell in turn (the co-occurrence table: 0.45 s to 0.12 s).
    """
    if len(df.columns) < 2:  # one column: an empty cell alone on its line would be quoted
        cells = [_safe_column(column.tolist(), column.dtype.kind in "iu") for _, column in df.items()]
        return _csv(df.columns, zip(*cells, strict=True) if cells else iter(()), excel=excel, header=header)
    head = _csv(df.columns, iter(()), excel=excel, header=header)
    if df.empty:
        return head
    delimiter = ";" if excel else ","
    columns = [_arrow_cells(column, delimiter=delimiter) for _, column in df.items()]
    rows = pc.binary_join_element_wise(*columns, pa.scalar(delimiter, pa.large_string()))
    return head + _string_data(pc.binary_join_element_wise(rows, _NEWLINE, _EMPTY))


# What the first character of a string cell must be for `_cell` to leave it as it is.
_CHANGED_START = FORMULA_CHARS | {"'"}
# The cells that `_cell` neutralises, as a pattern for pyarrow (RE2): FORMULA_START or QUOTED_FORMULA_RE.
_FORMULA_PATTERN = r"^(?:[=+\-@\t\r]|'+[=+\-@\t\r])"


def _quoted_by_writer(char: str, delimiter: str) -> bool:
    """Whether the csv module's writer (QUOTE_MINIMAL, `\\n` as line end) quotes a cell that holds `char`."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerow([f"a{char}b", "c"])
    return buffer.getvalue() != f"a{char}b{delimiter}c\n"


# The characters for which the writer quotes a cell, for each delimiter: the delimiter, `"` and `\n` (Python
# 3.11 leaves `\r` as it is; newer ones may not). Asked of the writer itself, among the characters it might quote.
_MAYBE_QUOTED = ('"', "\n", "\r", "\t", " ", "'", "\\", "\0", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028")
_QUOTED = {
    delimiter: tuple(c for c in (delimiter, *_MAYBE_QUOTED) if _quoted_by_writer(c, delimiter))
    for delimiter in (",", ";")
}
_EMPTY = pa.scalar("", pa.large_string())
_NEWLINE = pa.scalar("\n", pa.large_string())
_APOSTROPHE = pa.scalar("'", pa.large_string())
_QUOTE = pa.scalar('"', pa.large_string())


def _arrow_cells(column: pd.Series, *, delimiter: str) -> pa.Array:
    """A column's cells as the csv module's writer writes them, as an Arrow array of strings: made safe by
    `_cell`, as text (a float by `repr`, a missing value as nothing), and quoted where the writer quotes, with
    each `"` doubled. Counts and pyarrow-backed strings never go through Python objects, and only the cells
    that change are worked on."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":  # digits and a minus: nothing to neutralise or quote
        return pa.array(column.to_numpy()).cast(pa.large_string())
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        strings = pa.array(column)  # a pandas column of several chunks gives them as they are
        if isinstance(strings, pa.ChunkedArray):
            strings = strings.combine_chunks()
        cells = strings.cast(pa.large_string()).fill_null("")
        cells = _replace_where(cells, pc.match_substring_regex(cells, _FORMULA_PATTERN), _neutralised)
    else:
        cells = pa.array(_text_column(column.tolist(), dtype.kind in "iu"), type=pa.large_string())
    # The characters to quote for that occur at all (in the whole buffer, which may hold more than these cells).
    data = cells.buffers()[2]
    text = data.to_pybytes() if data is not None else b""
    present = [char for char in _QUOTED[delimiter] if char.encode() in text]
    if not present:
        return cells
    quote = pc.match_substring(cells, present[0])
    for char in present[1:]:
        quote = pc.or_(quote, pc.match_substring(cells, char))
    return _replace_where(cells, quote, _quoted)


def _replace_where(cells: pa.Array, where: pa.Array, change: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """`cells` with the ones `where` is true replaced by `change` of them (left as they are where none is)."""
    if not pc.any(where).as_py():
        return cells
    return pc.replace_with_mask(cells, where, change(pc.filter(cells, where)))


def _neutralised(cells: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(_APOSTROPHE, cells, _EMPTY)


def _quoted(cells: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(_QUOTE, pc.replace_substring(cells, '"', '""'), _QUOTE, _EMPTY)


def _text_column(values: list[object], counts: bool) -> list[str]:
    """A column's cells (a list of its own, changed in place) made safe by `_cell` (but counts), as the text
    that the csv module's writer gives each (`_writer_text`)."""
    for i, v in enumerate(values):
        if type(v) is not str or v[:1] in _CHANGED_START:
            values[i] = _writer_text(v if counts else _cell(v))
    return values  # type: ignore[return-value]


def _writer_text(value: object) -> str:
    """A cell as the csv module's writer writes it: a string as it is, None as nothing, a float by `repr`."""
    if isinstance(value, str):
        return value
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def _string_data(strings: pa.Array) -> bytes:
    """The UTF-8 bytes of an Arrow array of strings without nulls, one after the other."""
    strings = strings.cast(pa.large_string())
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)
    first, last = offsets[strings.offset], offsets[strings.offset + len(strings)]
    return strings.buffers()[2].to_pybytes()[first:last]


def _safe_column(values: list[object], counts: bool) -> list[object]:
    """A column's cells (a list of its own, changed in place) made safe by `_cell`. Most text columns need no
    change, which one scan finds out; in the others, only the cells that may change go through `_cell`."""
    if counts or all(type(v) is str and v[:1] not in _CHANGED_START for v in values):
        return values
    for i, v in enumerate(values):
        if type(v) is not str or v[:1] in _CHANGED_START:
            values[i] = _cell(v)
    return values


def rows_csv_bytes(rows: Iterable[Row], columns: Sequence[str], *, excel: bool = False) -> bytes:
    """Validated rows as CSV, the same bytes as `csv_bytes` of their table, without building the table."""
    return _csv(columns, ([_cell(row[c]) for c in columns] for row in rows), excel=excel, header=True)


def rows_csv_texts(
    groups: Sequence[Sequence[Row]], columns: Sequence[str], *, excel: bool = False
) -> tuple[str, list[str]]:
    """The CSV of each group of validated rows, as text: the header, and each group's lines, so that header
    and lines are `rows_csv_bytes` of the group. One writer writes every group, and `_cell` sees only the
    cells it may change (`_written_cells`)."""
    header = _csv(columns, iter(()), excel=excel, header=True).decode("utf-8")
    if not columns:  # rows without cells: each still a line of its own
        return header, [rows_csv_bytes(group, columns, excel=excel).decode("utf-8")[len(header) :] for group in groups]
    rows = [row for group in groups for row in group]
    cells = zip(*[_written_cells([row[c] for row in rows]) for c in columns], strict=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\n")
    ends = []
    for group in groups:
        writer.writerows(islice(cells, len(group)))
        ends.append(buffer.tell())
    text = buffer.getvalue()
    return header, [text[start:end] for start, end in zip([0, *ends], ends, strict=False)]


def _written_cells(values: list[object]) -> list[object]:
    """A column's cells, each made safe by `_cell` where that changes what the csv writer writes: a string
    with no formula start, an int and None (written as nothing) are left as they are."""
    if set(map(type, values)) == {str}:
        joined = "\0" + "\0".join(values)  # type: ignore[arg-type]
        if not any("\0" + start in joined for start in _CHANGED_START):  # a `\0` in a cell: maybe a false no
            return values
    return [
        v if (type(v) is str and v[:1] not in _CHANGED_START) or type(v) is int or v is None else _cell(v)
        for v in values
    ]


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


def read_table(path: Path) -> pd.DataFrame:
    """Read a table this project wrote, in either dialect (a BOM marks `--excel`), with every value as it was
    before it was made safe for spreadsheets: an ID `=A1` comes back as `=A1`, not as `'=A1`.
    """
    with open(path, "rb") as f:
        excel = f.read(3) == BOM
    df = read_csv(path, excel=excel)
    for column in df.columns:
        df[column] = df[column].map(restore)
    return df
