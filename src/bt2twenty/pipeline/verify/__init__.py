"""Read-back verification of every record the migration wrote: `run_verify` and its result."""

from __future__ import annotations

from bt2twenty.pipeline.verify.run import VerifyResult, run_verify

__all__ = ["VerifyResult", "run_verify"]
