"""A local stand-in for a Twenty CRM workspace, for tests, rehearsals and the demo.

It serves the subset of Twenty's REST, metadata and GraphQL API the migration tool uses, with
Twenty's validation rules, error bodies, limits and failure modes, over a real socket.
"""

from __future__ import annotations

from bt2twenty.sandbox.config import FAULT_SPEC_HELP, FaultSpec, SandboxConfig, parse_fault_spec
from bt2twenty.sandbox.runtime import RequestLogEntry
from bt2twenty.sandbox.server import RunningSandbox, running_sandbox, serve

__all__ = [
    "FAULT_SPEC_HELP",
    "FaultSpec",
    "RequestLogEntry",
    "RunningSandbox",
    "SandboxConfig",
    "parse_fault_spec",
    "running_sandbox",
    "serve",
]
