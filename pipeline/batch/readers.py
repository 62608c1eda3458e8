"""Read German articles: `.txt` files (the reference format), JSONL, JSON arrays and CSV/TSV, or JSONL on stdin.

The `.txt` format: the first line is ` date YYYY-MM Title`, then a blank line, then the body paragraphs. A
file without that header is read as plain text, with no title and no date. Records that cannot be read are
yielded as `BadArticle`s with the reason, so that one broken article never stops a run: a row of a JSONL or
CSV file that is not UTF-8 is one error row, and every other row of the file is still read.

Everything streams: no input is loaded whole. Files are read as bytes and decoded line by line, so that a bad
byte costs only the row it is in, and its position (line, and byte offset in the file) is exact.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..errors import Errors, UsageError

HEADER_RE = re.compile(r"^\s*date\s+(\d{4}-\d{2})\s+(.*)$")
TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
CSV_SUFFIXES = {".csv", ".tsv"}
READ_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES
# What each extension is read as, for messages and the README.
FORMATS = (
    ".txt (one article a file; also files without an extension), .jsonl/.ndjson (one JSON object a line), "
    ".json (an array of objects, or objects one after another), .csv/.tsv (one article a row)"
)
STDIN = "-"
BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A lone carriage return ends a line too (old Mac files), as in Python's universal newlines.
LONE_CR_RE = re.compile(r"(?<=\r)(?!\n)")


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
    """How to find the fields of JSONL and JSON objects and CSV rows.

    A field may be a column name or, for CSV files without a header (`header=False`), a 0-based index.
    """

    text_field: str = "text"
    id_field: str = "id"
    title_field: str = "title"
    date_field: str = "date"
    delimiter: str | None = None
    quotechar: str = '"'
    header: bool = True


@dataclass
class ReadStats:
    """What reading passed over: files in input folders with an extension that is not read, by extension."""

    skipped: Counter[str] = field(default_factory=Counter)

    def skipped_line(self) -> str:
        if not self.skipped:
            return ""
        kinds = ", ".join(f"{n} {suffix or 'without extension'}" for suffix, n in self.skipped.most_common())
        n = sum(self.skipped.values())
        return f"{n} other file{' was' if n == 1 else 's were'} skipped ({kinds})"


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


def not_utf8(byte: int, offset: int, line: int) -> str:
    """The reason for text that is not UTF-8, with the position of its first bad byte."""
    return (
        f"not valid UTF-8: byte 0x{byte:02X} at line {line} (byte {offset} of the file; Latin-1 or Windows-1252?); "
        "re-save the file as UTF-8"
    )


def binary_reason(head: bytes) -> str | None:
    """Why a file that starts with `head` is no text file, or None."""
    if head.startswith(UTF16_BOMS):
        return "a UTF-16 file; re-save it as UTF-8"
    if b"\x00" in head:
        return "binary file (contains NUL bytes)"
    return None


def read_txt_article(path: Path, *, article_id: str | None = None, source: str | None = None) -> Record:
    """Read one `.txt` article; a file that is unreadable, not UTF-8, binary or empty becomes a BadArticle."""
    article_id, source = article_id or path.stem, source or str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        return BadArticle(article_id, source, f"cannot read file: {err.strerror or err}")
    reason = binary_reason(data)
    if reason:
        return BadArticle(article_id, source, reason)
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        start = err.start + (len(BOM) if data.startswith(BOM) else 0)
        return BadArticle(article_id, source, not_utf8(data[start], start, data.count(b"\n", 0, start) + 1))
    reason = check_text(raw)
    if reason:
        return BadArticle(article_id, source, reason)
    return parse_article(raw, article_id=article_id, source=source)


def _field(row: dict[str, object] | list[str], name: str) -> object:
    if isinstance(row, list):
        index = int(name) if name.isdigit() else -1
        return row[index] if 0 <= index < len(row) else None
    return row.get(name)


def _record(
    row: dict[str, object] | list[str], options: ReadOptions, *, fallback_id: str, source: str, hint: str = ""
) -> Record:
    raw_id = _field(row, options.id_field)
    article_id = str(raw_id) if raw_id not in (None, "") else fallback_id
    title, date = _field(row, options.title_field), _field(row, options.date_field)
    for name, value in (("id", article_id), ("title", title), ("date", date)):
        if isinstance(value, str) and unencodable(value) is not None:
            bad = f"invalid Unicode in the {name}: a lone surrogate, which UTF-8 cannot hold"
            return BadArticle(printable_id(article_id), source, bad)
    text = _field(row, options.text_field)
    if not isinstance(text, str):
        return BadArticle(article_id, source, f"no text in field '{options.text_field}'{hint}")
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


def _bad_row(
    row: dict[str, object] | list[str] | None, options: ReadOptions, *, fallback_id: str, source: str, reason: str
) -> BadArticle:
    """An error row for a row that cannot be read, under the row's own ID where that much is readable."""
    raw_id = _field(row, options.id_field) if isinstance(row, dict | list) else None
    usable = isinstance(raw_id, str | int) and str(raw_id) != "" and unencodable(str(raw_id)) is None
    return BadArticle(str(raw_id) if usable else fallback_id, source, reason)


@dataclass(frozen=True)
class Line:
    """One line of a file, decoded; `bad` is the reason if it is not UTF-8."""

    number: int
    text: str
    bad: str | None = None


def decoded_lines(f: IO[bytes]) -> Iterator[Line]:
    """The lines of a binary file, each decoded on its own.

    A line that is not UTF-8 is decoded with `surrogateescape` (so a CSV parser still sees its delimiters and
    quotes) and carries the reason with the exact position. UTF-8 never splits a character across a newline,
    so decoding line by line gives the same text as decoding the whole file.
    """
    offset = 0
    for number, raw in enumerate(f, start=1):
        skip = len(BOM) if number == 1 and raw.startswith(BOM) else 0
        try:
            yield Line(number, raw[skip:].decode("utf-8"))
        except UnicodeDecodeError as err:
            start = skip + err.start
            text = raw[skip:].decode("utf-8", "surrogateescape")
            yield Line(number, text, not_utf8(raw[start], offset + start, number))
        offset += len(raw)


def iter_jsonl(lines: Iterable[Line], *, name: str, label: str, options: ReadOptions) -> Iterator[Record]:
    """One JSON object a line. Rows without an ID get `<name>-<line number>`; `source` is `<label>:<line>`."""
    for line in lines:
        if not line.text.strip():
            continue
        fallback, source = f"{name}-{line.number}", f"{label}:{line.number}"
        try:
            row = json.loads(line.text)
        except json.JSONDecodeError as err:
            if line.bad:
                yield BadArticle(fallback, source, line.bad)
                continue
            yield BadArticle(fallback, source, f"invalid JSON: {err.msg} (column {err.colno})")
            continue
        if line.bad:
            yield _bad_row(row, options, fallback_id=fallback, source=source, reason=line.bad)
            continue
        if not isinstance(row, dict):
            yield BadArticle(fallback, source, "a JSONL line must be an object with a text field")
            continue
        yield _record(row, options, fallback_id=fallback, source=source)


def iter_json(f: IO[bytes], *, name: str, label: str, options: ReadOptions) -> Iterator[Record]:
    """A JSON array of objects (or objects one after another), streamed with ijson; the n-th object (from 1)
    without an ID gets `<name>-<n>`. Text that cannot be parsed ends the file with an error row that says
    where; every object before it is kept."""
    import ijson

    # The pure-Python backend: the C one turns a lone surrogate (`\\ud800`) into `?` without a word.
    backend = ijson.get_backend("python")
    head = f.read(len(BOM))
    if head != BOM:
        f.seek(0)
    first = f.read(4096).lstrip()[:1]
    if not first:
        return  # an empty file holds no article, as an empty JSONL or CSV file
    f.seek(len(BOM) if head == BOM else 0)
    items = (
        backend.items(f, "item", use_float=True)
        if first == b"["
        else backend.items(f, "", multiple_values=True, use_float=True)
    )
    n = 0
    try:
        for n, row in enumerate(items, start=1):
            fallback, source = f"{name}-{n}", f"{label}:{n}"
            if not isinstance(row, dict):
                yield BadArticle(fallback, source, "a JSON array must hold objects with a text field")
                continue
            yield _record(row, options, fallback_id=fallback, source=source)
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        where = f"after object {n}" if n else "before the first object"
        yield BadArticle(
            f"{name}-{n + 1}",
            f"{label}:{n + 1}",
            f"invalid JSON {where} ({detail}); the objects before it were read, the rest of the file was not. "
            "Check that the file is UTF-8 JSON",
        )


class _LineFeed:
    """The decoded lines of a file as the strings a `csv.reader` takes, remembering which ones were bad.

    A lone carriage return ends a line for the reader too, as in text mode; the reader's `line_num` counts
    these pieces, so each piece keeps the number of the file's line it came from.
    """

    def __init__(self, lines: Iterable[Line]) -> None:
        self.lines = iter(lines)
        self.pieces: deque[Line] = deque()  # the pieces handed out and not yet claimed by a row
        self.consumed = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            for text in LONE_CR_RE.split(line.text) if "\r" in line.text else (line.text,):
                if text:
                    self.pieces.append(Line(line.number, text, line.bad))
                    yield text

    def claim(self, line_num: int) -> list[Line]:
        """The pieces of the row that ends at the reader's `line_num`."""
        taken = [self.pieces.popleft() for _ in range(min(line_num - self.consumed, len(self.pieces)))]
        self.consumed = line_num
        return taken


def iter_csv(lines: Iterable[Line], *, name: str, label: str, delimiter: str, options: ReadOptions) -> Iterator[Record]:
    """One article a row. Rows without an ID get `<name>-<row number>`, counting data rows from 1; `source`
    is `<label>:<line>`, the line where the row starts. A row with a byte that is not UTF-8 is an error row."""
    csv.field_size_limit(sys.maxsize)
    feed = _LineFeed(lines)
    reader = csv.reader(feed, delimiter=delimiter, quotechar=options.quotechar)
    columns: list[str] | None = None
    hint = ""
    rowno = 0
    while True:
        try:
            values = next(reader, None)
            error = None
        except csv.Error as err:
            values, error = [], f"cannot parse the CSV row: {err}"
        pieces = feed.claim(reader.line_num)
        if values is None:
            return
        start = pieces[0].number if pieces else reader.line_num
        bad = next((piece.bad for piece in pieces if piece.bad), None)
        if options.header and columns is None and error is None:
            columns = values
            hint = _field_hint(columns, options, delimiter)
            continue
        rowno += 1
        if not values and error is None and not bad:
            continue
        fallback, source = f"{name}-{rowno}", f"{label}:{start}"
        row: dict[str, object] | list[str] = dict(zip(columns, values, strict=False)) if columns else values
        if error or bad:
            yield _bad_row(row, options, fallback_id=fallback, source=source, reason=error or bad or "")
            continue
        yield _record(row, options, fallback_id=fallback, source=source, hint=hint or _column_hint(values, options))


def _field_hint(columns: list[str], options: ReadOptions, delimiter: str) -> str:
    """What to check when the text field is not a column of the header (a wrong delimiter, most often)."""
    if options.text_field in columns:
        return ""
    shown = ", ".join(repr(c[:40]) for c in columns[:6]) + (", ..." if len(columns) > 6 else "")
    return (
        f": the header has no such column (it has {len(columns)}: {shown}); check --delimiter "
        f"(now {delimiter!r}) and --text-field"
    )


def _column_hint(values: list[str], options: ReadOptions) -> str:
    if options.header or (options.text_field.isdigit() and int(options.text_field) < len(values)):
        return ""
    return f": the row has {len(values)} columns; check --delimiter and --text-field"


def _open_records(path: Path, options: ReadOptions, *, name: str, label: str) -> Iterator[Record]:
    suffix = path.suffix.lower()
    try:
        with open(path, "rb") as f:
            reason = binary_reason(f.read(8192))
            if reason:
                yield BadArticle(name, label, reason)
                return
            f.seek(0)
            if suffix in JSON_SUFFIXES:
                yield from iter_json(f, name=name, label=label, options=options)
            elif suffix in JSONL_SUFFIXES:
                yield from iter_jsonl(decoded_lines(f), name=name, label=label, options=options)
            elif suffix in CSV_SUFFIXES:
                delimiter = options.delimiter or ("\t" if suffix == ".tsv" else ",")
                yield from iter_csv(decoded_lines(f), name=name, label=label, delimiter=delimiter, options=options)
            else:
                yield BadArticle(name, label, f"de-entities does not read {suffix} files; it reads {FORMATS}")
    except OSError as err:
        yield BadArticle(name, label, f"cannot read file: {err.strerror or err}")


def _inside(path: Path, folder: Path | None) -> bool:
    # realpath, not Path.resolve: a symlink loop must not raise here (reading it gives its error row).
    return folder is not None and Path(os.path.realpath(path)).is_relative_to(folder)


def iter_files(path: Path, *, skip: Path | None = None, stats: ReadStats | None = None) -> Iterator[Path | BadArticle]:
    """The readable files under a folder, recursively, in a stable order; a folder that cannot be read is
    yielded as a `BadArticle` with the reason.

    Symbolic links to folders are not followed (a link to its own parent would loop forever), and nothing
    under `skip` (the run's output folder) is read, so a run never takes its own output for input. Files of
    other extensions are counted in `stats`.
    """
    skipped = Path(os.path.realpath(skip)) if skip is not None else None
    errors: list[OSError] = []
    found: list[Path] = []
    for root, dirs, files in os.walk(path, onerror=errors.append, followlinks=False):
        dirs[:] = [d for d in dirs if not _inside(Path(root) / d, skipped)]
        for f in files:
            suffix = Path(f).suffix.lower()
            if suffix in READ_SUFFIXES:
                found.append(Path(root) / f)
            elif stats is not None:
                stats.skipped[suffix] += 1
    for err in errors:
        name = Path(err.filename or path).name
        yield BadArticle(name, str(err.filename or path), f"cannot read folder: {err.strerror or err}")
    for file in sorted(found):
        # A file may have vanished since the folder was listed; reading it then gives its error row.
        if not _inside(file, skipped) and (file.is_file() or not file.exists()):
            yield file


def check_inputs(inputs: Sequence[str | Path]) -> None:
    """Refuse, before anything is written, inputs that do not exist and files of a format that is not read.

    Raises:
        UsageError: [E080] an input does not exist, [E081] a file's extension is not one that is read.
    """
    for item in inputs:
        if str(item) == STDIN:
            continue
        path = Path(item)
        if not path.exists() and not path.is_symlink():
            raise UsageError(Errors.E080.format(path=item))
        suffix = path.suffix.lower()
        if not path.is_dir() and suffix and suffix not in READ_SUFFIXES:
            raise UsageError(Errors.E081.format(path=item, suffix=suffix, formats=FORMATS))


def _file_name(file: Path, root: Path | None) -> str:
    """The name a file's rows without an ID are called after: its path relative to the input folder it was
    found in, without the extension (`2023-05/articles`), or its own name for a file given directly."""
    if root is None:
        return file.stem
    return file.relative_to(root).with_suffix("").as_posix()


def read_records(
    inputs: Sequence[str | Path],
    options: ReadOptions | None = None,
    *,
    skip: Path | None = None,
    stats: ReadStats | None = None,
) -> Iterator[Record]:
    """Yield the articles of every input in order: files, folders (recursive) and `-` for JSONL on stdin.

    A `.txt` article's ID is its file name; a row of a JSONL, JSON or CSV file without an ID gets the file's
    path relative to its input folder and its row number (`2023-05/articles-3`), so that files of the same
    name in different subfolders do not collide. `source` is the file's path as given (and `:line` for rows).
    Nothing under `skip` is read: the run's output folder, when it lies inside an input folder.
    """
    options = options or ReadOptions()
    for item in inputs:
        if str(item) == STDIN:
            with open(sys.stdin.fileno(), "rb", closefd=False) as stream:
                yield from iter_jsonl(decoded_lines(stream), name="stdin", label="stdin", options=options)
            continue
        path = Path(item)
        root = path if path.is_dir() else None
        for file in iter_files(path, skip=skip, stats=stats) if root else [path]:
            if isinstance(file, BadArticle):
                yield file
            elif file.suffix.lower() in TEXT_SUFFIXES or not file.suffix:
                yield read_txt_article(file)
            else:
                yield from _open_records(file, options, name=_file_name(file, root), label=str(file))


def iter_txt_articles(paths: list[Path]) -> Iterator[Article]:
    """The readable `.txt` articles of files and folders (for quick looks; the batch run uses `read_records`)."""
    for record in read_records(paths):
        if isinstance(record, Article):
            yield record
