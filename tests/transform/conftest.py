"""Fixtures for the converter tests: the reference export, found beside any ancestor folder."""

from __future__ import annotations

from pathlib import Path

import pytest

_EXPORT = Path("shared") / "fixtures" / "bluetrait-export"


def find_reference_export() -> Path | None:
    """Return the reference export beside the repository or any folder above it.

    A git worktree sits deeper than the main checkout, so the export is searched upwards.
    """
    for folder in Path(__file__).resolve().parents:
        candidate = folder / _EXPORT
        if candidate.is_dir():
            return candidate
    return None


@pytest.fixture
def reference_export() -> Path:
    """The reference Bluetrait export; the test is skipped when it is not there."""
    path = find_reference_export()
    if path is None:
        pytest.skip(f"reference export {_EXPORT} not found above {Path(__file__).parent}")
    return path
