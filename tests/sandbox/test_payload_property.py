"""Any JSON payload gets a 201 or a 400 with Twenty's error body, never a server error."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    with running_sandbox(config) as sandbox, sandbox.http_client() as client:
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


PERSON_FIELDS = [
    "name",
    "emails",
    "phones",
    "jobTitle",
    "companyId",
    "company",
    "id",
    "deletedAt",
    "createdBy",
    "linkedinLink",
]
person_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=2)
        | st.dictionaries(
            st.sampled_from(
                [
                    "firstName",
                    "primaryEmail",
                    "additionalEmails",
                    "primaryPhoneNumber",
                    "primaryPhoneCountryCode",
                    "primaryPhoneCallingCode",
                    "additionalPhones",
                    "primaryLinkUrl",
                    "secondaryLinks",
                    "connect",
                    "disconnect",
                    "where",
                    "emails",
                ]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=6,
)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.dictionaries(st.sampled_from(PERSON_FIELDS), person_values, max_size=3),
        min_size=1,
        max_size=3,
    ),
    upsert=st.booleans(),
)
def test_batch_never_500(http: httpx.Client, rows: list[dict[str, object]], upsert: bool) -> None:
    params = {"upsert": "true"} if upsert else {}
    response = http.post("/rest/batch/people", params=params, json=rows)
    assert response.status_code in (201, 400), response.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=st.dictionaries(st.sampled_from(PERSON_FIELDS), person_values, max_size=3))
def test_update_never_500(http: httpx.Client, payload: dict[str, object]) -> None:
    person = http.post("/rest/people", json={"jobTitle": "x"}).json()["data"]["createPerson"]
    response = http.patch(f"/rest/people/{person['id']}", json=payload)
    assert response.status_code in (200, 400), response.text
