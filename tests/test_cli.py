"""The command line as a user meets it: documented, one-line errors on stderr, --version, info."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer.main
from runs import REPO, SAMPLE, cli
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.util import VERSION

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


@pytest.mark.parametrize("command", [[], *[[name] for name in typer.main.get_group(app).commands]])
def test_help_names_values_as_click_does_without_type_placeholders(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], terminal_width=160)
    assert result.exit_code == 0, result.output
    # typer's own placeholders (`<bool>`, `<list[str]>`, `{inputs}...`) mean nothing to a user.
    assert not re.search(r"<(bool|str|int|float|path|list\[\w+\])>|\{\w+\}", result.output), result.output
    if command == ["run"]:
        assert "run [OPTIONS] INPUTS..." in result.output and "DIR" in result.output


def test_usage_error_exits_2() -> None:
    assert runner.invoke(app, ["evaluate"]).exit_code == 2


@pytest.mark.parametrize(("model", "size"), [("accurate", 16), ("fast", 64)])
def test_a_run_without_batch_size_takes_the_models_own(tmp_path: Path, model: str, size: int) -> None:
    (tmp_path / "in").mkdir()  # a run that needs no model still records its options
    result = cli("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--model", model, "--quiet")
    assert result.returncode == 0, result.stderr
    info = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert info["options"]["batch_size"] == size


def test_batch_size_below_one_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("run", str(SAMPLE), "--out", str(tmp_path / "out"), "--batch-size", "0")
    assert result.returncode == 2 and "--batch-size" in result.stderr
    assert not (tmp_path / "out").exists()


def test_readme_lists_every_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in typer.main.get_group(app).commands:
        assert f"| `{name}" in readme, f"README's command table lacks {name}"


def test_version() -> None:
    result = cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"de-entities {VERSION}"


def test_info_lists_the_models_with_their_scores_and_the_extras() -> None:
    result = cli("info", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["de-entities"] == VERSION
    models = {model["name"]: model for model in found["models"]}
    fast = models["de_entities_ner"]
    meta = json.loads((REPO / "models" / "de_entities_ner" / "meta.json").read_text(encoding="utf-8"))
    assert fast["alias"] == "fast" and fast["f1_4class"] == meta["performance"]["ents_f_4class"]
    assert fast["words_per_s_dev"] == meta["performance"]["speed_words_per_s_dev"]
    assert {"accurate", "dask", "dev", "notebook"} <= set(found["extras"])
    text = cli("info")
    assert text.returncode == 0 and "de_entities_ner (fast)" in text.stdout and "extras" in text.stdout


def one_line_usage_error(result: object, code: str | None) -> None:
    assert getattr(result, "returncode") == 2, getattr(result, "stdout") + getattr(result, "stderr")  # noqa: B009
    stderr: str = getattr(result, "stderr")  # noqa: B009
    assert getattr(result, "stdout") == "", "errors go to stderr"  # noqa: B009
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert "Traceback" not in stderr
    if code:
        assert stderr.startswith(f"[{code}]"), stderr


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("missing input", "E080"),
        ("no --out", None),
        ("--out is a file", "E082"),
        ("--out under a file", "E082"),
        ("unknown model", "E001"),
        ("unknown extension", "E081"),
        ("report of no run", "E083"),
        ("report of a missing folder", None),
        ("show --html into a folder", "E084"),
    ],
)
def test_usage_errors_are_one_line_on_stderr_exit_2_and_create_nothing(tmp_path: Path, case: str, code: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Angela Merkel traf Emmanuel Macron in Paris.", encoding="utf-8")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("Notizen", encoding="utf-8")
    (tmp_path / "feed.xml").write_text("<feed/>", encoding="utf-8")
    out = tmp_path / "out"
    args = {
        "missing input": ["run", str(tmp_path / "missing"), "--out", str(out)],
        "no --out": ["run", str(corpus)],
        "--out is a file": ["run", str(corpus), "--out", str(a_file)],
        "--out under a file": ["run", str(corpus), "--out", str(a_file / "out")],
        "unknown model": ["run", str(corpus), "--out", str(out), "--model", "nosuchmodel"],
        "unknown extension": ["run", str(tmp_path / "feed.xml"), "--out", str(out)],
        "report of no run": ["report", str(corpus)],
        "report of a missing folder": ["report", str(tmp_path / "missing")],
        "show --html into a folder": ["show", str(SAMPLE), "--html", str(corpus)],
    }[case]
    before = sorted(tmp_path.rglob("*"))
    one_line_usage_error(cli(*args), code)
    assert sorted(tmp_path.rglob("*")) == before, "a usage error created something"


def test_an_unknown_model_is_a_usage_error_in_every_command(tiny_tsv: Path) -> None:
    one_line_usage_error(cli("evaluate", str(tiny_tsv), "--model", "no_such_model"), "E001")


def test_a_bug_is_one_line_with_a_code_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from pipeline.batch import driver
    from pipeline.cli import main

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something no test foresaw")

    monkeypatch.setattr(driver, "run", broken)
    monkeypatch.delenv("DE_ENTITIES_DEBUG", raising=False)
    monkeypatch.setattr("sys.argv", ["de-entities", "run", str(SAMPLE), "--out", str(tmp_path / "out"), "-q"])
    with pytest.raises(SystemExit) as stop:
        main()
    captured = capsys.readouterr()
    assert stop.value.code == 1
    assert captured.err.startswith("[E085]") and "RuntimeError: something no test foresaw" in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
