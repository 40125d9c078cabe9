"""The optional LLM advice, against an OpenAI-compatible stand-in on loopback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bt2twenty.mapping.llm import LlmAdvisor, mask_sample
from bt2twenty.mapping.propose import propose_mapping
from bt2twenty.mapping.target import standard_schema

from ..loopback import serving
from .conftest import column, profile_with


def _llm_app(answer: dict[str, Any], received: list[dict[str, Any]]) -> Starlette:
    async def completions(request: Request) -> JSONResponse:
        body = await request.json()
        received.append({"body": body, "authorization": request.headers.get("authorization")})
        content = json.dumps({"matches": answer})
        return JSONResponse({"choices": [{"message": {"role": "assistant", "content": content}}]})

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])


def _profile() -> dict[str, Any]:
    return profile_with(
        "clients",
        [
            column("Cell No", "phone", examples=["0412 345 678", "0498 765 432"]),
            column("Hobby", "text", examples=["Sailing at Manly"]),
        ],
    )


def test_mask_keeps_shape_only() -> None:
    assert mask_sample("j.lee@acme.com.au") == "x.xxx@xxxx.xxx.xx"
    assert mask_sample("0412 345 678") == "9999 999 999"
    assert mask_sample("Zoë O'Brien") == "Xxx X'Xxxxx"


def test_valid_suggestion_accepted() -> None:
    received: list[dict[str, Any]] = []
    answer = {"Cell No": {"field": "phones", "reason": "mobile numbers"}}
    with serving(_llm_app(answer, received)) as url:
        advisor = LlmAdvisor(url + "/v1", "test-model", api_key="llm-secret-key-123")
        mapping = propose_mapping(_profile(), standard_schema(), advisor=advisor)
        advisor.close()
    entry = mapping.objects["clients"].columns["Cell No"]
    assert entry.target == "phones"
    assert entry.method == "LLM suggestion (test-model)"
    assert entry.confidence == 0.7
    assert received[0]["authorization"] == "Bearer llm-secret-key-123"


def test_model_sees_no_raw_values() -> None:
    received: list[dict[str, Any]] = []
    with serving(_llm_app({}, received)) as url:
        advisor = LlmAdvisor(url + "/v1", "test-model")
        propose_mapping(_profile(), standard_schema(), advisor=advisor)
        advisor.close()
    sent = json.dumps(received[0]["body"])
    assert "0412 345 678" not in sent
    assert "Sailing" not in sent
    assert "9999 999 999" in sent


@pytest.mark.parametrize(
    "answer",
    [
        {"Hobby": {"field": "noSuchField"}},
        {"Hobby": {"field": "emails"}},
        {"Hobby": {"field": "id"}},
    ],
    ids=["unknown-field", "type-mismatch", "system-field"],
)
def test_invalid_suggestion_rejected(answer: dict[str, Any]) -> None:
    with serving(_llm_app(answer, [])) as url:
        advisor = LlmAdvisor(url + "/v1", "test-model")
        mapping = propose_mapping(_profile(), standard_schema(), advisor=advisor)
        advisor.close()
    entry = mapping.objects["clients"].columns["Hobby"]
    assert entry.method == "new custom field"
    assert entry.create is not None


def test_unreachable_model_changes_nothing() -> None:
    advisor = LlmAdvisor("http://127.0.0.1:9/v1", "test-model", timeout_seconds=2)
    mapping = propose_mapping(_profile(), standard_schema(), advisor=advisor)
    advisor.close()
    assert mapping.objects["clients"].columns["Hobby"].method == "new custom field"
