"""The state one running sandbox shares between its routes and its Python handle."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from bt2twenty.sandbox.config import SandboxConfig
from bt2twenty.sandbox.faults import FaultInjector
from bt2twenty.sandbox.ratelimit import RateLimiter
from bt2twenty.sandbox.reads import RecordReader
from bt2twenty.sandbox.schema import JsonObject
from bt2twenty.sandbox.store import Store
from bt2twenty.sandbox.workspace import Workspace
from bt2twenty.sandbox.writes import RecordWriter


class RequestLogEntry(NamedTuple):
    """One served request: method, path, status (0 for a dropped connection) and monotonic time."""

    method: str
    path: str
    status: int
    time: float


@dataclass
class Runtime:
    """Everything a request handler needs: workspace, readers and writers, limits and faults."""

    config: SandboxConfig
    workspace: Workspace
    writer: RecordWriter
    reader: RecordReader
    limiter: RateLimiter
    faults: FaultInjector
    base_url: str = ""
    request_log: list[RequestLogEntry] = field(default_factory=list)
    _log_lock: threading.Lock = field(default_factory=threading.Lock)
    # Session tokens of members signed in to the app, each with the actor it writes as.
    sessions: dict[str, JsonObject] = field(default_factory=dict)

    @classmethod
    def build(cls, config: SandboxConfig, store: Store) -> Runtime:
        """Open the workspace in `store` and wire the parts together."""
        workspace = Workspace(config, store)
        return cls(
            config=config,
            workspace=workspace,
            writer=RecordWriter(workspace),
            reader=RecordReader(workspace),
            limiter=RateLimiter(config.rate_limit_per_minute, config.per_second_limit),
            faults=FaultInjector(config.faults),
        )

    @property
    def era(self) -> str:
        """The Twenty era this sandbox imitates."""
        return self.config.era

    def log_request(self, method: str, path: str, status: int) -> None:
        """Append one entry to the request log."""
        with self._log_lock:
            self.request_log.append(RequestLogEntry(method, path, status, time.monotonic()))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a request's writes in one transaction; cached positions reset if it fails."""
        try:
            with self.workspace.store.transaction():
                yield
        except BaseException:
            self.workspace.forget_positions()
            raise

    @contextmanager
    def schema_transaction(self) -> Iterator[None]:
        """Run a metadata change in one transaction; in-memory metadata reloads if it fails."""
        try:
            with self.transaction():
                yield
        except BaseException:
            self.workspace.reload()
            raise
