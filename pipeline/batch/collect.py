"""The corpus identity's inputs, collected while the articles are still being processed.

The corpus identity needs the entity names of every article (`pipeline.tables.corpus.NameCounts`). They used to
be read back from the result files in a first pass after the last batch; now each article's names are counted
as soon as they are known: from its cached result when it is reused, from its outcome when a worker has
processed it. Outcomes arrive batch by batch, and with several workers out of order, while the names must be
counted in input order (the context kept per person is capped, see `NameCounts.add_names`), so the names of an
article wait here until every earlier article's are counted.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..tables.corpus import EntityName, NameCounts


class NamesInOrder:
    """Count each article's entity names in input order, whatever order they become known in."""

    def __init__(self) -> None:
        self.names = NameCounts()
        self.next = 0  # the slot whose names are counted next
        self.waiting: dict[int, list[EntityName] | None] = {}
        # One byte per slot: whether its names were counted (an article without a result has none to count).
        self.counted = bytearray()

    def known(self, index: int, names: Iterable[EntityName] | None) -> None:
        """The names of the article in slot `index`, or None for an article without a result (an error)."""
        self.waiting[index] = None if names is None else list(names)
        while self.next in self.waiting:
            names_here = self.waiting.pop(self.next)
            self.counted.append(names_here is not None)
            if names_here is not None:
                self.names.add_names(names_here)
            self.next += 1

    def complete(self, slots: int) -> bool:
        """Whether the names of all `slots` articles of the run were counted."""
        return self.next == slots and not self.waiting

    def was_counted(self, index: int) -> bool:
        return index < len(self.counted) and bool(self.counted[index])
