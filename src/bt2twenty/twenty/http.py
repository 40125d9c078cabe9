"""Send one request to Twenty: rate limited, retried when that is safe, errors parsed.

Each request waits for the rate limiter, is sent with the API key as a bearer token, and is
logged as one INFO line (method, path, status, milliseconds) with no secret in it. Responses
are handled by the status table in `errors.STATUS_ACTIONS`. 429, 5xx, timeouts and dropped
connections are retried with exponential backoff and jitter (429s after the server's
`Retry-After`). Everything else is raised at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import stamina

from bt2twenty import __version__
from bt2twenty.redaction import redact, register_secret
from bt2twenty.twenty.errors import (
    Action,
    RequestSummary,
    TwentyConnectionError,
    TwentyRateLimitedError,
    TwentyResponseError,
    TwentyUnreachableError,
    action_for,
    error_from_response,
)
from bt2twenty.twenty.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

JsonBody = dict[str, Any] | list[Any]

# Refused connections in a row after which the URL is taken to be wrong, not the server
# briefly down. Retrying longer would only delay the message.
MAX_REFUSED_CONNECTIONS = 3

# Seconds in each `periodUnit` a Twenty 2.x 429 body can name.
PERIOD_SECONDS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}


class TwentyHttp:
    """The HTTP layer every Twenty API call goes through; safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        limiter: RateLimiter | None = None,
        timeout_seconds: float = 60.0,
        max_attempts: int = 8,
        max_retry_seconds: float = 600.0,
        max_connections: int = 8,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        register_secret(api_key)
        self.base_url = base_url.rstrip("/")
        self.limiter = limiter or RateLimiter(per_minute=None)
        self.max_attempts = max_attempts
        self.max_retry_seconds = max_retry_seconds
        self.attempts_made = 0
        self._refused_in_a_row = 0
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={
                "Authorization": f"Bearer {api_key}",
                "User-Agent": f"bt2twenty/{__version__}",
                "Accept": "application/json",
            },
            timeout=httpx.Timeout(timeout_seconds),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: JsonBody | None = None,
        data: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        check: Callable[[Any], Any] | None = None,
    ) -> Any:
        """Send a request and return its parsed JSON body, retrying transient failures.

        `check`, if given, is applied to each parsed body inside the retry loop and its result
        returned; it raises to reject a body (a GraphQL error in a 200 response, say), and a
        transient error it raises is retried like any other.
        """
        summary = RequestSummary(method, redact(path))
        for attempt in stamina.retry_context(
            on=self._backoff_for,
            attempts=self.max_attempts,
            timeout=self.max_retry_seconds,
            wait_initial=0.5,
            wait_max=30.0,
            wait_jitter=1.0,
        ):
            with attempt:
                body = self._send_once(
                    method, path, summary, params=params, json=json, data=data, files=files
                )
                return check(body) if check is not None else body
        raise AssertionError("unreachable: stamina raises after the last attempt")

    def download(self, location: str) -> bytes:
        """Return the bytes at `location` (a path on this server, or a URL it returned).

        The request is rate limited and retried like every other; a URL on another host is
        rejected, so the API key is never sent anywhere but the Twenty server.
        """
        path = self._local_path(location)
        summary = RequestSummary("GET", redact(path.split("?", 1)[0]))
        for attempt in stamina.retry_context(
            on=self._backoff_for,
            attempts=self.max_attempts,
            timeout=self.max_retry_seconds,
            wait_initial=0.5,
            wait_max=30.0,
            wait_jitter=1.0,
        ):
            with attempt:
                response = self._send_raw(
                    "GET", path, summary, params=None, json=None, data=None, files=None
                )
                return response.content
        raise AssertionError("unreachable: stamina raises after the last attempt")

    def _local_path(self, location: str) -> str:
        if "://" not in location:
            return location if location.startswith("/") else f"/{location}"
        url, base = httpx.URL(location), httpx.URL(self.base_url)
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
            raise TwentyResponseError(
                f"Twenty returned a file URL on another host ({url.host}); it was not fetched.",
                hint="Check the server's SERVER_URL setting: it must match the Twenty URL.",
            )
        query = f"?{url.query.decode()}" if url.query else ""
        return url.raw_path.decode().split("?", 1)[0] + query

    def _send_once(
        self,
        method: str,
        path: str,
        summary: RequestSummary,
        *,
        params: dict[str, Any] | None,
        json: JsonBody | None,
        data: dict[str, Any] | None,
        files: dict[str, Any] | None,
    ) -> Any:
        response = self._send_raw(
            method, path, summary, params=params, json=json, data=data, files=files
        )
        return _parse_json(response)

    def _send_raw(
        self,
        method: str,
        path: str,
        summary: RequestSummary,
        *,
        params: dict[str, Any] | None,
        json: JsonBody | None,
        data: dict[str, Any] | None,
        files: dict[str, Any] | None,
    ) -> httpx.Response:
        self.limiter.acquire()
        self.attempts_made += 1
        started = time.perf_counter()
        try:
            response = self._client.request(
                method, path, params=params, json=json, data=data, files=files
            )
        except httpx.TimeoutException as error:
            logger.warning("%s timed out after %.0f ms", summary, _ms(started))
            raise TwentyConnectionError(
                f"{summary} timed out ({type(error).__name__})", request=summary
            ) from None
        except httpx.ConnectError as error:
            self._refused_in_a_row += 1
            logger.warning("%s: could not connect to %s (%s)", summary, self.base_url, error)
            if self._refused_in_a_row >= MAX_REFUSED_CONNECTIONS:
                raise TwentyUnreachableError(
                    f"Could not connect to Twenty at {self.base_url} "
                    f"({self._refused_in_a_row} attempts): {error}.",
                    hint="Check the URL (--twenty-url or TWENTY_API_URL) and that the server "
                    "is running and reachable from this machine.",
                ) from None
            raise TwentyConnectionError(
                f"{summary}: could not connect to {self.base_url} ({error})", request=summary
            ) from None
        except (httpx.NetworkError, httpx.RemoteProtocolError) as error:
            logger.warning("%s failed: connection dropped (%s)", summary, type(error).__name__)
            raise TwentyConnectionError(
                f"{summary} to {self.base_url} failed: the connection dropped before a "
                "complete response "
                f"({type(error).__name__})",
                request=summary,
            ) from None

        self._refused_in_a_row = 0
        logger.info("%s %d %.0f ms", summary, response.status_code, _ms(started))
        self._observe_rate_headers(response)
        if response.is_success:
            self.limiter.record_success()
            return response

        failure = error_from_response(response, summary)
        if isinstance(failure, TwentyRateLimitedError):
            self._observe_reported_limit(failure.body)
        logger.debug("%s error body: %s", summary, redact(response.text[:2000]))
        raise failure

    def _backoff_for(self, error: Exception) -> bool | float:
        if isinstance(error, TwentyRateLimitedError):
            return self.limiter.record_rate_limited(error.retry_after)
        if isinstance(error, TwentyConnectionError):
            return True
        status = getattr(error, "status", None)
        return isinstance(status, int) and action_for(status) is Action.RETRY

    def _observe_rate_headers(self, response: httpx.Response) -> None:
        remaining = _int_header(response, "X-RateLimit-Remaining")
        if remaining is not None:
            self.limiter.observe_remaining(remaining)

    def _observe_reported_limit(self, body: dict[str, Any]) -> None:
        limit = body.get("limit")
        count = body.get("periodCount")
        unit = PERIOD_SECONDS.get(str(body.get("periodUnit", "")).lower().rstrip("s"))
        if isinstance(limit, int) and isinstance(count, int | float) and unit is not None:
            self.limiter.observe_limit(limit, count * unit)


def _parse_json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return {"text": response.text}


def _int_header(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name)
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
