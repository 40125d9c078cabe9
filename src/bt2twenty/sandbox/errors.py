"""Errors the sandbox returns, shaped like Twenty's REST error bodies."""

from __future__ import annotations

from typing import Any


class SandboxError(Exception):
    """A request failed; rendered as ``{statusCode, error, messages}`` like Twenty's REST API."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        error: str = "BadRequestException",
        code: str = "BAD_USER_INPUT",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error = error
        self.code = code

    def body(self) -> dict[str, Any]:
        """Return the JSON body Twenty sends for this error."""
        return {"statusCode": self.status, "error": self.error, "messages": [self.message]}


def bad_request(message: str, code: str = "BAD_USER_INPUT") -> SandboxError:
    """Return a 400 error with Twenty's ``BadRequestException`` name."""
    return SandboxError(message, code=code)


def not_found(message: str = "Record not found") -> SandboxError:
    """Return a 404 error as Twenty sends for a missing record."""
    return SandboxError(message, status=404, error="NotFoundException", code="NOT_FOUND")


def forbidden(message: str) -> SandboxError:
    """Return a 403 error as Twenty sends for a permission denial."""
    return SandboxError(message, status=403, error="ForbiddenException", code="FORBIDDEN")
