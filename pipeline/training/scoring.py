"""Strict span scoring of NER output on GermEval-style data, in two views.

A predicted entity counts only if its start, end and type all match a gold entity (the CoNLL and GermEval
outer-chunk metric). The views:

- `4class`: PER, LOC, ORG, OTH only; deriv and part entities are removed from gold and prediction alike.
- `12class`: all twelve GermEval types.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.scorer import PRFScore
from spacy.tokens import Doc

from ..labels import BASE_TYPES, FINE_OF_COARSE, FINE_TYPES
from .germeval import bio_to_spans, read_sentences

Spans = set[tuple[int, int, str]]

VIEWS: dict[str, tuple[str, ...]] = {"4class": BASE_TYPES, "12class": FINE_TYPES}


class PRF(PRFScore):
    """spaCy's counts of true and false positives and false negatives, with `f1` and a JSON-ready dict."""

    @property
    def f1(self) -> float:
        return self.fscore


def prf_dict(prf: PRFScore) -> dict[str, float | int]:
    return {
        "precision": round(prf.precision, 4),
        "recall": round(prf.recall, 4),
        "f1": round(prf.fscore, 4),
        "tp": prf.tp,
        "fp": prf.fp,
        "fn": prf.fn,
        "support": prf.tp + prf.fn,
    }


def score_spans(gold: Iterable[Spans], pred: Iterable[Spans], *, types: Iterable[str]) -> dict[str, PRF]:
    """Count strict matches per type and micro-averaged over the given types.

    Args:
        gold: one set of (start, end, type) per sentence.
        pred: the predicted sets, aligned with `gold`.
        types: the types to score; spans of any other type are ignored on both sides.

    Returns:
        A `PRF` per type, and one under the key `micro`.
    """
    result = {t: PRF() for t in types}
    micro = PRF()
    for gold_spans, pred_spans in zip(gold, pred, strict=True):
        for t, prf in result.items():
            g = {span for span in gold_spans if span[2] == t}
            p = {span for span in pred_spans if span[2] == t}
            prf.score_set(p, g)
            micro.score_set(p, g)
    result["micro"] = micro
    return result


def predicted_spans(doc: Doc) -> Spans:
    """The entities of a processed doc as (start, end, GermEval type)."""
    spans = set()
    for ent in doc.ents:
        fine = ent._.fine_type if ent.has_extension("fine_type") else None
        spans.add((ent.start, ent.end, fine or FINE_OF_COARSE.get(ent.label_, ent.label_)))
    return spans


def evaluate(nlp: Language, path: Path | str, *, limit: int | None = None, batch_size: int = 256) -> dict:
    """Run `nlp` on the gold tokenisation of a GermEval TSV or CoNLL file and score both views.

    Args:
        nlp: the pipeline to score.
        path: the gold file.
        limit: score only the first N sentences (for smoke runs).
        batch_size: `nlp.pipe` batch size.

    Returns:
        A JSON-ready dict with the file, sentence and token counts, and per view the scores per type and
        `micro`.
    """
    sentences = list(read_sentences(path, limit=limit))
    gold = [set(bio_to_spans(s.tags)) for s in sentences]
    docs = (Doc(nlp.vocab, words=s.words) for s in sentences)
    pred = [predicted_spans(doc) for doc in nlp.pipe(docs, batch_size=batch_size)]
    views = {}
    for view, types in VIEWS.items():
        scores = score_spans(gold, pred, types=types)
        views[view] = {name: prf_dict(prf) for name, prf in scores.items()}
    return {
        "file": str(path),
        "model": f"{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        "sentences": len(sentences),
        "tokens": sum(len(s.words) for s in sentences),
        "views": views,
    }


def format_table(result: dict) -> str:
    """A plain-text table of one evaluation, one block per view."""
    lines = [f"{result['file']}: {result['sentences']} sentences, {result['tokens']} tokens, {result['model']}"]
    for view, scores in result["views"].items():
        lines.append("")
        lines.append(f"{view:<10} {'P':>7} {'R':>7} {'F1':>7} {'support':>8}")
        for name, s in scores.items():
            if name == "micro" or s["support"] or s["fp"]:
                lines.append(f"{name:<10} {s['precision']:>7.4f} {s['recall']:>7.4f} {s['f1']:>7.4f} {s['support']:>8}")
    return "\n".join(lines)
