"""`de-entities wordlists`: export the place and person word lists of the fast model from their packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import PipelineError
from .common import console, fail


def wordlists_cli(
    output: Annotated[
        Optional[Path], typer.Option(help="Folder for the lists. Default: the lexicon folder the models read.")
    ] = None,
    min_population: Annotated[
        int, typer.Option(help="Smallest GeoNames city: 500, 1000, 5000 or 15000 inhabitants.")
    ] = 5000,
    locales: Annotated[
        Optional[list[str]], typer.Option("--locale", help="A faker locale for person names (repeat). Default: 12.")
    ] = None,
) -> None:
    """Export the place (GeoNames) and person (faker) word lists; needs `pip install 'de-entities\\[wordlists]'`.

    A model reads the lists when it is loaded, so retrain the fast model after changing them.
    """
    from ..names.lexicon import lexicon_dir
    from ..nlp.wordlist_export import PERSON_LOCALES, export_word_lists

    try:
        sizes = export_word_lists(
            output or lexicon_dir(), min_population=min_population, locales=locales or PERSON_LOCALES
        )
    except PipelineError as err:
        fail(err)
    console.print(f"Saved the word lists: {sizes}")
