"""Each input article's place in the run, in input order, kept on disk so that memory stays flat."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from ..tables.output import safe_file_stem
from .readers import Article, BadArticle, Record


@dataclass
class Slot:
    """One input article's place in the run, in input order."""

    article_id: str
    stem: str
    source: str
    title: str | None = None
    date: str | None = None
    error: str | None = None
    key: str | None = None  # the key its result must carry (see `worker.article_key`)


class SlotSpool:
    """The slots of a run in input order, spooled to a temporary file so that memory stays flat.

    A slot is written when its article is read; a processing failure, known only later, is kept aside.
    """

    def __init__(self, out_dir: Path) -> None:
        fd, path = tempfile.mkstemp(prefix=".slots.", suffix=".tmp", dir=out_dir)
        self.path = Path(path)
        self.file = os.fdopen(fd, "w", encoding="utf-8")
        self.count = 0
        self.failures: dict[int, str] = {}

    def add(self, slot: Slot) -> int:
        self.file.write(json.dumps(asdict(slot), ensure_ascii=False) + "\n")
        self.count += 1
        return self.count - 1

    def fail(self, index: int, error: str) -> None:
        self.failures[index] = error

    def seal(self) -> None:
        """End the writing: every slot is on disk, none is left in a buffer. Before a fork, so that the buffer
        is not written twice, once by each process."""
        self.file.close()

    def __iter__(self) -> Iterator[Slot]:
        self.seal()
        with open(self.path, encoding="utf-8") as f:
            for index, line in enumerate(f):
                slot = Slot(**json.loads(line))
                if index in self.failures:
                    slot.error = self.failures[index]
                yield slot

    def close(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def assign_slots(records: Iterable[Record]) -> Iterator[tuple[Record, Slot]]:
    """Give each record its slot, reporting duplicate IDs as errors of the later records."""
    seen: dict[str, str] = {}
    for record in records:
        source = record.source
        slot = Slot(article_id=record.id, stem=safe_file_stem(record.id), source=source)
        if isinstance(record, Article):
            slot.title, slot.date = record.title, record.date
        if isinstance(record, BadArticle):
            slot.error = record.reason
        elif record.id in seen:
            slot.error = f"duplicate article ID: first seen in {seen[record.id]}; give each article its own ID"
        else:
            seen[record.id] = source
        yield record, slot
