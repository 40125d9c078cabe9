"""Fixtures for the source tests: the reference export, found beside the repository or above it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _find_reference_export() -> Path | None:
    """Return the first ``shared/fixtures/bluetrait-export`` in the repository's parent folders.

    A worktree checked out one level deeper than the main clone still finds the shared folder.
    """
    for folder in REPO_ROOT.parents:
        candidate = folder / "shared" / "fixtures" / "bluetrait-export"
        if candidate.is_dir():
            return candidate
    return None


@pytest.fixture
def reference_export() -> Path:
    """The reference Bluetrait export shipped beside the repository."""
    path = _find_reference_export()
    if path is None:
        pytest.skip("reference export not found in any parent folder's shared/fixtures")
    return path


@pytest.fixture
def reference_facts(reference_export: Path) -> dict[str, Any]:
    """The facts the reference export must show, from its ``.expected.json`` file."""
    facts_path = reference_export.parent / "bluetrait-export.expected.json"
    return dict(json.loads(facts_path.read_text(encoding="utf-8")))
