"""Rollback: undo exactly what the journal records the migration did (`roll_back`)."""

from __future__ import annotations

from bt2twenty.pipeline.rollback.report import RollbackResult
from bt2twenty.pipeline.rollback.run import UNCONFIRMED_LABEL, roll_back

__all__ = ["UNCONFIRMED_LABEL", "RollbackResult", "roll_back"]
