"""The `de-entities` command line: a thin typer app, one module per command, each a wrapper over a plain
function that it imports only when the command runs. It may import every other subpackage.
"""

from .app import app, main

__all__ = ["app", "main"]
