"""Projects for the hand-over documents: discovered only, loaded, or built from a small export."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bt2twenty.settings import Settings, load_settings
from bt2twenty.sources.bluetrait.discovery import discover

from ..pipeline.conftest import EXPORT, discovered, project, template

__all__ = ["discovered", "project", "template"]


@pytest.fixture
def discovered_project(tmp_path: Path, discovered: Path) -> Settings:
    """A project folder holding only the reference export's source profile: nothing loaded."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(discovered, folder / "source-profile.json")
    return load_settings(folder)


@pytest.fixture
def small_project(tmp_path: Path) -> Callable[[dict[str, str]], Settings]:
    """Build a project from an export of the given files ({file name: CSV text}), discovered."""

    def build(files: dict[str, str]) -> Settings:
        export = tmp_path / "export"
        export.mkdir()
        for name, text in files.items():
            (export / name).write_text(text, encoding="utf-8")
        folder = tmp_path / "project"
        discover(export, folder)
        return load_settings(folder)

    return build


def reference_export() -> Path:
    """The reference Bluetrait export the session's project was discovered from."""
    return EXPORT
