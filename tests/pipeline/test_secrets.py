"""No secret reaches a file the tool writes, its logs, or the Twenty stand-in's database."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bt2twenty.pipeline.delta import run_delta
from bt2twenty.pipeline.load import run_load
from bt2twenty.pipeline.verify import run_verify
from bt2twenty.reports.handover import write_handover

from ..conftest import FIXTURES
from .conftest import API_KEY, Project


def _secrets() -> list[str]:
    expected = json.loads((FIXTURES / "bluetrait-export.expected.json").read_text())
    check = next(c for c in expected["checks"] if c["kind"] == "secrets_never_output")
    return [*check["secrets"], API_KEY]


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_no_secret_anywhere(project: Project, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bt2twenty")
    run_load(project.settings, invite=True)
    run_verify(project.settings)
    run_delta(project.settings)
    write_handover(project.settings)

    written = _files(project.path) + _files(project.path.parent)
    assert any(path.name == "journal.sqlite" for path in written)
    assert any(path.name == "twenty.sqlite" for path in written)
    assert any(path.name.startswith("spot-check-") for path in written)
    assert any(path.name == "passwords-inventory.csv" for path in written)
    assert any(path.name.startswith("review-") for path in written)
    for secret in _secrets():
        encoded = secret.encode()
        for path in written:
            assert encoded not in path.read_bytes(), f"{secret!r} found in {path.name}"
        assert secret not in caplog.text, f"{secret!r} found in the logs"
