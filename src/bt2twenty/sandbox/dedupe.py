"""Duplicate search and record merge, as Twenty's ``duplicates`` and ``merge`` routes offer."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from bt2twenty.sandbox.defaults import present
from bt2twenty.sandbox.errors import bad_request
from bt2twenty.sandbox.records import capitalized, object_for, read_json
from bt2twenty.sandbox.runtime import Runtime
from bt2twenty.sandbox.schema import JsonObject, ObjectMeta
from bt2twenty.sandbox.values import require_uuid
from bt2twenty.sandbox.workspace import utc_now

logger = logging.getLogger(__name__)

# Field paths that make two records duplicates when all of a group's values are equal.
# NOTE: modelled on the criteria Twenty's UI shows for companies and people, not read from its
# source. Custom objects get none here.
DUPLICATE_CRITERIA: dict[str, list[list[str]]] = {
    "company": [["name"], ["domainName.primaryLinkUrl"]],
    "person": [
        ["name.firstName", "name.lastName"],
        ["emails.primaryEmail"],
        ["linkedinLink.primaryLinkUrl"],
    ],
}

# NOTE: an estimate of Twenty's cap on records merged in one request, not confirmed.
MAX_MERGE_RECORDS = 9


def _value_at(record: JsonObject, path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def find_duplicates(
    runtime: Runtime, meta: ObjectMeta, probe: JsonObject, exclude_id: str | None
) -> list[JsonObject]:
    """Return live records that share every value of one duplicate criterion with `probe`."""
    conditions, parameters = [], []
    for group in DUPLICATE_CRITERIA.get(meta.name_singular, []):
        values = [_value_at(probe, path) for path in group]
        if any(value in (None, "") for value in values):
            continue
        parts = [f"json_extract(data, '$.{path}') = ?" for path in group]
        conditions.append("(" + " AND ".join(parts) + ")")
        parameters.extend(values)
    if not conditions:
        return []
    rows = runtime.workspace.store.query(
        "SELECT data FROM records WHERE object = ? AND deleted_at IS NULL AND id != ? "
        f"AND ({' OR '.join(conditions)}) ORDER BY id",
        [meta.name_singular, exclude_id or "", *parameters],
    )
    now = utc_now()
    return [present(meta, json.loads(row[0]), now) for row in rows]


async def duplicates(request: Request) -> JSONResponse:
    """``POST /rest/{objects}/duplicates`` with ``{data: [...]}`` or ``{ids: [...]}``."""
    runtime, meta = object_for(request)
    body = await read_json(request)
    if not isinstance(body, dict) or ("data" in body) == ("ids" in body):
        raise bad_request("Body must have exactly one of 'data' (records) or 'ids' (record ids)")
    probes: list[tuple[JsonObject, str | None]] = []
    if "ids" in body:
        for record_id in body["ids"] or []:
            record = runtime.writer.live_record(meta, record_id)
            probes.append((record, record["id"]))
    else:
        for item in body["data"] or []:
            probes.append((runtime.writer.check_payload(meta, item), None))
    key = f"{meta.name_singular}Duplicates"
    result = []
    for probe, exclude_id in probes:
        found = find_duplicates(runtime, meta, probe, exclude_id)
        result.append(
            {
                "totalCount": len(found),
                "pageInfo": {
                    "hasNextPage": False,
                    "startCursor": found[0]["id"] if found else None,
                    "endCursor": found[-1]["id"] if found else None,
                },
                key: found,
            }
        )
    return JSONResponse({"data": result})


def _is_empty(value: Any) -> bool:
    if value in (None, "", [], {}):
        return True
    if isinstance(value, dict):
        return all(_is_empty(sub_value) for sub_value in value.values())
    return False


def merged_record(meta: ObjectMeta, records: list[JsonObject], priority: int) -> JsonObject:
    """Combine records: the priority record's values win, and others fill its empty fields."""
    result = dict(records[priority])
    others = [record for index, record in enumerate(records) if index != priority]
    skipped = {"id", "createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy", "position"}
    for key in list(result):
        if key in skipped or not _is_empty(result[key]):
            continue
        for other in others:
            if not _is_empty(other.get(key)):
                result[key] = other[key]
                break
    return result


async def merge(request: Request) -> JSONResponse:
    """``PATCH /rest/{objects}/merge`` with ``{ids, conflictPriorityIndex, dryRun}``."""
    runtime, meta = object_for(request)
    body = await read_json(request)
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not 2 <= len(ids) <= MAX_MERGE_RECORDS:
        raise bad_request(f"'ids' must list between 2 and {MAX_MERGE_RECORDS} record ids to merge")
    priority = body.get("conflictPriorityIndex", 0)
    if not isinstance(priority, int) or not 0 <= priority < len(ids):
        raise bad_request(f"conflictPriorityIndex {priority!r} is invalid: use an index into 'ids'")
    key = f"merge{capitalized(meta.name_plural)}"

    with runtime.transaction():
        records = [runtime.writer.live_record(meta, require_uuid(record_id)) for record_id in ids]
        result = merged_record(meta, records, priority)
        if body.get("dryRun") is True:
            return JSONResponse({"data": {key: present(meta, result, utc_now())}})
        kept_id = result["id"]
        for record in records:
            if record["id"] != kept_id:
                runtime.writer.repoint_referrers(meta, record["id"], kept_id)
                runtime.writer.soft_delete(meta, record["id"])
        saved = runtime.writer.apply_update(meta, records[priority], result)
    logger.info("Merged %s records %s into %s", meta.name_singular, ids, kept_id)
    return JSONResponse({"data": {key: present(meta, saved, utc_now())}})
