"""Authentication, rate limits per era, injected faults and the request log."""

from __future__ import annotations

import time

import httpx
import pytest

from bt2twenty.sandbox import FaultSpec, RunningSandbox, parse_fault_spec


def test_missing_key_401(twenty_sandbox: RunningSandbox) -> None:
    response = httpx.get(f"{twenty_sandbox.url}/rest/companies")
    assert response.status_code == 401
    body = response.json()
    assert body["statusCode"] == 401
    assert body["message"] == "Token invalid."
    assert "error" in body


def test_wrong_key_401(twenty_sandbox: RunningSandbox) -> None:
    response = httpx.get(
        f"{twenty_sandbox.url}/rest/companies", headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401


def test_wrong_key_graphql(twenty_sandbox: RunningSandbox) -> None:
    response = httpx.post(f"{twenty_sandbox.url}/metadata", json={"query": "{ x }"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_rate_limit_v2_headers(make_sandbox) -> None:
    _, http = make_sandbox(rate_limit_per_minute=3, rate_limit_per_second=100)
    statuses = [http.get("/rest/companies").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = http.get("/rest/companies")
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["X-RateLimit-Limit"] == "3"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    body = limited.json()
    assert body["error"] == "RATE_LIMITED"
    assert body["retryAfterSeconds"] == int(limited.headers["Retry-After"])
    assert body["messages"][0].startswith("Rate limit exceeded for apiKey")


def test_rate_limit_v1_body(make_sandbox) -> None:
    _, http = make_sandbox(era="v1", rate_limit_per_minute=2, rate_limit_per_second=100)
    http.get("/rest/companies")
    http.get("/rest/companies")
    limited = http.get("/rest/companies")
    assert limited.status_code == 429
    assert limited.json()["messages"] == ["Limit reached (2 tokens per 60000 ms)"]
    assert "Retry-After" not in limited.headers


def test_rate_limit_refills(make_sandbox) -> None:
    _sandbox, http = make_sandbox(rate_limit_per_minute=None, rate_limit_per_second=5)
    statuses = [http.get("/rest/companies").status_code for _ in range(6)]
    assert statuses[-1] == 429
    time.sleep(0.25)
    assert http.get("/rest/companies").status_code == 200


def test_set_rate_limit_runtime(twenty_sandbox: RunningSandbox, client: httpx.Client) -> None:
    twenty_sandbox.set_rate_limit(per_minute=1, per_second=None)
    assert client.get("/rest/companies").status_code == 200
    assert client.get("/rest/companies").status_code == 429
    twenty_sandbox.set_rate_limit(per_minute=None, per_second=None)
    assert client.get("/rest/companies").status_code == 200


def test_error_fault_500(twenty_sandbox: RunningSandbox, client: httpx.Client) -> None:
    twenty_sandbox.set_faults(FaultSpec(error_rate=1.0, seed=1))
    response = client.post("/rest/companies", json={"name": "A"})
    assert response.status_code == 500
    twenty_sandbox.set_faults(FaultSpec())
    assert client.get("/rest/companies").json()["totalCount"] == 0


def test_drop_fault_processes_write(twenty_sandbox: RunningSandbox, client: httpx.Client) -> None:
    twenty_sandbox.set_faults(FaultSpec(drop_rate=1.0, seed=1))
    with pytest.raises(httpx.TransportError):
        client.post("/rest/companies", json={"name": "Landed"})
    twenty_sandbox.set_faults(FaultSpec())
    names = [row["name"] for row in client.get("/rest/companies").json()["data"]["companies"]]
    assert names == ["Landed"]
    statuses = [entry.status for entry in twenty_sandbox.request_log if entry.method == "POST"]
    assert statuses == [0]


def test_latency_fault(twenty_sandbox: RunningSandbox, client: httpx.Client) -> None:
    twenty_sandbox.set_faults(FaultSpec(latency_seconds=0.3))
    started = time.monotonic()
    client.get("/rest/companies")
    assert time.monotonic() - started >= 0.3


def test_storm_fault(twenty_sandbox: RunningSandbox, client: httpx.Client) -> None:
    twenty_sandbox.set_faults(FaultSpec(storm_seconds=0.5))
    limited = client.get("/rest/companies")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    time.sleep(0.6)
    assert client.get("/rest/companies").status_code == 200


def test_faults_seeded_repeatable(twenty_sandbox: RunningSandbox, client: httpx.Client) -> None:
    runs = []
    for _ in range(2):
        twenty_sandbox.set_faults(FaultSpec(error_rate=0.5, seed=7))
        runs.append([client.get("/rest/companies").status_code for _ in range(20)])
    assert runs[0] == runs[1]
    assert 500 in runs[0]
    assert 200 in runs[0]


def test_request_log_entries(twenty_sandbox: RunningSandbox, client: httpx.Client) -> None:
    client.get("/rest/companies")
    client.get("/rest/widgets")
    method, path, status, when = twenty_sandbox.request_log[-1]
    assert (method, path, status) == ("GET", "/rest/widgets", 400)
    assert when <= time.monotonic()
    assert len(twenty_sandbox.request_log) == 2


def test_parse_fault_spec() -> None:
    spec = parse_fault_spec("error_rate=0.1,drop_rate=0.05,latency=0.2,storm=10,seed=1")
    assert spec == FaultSpec(
        error_rate=0.1, drop_rate=0.05, latency_seconds=0.2, storm_seconds=10, seed=1
    )


def test_parse_fault_spec_invalid() -> None:
    with pytest.raises(ValueError, match="key=value"):
        parse_fault_spec("errors=0.1")
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse_fault_spec("error_rate=2")


def test_unknown_route_404(client: httpx.Client) -> None:
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.json()["message"] == "Cannot GET /api/nothing"


def test_per_minute_none_switches_off(make_sandbox) -> None:
    sandbox, _ = make_sandbox(rate_limit_per_minute=None, rate_limit_per_second="follow")
    assert sandbox.runtime.limiter.enabled is False
    sandbox.set_rate_limit(per_minute=120)
    assert [bucket.capacity for bucket in sandbox.runtime.limiter.buckets] == [120, 100]
    sandbox.set_rate_limit(per_minute=None)
    assert sandbox.runtime.limiter.enabled is False
