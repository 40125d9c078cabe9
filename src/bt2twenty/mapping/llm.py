"""Optional: ask an LLM behind any OpenAI-compatible API where to put columns nothing matched.

Off unless `llm_matching` is set with `llm_url` and `llm_model`. The model sees the column
headers, their value types and sample values masked to their shape ("j.lee@acme.com.au" is sent
as "x.xxx@xxxx.xxx.xx"), and the target object's writable fields. Its answer is checked like any
other proposal: the field must exist, be free and fit the values' type. An accepted answer gets
confidence 0.7, below the review threshold, so `map review` still puts it before a person. A
failing or garbled answer only means no suggestion; it never stops the proposal.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from bt2twenty.mapping.target import TargetObject
from bt2twenty.redaction import redact, register_secret

logger = logging.getLogger(__name__)

LLM_CONFIDENCE = 0.7
MAX_SAMPLES = 3
MAX_SAMPLE_LENGTH = 40
SYSTEM_PROMPT = (
    "You map columns of a helpdesk export to fields of a CRM object. Answer with one JSON "
    'object: {"matches": {"<column>": {"field": "<field name or null>", "reason": "<short>"}}}. '
    "Choose only from the fields given, only when the column clearly holds that field's data."
)

_LETTER_LOWER = re.compile(r"[a-z]")
_LETTER_UPPER = re.compile(r"[A-Z]")
_DIGIT = re.compile(r"[0-9]")
_OTHER_LETTER = re.compile(r"[^\W\d_xX]")


def mask_sample(value: str) -> str:
    """Keep a value's shape and hide its content: letters become x or X, digits 9."""
    text = value[:MAX_SAMPLE_LENGTH]
    text = _LETTER_LOWER.sub("x", text)
    text = _LETTER_UPPER.sub("X", text)
    text = _DIGIT.sub("9", text)
    return _OTHER_LETTER.sub("x", text)


@dataclass(frozen=True)
class Suggestion:
    """A field the model proposed for a column, with its one-line reason."""

    field: str
    reason: str


class LlmAdvisor:
    """Asks an OpenAI-compatible chat completions endpoint about unplaced columns."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout_seconds: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {}
        if api_key:
            register_secret(api_key)
            headers["Authorization"] = f"Bearer {api_key}"
        self.model = model
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=timeout_seconds,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def suggest(
        self, target: TargetObject, columns: Sequence[Mapping[str, Any]]
    ) -> dict[str, Suggestion]:
        """Return the model's field for each column it placed; an empty dict on any failure."""
        if not columns:
            return {}
        question = {
            "object": target.name_singular,
            "fields": [
                {"name": field.name, "label": field.label, "type": field.type}
                for field in target.fields.values()
                if field.is_writable
            ],
            "columns": [
                {
                    "column": column["name"],
                    "header": column.get("header", column["name"]),
                    "value_type": column.get("type", "text"),
                    "samples": [
                        mask_sample(str(v)) for v in (column.get("examples") or [])[:MAX_SAMPLES]
                    ],
                }
                for column in columns
            ],
        }
        try:
            response = self._client.post(
                "/chat/completions",
                json={
                    "model": self.model,
                    "temperature": 0,
                    "response_format": {"type": "json_object"},
                    "messages": [
                        {"role": "system", "content": SYSTEM_PROMPT},
                        {"role": "user", "content": json.dumps(question)},
                    ],
                },
            )
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
            matches = json.loads(content)["matches"]
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as error:
            logger.warning(
                "LLM suggestion for %s failed: %s", target.name_singular, redact(str(error))
            )
            return {}
        return _parse_matches(matches)


def _parse_matches(matches: Any) -> dict[str, Suggestion]:
    if not isinstance(matches, dict):
        return {}
    found = {}
    for column, answer in matches.items():
        if isinstance(answer, dict) and isinstance(answer.get("field"), str) and answer["field"]:
            found[str(column)] = Suggestion(answer["field"], str(answer.get("reason", ""))[:200])
    return found
