"""The whole `de-entities run` command against the model alone, start-up included; and a rerun.

Usage:
    python benchmarks/end_to_end.py ../shared/corpora/10kgnad/articles.csv [--repeat 3] [--limit N] [--model M]
        [--baseline ../before]

Each figure is the wall time of a fresh process, as a user sees it:
- model alone: `spacy.load(model)` (tok2vec, ner, fine types: what `pipeline.load()` gave before issue 23),
  then `nlp.pipe(texts, batch_size=64)` over the texts of the same JSONL file (import, loading and reading
  included);
- first run: `de-entities run corpus.jsonl --out NEW --workers 1 -q` into a new folder;
- rerun: the same command again into the same folder, with nothing changed.
- with `--baseline DIR`: the first run again with the package of another checkout (`PYTHONPATH=DIR`), for a
  before and after in the same repeats.
The kinds alternate within each repeat, so that load from other processes hits them alike; the medians and
their ratios are printed, and the same ratios in CPU seconds. Words are non-space tokens of spaCy's tokenizer.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import spacy
from commands import cli, load_average, median, read_corpus, timed, timed_cpu, write_jsonl

from pipeline.training.speed import count_words

# The shipped NER model as it is, loaded by spaCy: not `pipeline.load()`, which issue 23 makes the whole batch
# pipeline, so that the figures before and after stay comparable.
MODEL_ALONE = """
import json, sys
import spacy
from pipeline.nlp.loading import resolve_model
nlp = spacy.load(resolve_model(sys.argv[2] if len(sys.argv) > 2 else None))
with open(sys.argv[1], encoding="utf-8") as f:
    texts = [json.loads(line)["text"] for line in f]
for _ in nlp.pipe(texts, batch_size=64):
    pass
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="10kGNAD articles.csv (category;'text') or JSONL")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind; medians are reported")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--model", default=None, help="spaCy pipeline name or path (default: the shipped one)")
    parser.add_argument(
        "--baseline", type=Path, default=None, help="a checkout of other code: its first run is timed too, alternated"
    )
    args = parser.parse_args()
    articles = read_corpus(args.corpus, limit=args.limit)
    words = count_words(spacy.blank("de").tokenizer.pipe(a.text for a in articles))
    model = [args.model] if args.model else []
    kinds = ["model_alone", "first_run", *(["baseline_run"] if args.baseline else [])]
    times: dict[str, list[float]] = {kind: [] for kind in [*kinds, "rerun"]}
    cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
    loads = [load_average()]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_jsonl(articles, corpus)

        def command(out: Path) -> list[str]:
            options = ["--model", args.model] if args.model else []
            return [*cli(), "run", str(corpus), "--out", str(out), "--workers", "1", "-q", *options]

        for i in range(args.repeat):
            run = command(Path(tmp) / f"out-{i}")
            commands = {
                "model_alone": ([sys.executable, "-c", MODEL_ALONE, str(corpus), *model], None),
                "first_run": (run, None),
            }
            if args.baseline:
                # The same command with the other checkout's package first on the path, into a folder of its own;
                # the two runs take turns going first.
                baseline = command(Path(tmp) / f"baseline-{i}")
                commands["baseline_run"] = (baseline, {"PYTHONPATH": str(args.baseline.resolve())})
                if i % 2:
                    commands = {k: commands[k] for k in ("model_alone", "baseline_run", "first_run")}
            for name, (argv, env) in commands.items():
                wall, seconds = timed_cpu(argv, env=env)
                times[name].append(wall)
                cpu[name].append(seconds)
            times["rerun"].append(timed(run))
            loads.append(load_average())
            print(json.dumps({k: round(v[-1], 2) for k, v in times.items()}), file=sys.stderr, flush=True)
    seconds = {k: median(v) for k, v in times.items()}
    result = {
        "articles": len(articles),
        "words": words,
        "repeats": args.repeat,
        "load_average": [round(x, 2) for x in loads],
        "seconds_median": {k: round(v, 2) for k, v in seconds.items()},
        "seconds_all": {k: [round(x, 2) for x in v] for k, v in times.items()},
        "model_alone_words_per_s": round(words / seconds["model_alone"]),
        "end_to_end_words_per_s": round(words / seconds["first_run"]),
        "end_to_end_share_of_model": round(seconds["model_alone"] / seconds["first_run"], 3),
        "rerun_speedup": round(seconds["first_run"] / seconds["rerun"], 1),
        # The same ratio in CPU seconds (user and system, the helper processes included): steadier on a busy
        # machine, but blind to what a second core gains.
        "cpu_seconds_all": {k: [round(x, 2) for x in v] for k, v in cpu.items()},
        "cpu_share_of_model": round(median(cpu["model_alone"]) / median(cpu["first_run"]), 3),
    }
    if args.baseline:
        result["baseline_share_of_model"] = round(seconds["model_alone"] / seconds["baseline_run"], 3)
        result["baseline_cpu_share_of_model"] = round(median(cpu["model_alone"]) / median(cpu["baseline_run"]), 3)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
