"""Fixtures for sandbox tests: HTTP clients and sandboxes with chosen settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from bt2twenty.sandbox import RunningSandbox, SandboxConfig, running_sandbox


@pytest.fixture
def client(twenty_sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """A client of the default v2 sandbox."""
    with twenty_sandbox.http_client() as http:
        yield http


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., tuple[RunningSandbox, httpx.Client]]]:
    """Start sandboxes with custom settings; each stops when the test ends."""
    with ExitStack() as stack:

        def start(**settings: Any) -> tuple[RunningSandbox, httpx.Client]:
            settings.setdefault("api_key", "sandbox-test-key")
            settings.setdefault("rate_limit_per_minute", None)
            settings.setdefault("rate_limit_per_second", None)
            sandbox = stack.enter_context(running_sandbox(SandboxConfig(**settings)))
            http = stack.enter_context(sandbox.http_client())
            return sandbox, http

        yield start
