"""Uploads and invitations, the two things the client does over GraphQL."""

from __future__ import annotations

import pytest

from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.twenty import TwentyClient

pytestmark = pytest.mark.contract


@pytest.mark.parametrize("era", ["v1", "v2"])
def test_upload_file_per_era(era: str) -> None:
    with running_sandbox(
        SandboxConfig(api_key="upload-key", era=era, rate_limit_per_minute=None)
    ) as sandbox:  # type: ignore[arg-type]
        with TwentyClient(sandbox.url, sandbox.api_key, rate_limit_per_minute=None) as client:
            assert client.profile.era == era
            field_id = None
            if era == "v2":
                fields = client.metadata.list_fields()
                attachment = client.metadata.find_object("attachment")
                assert attachment is not None
                field_id = next(
                    f["id"]
                    for f in fields
                    if f["objectMetadataId"] == attachment["id"] and f["name"] == "file"
                )
            uploaded = client.graphql.upload_file(
                b"\x89PNG fake bytes", "screen shot.png", field_metadata_id=field_id
            )
    assert uploaded.size == len(b"\x89PNG fake bytes")
    if era == "v1":
        assert uploaded.path
    else:
        assert uploaded.file_id


def test_send_invitations_recorded() -> None:
    with (
        running_sandbox(SandboxConfig(api_key="invite-key", rate_limit_per_minute=None)) as sandbox,
        TwentyClient(sandbox.url, sandbox.api_key, rate_limit_per_minute=None) as client,
    ):
        result = client.graphql.send_invitations(["alex@example.com", "sam@example.com"])
    assert result.success
    assert result.errors == []
