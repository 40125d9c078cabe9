"""A load from a hybrid source reads the API-covered objects from the Bluetrait API again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bt2twenty.mapping.workflow import confirm, propose
from bt2twenty.pipeline.load import run_load
from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.schema.workflow import apply
from bt2twenty.settings import load_settings
from bt2twenty.sources.bluetrait.api_client import BluetraitApiClient
from bt2twenty.sources.bluetrait.discovery import discover
from bt2twenty.twenty import TwentyClient


def test_hybrid_source_loads(
    sample_export_dir: Path,
    bluetrait_api: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = bluetrait_api()
    client = BluetraitApiClient(api.url, api.api_key)
    discover(sample_export_dir, tmp_path, api=client, api_url=api.url)
    client.close()

    with running_sandbox(
        SandboxConfig(api_key="hybrid-key", rate_limit_per_minute=None)
    ) as sandbox:
        monkeypatch.setenv("TWENTY_API_KEY", "hybrid-key")
        monkeypatch.setenv("TWENTY_API_URL", sandbox.url)
        monkeypatch.setenv("BLUETRAIT_API_KEY", api.api_key)
        settings = load_settings(tmp_path, rate_limit_per_minute=100_000, burst_per_second=100_000)
        propose(settings)
        assert confirm(settings).problems == []
        apply(settings)
        calls_before = len(api.calls)
        result = run_load(settings, only=["companies", "clients"])

        with TwentyClient(sandbox.url, "hybrid-key", rate_limit_per_minute=None) as twenty:
            companies = twenty.records.count("companies", filter="bluetraitId[is]:NOT_NULL")

    reports = {report.source_object: report for report in result.objects}
    assert reports["companies"].counts.is_balanced
    assert reports["companies"].counts.loaded == companies
    assert companies > 0
    assert any(call.action == "get_companies" for call in api.calls[calls_before:])
