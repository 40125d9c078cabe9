"""Targets for the client contract tests: the local stand-in, and a real Twenty if configured.

Every contract test runs against the stand-in. With `TWENTY_API_URL` and `TWENTY_API_KEY`
set, the same tests also run against that workspace; tests that need to inject faults or
inspect the server's request log are skipped there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.twenty import TwentyClient


@dataclass
class Target:
    """A Twenty server the tests talk to, and the stand-in's handle when it is one."""

    url: str
    api_key: str
    sandbox: Any | None

    def client(self, **kwargs: Any) -> TwentyClient:
        options: dict[str, Any] = {"rate_limit_per_minute": None, "burst_per_second": None}
        if self.sandbox is None:
            options = {}
        options.update(kwargs)
        return TwentyClient(self.url, self.api_key, **options)

    def require_sandbox(self) -> Any:
        if self.sandbox is None:
            pytest.skip("needs the stand-in's fault injection or request log")
        return self.sandbox


@pytest.fixture(params=["sandbox", "twenty"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The stand-in (era v2, no rate limit), then a real Twenty when one is configured."""
    if request.param == "twenty":
        url, key = os.environ.get("TWENTY_API_URL"), os.environ.get("TWENTY_API_KEY")
        if not url or not key:
            pytest.skip("set TWENTY_API_URL and TWENTY_API_KEY to run against a real Twenty")
        yield Target(url, key, None)
        return
    with running_sandbox(
        SandboxConfig(api_key="contract-test-key", rate_limit_per_minute=None)
    ) as sandbox:
        yield Target(sandbox.url, sandbox.api_key, sandbox)


@pytest.fixture
def unique() -> str:
    """A short unique marker so records created on a real Twenty never collide."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def unique_word(unique: str) -> str:
    """The unique marker in lower-case letters only, so it can end a camelCase name."""
    return "".join(chr(ord("a") + int(char, 16)) for char in unique)
