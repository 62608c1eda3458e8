"""`python -m pipeline.cli`, the same as the `de-entities` command."""

from .app import main

main()
