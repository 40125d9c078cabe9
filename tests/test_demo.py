"""The demo, as a new user runs it: one command, every check passed, a report written."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bt2twenty.cli.app import app

runner = CliRunner()


def test_demo_passes_every_check(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--workdir", str(workdir), "--scale", "0.3"])
    assert result.exit_code == 0, result.output
    assert "Demo finished: every check passed." in result.output

    report = json.loads((workdir / "demo-report.json").read_text())
    assert report["passed"] is True
    names = {check["name"] for check in report["checks"]}
    assert "second run sends nothing" in names
    assert all(obj["balanced"] for obj in report["load"]["objects"])
    assert (workdir / "demo-report.md").is_file()
    assert (workdir / "project" / "mapping.lock").is_file()


def test_demo_refuses_used_folder(tmp_path: Path) -> None:
    (tmp_path / "something.txt").write_text("keep me")
    result = runner.invoke(app, ["demo", "--workdir", str(tmp_path)])
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert (tmp_path / "something.txt").read_text() == "keep me"
