"""Turn GermEval files into spaCy DocBins, the format `spacy train` reads."""

from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.training import biluo_tags_to_spans, iob_to_biluo
from spacy.vocab import Vocab

from ..errors import Errors, PipelineError
from ..labels import FINE_TYPES
from .germeval import read_sentences


def sentence_docs(path: Path | str, vocab: Vocab, *, limit: int | None = None) -> list[Doc]:
    """Read a GermEval TSV or CoNLL file into one gold `Doc` per sentence, with fine-typed entities."""
    docs = []
    for sentence in read_sentences(path, limit=limit):
        doc = Doc(vocab, words=sentence.words)
        ents = biluo_tags_to_spans(doc, iob_to_biluo(sentence.tags))
        for ent in ents:
            if ent.label_ not in FINE_TYPES:
                raise PipelineError(Errors.E021.format(label=ent.label_, allowed=", ".join(FINE_TYPES)))
        doc.ents = ents
        docs.append(doc)
    if not docs:
        raise PipelineError(Errors.E012.format(path=path))
    return docs


def convert(src: Path | str, out: Path | str, *, limit: int | None = None) -> int:
    """Write the sentences of `src` to the DocBin `out`; returns the number of sentences."""
    docs = sentence_docs(src, Vocab(), limit=limit)
    DocBin(docs=docs, store_user_data=False).to_disk(out)
    return len(docs)
