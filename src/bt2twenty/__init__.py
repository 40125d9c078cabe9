"""Migrate a managed-service provider's Bluetrait data into Twenty CRM, field by field."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
