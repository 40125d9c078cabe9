"""Bluetrait: the export reader, the RPC API client, discovery and sample exports."""
