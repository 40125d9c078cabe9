"""Readers of the systems data is migrated from."""
