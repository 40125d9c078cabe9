"""Shared fixtures: paths to the shared reference material."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"


@pytest.fixture
def reference_export() -> Path:
    """The reference Bluetrait export shipped beside the repository."""
    path = FIXTURES / "bluetrait-export"
    if not path.is_dir():
        pytest.skip(f"reference export not found at {path}")
    return path
