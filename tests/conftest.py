"""Shared fixtures: paths to the shared reference material and a local Twenty stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bt2twenty.sandbox import RunningSandbox, SandboxConfig, running_sandbox

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


@pytest.fixture
def twenty_sandbox() -> Iterator[RunningSandbox]:
    """A Twenty stand-in (era v2, rate limit off) serving on a free loopback port."""
    config = SandboxConfig(
        api_key="sandbox-test-key", rate_limit_per_minute=None, rate_limit_per_second=None
    )
    with running_sandbox(config) as sandbox:
        yield sandbox
