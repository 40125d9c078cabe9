"""Build the sandbox's ASGI app and run it on a loopback port, in a thread or in the foreground."""

from __future__ import annotations

import logging
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bt2twenty.sandbox.actors import member_actor, new_session_token
from bt2twenty.sandbox.config import (
    FOLLOW_PER_MINUTE,
    FaultSpec,
    SandboxConfig,
    resolve_per_second,
)
from bt2twenty.sandbox.errors import SandboxError
from bt2twenty.sandbox.gateway import DroppedConnectionLogFilter, Gateway
from bt2twenty.sandbox.graphql import graphql_error, graphql_routes
from bt2twenty.sandbox.groupby import collection_routes
from bt2twenty.sandbox.metadata_routes import metadata_routes
from bt2twenty.sandbox.openapi import openapi_routes
from bt2twenty.sandbox.records import record_routes
from bt2twenty.sandbox.runtime import RequestLogEntry, Runtime
from bt2twenty.sandbox.schema import JsonObject
from bt2twenty.sandbox.store import Store

logger = logging.getLogger(__name__)

_GRAPHQL_PATHS = ("/graphql", "/metadata")


async def _sandbox_error(request: Request, failure: Exception) -> Response:
    assert isinstance(failure, SandboxError)
    logger.info(
        "%s %s failed with %d: %s",
        request.method,
        request.url.path,
        failure.status,
        failure.message,
    )
    if request.url.path in _GRAPHQL_PATHS:
        return JSONResponse(graphql_error(failure.message, failure.code))
    return JSONResponse(failure.body(), status_code=failure.status)


async def _http_error(request: Request, failure: Exception) -> Response:
    assert isinstance(failure, HTTPException)
    logger.info("%s %s failed with %d", request.method, request.url.path, failure.status_code)
    names = {404: "Not Found", 405: "Method Not Allowed"}
    return JSONResponse(
        {
            "statusCode": failure.status_code,
            "message": f"Cannot {request.method} {request.url.path}",
            "error": names.get(failure.status_code, "Error"),
        },
        status_code=failure.status_code,
    )


def build_app(runtime: Runtime) -> Gateway:
    """Return the ASGI app: the gateway in front of the metadata, record and GraphQL routes."""
    routes = [
        *openapi_routes(),
        *metadata_routes(),
        *collection_routes(),
        *record_routes(runtime.era),
        *graphql_routes(),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={SandboxError: _sandbox_error, HTTPException: _http_error},
    )
    app.state.runtime = runtime
    return Gateway(app, runtime)


def _uvicorn_config(app: Gateway) -> uvicorn.Config:
    logging.getLogger("uvicorn.error").addFilter(DroppedConnectionLogFilter())
    return uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2
    )


def open_store(config: SandboxConfig) -> tuple[Store, Path | None]:
    """Open the data file, or a temporary one.

    Returns the store and the temporary folder to delete afterwards, or None.
    """
    if config.data_path is not None:
        config.data_path.parent.mkdir(parents=True, exist_ok=True)
        return Store(config.data_path), None
    folder = Path(tempfile.mkdtemp(prefix="bt2twenty-sandbox-"))
    return Store(folder / "sandbox.sqlite"), folder


class RunningSandbox:
    """A sandbox serving in a background thread: its URL, key, request log and controls."""

    def __init__(
        self, runtime: Runtime, server: uvicorn.Server, thread: threading.Thread, url: str
    ) -> None:
        self.runtime = runtime
        self.url = url
        self._server = server
        self._thread = thread

    @property
    def api_key(self) -> str:
        """The key clients send as ``Authorization: Bearer <key>``."""
        return self.runtime.config.api_key

    @property
    def era(self) -> str:
        """The Twenty era the sandbox imitates."""
        return self.runtime.era

    @property
    def request_log(self) -> list[RequestLogEntry]:
        """A copy of the requests served so far; status 0 marks a dropped connection."""
        return list(self.runtime.request_log)

    @property
    def invitations(self) -> list[JsonObject]:
        """Every invitation `sendInvitations` recorded, oldest first."""
        return self.runtime.workspace.store.invitations()

    def add_member(self, first_name: str, last_name: str, email: str) -> str:
        """Add a workspace member, as an accepted invitation does in Twenty; return its id."""
        with self.runtime.transaction():
            return self.runtime.workspace.add_member(first_name, last_name, email)

    def set_faults(self, spec: FaultSpec) -> None:
        """Replace the injected faults; a storm in `spec` starts now."""
        self.runtime.faults.set(spec)

    def set_rate_limit(
        self, per_minute: int | None, per_second: int | str | None = FOLLOW_PER_MINUTE
    ) -> None:
        """Replace the rate limit with full buckets; None switches a bucket off.

        Left out, `per_second` is Twenty's 100 while `per_minute` is set, and off otherwise.
        """
        self.runtime.limiter.configure(per_minute, resolve_per_second(per_minute, per_second))

    def http_client(self, timeout: float = 10.0) -> httpx.Client:
        """Return an httpx client for this sandbox that sends its API key; close it after use."""
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=timeout,
        )

    def sign_in(self, email: str) -> str:
        """Sign a workspace member in to the app and return their session token.

        Requests with that token write as the member (source `MANUAL`), as edits made in
        Twenty's app do, and are not rate limited.
        """
        workspace = self.runtime.workspace
        meta = workspace.object_by_singular("workspaceMember")
        assert meta is not None
        for record in workspace.store.records_of(meta.name_singular):
            is_live = record.get("deletedAt") is None
            if is_live and str(record.get("userEmail", "")).lower() == email.lower():
                token = new_session_token()
                self.runtime.sessions[token] = member_actor(record)
                return token
        raise ValueError(f"no workspace member has the email {email}")

    def member_client(self, email: str, timeout: float = 10.0) -> httpx.Client:
        """Return an httpx client that acts as a signed-in member; close it after use."""
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.sign_in(email)}"},
            timeout=timeout,
        )

    def clear_request_log(self) -> None:
        """Forget the requests logged so far."""
        with self.runtime._log_lock:
            self.runtime.request_log.clear()

    def stop(self) -> None:
        """Ask the server to finish and wait for its thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)


@contextmanager
def running_sandbox(
    config: SandboxConfig, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningSandbox]:
    """Serve a sandbox in a background thread until the block ends; port 0 picks a free port."""
    store, temporary_folder = open_store(config)
    try:
        runtime = Runtime.build(config, store)
        listener = _listen(host, port)
        url = f"http://{host}:{listener.getsockname()[1]}"
        runtime.base_url = url
        server = uvicorn.Server(_uvicorn_config(build_app(runtime)))
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [listener]}, name="twenty-sandbox", daemon=True
        )
        thread.start()
        _wait_until_started(server, thread, url)
        sandbox = RunningSandbox(runtime, server, thread, url)
        logger.info("Sandbox serving at %s (era %s)", url, config.era)
        try:
            yield sandbox
        finally:
            sandbox.stop()
            listener.close()
            logger.info("Sandbox at %s stopped", url)
    finally:
        store.close()
        if temporary_folder is not None:
            shutil.rmtree(temporary_folder, ignore_errors=True)


# Connections the kernel queues before the server accepts them (uvicorn's own default).
LISTEN_BACKLOG = 2048


def _listen(host: str, port: int) -> socket.socket:
    """Bind a TCP socket whose connections send small writes at once.

    asyncio turns Nagle's algorithm off only for sockets created with ``IPPROTO_TCP``. Without
    that, a response's body write waits for the client's delayed ACK of the header (about 40 ms
    on Linux). The socket listens before this returns, so a client that connects as soon as the
    URL is printed is queued instead of refused.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind((host, port))
    listener.listen(LISTEN_BACKLOG)
    return listener


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread, url: str) -> None:
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the sandbox at {url} did not start within 10 seconds")
        time.sleep(0.01)


def serve(config: SandboxConfig, host: str, port: int, on_ready: Any = None) -> None:
    """Serve a sandbox in the foreground until interrupted; `on_ready(url)` runs once it listens."""
    store, temporary_folder = open_store(config)
    try:
        runtime = Runtime.build(config, store)
        listener = _listen(host, port)
        url = f"http://{host}:{listener.getsockname()[1]}"
        runtime.base_url = url
        if on_ready is not None:
            on_ready(url)
        uvicorn.Server(_uvicorn_config(build_app(runtime))).run(sockets=[listener])
    finally:
        store.close()
        if temporary_folder is not None:
            shutil.rmtree(temporary_folder, ignore_errors=True)
