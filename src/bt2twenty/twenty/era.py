"""Which generation of Twenty's API a server speaks, read from the server itself.

Twenty changed its contract between releases: 1.x restores at `/rest/restore/{objects}/{id}`
and names rich text `RICH_TEXT_V2`; 2.x restores at `/rest/{objects}/{id}/restore`, names it
`RICH_TEXT`, and hard-deletes on `DELETE` unless `soft_delete=true`. `detect_api_profile` reads
the workspace's OpenAPI document and falls back to the metadata's field type names; a setting
can force either era.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from bt2twenty.twenty.errors import TwentyApiError
from bt2twenty.twenty.http import TwentyHttp

logger = logging.getLogger(__name__)

Era = Literal["v1", "v2"]

# Twenty's documentation advertises 60 records per batch call in every era, although current
# servers accept far more; a server whose error states a lower maximum is believed instead.
DOCUMENTED_BATCH_SIZE = 60


@dataclass(frozen=True)
class ApiProfile:
    """The behaviour of one Twenty server that the client must follow."""

    era: Era
    detected_from: str
    max_page_size: int
    max_batch_size: int = DOCUMENTED_BATCH_SIZE
    server_version: str | None = None

    @property
    def rich_text_type(self) -> str:
        """The field type name of rich text bodies (note and task `bodyV2`)."""
        return "RICH_TEXT_V2" if self.era == "v1" else "RICH_TEXT"

    def restore_path(self, objects: str, record_id: str) -> str:
        """Return the REST path that restores one soft-deleted record."""
        if self.era == "v1":
            return f"/rest/restore/{objects}/{record_id}"
        return f"/rest/{objects}/{record_id}/restore"


V1_PROFILE = ApiProfile(era="v1", detected_from="setting", max_page_size=200)
V2_PROFILE = ApiProfile(era="v2", detected_from="setting", max_page_size=1000)


def profile_for(era: Era) -> ApiProfile:
    """Return the profile of an era forced by a setting."""
    return V1_PROFILE if era == "v1" else V2_PROFILE


def detect_api_profile(http: TwentyHttp) -> ApiProfile:
    """Read the server's OpenAPI document (else its metadata) and return its API profile."""
    try:
        document = http.request("GET", "/rest/open-api/core")
    except TwentyApiError as error:
        logger.info("OpenAPI document not available (%s); reading metadata instead", error.status)
    else:
        if isinstance(document, dict) and isinstance(document.get("paths"), dict):
            return _profile_from_openapi(document)

    return _profile_from_metadata(http)


def _profile_from_openapi(document: dict[str, Any]) -> ApiProfile:
    paths = list(document["paths"])
    era: Era = "v2"
    if any(re.match(r"^(/rest)?/restore/", path) for path in paths):
        era = "v1"
    elif not any(path.endswith("/restore") for path in paths):
        era = "v2"

    limit_maximum = _limit_maximum(document)
    base = profile_for(era)
    version = document.get("info", {}).get("version")
    profile = replace(
        base,
        detected_from="OpenAPI document",
        max_page_size=limit_maximum or base.max_page_size,
        server_version=str(version) if version is not None else None,
    )
    logger.info("Twenty API era %s (page maximum %d)", profile.era, profile.max_page_size)
    return profile


def _limit_maximum(document: dict[str, Any]) -> int | None:
    parameters = document.get("components", {}).get("parameters", {})
    for parameter in parameters.values():
        if isinstance(parameter, dict) and parameter.get("name") == "limit":
            maximum = parameter.get("schema", {}).get("maximum")
            if isinstance(maximum, int):
                return maximum
    for operations in document["paths"].values():
        for operation in operations.values() if isinstance(operations, dict) else []:
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if isinstance(parameter, dict) and parameter.get("name") == "limit":
                    maximum = parameter.get("schema", {}).get("maximum")
                    if isinstance(maximum, int):
                        return maximum
    return None


def _profile_from_metadata(http: TwentyHttp) -> ApiProfile:
    body = http.request("GET", "/rest/metadata/fields", params={"limit": 1000})
    text = repr(body)
    era: Era = "v1" if "RICH_TEXT_V2" in text else "v2"
    profile = replace(profile_for(era), detected_from="field type names")
    logger.info("Twenty API era %s, from field type names", era)
    return profile
