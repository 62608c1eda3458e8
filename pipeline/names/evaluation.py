"""Score canonical names, labels and merges against a hand-made gold set (`tests/data/canonical_gold.jsonl`).

Each gold line is one short article: its text and its mentions in order, each as
`[surface, label, fine type, expected canonical]` and optionally a fifth item, a dict with
`model` (the fine type a model gave the mention, when it differs from the gold one: the doc is built with it,
so the stage has to repair it), `model_text` (the span the model gave, when it differs from the surface: it
starts at the same character and may run over a line break or take in a full stop; an empty `model_text`
means the model gave no span of its own here, so the mention can only come out of a split) and `corpus` (the
expected canonical name after corpus-wide resolution, when it differs from the article's). Docs are built by
hand with exactly those entities, so the score measures the post-NER stages alone, not the NER model.
Predicted entities are matched to gold mentions by their first character; a gold mention with no predicted
entity starting there counts as wrong.

- Canonical names: accuracy over all mentions; precision over the mentions the stage changed (how often a
  change was right) and recall over the mentions whose gold canonical differs from their text (how many of
  the needed changes were made).
- Labels: accuracy of the coarse label over all mentions.
- Merges in an article: pairs of mentions in one article that belong to one entity (gold: same label and
  canonical name; predicted: same label and canonical name), compared as sets of pairs.
- Merges in the corpus: the same over all mention pairs of the whole gold set, with the corpus identity.
- Split entities: gold entities whose mentions end up in more than one row, per article and in the corpus.
- Rows per entity: the rows of the predicted entity table per gold entity, summed over the articles and over
  the corpus (1.0 is one row per real-world thing; more means splits, less means false merges).
- Unclean canonical names: predicted names with a quote mark, a bracket or a line break.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from .identity import resolve_corpus
from .lexicon import load_lexicon

Key = tuple[str, str]  # (label, canonical name)
MISSING: Key = ("", "")  # a gold mention with no predicted entity starting at its first character
# Quote marks (straight, German, English, guillemets), brackets and line breaks have no place in a name.
UNCLEAN_RE = re.compile("[\"'\u201a\u201e\u2018\u2019\u201c\u201d\u00ab\u00bb\u2039\u203a()\\[\\]{}\n]")
# Maps each article's entity keys to corpus identities; the default keeps them as they are.
CorpusResolver = Callable[[list[list[Key]]], dict[Key, Key]]


def mention_extra(mention: list[Any]) -> dict[str, str]:
    return mention[4] if len(mention) > 4 else {}


def gold_starts(item: dict[str, Any]) -> list[int]:
    """The first character of each gold mention in the article's text."""
    starts = []
    pos = 0
    for mention in item["mentions"]:
        surface = mention[0]
        start = item["text"].index(surface, pos)
        pos = start + len(surface)
        starts.append(start)
    return starts


def gold_doc(nlp: Language, item: dict[str, Any]) -> Doc:
    """A doc with the gold mentions as entities, labelled with the model's type and spanning the model's text
    where the gold line gives them."""
    doc = nlp.make_doc(item["text"])
    spans = []
    for mention, start in zip(item["mentions"], gold_starts(item), strict=True):
        extra = mention_extra(mention)
        fine = extra.get("model", mention[2])
        text = extra.get("model_text", mention[0])
        if not text:
            continue  # no span of the model's own: the mention comes out of a split of another one
        if item["text"][start : start + len(text)] != text:
            raise ValueError(f"model_text {text!r} does not start where {mention[0]!r} does in {item['id']}")
        span = doc.char_span(start, start + len(text), label=fine, alignment_mode="expand")
        if span is None:
            raise ValueError(f"cannot align {text!r} in {item['id']}")
        spans.append(Span(doc, span.start, span.end, label=fine))
    doc.ents = spans
    return doc


def predicted_keys(doc: Doc, starts: list[int]) -> list[Key]:
    """(label, canonical) of the entity that starts at each gold mention's first character, or MISSING."""
    by_start = {ent.start_char: (ent.label_, ent._.canonical) for ent in doc.ents}
    return [by_start.get(start, MISSING) for start in starts]


def rows(keys: list[Key]) -> int:
    return len({key for key in keys if key != MISSING})


def _pairs(keys: list[Any]) -> set[tuple[int, int]]:
    """Index pairs that share a key, without the quadratic loop over all pairs; MISSING pairs with nothing."""
    by_key: dict[Any, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key != MISSING:
            by_key[key].append(i)
    return {pair for members in by_key.values() for pair in combinations(members, 2)}


def _split(gold: list[Any], predicted: list[Any]) -> int:
    """How many gold entities are spread over more than one predicted entity."""
    rows: dict[Any, set[Any]] = defaultdict(set)
    for g, p in zip(gold, predicted, strict=True):
        rows[g].add(p)
    return sum(1 for found in rows.values() if len(found) > 1)


def ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def prf(gold: set[tuple[int, int]], predicted: set[tuple[int, int]]) -> tuple[float, float]:
    tp = len(gold & predicted)
    return ratio(tp, len(predicted)), ratio(tp, len(gold))


def identity(articles: list[list[Key]]) -> dict[Key, Key]:
    """Each article's identity stands: no corpus resolution."""
    return {key: key for keys in articles for key in keys}


def corpus_identity(articles: list[list[Key]]) -> dict[Key, Key]:
    """The corpus resolution of the batch run (`identity.resolve_corpus`), with each name's context: the other
    entities of its articles, as the batch run's `NameCounts` collects it."""
    together: dict[Key, set[Key]] = defaultdict(set)
    counts: dict[Key, int] = defaultdict(int)
    for found in articles:
        here = {key for key in found if key != MISSING}
        for key in here:
            counts[key] += 1
            together[key] |= here - {key}
    resolved = resolve_corpus(counts, load_lexicon(), together=together, articles=counts)
    return {key: resolved(key) for key in counts}


def score_canonical(nlp: Language, path: Path, *, corpus: CorpusResolver | None = None) -> dict[str, Any]:
    """Run the pipeline's post-NER stages on hand-made docs and score them; `nlp` must hold fine_types and canonical.

    `corpus` resolves the articles' entities across the gold set: by default as the batch run does; pass
    `identity` to score each article's identity alone.
    """
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    stages = [proc for name, proc in nlp.pipeline if name in ("fine_types", "canonical")]
    total = correct = changed = changed_right = needed = needed_right = labels_right = 0
    article_gold: set[tuple[int, int]] = set()
    article_pred: set[tuple[int, int]] = set()
    split_in_articles = 0
    rows_in_articles = entities_in_articles = unclean = 0
    errors = []
    all_gold: list[Key] = []
    all_pred: list[Key] = []
    where: list[tuple[str, str]] = []  # (article, surface) of each mention, for the corpus errors
    article_keys: list[list[Key]] = []
    for item in items:
        doc = gold_doc(nlp, item)
        for stage in stages:
            doc = stage(doc)
        predicted = predicted_keys(doc, gold_starts(item))
        unclean += sum(1 for ent in doc.ents if UNCLEAN_RE.search(ent._.canonical or ""))
        gold = [(label, canonical) for _, label, _, canonical, *_ in item["mentions"]]
        for mention, p, g in zip(item["mentions"], predicted, gold, strict=True):
            surface = mention[0]
            total += 1
            right = p[1] == g[1]
            correct += right
            labels_right += p[0] == g[0]
            if p[1] != surface:
                changed += 1
                changed_right += right
            if g[1] != surface:
                needed += 1
                needed_right += right
            if not right or p[0] != g[0]:
                errors.append({"article": item["id"], "mention": surface, "expected": g, "got": p})
        offset = len(all_gold)
        article_gold |= {(offset + i, offset + j) for i, j in _pairs(gold)}
        article_pred |= {(offset + i, offset + j) for i, j in _pairs(predicted)}
        split_in_articles += _split(gold, predicted)
        rows_in_articles += rows(predicted)
        entities_in_articles += rows(gold)
        all_gold.extend((m[1], mention_extra(m).get("corpus", m[3])) for m in item["mentions"])
        all_pred.extend(predicted)
        where.extend((item["id"], m[0]) for m in item["mentions"])
        article_keys.append(predicted)
    resolved = (corpus or corpus_identity)(article_keys)
    corpus_pred = [resolved.get(key, key) for key in all_pred]
    for (article, surface), g, p, before in zip(where, all_gold, corpus_pred, all_pred, strict=True):
        if g[1] != p[1] and p != before:  # the article was right or wrong on its own; the corpus changed it
            errors.append({"article": article, "mention": surface, "expected": g, "got": p, "stage": "corpus"})
    merge_p, merge_r = prf(article_gold, article_pred)
    corpus_p, corpus_r = prf(_pairs(all_gold), _pairs(corpus_pred))
    return {
        "articles": len(items),
        "mentions": total,
        "canonical_accuracy": ratio(correct, total),
        "canonical_precision": ratio(changed_right, changed),
        "canonical_recall": ratio(needed_right, needed),
        "label_accuracy": ratio(labels_right, total),
        "merge_precision": merge_p,
        "merge_recall": merge_r,
        "merge_f1": round(2 * merge_p * merge_r / (merge_p + merge_r), 4) if merge_p + merge_r else 0.0,
        "merge_pairs_gold": len(article_gold),
        "corpus_merge_precision": corpus_p,
        "corpus_merge_recall": corpus_r,
        "split_entities_in_articles": split_in_articles,
        "split_entities_in_corpus": _split(all_gold, corpus_pred),
        "rows_per_entity_in_articles": ratio(rows_in_articles, entities_in_articles),
        "rows_per_entity_in_corpus": ratio(rows(corpus_pred), rows(all_gold)),
        "unclean_canonicals": unclean,
        "errors": errors,
    }
