"""The command line as a user meets it: help, version, errors and settings output."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from bt2twenty import __version__
from bt2twenty.cli.app import app

runner = CliRunner()


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import typer.main

    click_group = typer.main.get_command(group) if not hasattr(group, "commands") else group
    found = []
    for name, command in click_group.commands.items():  # type: ignore[attr-defined]
        path = (*prefix, name)
        found.append(path)
        if hasattr(command, "commands"):
            found.extend(_commands(command, path))
    return found


def test_version_prints_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert f"bt2twenty {__version__}" in result.output


def test_every_command_help_has_example() -> None:
    commands = _commands(app)
    assert commands, "no commands registered"
    for path in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"'bt2twenty {' '.join(path)} --help' has no example"


def test_config_show_masks_api_key(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("TWENTY_API_KEY", "tw-secret-value-123456")
    result = runner.invoke(app, ["config", "show", "--project", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert "tw-secret-value-123456" not in result.output
    shown = json.loads(result.output)
    assert shown["twenty_api_key"] == "***"


def test_secret_in_project_file_rejected(tmp_path) -> None:
    (tmp_path / "bt2twenty.toml").write_text('twenty_api_key = "file-secret-999999"\n')
    result = runner.invoke(app, ["config", "show", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "secrets are never read from files" in result.output
    assert "file-secret-999999" not in result.output


def test_invalid_setting_names_the_field(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("BT2TWENTY_CONCURRENCY", "lots")
    result = runner.invoke(app, ["config", "show", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert re.search(r"concurrency", result.output)
