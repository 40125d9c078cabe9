"""Shared fixtures: the reference material, a sample export, and the Twenty and Bluetrait
stand-ins serving on free loopback ports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bt2twenty.sandbox import RunningSandbox, SandboxConfig, running_sandbox

if TYPE_CHECKING:
    from bt2twenty.sources.bluetrait.api_sandbox import BluetraitApiSandbox

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


@pytest.fixture(scope="session")
def sample_export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated Bluetrait export (half the reference size), written once per run."""
    from bt2twenty.sources.bluetrait.sample import write_sample_export

    out_dir = tmp_path_factory.mktemp("bluetrait") / "export"
    write_sample_export(out_dir, scale=0.5, seed=42)
    return out_dir


@pytest.fixture
def bluetrait_api(sample_export_dir: Path) -> Iterator[Callable[..., BluetraitApiSandbox]]:
    """Start Bluetrait API stand-ins on 127.0.0.1; each call takes `running_bluetrait_api`'s
    options (``export_dir`` defaults to the sample export) and all stop after the test.
    """
    from bt2twenty.sources.bluetrait.api_sandbox import running_bluetrait_api

    with ExitStack() as stack:

        def start(export_dir: Path | None = None, **options: Any) -> BluetraitApiSandbox:
            return stack.enter_context(
                running_bluetrait_api(export_dir or sample_export_dir, **options)
            )

        yield start
