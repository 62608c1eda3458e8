"""Read German articles: `.txt` files (the reference format), JSONL and CSV/TSV, or JSONL on standard input.

The `.txt` format: the first line is ` date YYYY-MM Title`, then a blank line, then the body paragraphs. A
file without that header is read as plain text, with no title and no date. Records that cannot be read are
yielded as `BadArticle`s with the reason, so that one broken article never stops a run.

Everything streams: no input is loaded whole.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

HEADER_RE = re.compile(r"^\s*date\s+(\d{4}-\d{2})\s+(.*)$")
TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
STDIN = "-"


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str = ""


@dataclass(frozen=True)
class BadArticle:
    id: str
    source: str
    reason: str


Record = Article | BadArticle


@dataclass(frozen=True)
class ReadOptions:
    """How to find the fields of JSONL objects and CSV rows.

    A field may be a column name or, for CSV files without a header (`header=False`), a 0-based index.
    """

    text_field: str = "text"
    id_field: str = "id"
    title_field: str = "title"
    date_field: str = "date"
    delimiter: str | None = None
    quotechar: str = '"'
    header: bool = True


def parse_article(raw: str, *, article_id: str, source: str = "") -> Article:
    """Split the header line off an article.

    The text keeps the title as its first paragraph, because headlines name the main entities.
    """
    first, _, rest = raw.partition("\n")
    match = HEADER_RE.match(first)
    if not match:
        return Article(id=article_id, text=raw, source=source)
    date, title = match.group(1), match.group(2).strip()
    body = rest.lstrip("\n")
    text = f"{title}\n\n{body}" if title else body
    return Article(id=article_id, text=text, title=title or None, date=date, source=source)


SURROGATE_RE = re.compile("[\ud800-\udfff]")


def unencodable(value: str) -> int | None:
    """The position of the first lone surrogate (JSON can carry `\\ud800`; no file can hold it), or None."""
    match = SURROGATE_RE.search(value)
    return match.start() if match else None


def printable_id(value: str) -> str:
    """An ID that can be written anywhere: lone surrogates spelled out as `\\udXXX`."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def check_text(text: str) -> str | None:
    """The reason a decoded text cannot be processed, or None."""
    if "\x00" in text:
        return "binary file (contains NUL bytes)"
    position = unencodable(text)
    if position is not None:
        return (
            f"invalid Unicode: a lone surrogate (\\u{ord(text[position]):04x}) at character {position}, "
            "which UTF-8 cannot hold; fix the encoding of the source"
        )
    if not text.strip():
        return "empty article (no text)"
    return None


def read_txt_article(path: Path) -> Record:
    """Read one `.txt` article; a file that is unreadable, not UTF-8, binary or empty becomes a BadArticle."""
    article_id, source = path.stem, str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        return BadArticle(article_id, source, f"cannot read file: {err.strerror or err}")
    if b"\x00" in data:
        return BadArticle(article_id, source, "binary file (contains NUL bytes)")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return BadArticle(article_id, source, f"not valid UTF-8 (byte {err.start}); re-save the file as UTF-8")
    reason = check_text(raw)
    if reason:
        return BadArticle(article_id, source, reason)
    return parse_article(raw, article_id=article_id, source=source)


def _field(row: dict[str, object] | list[str], name: str) -> object:
    if isinstance(row, list):
        index = int(name) if name.isdigit() else -1
        return row[index] if 0 <= index < len(row) else None
    return row.get(name)


def _record(row: dict[str, object] | list[str], options: ReadOptions, *, fallback_id: str, source: str) -> Record:
    raw_id = _field(row, options.id_field)
    article_id = str(raw_id) if raw_id not in (None, "") else fallback_id
    title, date = _field(row, options.title_field), _field(row, options.date_field)
    for name, value in (("id", article_id), ("title", title), ("date", date)):
        if isinstance(value, str) and unencodable(value) is not None:
            bad = f"invalid Unicode in the {name}: a lone surrogate, which UTF-8 cannot hold"
            return BadArticle(printable_id(article_id), source, bad)
    text = _field(row, options.text_field)
    if not isinstance(text, str):
        return BadArticle(article_id, source, f"no text in field '{options.text_field}'")
    reason = check_text(text)
    if reason:
        return BadArticle(article_id, source, reason)
    return Article(
        id=article_id,
        text=text,
        title=str(title) if title not in (None, "") else None,
        date=str(date) if date not in (None, "") else None,
        source=source,
    )


def iter_jsonl(f: TextIO, *, name: str, options: ReadOptions) -> Iterator[Record]:
    """One JSON object a line. Rows without an ID get `<name>-<line number>`."""
    for lineno, line in enumerate(f, start=1):
        if not line.strip():
            continue
        fallback, source = f"{name}-{lineno}", f"{name}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            yield BadArticle(fallback, source, f"invalid JSON: {err.msg} (column {err.colno})")
            continue
        if not isinstance(row, dict):
            yield BadArticle(fallback, source, "a JSONL line must be an object with a text field")
            continue
        yield _record(row, options, fallback_id=fallback, source=source)


def iter_csv(f: TextIO, *, name: str, delimiter: str, options: ReadOptions) -> Iterator[Record]:
    """One article a row. Rows without an ID get `<name>-<row number>`, counting data rows from 1."""
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(f, delimiter=delimiter, quotechar=options.quotechar)
    columns: list[str] | None = None
    if options.header:
        columns = next(reader, None)
    for rowno, values in enumerate(reader, start=1):
        if not values:
            continue
        row: dict[str, object] | list[str] = dict(zip(columns, values, strict=False)) if columns else values
        yield _record(row, options, fallback_id=f"{name}-{rowno}", source=f"{name}:{rowno}")


def _open_records(path: Path, options: ReadOptions) -> Iterator[Record]:
    suffix = path.suffix.lower()
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            if suffix in JSONL_SUFFIXES:
                yield from iter_jsonl(f, name=path.stem, options=options)
            else:
                delimiter = options.delimiter or ("\t" if suffix == ".tsv" else ",")
                yield from iter_csv(f, name=path.stem, delimiter=delimiter, options=options)
    except UnicodeDecodeError as err:
        yield BadArticle(path.stem, str(path), f"not valid UTF-8 (byte {err.start}); the rest of the file was skipped")
    except OSError as err:
        yield BadArticle(path.stem, str(path), f"cannot read file: {err.strerror or err}")


def _inside(path: Path, folder: Path | None) -> bool:
    # realpath, not Path.resolve: a symlink loop must not raise here (reading it gives its error row).
    return folder is not None and Path(os.path.realpath(path)).is_relative_to(folder)


def iter_files(path: Path, *, skip: Path | None = None) -> Iterator[Path | BadArticle]:
    """The readable files under a folder, recursively, in a stable order; a folder that cannot be read is
    yielded as a `BadArticle` with the reason.

    Symbolic links to folders are not followed (a link to its own parent would loop forever), and nothing
    under `skip` (the run's output folder) is read, so a run never takes its own output for input.
    """
    suffixes = TEXT_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES
    skipped = Path(os.path.realpath(skip)) if skip is not None else None
    errors: list[OSError] = []
    found: list[Path] = []
    for root, dirs, files in os.walk(path, onerror=errors.append, followlinks=False):
        dirs[:] = [d for d in dirs if not _inside(Path(root) / d, skipped)]
        found.extend(Path(root) / f for f in files if Path(f).suffix.lower() in suffixes)
    for err in errors:
        name = Path(err.filename or path).name
        yield BadArticle(name, str(err.filename or path), f"cannot read folder: {err.strerror or err}")
    for file in sorted(found):
        # A file may have vanished since the folder was listed; reading it then gives its error row.
        if not _inside(file, skipped) and (file.is_file() or not file.exists()):
            yield file


def read_records(
    inputs: Sequence[str | Path], options: ReadOptions | None = None, *, skip: Path | None = None
) -> Iterator[Record]:
    """Yield the articles of every input in order: files, folders (recursive) and `-` for JSONL on stdin.

    Nothing under `skip` is read: the run's output folder, when it lies inside an input folder.
    """
    options = options or ReadOptions()
    for item in inputs:
        if str(item) == STDIN:
            with open(sys.stdin.fileno(), encoding="utf-8", closefd=False) as stream:
                yield from iter_jsonl(stream, name="stdin", options=options)
            continue
        path = Path(item)
        for file in iter_files(path, skip=skip) if path.is_dir() else [path]:
            if isinstance(file, BadArticle):
                yield file
            elif file.suffix.lower() in TEXT_SUFFIXES or not file.suffix:
                yield read_txt_article(file)
            else:
                yield from _open_records(file, options)


def iter_txt_articles(paths: list[Path]) -> Iterator[Article]:
    """The readable `.txt` articles of files and folders (for quick looks; the batch run uses `read_records`)."""
    for record in read_records(paths):
        if isinstance(record, Article):
            yield record
