"""The Bluetrait RPC API client against the local stand-in, over a real socket."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bt2twenty.errors import ConfigError, SourceError, TransientError
from bt2twenty.sources.bluetrait.api_client import (
    BluetraitApiClient,
    RetryPolicy,
    failure_for,
    retry_after_seconds,
)
from bt2twenty.sources.bluetrait.api_sandbox import BluetraitApiSandbox
from bt2twenty.sources.bluetrait.sample.php_csv import read_rows

FAST_RETRY = RetryPolicy(
    attempts=4, timeout_seconds=30, wait_initial_seconds=0.01, wait_max_seconds=0.05
)
StartApi = Callable[..., BluetraitApiSandbox]


@pytest.fixture
def package_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every log line of the package and of httpx at debug level."""
    loggers = [logging.getLogger(name) for name in ("bt2twenty", "httpx", "httpcore")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for logger in loggers:
        logger.removeHandler(caplog.handler)


def client_for(
    api: BluetraitApiSandbox, *, key: str | None = None, page_size: int = 20
) -> BluetraitApiClient:
    return BluetraitApiClient(api.url, key or api.api_key, page_size=page_size, retry=FAST_RETRY)


def csv_rows(export: Path, name: str) -> list[dict[str, str]]:
    return list(read_rows(export / name))


# Read actions


def test_get_companies_matches_csv(bluetrait_api: StartApi, sample_export_dir: Path) -> None:
    with client_for(bluetrait_api()) as client:
        assert client.get_companies() == csv_rows(sample_export_dir, "companies.csv")


def test_get_tickets_matches_csv(bluetrait_api: StartApi, sample_export_dir: Path) -> None:
    with client_for(bluetrait_api()) as client:
        assert client.get_tickets() == csv_rows(sample_export_dir, "tickets.csv")


def test_msp_get_agents_matches_csv(bluetrait_api: StartApi, sample_export_dir: Path) -> None:
    with client_for(bluetrait_api()) as client:
        assert client.msp_get_agents() == csv_rows(sample_export_dir, "agents.csv")


def test_msp_get_agent_returns_one(bluetrait_api: StartApi, sample_export_dir: Path) -> None:
    expected = csv_rows(sample_export_dir, "agents.csv")[2]
    with client_for(bluetrait_api()) as client:
        assert client.msp_get_agent(int(expected["id"])) == expected


def test_get_article_returns_one(bluetrait_api: StartApi, sample_export_dir: Path) -> None:
    expected = csv_rows(sample_export_dir, "articles.csv")[0]
    with client_for(bluetrait_api()) as client:
        assert client.get_article(int(expected["id"])) == expected


def test_invoice_lines_all_and_one(bluetrait_api: StartApi, sample_export_dir: Path) -> None:
    lines = csv_rows(sample_export_dir, "invoice_lines.csv")
    with client_for(bluetrait_api()) as client:
        assert client.billing_get_invoice_lines() == lines
        assert client.billing_get_invoice_lines(8001) == [
            line for line in lines if line["invoice_id"] == "8001"
        ]


def test_lookup_actions_return_ids_and_names(
    bluetrait_api: StartApi, sample_export_dir: Path
) -> None:
    tickets = csv_rows(sample_export_dir, "tickets.csv")
    with client_for(bluetrait_api()) as client:
        priorities = client.get_ticket_priorities()
        departments = client.get_ticket_departments()

    assert [row["name"] for row in priorities][:3] == ["Low", "Medium", "High"]
    assert {row["name"] for row in priorities} == {ticket["priority_name"] for ticket in tickets}
    assert {row["name"] for row in departments} == {ticket["department_name"] for ticket in tickets}
    assert [row["id"] for row in departments] == [
        str(number) for number in range(1, len(departments) + 1)
    ]


def test_reference_export_served_like_its_api_files(
    bluetrait_api: StartApi, reference_export: Path
) -> None:
    import json

    with client_for(bluetrait_api(reference_export)) as client:
        companies = client.get_companies()
        priorities = client.get_ticket_priorities()

    assert companies == json.loads(
        (reference_export / "api" / "get_companies.json").read_text(encoding="utf-8")
    )
    expected_priorities = json.loads(
        (reference_export / "api" / "get_ticket_priorities.json").read_text()
    )
    assert priorities == [
        {"id": str(row["id"]), "name": row["name"]} for row in expected_priorities
    ]


def test_rows_for_file_match_export(bluetrait_api: StartApi, sample_export_dir: Path) -> None:
    from bt2twenty.sources.bluetrait.api_client import ACTION_FOR_FILE

    with client_for(bluetrait_api()) as client:
        for file_name in ACTION_FOR_FILE:
            assert list(client.rows_for_file(file_name)) == csv_rows(
                sample_export_dir, file_name
            ), file_name


def test_rows_for_uncovered_file_rejected(bluetrait_api: StartApi) -> None:
    with (
        client_for(bluetrait_api()) as client,
        pytest.raises(SourceError, match=r"no read action for clients\.csv"),
    ):
        client.rows_for_file("clients.csv")


# Paging


@pytest.mark.parametrize("paging", ["limit_offset", "page", "none"])
def test_paging_style_detected(
    bluetrait_api: StartApi, sample_export_dir: Path, paging: str
) -> None:
    api = bluetrait_api(paging=paging, page_size=15)
    with client_for(api, page_size=15) as client:
        tickets = client.get_tickets()
        assert client.probe_paging("get_tickets") == paging

    assert tickets == csv_rows(sample_export_dir, "tickets.csv")
    assert len({ticket["id"] for ticket in tickets}) == len(tickets)


def test_ignored_parameters_stop_probe(bluetrait_api: StartApi, sample_export_dir: Path) -> None:
    api = bluetrait_api(paging="none")
    with client_for(api) as client:
        tickets = client.get_tickets()

    actions = [call for call in api.calls if call.action == "get_tickets"]
    # Two limit/offset probes, two page probes, then the whole list once.
    assert len(actions) == 5
    assert tickets == csv_rows(sample_export_dir, "tickets.csv")


def test_repeated_page_ends_paging(
    bluetrait_api: StartApi, sample_export_dir: Path, package_logs: pytest.LogCaptureFixture
) -> None:
    api = bluetrait_api(paging="page", page_size=16, repeat_last_page=True)
    with client_for(api) as client:
        tickets = client.get_tickets()

    assert tickets == csv_rows(sample_export_dir, "tickets.csv")
    assert "repeated the previous page" in package_logs.text


def test_limit_without_offset_rejected(bluetrait_api: StartApi) -> None:
    api = bluetrait_api(paging="limit_only", page_size=10)
    with client_for(api) as client, pytest.raises(SourceError, match="ignores offset"):
        client.get_tickets()


def test_server_page_cap_below_limit(bluetrait_api: StartApi, sample_export_dir: Path) -> None:
    api = bluetrait_api(paging="limit_offset", page_size=7)
    with client_for(api, page_size=50) as client:
        tickets = client.get_tickets()

    assert tickets == csv_rows(sample_export_dir, "tickets.csv")


def test_filtered_probe_kept_apart(bluetrait_api: StartApi, sample_export_dir: Path) -> None:
    lines = csv_rows(sample_export_dir, "invoice_lines.csv")
    one_invoice = lines[0]["invoice_id"]
    api = bluetrait_api(paging="page", page_size=10)
    with client_for(api) as client:
        filtered = client.billing_get_invoice_lines(int(one_invoice))
        everything = client.billing_get_invoice_lines()

    assert filtered == [line for line in lines if line["invoice_id"] == one_invoice]
    assert everything == lines


def test_max_pages_guard(bluetrait_api: StartApi) -> None:
    api = bluetrait_api(paging="page", page_size=5)
    client = BluetraitApiClient(api.url, api.api_key, max_pages=3, retry=FAST_RETRY)
    with client, pytest.raises(SourceError, match="after 3 pages"):
        client.get_tickets()


# Retries


@pytest.mark.parametrize("faults", [[429], [500], [429, 500, 503]])
def test_busy_server_retried(
    bluetrait_api: StartApi, sample_export_dir: Path, faults: list[int]
) -> None:
    api = bluetrait_api(faults=faults, retry_after_seconds=0)
    with client_for(api) as client:
        companies = client.get_companies()

    assert companies == csv_rows(sample_export_dir, "companies.csv")
    assert [call.status for call in api.calls][: len(faults)] == faults


def test_retries_exhausted_raise_transient(bluetrait_api: StartApi) -> None:
    api = bluetrait_api(faults=[500] * 10)
    with client_for(api) as client, pytest.raises(TransientError, match="HTTP 500"):
        client.get_ticket_priorities()
    assert len(api.calls) == FAST_RETRY.attempts


def test_retry_after_honoured() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_retry_after_sets_wait(bluetrait_api: StartApi) -> None:
    api = bluetrait_api(faults=[429], retry_after_seconds=7)
    client = client_for(api)
    waits: list[bool | float] = []
    original = client._retry_delay

    def recording(error: Exception) -> bool | float:
        waits.append(original(error))
        return 0.0

    client._retry_delay = recording  # type: ignore[method-assign]
    with client:
        client.get_ticket_departments()
    assert waits == [7.0]


# Failure answers


def test_bad_key_reported(bluetrait_api: StartApi) -> None:
    api = bluetrait_api()
    with client_for(api, key="wrong-key-123456") as client, pytest.raises(ConfigError) as raised:
        client.get_companies()

    assert "rejected the API key" in raised.value.message
    assert "Login Failed" in raised.value.message
    assert "Settings → API" in raised.value.hint


def test_unknown_action_reported(bluetrait_api: StartApi) -> None:
    with client_for(bluetrait_api()) as client, pytest.raises(SourceError) as raised:
        client.call("get_users")

    assert "has no action get_users" in raised.value.message
    assert "CSV" in raised.value.hint


def test_permission_denied_reported(bluetrait_api: StartApi) -> None:
    api = bluetrait_api(denied_actions=["msp_get_agents"])
    with client_for(api) as client, pytest.raises(ConfigError) as raised:
        client.msp_get_agents()

    assert "may not call msp_get_agents" in raised.value.message
    assert "Access Level Admin" in raised.value.hint


def test_plan_without_api_reported(bluetrait_api: StartApi) -> None:
    api = bluetrait_api(api_enabled=False)
    with client_for(api) as client, pytest.raises(ConfigError) as raised:
        client.get_tickets()

    assert "not available for this tenant" in raised.value.message
    assert "Standard and Professional" in raised.value.hint


def test_other_failure_message_kept() -> None:
    failure = failure_for("Missing id", "get_article", "https://example.bluetrait.io/api/")
    assert isinstance(failure, SourceError)
    assert "Missing id" in failure.message


def test_unreachable_server_raises_transient() -> None:
    client = BluetraitApiClient(
        "http://127.0.0.1:9/api/",
        "some-key-value",
        retry=RetryPolicy(attempts=2, wait_initial_seconds=0.01),
    )
    with client, pytest.raises(TransientError, match="Could not reach"):
        client.get_companies()


@pytest.mark.parametrize(
    "url", ["http://example.bluetrait.io/api/", "ftp://127.0.0.1/api/", "not a url"]
)
def test_unsafe_or_invalid_url_rejected(url: str) -> None:
    with pytest.raises(ConfigError):
        BluetraitApiClient(url, "some-key-value")


def test_missing_key_rejected() -> None:
    with pytest.raises(ConfigError, match="key is missing"):
        BluetraitApiClient("https://example.bluetrait.io/api/", "")


# The key stays secret


def test_key_absent_from_logs_and_errors(
    bluetrait_api: StartApi, package_logs: pytest.LogCaptureFixture
) -> None:
    key = "sandbox-secret-key-7c1f9e"
    api = bluetrait_api(api_key=key, faults=[429, 500], retry_after_seconds=0)
    with client_for(api) as client:
        client.get_tickets()
        with pytest.raises(SourceError) as unknown:
            client.call("get_users")
    with (
        client_for(api, key="other-secret-key-55aa") as client,
        pytest.raises(ConfigError) as bad_key,
    ):
        client.get_companies()

    assert package_logs.records
    for record in package_logs.records:
        assert key not in record.getMessage()
        assert "other-secret-key-55aa" not in record.getMessage()
    for failure in (unknown.value, bad_key.value):
        assert key not in str(failure)
        assert "other-secret-key-55aa" not in str(failure)
    assert key not in repr(client)


def test_key_registered_for_redaction(bluetrait_api: StartApi) -> None:
    from bt2twenty.redaction import MASK, redact

    key = "registered-key-0b5e2d"
    api = bluetrait_api(api_key=key)
    with client_for(api):
        assert redact(f"sent {key} once") == f"sent {MASK} once"


def test_key_sent_in_body_not_recorded(bluetrait_api: StartApi) -> None:
    api = bluetrait_api()
    with client_for(api) as client:
        client.get_ticket_priorities()
    assert all("api_key" not in call.params for call in api.calls)
    assert api.calls[-1].status == 200


# Settings


def test_client_from_settings(
    bluetrait_api: StartApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bt2twenty.settings import load_settings

    api = bluetrait_api()
    monkeypatch.setenv("BLUETRAIT_API_KEY", api.api_key)
    monkeypatch.setenv("BT2TWENTY_BLUETRAIT_URL", api.url)
    with BluetraitApiClient.from_settings(load_settings(tmp_path)) as client:
        assert client.get_ticket_priorities()


def test_settings_without_key_rejected(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bt2twenty.errors import SettingsError
    from bt2twenty.settings import load_settings

    monkeypatch.delenv("BLUETRAIT_API_KEY", raising=False)
    monkeypatch.setenv("BT2TWENTY_BLUETRAIT_URL", "https://example.bluetrait.io/api/")
    with pytest.raises(SettingsError, match="BLUETRAIT_API_KEY"):
        BluetraitApiClient.from_settings(load_settings(tmp_path))
