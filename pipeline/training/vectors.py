"""Floret word vectors from raw German text.

The NER model learns from 24,000 annotated sentences; static subword vectors trained on tens of millions of
raw words let it know far more German than that. Floret keeps the table small (hashed subword buckets), so it
can be shipped inside the model.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

from .rawtext import iter_paragraphs

logger = logging.getLogger(__name__)

# Close to spaCy's German tokenizer: punctuation splits off at word edges, while hyphenated compounds such as
# "Kreml-Sprecher" and abbreviations with inner dots ("z.B") stay whole, as in GermEval's tokenisation.
TOKEN_RE = re.compile(r"\w+(?:[-.'\u2019/]\w+)*|[^\w\s]")


def tokenize_line(line: str) -> list[str]:
    """Split a raw line into tokens roughly the way spaCy's German tokenizer does."""
    return TOKEN_RE.findall(line.replace("\u00ad", ""))


def write_floret_corpus(sources: Iterable[tuple[Path, int]], out: Path) -> int:
    """Write one tokenised paragraph per line, taking at most N words from each source folder or file.

    Args:
        sources: pairs of (folder or file, word budget).
        out: the text file to write, UTF-8.

    Returns:
        The number of words written.
    """
    total = 0
    with open(out, "w", encoding="utf-8") as f:
        for source, budget in sources:
            for paragraph in iter_paragraphs(source, words=budget):
                tokens = tokenize_line(paragraph)
                f.write(" ".join(tokens) + "\n")
                total += len(tokens)
    return total


def train_floret(
    corpus: Path,
    out_prefix: Path,
    *,
    dim: int = 100,
    bucket: int = 50000,
    minn: int = 4,
    maxn: int = 5,
    epoch: int = 5,
    threads: int = 2,
) -> Path:
    """Train floret vectors and save them in the text format that `spacy init vectors --mode floret` reads."""
    import floret

    model = floret.train_unsupervised(
        str(corpus),
        model="cbow",
        mode="floret",
        hashCount=2,
        bucket=bucket,
        minn=minn,
        maxn=maxn,
        dim=dim,
        epoch=epoch,
        minCount=5,
        thread=threads,
    )
    out = out_prefix.with_suffix(".floret")
    model.save_floret_vectors(str(out))
    return out


def build_vectors(
    sources: list[tuple[Path, int]],
    output: Path,
    *,
    germeval: Path | None = None,
    copies: int = 0,
    dim: int,
    bucket: int,
    epoch: int,
    threads: int,
) -> Path:
    """Tokenise raw text, train floret on it and save a spaCy pipeline holding the vectors.

    Args:
        sources: (folder or file, word budget) pairs of raw text.
        output: the folder for the pipeline that holds only the vectors.
        germeval: a GermEval file whose sentences are added as raw text, `copies` times (in-domain text).
    """
    import tempfile

    import spacy
    from spacy.training.initialize import convert_vectors

    with tempfile.TemporaryDirectory(prefix="de-entities-vectors-") as tmp:
        corpus = Path(tmp) / "corpus.txt"
        sources = list(sources)
        if germeval is not None and copies:
            from .germeval import read_sentences

            text = Path(tmp) / "germeval.txt"
            sentences = "".join(" ".join(s.words) + "\n" for s in read_sentences(germeval))
            text.write_text(sentences * copies, encoding="utf-8")
            sources.append((text, 10**9))
        n = write_floret_corpus(sources, corpus)
        logger.info("training floret on %d words", n)
        floret_path = train_floret(corpus, Path(tmp) / "vectors", dim=dim, bucket=bucket, epoch=epoch, threads=threads)
        nlp = spacy.blank("de")
        convert_vectors(nlp, floret_path, truncate=0, prune=-1, mode="floret", name="de_entities_floret")
        nlp.to_disk(output)
    return output
