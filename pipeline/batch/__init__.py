"""The batch run: options and summary, reading articles, slots, the worker's per-article processing and the
engines that run it. It may import the package root, `nlp`, `names`
(the corpus identity) and `tables`; only `cli` and `pipeline.run` import it.
"""

from .driver import run
from .options import RunOptions, RunSummary

__all__ = ["RunOptions", "RunSummary", "run"]
