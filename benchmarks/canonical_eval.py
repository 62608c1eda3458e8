"""Precision and recall of canonical names and merges on the hand-made gold set.

Usage:
    python benchmarks/canonical_eval.py [tests/data/canonical_gold.jsonl] [--errors] [--no-corpus]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import spacy

import pipeline.nlp.factories  # noqa: F401
from pipeline.names.evaluation import identity, score_canonical

GOLD = Path(__file__).parent.parent / "tests" / "data" / "canonical_gold.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold", type=Path, nargs="?", default=GOLD, help="gold JSONL")
    parser.add_argument("--errors", action="store_true", help="list every wrong canonical name or label")
    parser.add_argument("--no-corpus", action="store_true", help="score each article's identity, no corpus stage")
    args = parser.parse_args()
    nlp = spacy.blank("de")
    nlp.add_pipe("de_entities_fine_types", name="fine_types")
    nlp.add_pipe("de_entities_canonical", name="canonical")
    nlp.initialize()  # the canonical stage takes its word lists here
    result = score_canonical(nlp, args.gold, corpus=identity if args.no_corpus else None)
    errors = result.pop("errors")
    print(json.dumps(result, indent=2))
    if args.errors:
        for error in errors:
            print(
                f"{error['article']:>18}  {error['mention']!r:>24} expected {error['expected']!r}, got {error['got']!r}"
                + (" (corpus)" if error.get("stage") == "corpus" else "")
            )


if __name__ == "__main__":
    main()
