"""How the client meets failures: which are retried, which are raised, and rate limits."""

from __future__ import annotations

import logging
import uuid

import httpx
import pytest

from bt2twenty.sandbox import FaultSpec
from bt2twenty.twenty import (
    TwentyAuthError,
    TwentyClient,
    TwentyConnectionError,
    TwentyPagingError,
    TwentyUnreachableError,
)

from .conftest import Target

pytestmark = pytest.mark.contract


def _companies(count: int) -> list[dict[str, object]]:
    return [{"id": str(uuid.uuid4()), "name": f"Resilience {n}"} for n in range(count)]


def test_wrong_key_not_retried(target: Target) -> None:
    client = TwentyClient(target.url, "wrong-key-0000000000", era="v2", rate_limit_per_minute=None)
    with client, pytest.raises(TwentyAuthError) as raised:
        client.records.list_page("companies", limit=1)
    assert raised.value.status == 401
    assert "TWENTY_API_KEY" in raised.value.hint
    assert "wrong-key-0000000000" not in str(raised.value)
    assert client.http.attempts_made == 1


def test_server_errors_retried_until_success(target: Target) -> None:
    sandbox = target.require_sandbox()
    sandbox.set_faults(FaultSpec(error_rate=0.4, seed=7))
    with target.client() as client:
        sent = _companies(120)
        created = client.records.create_many("companies", sent)
        sandbox.set_faults(FaultSpec())
        assert len(created) == 120
        assert client.records.count("companies", filter="name[like]:Resilience%") == 120
    statuses = [entry[2] for entry in sandbox.request_log]
    assert 500 in statuses


def test_dropped_connections_never_duplicate(target: Target) -> None:
    sandbox = target.require_sandbox()
    sandbox.set_faults(FaultSpec(drop_rate=0.5, seed=3))
    with target.client() as client:
        sent = _companies(180)
        client.records.create_many("companies", sent, upsert=True)
        sandbox.set_faults(FaultSpec())
        ids = [
            record["id"]
            for record in client.records.iterate("companies", filter="name[like]:Resilience%")
        ]
    assert client.http.attempts_made > 3
    assert sorted(ids) == sorted(str(record["id"]) for record in sent)


def test_timeout_retried_then_reported(target: Target) -> None:
    sandbox = target.require_sandbox()
    sandbox.set_faults(FaultSpec(latency_seconds=1.0))
    client = target.client(era="v2", timeout_seconds=0.2, max_attempts=2)
    with client, pytest.raises(TwentyConnectionError) as raised:
        client.records.list_page("companies", limit=1)
    sandbox.set_faults(FaultSpec())
    assert client.http.attempts_made == 2
    assert "timed out" in str(raised.value)


def test_rate_limit_storm_waited_out(target: Target) -> None:
    sandbox = target.require_sandbox()
    sandbox.set_faults(FaultSpec(storm_seconds=1.5))
    with target.client(era="v2") as client:
        page = client.records.list_page("companies", limit=1)
        sandbox.set_faults(FaultSpec())
    assert page.records == [] or isinstance(page.records, list)
    assert client.limiter.rate_limited_count >= 1
    assert 429 in [entry[2] for entry in sandbox.request_log]


def test_limited_client_stays_under_limit(target: Target) -> None:
    sandbox = target.require_sandbox()
    sandbox.set_rate_limit(per_minute=None, per_second=10)
    with target.client(era="v2", rate_limit_per_minute=None, burst_per_second=10) as client:
        for _ in range(25):
            client.records.list_page("companies", limit=1)
    assert client.limiter.rate_limited_count == 0
    assert 429 not in [entry[2] for entry in sandbox.request_log]


def test_unlimited_client_adapts_to_429(target: Target) -> None:
    sandbox = target.require_sandbox()
    sandbox.set_rate_limit(per_minute=None, per_second=10)
    with target.client(era="v2", rate_limit_per_minute=3000, burst_per_second=None) as client:
        for _ in range(25):
            client.records.list_page("companies", limit=1)
    assert client.limiter.rate_limited_count >= 1
    assert client.limiter.current_per_minute is not None
    assert client.limiter.current_per_minute < 3000


def test_cursor_that_does_not_advance_raises() -> None:
    # A server that ignores starting_after and returns the same page forever.
    def same_page(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "data": {"companies": [{"id": "00000000-0000-0000-0000-000000000001"}]},
                "totalCount": 5,
                "pageInfo": {"hasNextPage": True, "endCursor": "cursor-1"},
            },
        )

    client = TwentyClient(
        "http://twenty.invalid", "key-123456", era="v2", transport=httpx.MockTransport(same_page)
    )
    with client, pytest.raises(TwentyPagingError):
        list(client.records.iterate("companies", page_size=1))


def test_api_key_absent_from_logs(target: Target, caplog: pytest.LogCaptureFixture) -> None:
    sandbox = target.require_sandbox()
    caplog.set_level(logging.DEBUG, logger="bt2twenty")
    sandbox.set_faults(FaultSpec(error_rate=0.3, seed=1))
    with target.client() as client:
        client.records.create_many("companies", _companies(30))
        with pytest.raises(Exception):  # noqa: B017, PT011
            client.records.create("companies", {"notAField": target.api_key})
    sandbox.set_faults(FaultSpec())
    assert caplog.records
    assert target.api_key not in caplog.text


def test_refused_connection_names_url() -> None:
    client = TwentyClient("http://127.0.0.1:9", "key-123456", era="v2", rate_limit_per_minute=None)
    with client, pytest.raises(TwentyUnreachableError) as raised:
        client.records.list_page("companies", limit=1)
    assert "http://127.0.0.1:9" in str(raised.value)
    assert "--twenty-url" in raised.value.hint
    assert client.http.attempts_made == 3
