"""The schema stage: plan, apply and remove the custom objects and fields a mapping needs."""

from __future__ import annotations

from bt2twenty.schema.apply import AppliedChange, ApplyResult, apply_schema, remove_schema
from bt2twenty.schema.plan import SchemaPlan, SchemaStep, plan_schema

__all__ = [
    "AppliedChange",
    "ApplyResult",
    "SchemaPlan",
    "SchemaStep",
    "apply_schema",
    "plan_schema",
    "remove_schema",
]
