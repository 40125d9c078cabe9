"""The client reads the server's API era and follows it, unless a setting forces one."""

from __future__ import annotations

import uuid

import pytest

from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.twenty import TwentyClient


@pytest.mark.parametrize("era", ["v1", "v2"])
def test_era_detected_from_server(era: str) -> None:
    with running_sandbox(
        SandboxConfig(api_key="era-key", era=era, rate_limit_per_minute=None)
    ) as sandbox:  # type: ignore[arg-type]
        with TwentyClient(sandbox.url, sandbox.api_key, rate_limit_per_minute=None) as client:
            profile = client.profile
    assert profile.era == era
    assert profile.detected_from == "OpenAPI document"
    assert profile.rich_text_type == ("RICH_TEXT_V2" if era == "v1" else "RICH_TEXT")


def test_restore_follows_v1_path() -> None:
    with (
        running_sandbox(
            SandboxConfig(api_key="era-key", era="v1", rate_limit_per_minute=None)
        ) as sandbox,
        TwentyClient(sandbox.url, sandbox.api_key, rate_limit_per_minute=None) as client,
    ):
        record_id = str(uuid.uuid4())
        client.records.create("companies", {"id": record_id, "name": "Restore v1"})
        client.records.delete("companies", record_id, soft=True)
        restored = client.records.restore("companies", record_id)
    assert restored["id"] == record_id
    assert any("/rest/restore/companies/" in entry[1] for entry in sandbox.request_log)


def test_forced_era_skips_detection() -> None:
    with (
        running_sandbox(
            SandboxConfig(api_key="era-key", era="v2", rate_limit_per_minute=None)
        ) as sandbox,
        TwentyClient(sandbox.url, sandbox.api_key, era="v1", rate_limit_per_minute=None) as client,
    ):
        profile = client.profile
    assert profile.era == "v1"
    assert profile.detected_from == "setting"
    assert not any("open-api" in entry[1] for entry in sandbox.request_log)
