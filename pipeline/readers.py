"""Read German articles in the reference `.txt` format.

The first line is ` date YYYY-MM Title`, then a blank line, then the body paragraphs. A file without that
header is read as plain text, with no title and no date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HEADER_RE = re.compile(r"^\s*date\s+(\d{4}-\d{2})\s+(.*)$")


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None


def parse_article(raw: str, *, article_id: str, source: str | None = None) -> Article:
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


def read_txt_article(path: Path) -> Article:
    return parse_article(path.read_text(encoding="utf-8"), article_id=path.stem, source=str(path))


def iter_txt_articles(paths: list[Path]) -> Iterator[Article]:
    """Yield the articles of `.txt` files and of folders searched recursively, in a stable order."""
    for path in paths:
        files = sorted(path.rglob("*.txt")) if path.is_dir() else [path]
        for file in files:
            yield read_txt_article(file)
