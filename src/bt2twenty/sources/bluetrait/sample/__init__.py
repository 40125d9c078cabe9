"""Deterministic sample exports in the layout of a Bluetrait export, at any scale."""

from __future__ import annotations

from bt2twenty.sources.bluetrait.sample.export import (
    DEFAULT_SEED,
    SampleExportSummary,
    planned_rows,
    write_sample_export,
)

__all__ = ["DEFAULT_SEED", "SampleExportSummary", "planned_rows", "write_sample_export"]
