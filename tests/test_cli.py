"""Every command is documented, and the commands work on tiny inputs."""

from __future__ import annotations

import typer.main
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


def test_every_command_and_option_has_help() -> None:
    group = typer.main.get_group(app)
    assert group.commands, "no commands registered"
    for name, command in group.commands.items():
        assert command.help, f"command {name} has no help text"
        for param in command.params:
            assert getattr(param, "help", None), f"{name}: {param.name} has no help text"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output


def test_usage_error_exits_2() -> None:
    assert runner.invoke(app, ["evaluate"]).exit_code == 2


def test_unknown_model_exits_1(tiny_tsv) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["evaluate", str(tiny_tsv), "--model", "no_such_model"])
    assert result.exit_code == 1
    assert "E001" in result.output


def test_readme_lists_every_command() -> None:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for name in typer.main.get_group(app).commands:
        assert f"| `{name}" in readme, f"README's command table lacks {name}"
