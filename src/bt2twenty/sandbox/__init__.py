"""A local stand-in for a Twenty CRM workspace, for tests, rehearsals and the demo.

It serves the subset of Twenty's REST, metadata and GraphQL API the migration tool uses, with
Twenty's validation rules, error bodies, limits and failure modes, over a real socket::

    config = SandboxConfig(api_key="k", era="v2", rate_limit_per_minute=None)  # no limit
    with running_sandbox(config) as sandbox:
        httpx.get(f"{sandbox.url}/rest/companies",
                  headers={"Authorization": f"Bearer {sandbox.api_key}"})
        sandbox.set_faults(FaultSpec(error_rate=0.2, drop_rate=0.1, seed=1))
        sandbox.set_rate_limit(per_minute=120, per_second=100)
        sandbox.request_log      # (method, path, status, monotonic time); status 0 = dropped
        sandbox.invitations      # what sendInvitations recorded

The command line equivalent is ``bt2twenty sandbox``.
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
