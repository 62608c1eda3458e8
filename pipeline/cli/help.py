"""How `--help` names the parameters: as click and most tools do (`run [OPTIONS] INPUTS...`, `--out PATH`,
nothing after a flag), not with typer's type placeholders (`<bool>`, `<list[str]>`, `{inputs}...`).

`Group` is passed to typer as the app's `cls`; it gives its parameters and those of every command it hands out
the display of `PlainArgument` and `PlainOption`, which change nothing but how a parameter is shown.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperArgument, TyperGroup, TyperOption

# Typer's type labels (`<str>`) as click names the value a user types.
METAVARS = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "path": "PATH", "bool": "BOOLEAN"}
LIST_RE = re.compile(r"^list\[(.*)\]$")


class PlainArgument(TyperArgument):
    @property
    def display_name_raw(self) -> str:
        return str(self.metavar or self.name or "").upper()

    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the name column says it already

    def _usage_display_name(self) -> str:
        name = self.display_name_raw + ("..." if self.nargs != 1 else "")
        return name if self.required else f"[{name}]"


class PlainOption(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None  # a flag takes no value
        if self.metavar is not None:
            return str(self.metavar)
        label = self.display_type(ctx).strip("<>")
        inner = LIST_RE.match(label)
        label = inner.group(1) if inner else label
        return METAVARS.get(label, label.upper())


def plain(param: Any) -> Any:
    """The same parameter, shown the plain way (its class swapped for the display-only subclass)."""
    if type(param) is TyperArgument:
        param.__class__ = PlainArgument
    elif type(param) is TyperOption:
        param.__class__ = PlainOption
    return param


class Group(TyperGroup):
    """The app's group: it and every command it hands out show their parameters the plain way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            plain(param)

    def get_help_option(self, ctx: Any) -> Any:
        return plain(super().get_help_option(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            for param in command.params:
                plain(param)
            plain(command.get_help_option(ctx))
        return command
