"""The linking step's share of a run's time: its seconds (the gazetteer's loading included) against the run's.

Runs `de-entities run` twice into a temporary folder: first with an empty cache folder, as on a machine where
no run has built the gazetteer (and the lexicon) yet, then again with `--force` (every article redone), when
both come from the cache. Prints the `places` block and the timings of each run's `run.json`.

Usage:
    python benchmarks/places_share.py INPUT [RUN OPTIONS ...]
    python benchmarks/places_share.py ../shared/corpora/10kgnad/articles.csv \\
        --delimiter ';' --quotechar "'" --no-header --text-field 1
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CLI = Path(sys.executable).parent / "de-entities"


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        out, cache = Path(tmp) / "out", Path(tmp) / "cache"
        env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
        for name, extra in (("cold cache", []), ("warm cache, --force", ["--force"])):
            subprocess.run([str(CLI), "run", *sys.argv[1:], "--out", str(out), *extra], env=env, check=True)
            info = json.loads((out / "run.json").read_text(encoding="utf-8"))
            places, total = info["places"], info["timings"]["total_seconds"]
            share = places["seconds"] / total if total else 0.0
            print(
                f"{name}: linking {places['seconds']:.2f} s of {total:.1f} s ({share:.1%}); "
                f"{places['linked']} of {places['loc_entities']} LOC entities linked; {places['source']}"
            )


if __name__ == "__main__":
    main()
