"""Twenty CRM client: records over REST, schema over the metadata API, uploads and invitations
over GraphQL, with era detection, retries and adaptive rate limiting."""

from __future__ import annotations

from bt2twenty.twenty.client import TwentyClient
from bt2twenty.twenty.era import ApiProfile, Era, detect_api_profile
from bt2twenty.twenty.errors import (
    TwentyApiError,
    TwentyAuthError,
    TwentyBadRequestError,
    TwentyBatchTooLargeError,
    TwentyConnectionError,
    TwentyDuplicateError,
    TwentyNotFoundError,
    TwentyPagingError,
    TwentyRateLimitedError,
    TwentyResponseError,
    TwentyServerError,
    TwentyUnreachableError,
)
from bt2twenty.twenty.graphql import InvitationResult, UploadedFile
from bt2twenty.twenty.metadata import FieldSpec, RelationSpec, SelectOption
from bt2twenty.twenty.ratelimit import RateLimiter
from bt2twenty.twenty.records import Page

__all__ = [
    "ApiProfile",
    "Era",
    "FieldSpec",
    "InvitationResult",
    "Page",
    "RateLimiter",
    "RelationSpec",
    "SelectOption",
    "TwentyApiError",
    "TwentyAuthError",
    "TwentyBadRequestError",
    "TwentyBatchTooLargeError",
    "TwentyClient",
    "TwentyConnectionError",
    "TwentyDuplicateError",
    "TwentyNotFoundError",
    "TwentyPagingError",
    "TwentyRateLimitedError",
    "TwentyResponseError",
    "TwentyServerError",
    "TwentyUnreachableError",
    "UploadedFile",
    "detect_api_profile",
]
