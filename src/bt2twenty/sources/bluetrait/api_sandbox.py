"""A local stand-in for Bluetrait's RPC API that serves an export folder, for tests and rehearsals.

It serves ``POST /api/`` on 127.0.0.1 as a tenant would: the list actions return the export's
CSV rows as JSON objects with string values, the lookup actions return ``[{"id", "name"}]``, and
failures are ``{"success": false, "message": ...}`` with the ancestor product's messages
("Login Failed", "Unknown Call", "Permission Denied"). Paging can follow limit/offset, page, or
no parameters at all, and 429 and 500 responses can be injected in front of real responses.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bt2twenty.sources.bluetrait.sample.api_bodies import departments_body, priorities_body
from bt2twenty.sources.bluetrait.sample.php_csv import read_rows

logger = logging.getLogger(__name__)

# "limit_only" honours limit but ignores offset, and "none" ignores every paging parameter.
SandboxPaging = Literal["limit_offset", "limit_only", "page", "none"]
DEFAULT_API_KEY = "sandbox-bluetrait-key"
START_TIMEOUT_SECONDS = 10.0


@dataclass
class ReceivedCall:
    """One request the stand-in received: the action and its parameters, never the key."""

    action: str
    params: dict[str, Any]
    status: int


@dataclass
class SandboxState:
    """The data served and the behaviour switches of one running stand-in."""

    api_key: str
    paging: SandboxPaging
    page_size: int
    faults: list[int]
    retry_after_seconds: int | None
    api_enabled: bool
    denied_actions: frozenset[str]
    repeat_last_page: bool
    tables: dict[str, list[dict[str, str]]]
    calls: list[ReceivedCall] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class BluetraitApiSandbox:
    """A running stand-in: its URL, its key, and the calls it has received so far."""

    url: str
    api_key: str
    state: SandboxState

    @property
    def calls(self) -> list[ReceivedCall]:
        with self.state.lock:
            return list(self.state.calls)

    def inject_faults(self, statuses: Sequence[int]) -> None:
        """Fail the next requests with these HTTP statuses (429, 500 …), one each, in order."""
        with self.state.lock:
            self.state.faults.extend(statuses)


def load_tables(export_dir: Path) -> dict[str, list[dict[str, str]]]:
    """Read the CSV files the stand-in serves from an export folder; missing files are empty.

    The rows stay in memory while the stand-in runs, about a kilobyte per ticket, so it suits
    test exports rather than million-ticket ones.
    """
    tables = {}
    for name in ("companies", "tickets", "agents", "invoice_lines", "articles"):
        path = export_dir / f"{name}.csv"
        tables[name] = list(read_rows(path)) if path.is_file() else []
    return tables


def build_app(state: SandboxState) -> Starlette:
    """Return the Starlette application that serves ``POST /api/`` from `state`."""

    async def api(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return _failure(state, "", {}, 400, "Invalid JSON")
        if not isinstance(body, dict):
            return _failure(state, "", {}, 400, "Invalid JSON")
        return _respond(state, body)

    return Starlette(routes=[Route("/api/", api, methods=["POST"])])


def _respond(state: SandboxState, body: dict[str, Any]) -> JSONResponse:
    action = str(body.get("api_action", ""))
    params = {
        key: value
        for key, value in body.items()
        if key not in ("api_key", "api_action", "api_version")
    }

    with state.lock:
        fault = state.faults.pop(0) if state.faults else None
    if fault is not None:
        headers = {}
        if fault == 429 and state.retry_after_seconds is not None:
            headers["Retry-After"] = str(state.retry_after_seconds)
        _record(state, action, params, fault)
        logger.info("Bluetrait API stand-in injected HTTP %d for %r", fault, action)
        return JSONResponse({"success": False, "message": "Injected fault"}, fault, headers)

    if body.get("api_version") != 1:
        return _failure(state, action, params, 400, "Unknown API Version")
    if body.get("api_key") != state.api_key:
        return _failure(state, action, params, 401, "Login Failed")
    if not state.api_enabled:
        return _failure(state, action, params, 403, "API Disabled: not available on your plan")
    if action in state.denied_actions:
        return _failure(state, action, params, 403, "Permission Denied")

    handler = _HANDLERS.get(action)
    if handler is None:
        return _failure(state, action, params, 400, "Unknown Call")
    status, document = handler(state, params)
    _record(state, action, params, status)
    return JSONResponse(document, status)


def _failure(
    state: SandboxState, action: str, params: dict[str, Any], status: int, message: str
) -> JSONResponse:
    _record(state, action, params, status)
    logger.info("Bluetrait API stand-in rejected %r with HTTP %d: %s", action, status, message)
    return JSONResponse({"success": False, "message": message}, status)


def _record(state: SandboxState, action: str, params: dict[str, Any], status: int) -> None:
    with state.lock:
        state.calls.append(ReceivedCall(action=action, params=params, status=status))


def _list_action(table: str, filter_column: str | None = None) -> Handler:
    def handle(state: SandboxState, params: dict[str, Any]) -> tuple[int, Any]:
        rows = state.tables[table]
        if filter_column is not None and filter_column in params:
            requested = str(params[filter_column])
            rows = [row for row in rows if row[filter_column] == requested]
        return 200, _page(state, rows, params)

    return handle


def _page(state: SandboxState, rows: list[dict[str, str]], params: dict[str, Any]) -> Any:
    if state.paging == "none":
        return rows
    if state.paging == "page":
        start = (max(_int_param(params, "page", 1), 1) - 1) * state.page_size
    elif state.paging == "limit_only":
        start = 0
    else:
        start = max(_int_param(params, "offset", 0), 0)
    size = state.page_size
    if state.paging in ("limit_offset", "limit_only"):
        size = max(min(_int_param(params, "limit", state.page_size), state.page_size), 0)

    if state.repeat_last_page and rows and start >= len(rows):
        # Some servers clamp a page past the end to the last page instead of an empty one.
        start = (len(rows) - 1) // size * size if size else 0
    return rows[start : start + size]


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except (TypeError, ValueError):
        return default


def _one_row(table: str) -> Handler:
    def handle(state: SandboxState, params: dict[str, Any]) -> tuple[int, Any]:
        requested_id = str(params.get("id", ""))
        for row in state.tables[table]:
            if row["id"] == requested_id:
                return 200, row
        return 404, {
            "success": False,
            "message": f"Not Found: no {table} row with id {requested_id}",
        }

    return handle


def _lookup(build: Callable[[list[dict[str, str]]], list[dict[str, Any]]]) -> Handler:
    def handle(state: SandboxState, params: dict[str, Any]) -> tuple[int, Any]:
        return 200, build(state.tables["tickets"])

    return handle


Handler = Callable[[SandboxState, dict[str, Any]], tuple[int, Any]]

_HANDLERS: dict[str, Handler] = {
    "get_companies": _list_action("companies"),
    "get_tickets": _list_action("tickets"),
    "msp_get_agents": _list_action("agents"),
    "billing_get_invoice_lines": _list_action("invoice_lines", filter_column="invoice_id"),
    "get_ticket_priorities": _lookup(priorities_body),
    "get_ticket_departments": _lookup(departments_body),
    "msp_get_agent": _one_row("agents"),
    "get_article": _one_row("articles"),
}


@contextmanager
def running_bluetrait_api(
    export_dir: Path,
    *,
    api_key: str = DEFAULT_API_KEY,
    paging: SandboxPaging = "limit_offset",
    page_size: int = 50,
    faults: Sequence[int] = (),
    retry_after_seconds: int | None = None,
    api_enabled: bool = True,
    denied_actions: Sequence[str] = (),
    repeat_last_page: bool = False,
) -> Iterator[BluetraitApiSandbox]:
    """Serve `export_dir` as a Bluetrait API on a free 127.0.0.1 port until the block ends.

    `faults` lists HTTP statuses for the first requests, one each; a 429 carries
    ``Retry-After: retry_after_seconds`` when that is set. `api_enabled=False` rejects every
    call as a plan without API access would, and `denied_actions` get "Permission Denied".
    `repeat_last_page` returns the last page again for a page past the end.
    """
    state = SandboxState(
        api_key=api_key,
        paging=paging,
        page_size=page_size,
        faults=list(faults),
        retry_after_seconds=retry_after_seconds,
        api_enabled=api_enabled,
        denied_actions=frozenset(denied_actions),
        repeat_last_page=repeat_last_page,
        tables=load_tables(export_dir),
    )
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit TCP_NODELAY on Linux. Without it, a response written in
    # two parts waits for the client's delayed ACK, about 40 ms per request.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    config = uvicorn.Config(build_app(state), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="bluetrait-api-sandbox", daemon=True
    )
    thread.start()
    _wait_until_started(server, thread)
    logger.info("Bluetrait API stand-in serving %s at http://127.0.0.1:%d/api/", export_dir, port)
    try:
        yield BluetraitApiSandbox(url=f"http://127.0.0.1:{port}/api/", api_key=api_key, state=state)
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_SECONDS)
        listener.close()
        logger.info("Bluetrait API stand-in on port %d stopped", port)


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(
                f"The Bluetrait API stand-in did not start within {START_TIMEOUT_SECONDS:.0f} s."
            )
        time.sleep(0.01)
