"""Client of Bluetrait's RPC API: one endpoint, a JSON body per call, undocumented paging.

Every call is ``POST https://<tenant>.bluetrait.io/api/`` with the body
``{"api_key": ..., "api_action": ..., "api_version": 1}`` plus the action's parameters. The key
travels in the body, so bodies are never logged, and the key is registered for redaction.

Rows come back as dicts keyed like the export's CSV files, with every value as text (``None`` as
an empty string), so a reader can take API rows for one object and CSV rows for another:

- ``get_companies`` rows have the columns of ``companies.csv``, ``get_tickets`` those of
  ``tickets.csv``, ``msp_get_agents`` and ``msp_get_agent`` those of ``agents.csv``,
  ``billing_get_invoice_lines`` those of ``invoice_lines.csv`` and ``get_article`` those of
  ``articles.csv``. Columns the API adds are kept.
- ``get_ticket_priorities`` and ``get_ticket_departments`` return ``id`` and ``name``. The export
  has no file for them: tickets.csv carries only ``priority_name`` and ``department_name``.

Bluetrait documents no paging. `BluetraitApiClient.probe_paging` tries ``limit``/``offset``, then
``page``, one at a time, and treats a parameter as ignored when two different pages come back
equal. Every paging loop stops at an empty page, a repeated page or `max_pages`.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import stamina

from bt2twenty.errors import ConfigError, SettingsError, SourceError, TransientError
from bt2twenty.redaction import register_secret
from bt2twenty.settings import Settings

logger = logging.getLogger(__name__)

API_VERSION = 1
PagingStyle = Literal["limit_offset", "page", "none"]
# The export file whose rows each list action returns, with the same column names.
ACTION_FOR_FILE = {
    "companies.csv": "get_companies",
    "tickets.csv": "get_tickets",
    "agents.csv": "msp_get_agents",
    "invoice_lines.csv": "billing_get_invoice_lines",
}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Rows per probe page: small, so that a tenant with a handful of rows still shows two pages.
PROBE_PAGE_SIZE = 2
KEY_HINT = (
    "Create a key in Bluetrait under Settings → API → Add with Access Level Admin, then "
    "export BLUETRAIT_API_KEY=..."
)


class RetryableResponse(TransientError):
    """A 429 or 5xx response; `retry_after` is the server's requested pause in seconds."""

    def __init__(self, message: str, *, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a call is retried after a 429, a 5xx or a dropped connection."""

    attempts: int = 6
    timeout_seconds: float = 120.0
    wait_initial_seconds: float = 0.5
    wait_max_seconds: float = 30.0
    # A longer Retry-After than this is cut to it, so one response cannot stall a run for hours.
    max_retry_after_seconds: float = 120.0


class BluetraitApiClient:
    """Calls the read actions of one Bluetrait tenant's API and pages through list actions."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        page_size: int = 100,
        max_pages: int = 100_000,
        request_timeout_seconds: float = 60.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.url = _checked_url(url)
        if not api_key:
            raise ConfigError("The Bluetrait API key is missing.", hint=KEY_HINT)
        register_secret(api_key)
        self._api_key = api_key
        self.page_size = page_size
        self.max_pages = max_pages
        self.retry = retry or RetryPolicy()
        # TCP_NODELAY: httpx writes headers and body separately, and on a kept-alive connection
        # Nagle's algorithm can then hold the body until the server's delayed ACK (about 40 ms).
        transport = httpx.HTTPTransport(
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)], retries=0
        )
        self._http = httpx.Client(timeout=request_timeout_seconds, transport=transport)
        self._paging: dict[tuple[str, tuple[tuple[str, str], ...]], PagingStyle] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> BluetraitApiClient:
        """Build a client from the resolved settings, or raise naming what is missing."""
        missing = []
        if not settings.bluetrait_url:
            missing.append(
                "the Bluetrait API URL (bluetrait_url in bt2twenty.toml, or the environment "
                "BT2TWENTY_BLUETRAIT_URL)"
            )
        if settings.bluetrait_api_key is None:
            missing.append("the Bluetrait API key (environment BLUETRAIT_API_KEY)")
        if missing:
            raise SettingsError("Missing " + " and ".join(missing) + ".", hint=KEY_HINT)
        assert settings.bluetrait_url is not None
        assert settings.bluetrait_api_key is not None

        retry = RetryPolicy(
            attempts=settings.max_attempts, timeout_seconds=settings.max_retry_seconds
        )
        return cls(
            settings.bluetrait_url,
            settings.bluetrait_api_key.get_secret_value(),
            request_timeout_seconds=settings.request_timeout_seconds,
            retry=retry,
        )

    def __enter__(self) -> BluetraitApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"BluetraitApiClient(url={self.url!r})"

    # Read actions

    def get_companies(self) -> list[dict[str, str]]:
        return list(self.iter_rows("get_companies"))

    def get_tickets(self) -> list[dict[str, str]]:
        return list(self.iter_rows("get_tickets"))

    def msp_get_agents(self) -> list[dict[str, str]]:
        return list(self.iter_rows("msp_get_agents"))

    def billing_get_invoice_lines(self, invoice_id: int | None = None) -> list[dict[str, str]]:
        """Return invoice lines, of one invoice when `invoice_id` is given."""
        params = {} if invoice_id is None else {"invoice_id": invoice_id}
        return list(self.iter_rows("billing_get_invoice_lines", **params))

    def get_ticket_priorities(self) -> list[dict[str, str]]:
        return _rows_of(self.call("get_ticket_priorities"), "get_ticket_priorities")

    def get_ticket_departments(self) -> list[dict[str, str]]:
        return _rows_of(self.call("get_ticket_departments"), "get_ticket_departments")

    def msp_get_agent(self, agent_id: int) -> dict[str, str]:
        return _single_row(self.call("msp_get_agent", id=agent_id), "msp_get_agent")

    def get_article(self, article_id: int) -> dict[str, str]:
        return _single_row(self.call("get_article", id=article_id), "get_article")

    def covered_files(self) -> list[str]:
        """Return the export files whose rows the API's read actions return."""
        return list(ACTION_FOR_FILE)

    def rows_for_file(self, file_name: str) -> Iterator[dict[str, str]]:
        """Yield the API's rows for an export file such as ``tickets.csv``, for hybrid reading."""
        action = ACTION_FOR_FILE.get(file_name)
        if action is None:
            covered = ", ".join(sorted(ACTION_FOR_FILE))
            raise SourceError(
                f"The Bluetrait API has no read action for {file_name}; it covers {covered}.",
                hint=f"Read {file_name} from the export folder instead.",
            )
        return self.iter_rows(action)

    # Paging

    def iter_rows(self, action: str, **params: Any) -> Iterator[dict[str, str]]:
        """Yield every row of a list action, page by page in the paging style it accepts."""
        style = self.probe_paging(action, **params)
        if style == "none":
            yield from _rows_of(self.call(action, **params), action)
            return

        previous: list[dict[str, str]] | None = None
        offset = 0
        for number in range(self.max_pages):
            page_params = (
                {"limit": self.page_size, "offset": offset}
                if style == "limit_offset"
                else {"page": number + 1}
            )
            page = _rows_of(self.call(action, **params, **page_params), action)
            if not page:
                return
            if page == previous:
                logger.warning(
                    "Stopped paging %s at page %d: the server repeated the previous page, "
                    "which is taken as the end of the rows",
                    action,
                    number + 1,
                )
                return
            yield from page
            previous = page
            # The server may cap the page below the limit asked for, so advance by what came.
            offset += len(page)
        raise SourceError(
            f"Stopped paging {action} after {self.max_pages} pages at {self.url}.",
            hint="Raise max_pages if the tenant really has that many rows, or export the "
            "object as CSV.",
        )

    def probe_paging(self, action: str, **params: Any) -> PagingStyle:
        """Find which paging parameters `action` honours: limit/offset, page, or none."""
        # A filter can shrink the rows to one probe page, which hides the paging style, so each
        # set of parameters is probed on its own.
        key = (action, tuple(sorted((name, repr(value)) for name, value in params.items())))
        if key in self._paging:
            return self._paging[key]

        style: PagingStyle = "none"
        first = _rows_of(self.call(action, **params, limit=PROBE_PAGE_SIZE, offset=0), action)
        second = _rows_of(
            self.call(action, **params, limit=PROBE_PAGE_SIZE, offset=PROBE_PAGE_SIZE), action
        )
        if len(first) <= PROBE_PAGE_SIZE and first != second:
            style = "limit_offset"
        elif first and first == second and len(first) <= PROBE_PAGE_SIZE:
            self._reject_limit_without_offset(action, params, first)
        else:
            page_one = _rows_of(self.call(action, **params, page=1), action)
            page_two = _rows_of(self.call(action, **params, page=2), action)
            if page_one and page_one != page_two:
                style = "page"

        logger.info("Bluetrait action %s pages with: %s", action, style)
        self._paging[key] = style
        return style

    def _reject_limit_without_offset(
        self, action: str, params: dict[str, Any], first: list[dict[str, str]]
    ) -> None:
        # The server cut the page to the limit but ignored the offset. Unless the whole list
        # fits in one probe page, the rows past the first page cannot be reached.
        everything = _rows_of(self.call(action, **params), action)
        if everything == first:
            return
        raise SourceError(
            f"Bluetrait's {action} at {self.url} honours limit but ignores offset, so only "
            "its first page of rows can be read.",
            hint="Export this object from Bluetrait as CSV and point the tool at the export.",
        )

    # One call

    def call(self, action: str, **params: Any) -> Any:
        """Send one action and return its JSON, retrying 429, 5xx and dropped connections."""
        for attempt in stamina.retry_context(
            on=self._retry_delay,
            attempts=self.retry.attempts,
            timeout=self.retry.timeout_seconds,
            wait_initial=self.retry.wait_initial_seconds,
            wait_max=self.retry.wait_max_seconds,
        ):
            with attempt:
                if attempt.num > 1:
                    logger.info("Retrying Bluetrait action %s (attempt %d)", action, attempt.num)
                return self._send(action, params)
        raise AssertionError("stamina.retry_context ended without a result or an error")

    def _send(self, action: str, params: dict[str, Any]) -> Any:
        body = {"api_key": self._api_key, "api_action": action, "api_version": API_VERSION}
        body.update(params)
        logger.debug("Calling Bluetrait action %s with %s", action, sorted(params.items()))
        try:
            response = self._http.post(self.url, json=body)
        except httpx.TransportError as error:
            raise TransientError(
                f"Could not reach the Bluetrait API at {self.url} for {action}: "
                f"{type(error).__name__}.",
                hint="Check the network and the tenant URL; the call is retried.",
            ) from None
        return _decode(response, action, self.url)

    def _retry_delay(self, error: Exception) -> bool | float:
        if isinstance(error, RetryableResponse):
            logger.warning("Bluetrait API busy or failing: %s", error.message)
            if error.retry_after is not None:
                return min(error.retry_after, self.retry.max_retry_after_seconds)
            return True
        return isinstance(error, TransientError)


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"Invalid Bluetrait API URL {url!r}.",
            hint="Use https://<tenant>.bluetrait.io/api/",
        )
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"Refusing to send the Bluetrait API key over plain HTTP to {url}.",
            hint="Use https://<tenant>.bluetrait.io/api/",
        )
    return url if url.endswith("/") else url + "/"


def _decode(response: httpx.Response, action: str, url: str) -> Any:
    if response.status_code == 429 or response.status_code >= 500:
        raise RetryableResponse(
            f"Bluetrait returned HTTP {response.status_code} for {action} at {url}.",
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )
    try:
        document = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SourceError(
            f"Bluetrait returned HTTP {response.status_code} for {action} at {url} with a body "
            "that is not JSON.",
            hint="Check that the URL ends in /api/ and points at the tenant, "
            "e.g. https://example.bluetrait.io/api/",
        ) from None
    if isinstance(document, dict) and document.get("success") is False:
        raise failure_for(str(document.get("message", "")), action, url)
    if response.status_code >= 400:
        raise SourceError(
            f"Bluetrait returned HTTP {response.status_code} for {action} at {url}.",
            hint="Check the tenant URL and the key's access level.",
        )
    return document


def failure_for(message: str, action: str, url: str) -> ConfigError:
    """Turn a ``{"success": false, "message": ...}`` body into an error saying what to do."""
    lowered = message.lower()
    if "login failed" in lowered:
        return ConfigError(
            f"Bluetrait rejected the API key at {url} (message: {message}).", hint=KEY_HINT
        )
    if "permission denied" in lowered:
        return ConfigError(
            f"The Bluetrait API key may not call {action} (message: {message}).",
            hint="Give the key Access Level Admin under Settings → API in Bluetrait, "
            "or create a new Admin key.",
        )
    # NOTE: Bluetrait does not document its message for a plan without API access. These
    # keywords match the ancestor product's "API Disabled" switch and any plan wording.
    if any(word in lowered for word in ("disabled", "not enabled", "plan", "subscription")):
        return ConfigError(
            f"The Bluetrait API is not available for this tenant (message: {message}).",
            hint="API access comes with the Standard and Professional plans; ask the account "
            "owner to upgrade, or migrate from a CSV export instead.",
        )
    if "unknown call" in lowered:
        return SourceError(
            f"This Bluetrait tenant's API has no action {action} (message: {message}).",
            hint="Export that object from Bluetrait as CSV and point the tool at the export.",
        )
    return SourceError(
        f"Bluetrait rejected {action} at {url} (message: {message or 'none given'}).",
        hint="Check the action's parameters; run with -vv to see which call failed.",
    )


def retry_after_seconds(value: str | None) -> float | None:
    """Parse a Retry-After header (seconds or an HTTP date) into seconds, None if unusable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _rows_of(document: Any, action: str) -> list[dict[str, str]]:
    if isinstance(document, dict):
        for key in ("data", "rows", "results", action):
            if isinstance(document.get(key), list):
                document = document[key]
                break
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise SourceError(
            f"Bluetrait returned {type(document).__name__} for {action}, not a list of rows.",
            hint="Run with -vv and report the response shape; this action may differ on "
            "this tenant.",
        )
    return [_as_csv_row(item) for item in document]


def _single_row(document: Any, action: str) -> dict[str, str]:
    if isinstance(document, list) and len(document) == 1:
        document = document[0]
    if isinstance(document, dict) and isinstance(document.get("data"), dict):
        document = document["data"]
    if not isinstance(document, dict):
        raise SourceError(
            f"Bluetrait returned {type(document).__name__} for {action}, not one row.",
            hint="Check the id passed to the action.",
        )
    return _as_csv_row(document)


def _as_csv_row(item: dict[str, Any]) -> dict[str, str]:
    return {str(key): _as_cell(value) for key, value in item.items()}


def _as_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
