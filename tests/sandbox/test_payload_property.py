"""Any JSON payload gets a 201 or a 400 with Twenty's error body, never a server error."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.sandbox.conftest import client_for

from bt2twenty.sandbox import SandboxConfig, running_sandbox

FIELD_NAMES = [
    "name",
    "domainName",
    "address",
    "annualRevenue",
    "createdBy",
    "position",
    "id",
    "createdAt",
    "accountOwnerId",
    "people",
    "accountOwner",
    "unknownThing",
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "primaryLinkUrl",
                    "amountMicros",
                    "currencyCode",
                    "addressCity",
                    "source",
                    "name",
                    "connect",
                    "where",
                    "id",
                    "x",
                ]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    config = SandboxConfig(api_key="k", rate_limit_per_minute=None)
    with running_sandbox(config) as sandbox, client_for(sandbox) as client:
        yield client


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=4))
def test_create_never_500(http: httpx.Client, payload: dict[str, object]) -> None:
    response = http.post("/rest/companies", json=payload)
    assert response.status_code in (201, 400), response.text
    if response.status_code == 400:
        assert response.json()["messages"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet="abcdeimnqrtsy[]():,.\"'%_ 0123456789", max_size=30))
def test_filter_never_500(http: httpx.Client, text: str) -> None:
    response = http.get("/rest/companies", params={"filter": text, "order_by": "name"})
    assert response.status_code in (200, 400), response.text
