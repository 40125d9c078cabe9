"""Source profiles for the mapping tests: the reference export's, and hand-made hostile ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bt2twenty.sources.bluetrait.discovery import discover

from ..conftest import FIXTURES


@pytest.fixture(scope="session")
def reference_profile_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference export discovered once per test session."""
    export = FIXTURES / "bluetrait-export"
    if not export.is_dir():
        pytest.skip(f"reference export not found at {export}")
    out = tmp_path_factory.mktemp("discovered")
    discover(export, out)
    return out / "source-profile.json"


@pytest.fixture
def reference_profile(reference_profile_path: Path) -> dict[str, Any]:
    """A fresh copy of the reference export's profile, safe to modify."""
    profile: dict[str, Any] = json.loads(reference_profile_path.read_text(encoding="utf-8"))
    return profile


@pytest.fixture
def project(tmp_path: Path, reference_profile_path: Path) -> Path:
    """A project folder holding the reference export's source profile."""
    (tmp_path / "source-profile.json").write_text(
        reference_profile_path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    return tmp_path


def column(name: str, value_type: str = "text", **extra: Any) -> dict[str, Any]:
    """A profiled column as discovery writes it."""
    return {
        "name": name,
        "header": extra.pop("header", name),
        "known": False,
        "type": value_type,
        "filled": 100,
        "fill_rate": 1.0,
        **extra,
    }


def profile_with(object_name: str, columns: list[dict[str, Any]]) -> dict[str, Any]:
    """A profile with one object and the given columns."""
    return {
        "options": {"zone": "Australia/Sydney", "default_date_order": "DMY"},
        "objects": [{"name": object_name, "columns": columns}],
    }
