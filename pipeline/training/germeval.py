"""Read GermEval 2014 data: the original TSV and the two-column CoNLL format.

Both formats give sentences of (token, outer tag) pairs. The original TSV starts each sentence with a
`#<TAB>source` comment line and has four columns, `index token outer inner`; CoNLL files have `token tag`,
separated by a tab or a space (the legal LER corpus uses a space). Only outer tags are used.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.training import iob_to_biluo
from spacy.training.iob_utils import tags_to_entities

from ..errors import Errors, PipelineError
from ..util import open_text

# GermEval 2014 files from 2014 still carry soft hyphens inside tokens; they are invisible and would only split
# the vocabulary ("Bundes\u00adtag" vs "Bundestag").
SOFT_HYPHEN = "\u00ad"


@dataclass(frozen=True)
class Sentence:
    words: list[str]
    tags: list[str]


def _is_comment(line: str) -> bool:
    # `#<TAB>source-URL<TAB>[date]` heads a TSV sentence, but `#<TAB>O` is the token "#" in a CoNLL file.
    if line.rstrip() == "#":
        return True
    if not line.startswith("#\t"):
        return False
    rest = line[2:].split("\t")[0].strip()
    return not (rest == "O" or rest[:2] in ("B-", "I-"))


def _split_row(line: str, path: Path, lineno: int) -> tuple[str, str]:
    cols = line.split("\t") if "\t" in line else line.split(" ")
    # Four or more columns: the original TSV, `index token outer inner`.
    if len(cols) >= 4 and cols[0].isdigit():
        return cols[1], cols[2]
    if len(cols) >= 2:
        return cols[0], cols[-1] if len(cols) == 2 else cols[1]
    raise PipelineError(Errors.E010.format(path=path, lineno=lineno, line=line[:80]))


def read_sentences(path: Path | str, *, limit: int | None = None) -> Iterator[Sentence]:
    """Yield the sentences of a GermEval TSV or two-column CoNLL file.

    Args:
        path: the file; `.gz` is decompressed on the fly.
        limit: stop after this many sentences.

    Yields:
        One `Sentence` per block of token lines. Soft hyphens are removed from tokens, and tokens that
        consist of nothing else are dropped.
    """
    path = Path(path)
    if not path.exists():
        raise PipelineError(Errors.E011.format(path=path))
    count = 0
    words: list[str] = []
    tags: list[str] = []
    with open_text(path) as f:
        for lineno, raw in enumerate(f, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or _is_comment(line):
                if words:
                    yield Sentence(words, tags)
                    count += 1
                    if limit is not None and count >= limit:
                        return
                    words, tags = [], []
                continue
            word, tag = _split_row(line, path, lineno)
            word = word.replace(SOFT_HYPHEN, "")
            if not word:
                continue
            words.append(word)
            tags.append(tag)
    if words:
        yield Sentence(words, tags)


def bio_to_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Turn BIO tags into (start, end, label) token spans, end exclusive.

    An `I-` tag that does not continue an entity of the same label starts a new one, as conlleval does (and
    as spaCy's `iob_to_biluo` reads it).
    """
    return [(start, end + 1, label) for label, start, end in tags_to_entities(iob_to_biluo(tags))]
