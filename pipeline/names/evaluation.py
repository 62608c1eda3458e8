"""Score canonical names and merges against a hand-made gold set (`tests/data/canonical_gold.jsonl`).

Each gold line is one short article: its text and its mentions in order, each as
`[surface, label, fine type, expected canonical]`. Docs are built by hand with exactly those entities, so the
score measures the canonical stage alone, not the NER model.

- Canonical names: accuracy over all mentions; precision over the mentions the stage changed (how often a
  change was right) and recall over the mentions whose gold canonical differs from their text (how many of
  the needed changes were made).
- Merges: pairs of mentions in one article that belong to one entity (same label and canonical name),
  compared as sets of pairs.
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span


def gold_doc(nlp: Language, item: dict[str, Any]) -> Doc:
    doc = nlp.make_doc(item["text"])
    spans = []
    pos = 0
    for surface, _label, fine, _canonical in item["mentions"]:
        start = item["text"].index(surface, pos)
        pos = start + len(surface)
        span = doc.char_span(start, pos, label=fine, alignment_mode="expand")
        if span is None:
            raise ValueError(f"cannot align {surface!r} in {item['id']}")
        spans.append(Span(doc, span.start, span.end, label=fine))
    doc.ents = spans
    return doc


def score_canonical(nlp: Language, path: Path) -> dict[str, Any]:
    """Run the pipeline's post-NER stages on hand-made docs and score them; `nlp` must hold fine_types and canonical."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    stages = [proc for name, proc in nlp.pipeline if name in ("fine_types", "canonical")]
    total = correct = changed = changed_right = needed = needed_right = 0
    tp = fp = fn = 0
    errors = []
    for item in items:
        doc = gold_doc(nlp, item)
        for stage in stages:
            doc = stage(doc)
        predicted = [(ent.label_, ent._.canonical) for ent in doc.ents]
        gold = [(label, canonical) for _, label, _, canonical in item["mentions"]]
        for (surface, *_), p, g in zip(item["mentions"], predicted, gold, strict=True):
            total += 1
            right = p[1] == g[1]
            correct += right
            if p[1] != surface:
                changed += 1
                changed_right += right
            if g[1] != surface:
                needed += 1
                needed_right += right
            if not right:
                errors.append({"article": item["id"], "mention": surface, "expected": g[1], "got": p[1]})
        pairs_gold = {(i, j) for i, j in combinations(range(len(gold)), 2) if gold[i] == gold[j]}
        pairs_pred = {(i, j) for i, j in combinations(range(len(predicted)), 2) if predicted[i] == predicted[j]}
        tp += len(pairs_gold & pairs_pred)
        fp += len(pairs_pred - pairs_gold)
        fn += len(pairs_gold - pairs_pred)

    def ratio(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    merge_p, merge_r = ratio(tp, tp + fp), ratio(tp, tp + fn)
    return {
        "articles": len(items),
        "mentions": total,
        "canonical_accuracy": ratio(correct, total),
        "canonical_precision": ratio(changed_right, changed),
        "canonical_recall": ratio(needed_right, needed),
        "merge_precision": merge_p,
        "merge_recall": merge_r,
        "merge_f1": round(2 * merge_p * merge_r / (merge_p + merge_r), 4) if merge_p + merge_r else 0.0,
        "merge_pairs_gold": tp + fn,
        "errors": errors,
    }
