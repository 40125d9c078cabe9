"""The ``bt2twenty sandbox`` command: it starts, prints its URL and key, and serves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
from typer.testing import CliRunner

from bt2twenty.cli.app import app

SRC = Path(__file__).resolve().parents[2] / "src"


def test_cli_prints_url_and_serves(tmp_path: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    command = [
        sys.executable,
        "-m",
        "bt2twenty",
        "sandbox",
        "--port",
        "0",
        "--api-key",
        "cli-key",
        "--data",
        str(tmp_path / "w.sqlite"),
        "--rate-limit",
        "0",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        second = process.stdout.readline().strip()
        assert first.startswith("Twenty sandbox at http://127.0.0.1:")
        assert second == "API key: cli-key"
        url = first.removeprefix("Twenty sandbox at ")
        response = httpx.get(
            f"{url}/rest/companies", headers={"Authorization": "Bearer cli-key"}, timeout=10
        )
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (tmp_path / "w.sqlite").exists()


def test_cli_rejects_bad_faults() -> None:
    result = CliRunner().invoke(app, ["sandbox", "--faults", "error_rate=lots"])
    assert result.exit_code == 2
    assert "error_rate" in result.output


def test_cli_rejects_bad_era() -> None:
    result = CliRunner().invoke(app, ["sandbox", "--era", "v9"])
    assert result.exit_code == 2
    assert "v9" in result.output
