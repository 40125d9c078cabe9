"""Twenty's HTTP errors as exceptions, each joined to the branch of the tool's error tree that
names what to do about it.

    TwentyApiError                                  any error response from Twenty
    ├── TwentyAuthError (ConfigError)               401/403: fix the API key or its role
    ├── TwentyNotFoundError (RecordError)           404: the record or object does not exist
    ├── TwentyBadRequestError (RecordError)         400: Twenty rejected the payload
    │   ├── TwentyDuplicateError                    a unique value is already held
    │   └── TwentyBatchTooLargeError                more records than the server takes at once
    ├── TwentyRateLimitedError (TransientError)     429: slow down, then retry
    └── TwentyServerError (TransientError)          5xx: retry later
    TwentyConnectionError (TransientError)          timed out or dropped before a response
    TwentyUnreachableError (ConfigError)            connections refused again and again
    TwentyPagingError (FatalError)                  a cursor that does not advance
    TwentyResponseError (FatalError)                a response of a shape Twenty never sends

`STATUS_ACTIONS` is the table the client retries by; no 4xx other than 429 is ever retried.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

from bt2twenty.errors import (
    Bt2TwentyError,
    ConfigError,
    FatalError,
    RecordError,
    TransientError,
)
from bt2twenty.redaction import redact


class Action(enum.Enum):
    """The action the client takes on a response of a given status."""

    RETRY = "retry"
    RATE_LIMITED = "rate-limited"
    FAIL = "fail"


STATUS_ACTIONS: dict[int, Action] = {
    400: Action.FAIL,
    401: Action.FAIL,
    403: Action.FAIL,
    404: Action.FAIL,
    408: Action.RETRY,
    409: Action.FAIL,
    422: Action.FAIL,
    429: Action.RATE_LIMITED,
    500: Action.RETRY,
    502: Action.RETRY,
    503: Action.RETRY,
    504: Action.RETRY,
}


def action_for(status: int) -> Action:
    """Return what to do with a response of `status`; unknown 5xx retry, unknown 4xx fail."""
    if status in STATUS_ACTIONS:
        return STATUS_ACTIONS[status]
    return Action.RETRY if status >= 500 else Action.FAIL


@dataclass(frozen=True)
class RequestSummary:
    """The request an error came from, with nothing secret in it."""

    method: str
    url: str

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


class TwentyApiError(Bt2TwentyError):
    """An error response from Twenty, with its status, Twenty's messages and the request."""

    def __init__(
        self,
        *,
        status: int,
        messages: list[str],
        request: RequestSummary,
        error_name: str = "",
        body: dict[str, Any] | None = None,
        hint: str = "",
    ) -> None:
        self.status = status
        self.messages = [redact(message) for message in messages]
        self.request = request
        self.error_name = error_name
        self.body = body or {}
        text = "; ".join(self.messages) or error_name or "no message"
        super().__init__(f"Twenty returned {status} for {request}: {text}", hint=hint)


class TwentyAuthError(TwentyApiError, ConfigError):
    """The API key is missing, wrong, revoked, or its role may not do this."""

    hint = (
        "Check TWENTY_API_KEY: create a key in Twenty under Settings → APIs & Webhooks, "
        "with a role that may read and write the objects being migrated."
    )


class TwentyNotFoundError(TwentyApiError, RecordError):
    """The record or object in the request does not exist."""


class TwentyBadRequestError(TwentyApiError, RecordError):
    """Twenty rejected the request's content; the messages name the field and the reason."""


class TwentyDuplicateError(TwentyBadRequestError):
    """A unique value in the payload is already held by another record, possibly a deleted one."""


class TwentyBatchTooLargeError(TwentyBadRequestError):
    """The batch held more records than the server accepts in one request."""

    @property
    def max_records(self) -> int | None:
        """The server's maximum, read from its message, if the message states one."""
        for message in self.messages:
            found = re.search(r"Maximum number of records to \w+ is (\d+)", message)
            if found:
                return int(found.group(1))
        return None


class TwentyRateLimitedError(TwentyApiError, TransientError):
    """Twenty's rate limit was reached; `retry_after` is the pause it asked for, if any."""

    def __init__(self, *, retry_after: float | None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)


class TwentyServerError(TwentyApiError, TransientError):
    """Twenty failed with a server error; the same request may succeed later."""


class TwentyConnectionError(TransientError):
    """The request timed out or the connection dropped before a complete response arrived."""

    def __init__(self, message: str, *, request: RequestSummary) -> None:
        self.request = request
        super().__init__(
            message,
            hint="Check that the Twenty URL is right and the server is up; the request is "
            "retried with backoff before this is reported.",
        )


class TwentyUnreachableError(ConfigError):
    """Connections to the Twenty URL are refused: the URL is wrong or the server is down."""


class TwentyPagingError(FatalError):
    """A list cursor did not advance, so paging would loop forever."""


class TwentyResponseError(FatalError):
    """A response whose shape is not Twenty's: the URL probably points at another server."""


_DUPLICATE_PATTERNS = (
    "duplicate key value",
    "duplicate entry",
    "already exists",
    "must be unique",
    "please set a unique one",
)


def error_from_response(response: httpx.Response, request: RequestSummary) -> TwentyApiError:
    """Build the exception for an error `response`, parsing Twenty's REST error body."""
    body = _json_body(response)
    messages = _messages(body, response)
    status = response.status_code
    common: dict[str, Any] = {
        "status": status,
        "messages": messages,
        "request": request,
        "error_name": str(body.get("error", "")),
        "body": body,
    }

    if status in (401, 403):
        return TwentyAuthError(**common)
    if status == 404:
        return TwentyNotFoundError(**common)
    if status == 429:
        return TwentyRateLimitedError(retry_after=retry_after_seconds(response, body), **common)
    if status >= 500:
        return TwentyServerError(**common)
    joined = " ".join(messages).lower()
    if "maximum number of records" in joined:
        return TwentyBatchTooLargeError(**common)
    if any(pattern in joined for pattern in _DUPLICATE_PATTERNS):
        return TwentyDuplicateError(**common)
    if status == 400:
        return TwentyBadRequestError(**common)
    return TwentyApiError(**common)


def retry_after_seconds(response: httpx.Response, body: dict[str, Any]) -> float | None:
    """Read the pause a 429 requests: the `Retry-After` header, else `retryAfterSeconds`."""
    header = response.headers.get("Retry-After")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
    from_body = body.get("retryAfterSeconds")
    if isinstance(from_body, int | float):
        return max(0.0, float(from_body))
    return None


def _json_body(response: httpx.Response) -> dict[str, Any]:
    try:
        parsed = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _messages(body: dict[str, Any], response: httpx.Response) -> list[str]:
    if isinstance(body.get("messages"), list):
        return [str(message) for message in body["messages"]]
    if isinstance(body.get("message"), str):
        return [body["message"]]
    if isinstance(body.get("errors"), list):
        return [str(error.get("message", error)) for error in body["errors"]]
    text = response.text.strip()
    return [text[:500]] if text else []
