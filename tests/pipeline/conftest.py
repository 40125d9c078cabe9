"""A migration project against the local stand-in: discovered, proposed, confirmed, schema applied."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bt2twenty.mapping.workflow import confirm, propose
from bt2twenty.sandbox import RunningSandbox, SandboxConfig, running_sandbox
from bt2twenty.schema.workflow import apply
from bt2twenty.settings import Settings, load_settings
from bt2twenty.sources.bluetrait.discovery import discover
from bt2twenty.twenty import TwentyClient

from ..conftest import FIXTURES

EXPORT = FIXTURES / "bluetrait-export"
API_KEY = "pipeline-test-key"


@dataclass
class Project:
    """A confirmed migration project and the stand-in it migrates into."""

    path: Path
    sandbox: RunningSandbox
    settings: Settings

    def client(self) -> TwentyClient:
        return TwentyClient(
            self.sandbox.url, API_KEY, rate_limit_per_minute=None, burst_per_second=None
        )

    def env(self) -> dict[str, str]:
        return {
            "TWENTY_API_KEY": API_KEY,
            "TWENTY_API_URL": self.sandbox.url,
            "BT2TWENTY_RATE_LIMIT_PER_MINUTE": "100000",
            "BT2TWENTY_BURST_PER_SECOND": "100000",
        }


@pytest.fixture(scope="session")
def discovered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not EXPORT.is_dir():
        pytest.skip(f"reference export not found at {EXPORT}")
    out = tmp_path_factory.mktemp("discovered")
    discover(EXPORT, out)
    return out / "source-profile.json"


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory, discovered: Path) -> Path:
    """A confirmed project with its schema applied, and the stand-in's data file, built once."""
    folder = tmp_path_factory.mktemp("template")
    project_dir = folder / "project"
    project_dir.mkdir()
    (project_dir / "source-profile.json").write_bytes(discovered.read_bytes())
    config = SandboxConfig(
        api_key=API_KEY, rate_limit_per_minute=None, data_path=folder / "twenty.sqlite"
    )
    with running_sandbox(config) as sandbox, pytest.MonkeyPatch.context() as patch:
        patch.setenv("TWENTY_API_KEY", API_KEY)
        patch.setenv("TWENTY_API_URL", sandbox.url)
        settings = load_settings(
            project_dir, rate_limit_per_minute=100_000, burst_per_second=100_000
        )
        propose(settings)
        result = confirm(settings)
        assert result.problems == [], result.problems
        apply(settings)
    return folder


@pytest.fixture
def project(tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    """A fresh copy of the template project and of the stand-in's data, served on a new port."""
    shutil.copytree(template, tmp_path / "copy")
    folder = tmp_path / "copy"
    config = SandboxConfig(
        api_key=API_KEY, rate_limit_per_minute=None, data_path=folder / "twenty.sqlite"
    )
    with running_sandbox(config) as sandbox:
        monkeypatch.setenv("TWENTY_API_KEY", API_KEY)
        monkeypatch.setenv("TWENTY_API_URL", sandbox.url)
        settings = load_settings(
            folder / "project", rate_limit_per_minute=100_000, burst_per_second=100_000
        )
        yield Project(folder / "project", sandbox, settings)
