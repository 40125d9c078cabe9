"""The operations only Twenty's GraphQL API offers: file uploads for attachments, and invitations.

Uploads follow the GraphQL multipart request convention (`operations`, `map`, then the file
parts). 1.x servers take `uploadFile` on `/graphql` and return a storage path for the
attachment's `fullPath`; 2.x servers take `uploadFilesFieldFile` on `/metadata` and return a
file id for the attachment's FILES field.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from dataclasses import dataclass
from typing import Any, Literal

from bt2twenty.twenty.era import ApiProfile
from bt2twenty.twenty.errors import (
    RequestSummary,
    TwentyApiError,
    TwentyAuthError,
    TwentyBadRequestError,
    TwentyNotFoundError,
    TwentyRateLimitedError,
    TwentyResponseError,
)
from bt2twenty.twenty.http import TwentyHttp

logger = logging.getLogger(__name__)

Endpoint = Literal["/graphql", "/metadata"]

UPLOAD_FILE_V1 = (
    "mutation UploadFile($file: Upload!, $fileFolder: FileFolder) "
    "{ uploadFile(file: $file, fileFolder: $fileFolder) }"
)
UPLOAD_FILE_V2 = (
    "mutation UploadFilesFieldFile($file: Upload!, $fieldMetadataId: String!) "
    "{ uploadFilesFieldFile(file: $file, fieldMetadataId: $fieldMetadataId) { id path url } }"
)
SEND_INVITATIONS = (
    "mutation SendInvitations($emails: [String!]!) "
    "{ sendInvitations(emails: $emails) { success errors } }"
)


@dataclass(frozen=True)
class UploadedFile:
    """A file stored by Twenty: a file id (2.x) or a storage path (1.x), and its size."""

    file_id: str | None
    path: str | None
    size: int


@dataclass(frozen=True)
class InvitationResult:
    """The result of `sendInvitations`: whether it succeeded and its per-email errors."""

    success: bool
    errors: list[str]


class GraphqlApi:
    """GraphQL operations that have no REST route."""

    def __init__(self, http: TwentyHttp, profile: ApiProfile) -> None:
        self._http = http
        self.profile = profile

    def execute(
        self, endpoint: Endpoint, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run one GraphQL operation and return its `data`, raising on GraphQL errors."""
        request = RequestSummary("POST", endpoint)
        data: dict[str, Any] = self._http.request(
            "POST",
            endpoint,
            json={"query": query, "variables": variables or {}},
            check=lambda body: _data_or_raise(body, request),
        )
        return data

    def upload_file(
        self,
        content: bytes,
        filename: str,
        *,
        field_metadata_id: str | None = None,
        file_folder: str = "Attachment",
    ) -> UploadedFile:
        """Upload bytes as a file; 2.x servers need the id of the FILES field it is for."""
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if self.profile.era == "v1":
            endpoint: Endpoint = "/graphql"
            query, variables = UPLOAD_FILE_V1, {"file": None, "fileFolder": file_folder}
        else:
            if field_metadata_id is None:
                raise TwentyResponseError(
                    "Uploading to a 2.x Twenty server needs the FILES field's metadata id.",
                    hint="Pass field_metadata_id: the id of the attachment object's `file` field.",
                )
            endpoint = "/metadata"
            query = UPLOAD_FILE_V2
            variables = {"file": None, "fieldMetadataId": field_metadata_id}

        request = RequestSummary("POST", endpoint)
        data: dict[str, Any] = self._http.request(
            "POST",
            endpoint,
            check=lambda body: _data_or_raise(body, request),
            data={
                "operations": json.dumps({"query": query, "variables": variables}),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": (filename, content, content_type)},
        )
        logger.info("Uploaded %s (%d bytes)", filename, len(content))
        return _uploaded(data, len(content))

    def send_invitations(self, emails: list[str]) -> InvitationResult:
        """Invite people to the workspace by email; Twenty sends the emails itself."""
        data = self.execute("/metadata", SEND_INVITATIONS, {"emails": emails})
        result = data.get("sendInvitations") or {}
        errors = [str(error) for error in result.get("errors") or []]
        logger.info("Sent %d invitations (%d errors)", len(emails), len(errors))
        return InvitationResult(success=bool(result.get("success")), errors=errors)


def _uploaded(data: dict[str, Any], size: int) -> UploadedFile:
    value = data.get("uploadFilesFieldFile", data.get("uploadFile"))
    if isinstance(value, str):
        return UploadedFile(file_id=None, path=value, size=size)
    if isinstance(value, dict):
        return UploadedFile(file_id=value.get("id"), path=value.get("path"), size=size)
    raise TwentyResponseError(
        f"Unexpected upload response from Twenty: {str(data)[:300]}",
        hint="Check the server's API era (setting twenty_era).",
    )


def _data_or_raise(body: Any, request: RequestSummary) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise TwentyResponseError(f"Unexpected GraphQL response: {str(body)[:300]}")
    errors = body.get("errors")
    if errors:
        raise _graphql_error(errors, request)
    data = body.get("data")
    if not isinstance(data, dict):
        raise TwentyResponseError(f"GraphQL response without data: {str(body)[:300]}")
    return data


def _graphql_error(errors: list[Any], request: RequestSummary) -> TwentyApiError:
    messages = [str(error.get("message", error)) for error in errors if isinstance(error, dict)]
    codes = {
        str(error.get("extensions", {}).get("code", ""))
        for error in errors
        if isinstance(error, dict)
    }
    common: dict[str, Any] = {
        "messages": messages,
        "request": request,
        "error_name": ",".join(codes),
    }
    if any("limit reached" in message.lower() for message in messages):
        return TwentyRateLimitedError(retry_after=None, status=429, **common)
    if codes & {"UNAUTHENTICATED", "FORBIDDEN"}:
        return TwentyAuthError(status=401, **common)
    if "NOT_FOUND" in codes:
        return TwentyNotFoundError(status=404, **common)
    return TwentyBadRequestError(status=400, **common)
