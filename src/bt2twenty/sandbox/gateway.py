"""ASGI middleware in front of every route: API key, rate limit, faults and the request log."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bt2twenty.sandbox.actors import api_actor, set_current_actor
from bt2twenty.sandbox.ratelimit import Decision
from bt2twenty.sandbox.runtime import Runtime
from bt2twenty.sandbox.workspace import API_KEY_ID

logger = logging.getLogger(__name__)

_GRAPHQL_PATHS = ("/graphql", "/metadata")


class ConnectionDroppedError(Exception):
    """Raised after a response started, so the server closes the connection mid-response."""


class DroppedConnectionLogFilter(logging.Filter):
    """Hide the server's traceback for connections the sandbox drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every log record except those caused by `ConnectionDroppedError`."""
        exc_info = record.exc_info
        return not (exc_info and isinstance(exc_info[1], ConnectionDroppedError))


async def send_json(
    send: Send, status: int, body: Any, headers: dict[str, str] | None = None
) -> None:
    """Send a complete JSON response from raw ASGI."""
    payload = json.dumps(body).encode()
    raw_headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(payload)).encode()),
    ]
    raw_headers += [
        (name.lower().encode(), value.encode()) for name, value in (headers or {}).items()
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


def _graphql_error(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}], "data": None}


async def _buffered(receive: Receive) -> Receive:
    """Read the whole request body now and return a `receive` that replays it first."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay


class Gateway:
    """Check the key, apply the rate limit and faults, then pass the request to the routes."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        status_seen = [0]

        async def logged_send(message: Message) -> None:
            # The entry is logged before the last body chunk goes out, so a client that has
            # its response can already find the request in the log.
            if message["type"] == "http.response.start":
                status_seen[0] = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                self.runtime.log_request(method, path, status_seen[0])
            await send(message)

        try:
            await self._handle(scope, receive, logged_send)
        except ConnectionDroppedError:
            self.runtime.log_request(method, path, 0)
            raise

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        is_graphql = scope["path"] in _GRAPHQL_PATHS
        actor = self._actor(scope)
        if actor is None:
            logger.info(
                "Rejected %s %s: missing or invalid API key", scope["method"], scope["path"]
            )
            await self._unauthorized(send, is_graphql)
            return
        set_current_actor(actor)

        # Twenty throttles API keys only; a member's session in the app is not limited.
        if actor["source"] == "API" and await self._throttled(send, is_graphql):
            return

        faults = self.runtime.faults
        if faults.spec.latency_seconds:
            # The body is read before the wait, as a server reads a request before it works
            # on it, so a client that goes away meanwhile still has its request carried out.
            receive = await _buffered(receive)
            await asyncio.sleep(faults.spec.latency_seconds)
        fault = faults.draw()
        if fault == "error":
            logger.info("Injected a 500 into %s %s", scope["method"], scope["path"])
            body = (
                _graphql_error("Internal server error", "INTERNAL_SERVER_ERROR")
                if is_graphql
                else {
                    "statusCode": 500,
                    "error": "InternalServerErrorException",
                    "messages": ["Internal server error"],
                }
            )
            await send_json(send, 500, body)
            return
        if fault == "drop":
            await self._drop_after_processing(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _actor(self, scope: Scope) -> dict[str, Any] | None:
        """Return who the request's bearer token acts as, or None if the token is invalid."""
        headers = dict(scope["headers"])
        header = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        presented = token.strip().encode()
        if hmac.compare_digest(presented, self.runtime.config.api_key.encode()):
            return api_actor()
        for session_token, actor in list(self.runtime.sessions.items()):
            if hmac.compare_digest(presented, session_token.encode()):
                return actor
        return None

    async def _unauthorized(self, send: Send, is_graphql: bool) -> None:
        if is_graphql:
            await send_json(send, 401, _graphql_error("Token invalid.", "UNAUTHENTICATED"))
            return
        await send_json(
            send, 401, {"statusCode": 401, "message": "Token invalid.", "error": "Unauthorized"}
        )

    async def _throttled(self, send: Send, is_graphql: bool) -> bool:
        storm_left = self.runtime.faults.storm_seconds_left()
        if storm_left > 0:
            limit = self.runtime.config.rate_limit_per_minute or 100
            decision = Decision(False, limit, 0, max(1, int(storm_left + 0.999)), 60.0)
        else:
            decision = self.runtime.limiter.take()
        if decision.allowed:
            return False
        logger.info("Rate limited a request: retry after %s s", decision.retry_after_seconds)
        await self._too_many_requests(send, decision, is_graphql)
        return True

    async def _too_many_requests(self, send: Send, decision: Decision, is_graphql: bool) -> None:
        window_ms = int(decision.window_seconds * 1000)
        if self.runtime.era == "v1":
            message = f"Limit reached ({decision.limit} tokens per {window_ms} ms)"
            if is_graphql:
                await send_json(send, 200, _graphql_error(message, "BAD_USER_INPUT"))
                return
            await send_json(
                send,
                429,
                {"statusCode": 429, "error": "TooManyRequestsException", "messages": [message]},
            )
            return

        key_id = API_KEY_ID
        headers = {
            "Retry-After": str(decision.retry_after_seconds),
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
        }
        message = f"Rate limit exceeded for apiKey: {key_id}"
        if is_graphql:
            await send_json(send, 429, _graphql_error(message, "RATE_LIMITED"), headers)
            return
        body = {
            "statusCode": 429,
            "error": "RATE_LIMITED",
            "messages": [message],
            "limitKind": "speed",
            "scope": {"spenderType": "apiKey", "spenderId": key_id},
            "limit": decision.limit,
            "remaining": decision.remaining,
            "periodCount": int(decision.window_seconds),
            "periodUnit": "second",
            "retryAfterSeconds": decision.retry_after_seconds,
        }
        await send_json(send, 429, body, headers)

    async def _drop_after_processing(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request to the end, send the status line, then cut the connection."""

        async def cut_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                await send(message)
                logger.info(
                    "Dropping the connection of %s %s after processing it",
                    scope["method"],
                    scope["path"],
                )
                raise ConnectionDroppedError(f"{scope['method']} {scope['path']}")

        await self.app(scope, receive, cut_send)
