"""A hybrid source: objects the Bluetrait API covers come from it, the rest from the export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bt2twenty.sources.bluetrait import open_export
from bt2twenty.sources.bluetrait.api_client import BluetraitApiClient
from bt2twenty.sources.bluetrait.discovery import discover


def _client(api: Any) -> BluetraitApiClient:
    return BluetraitApiClient(api.url, api.api_key)


def test_covered_objects_read_from_api(
    sample_export_dir: Path, bluetrait_api: Callable[..., Any]
) -> None:
    api = bluetrait_api()
    client = _client(api)
    with open_export(sample_export_dir) as export:
        switched = export.use_api(client)
        from_api = [row.values["id"] for row in export.iter_rows("companies")]
        from_files = [row.values["id"] for row in export.iter_rows("clients")]
        company = export.get("companies")
    client.close()
    with open_export(sample_export_dir) as export:
        expected = [row.values["id"] for row in export.iter_rows("companies")]
    assert "companies" in switched
    assert "clients" not in switched
    assert company is not None
    assert company.source == "api"
    assert sorted(from_api) == sorted(expected)
    assert from_files
    assert any(call.action == "get_companies" for call in api.calls)


def test_profile_records_each_source(
    sample_export_dir: Path, bluetrait_api: Callable[..., Any], tmp_path: Path
) -> None:
    api = bluetrait_api()
    client = _client(api)
    profile = discover(sample_export_dir, tmp_path, api=client, api_url=api.url)
    client.close()
    sources = {obj["name"]: obj["source"] for obj in profile.document["objects"]}
    assert sources["companies"] == "api"
    assert sources["tickets"] == "api"
    assert sources["clients"] == "file"
    assert profile.document["source"]["api_url"] == api.url
    written = json.loads((tmp_path / "source-profile.json").read_text())
    assert written["source"]["api_url"] == api.url
    companies = next(obj for obj in written["objects"] if obj["name"] == "companies")
    assert companies["rows_read"] == companies["rows_yielded"] > 0
