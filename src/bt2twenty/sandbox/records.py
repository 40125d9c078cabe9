"""Record REST routes (``/rest/{objects}``…) with Twenty's envelopes and status codes."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bt2twenty.sandbox.defaults import present
from bt2twenty.sandbox.errors import bad_request, forbidden
from bt2twenty.sandbox.reads import ListQuery, parse_depth, parse_limit
from bt2twenty.sandbox.runtime import Runtime
from bt2twenty.sandbox.schema import JsonObject, ObjectMeta
from bt2twenty.sandbox.workspace import utc_now

logger = logging.getLogger(__name__)


def capitalized(name: str) -> str:
    """Return `name` with its first letter in upper case, as Twenty builds response keys."""
    return name[0].upper() + name[1:]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def read_json(request: Request) -> Any:
    """Return the parsed JSON body, or raise a 400 that quotes the parser's complaint."""
    raw = await request.body()
    try:
        return json.loads(raw or b"null")
    except json.JSONDecodeError as failure:
        raise bad_request(f"Invalid JSON body: {failure}") from None


def object_for(request: Request) -> tuple[Runtime, ObjectMeta]:
    """Return the runtime and the object named by the path's ``{objects}`` segment."""
    runtime = _runtime(request)
    return runtime, runtime.workspace.object_by_plural(request.path_params["objects"])


def _shown(runtime: Runtime, meta: ObjectMeta, record: JsonObject, depth: int = 0) -> JsonObject:
    return runtime.reader.expand(meta, present(meta, record, utc_now()), depth)


def selected_keys(runtime: Runtime, meta: ObjectMeta, raw: str | None) -> set[str] | None:
    """Parse 2.x's ``fields`` parameter into the record keys to return; None returns all.

    ``id`` is always returned, and a relation name also returns its join column.
    """
    if raw is None or runtime.era == "v1":
        return None
    keys = {"id"}
    join_columns = meta.join_columns()
    for name in (part.strip() for part in raw.split(",")):
        field = meta.field_named(name)
        if name in join_columns:
            keys.add(name)
        elif field is None or field.type == "TS_VECTOR":
            raise bad_request(
                f"'fields' parameter invalid. Field '{name}' does not exist on "
                f"object '{meta.name_singular}'"
            )
        else:
            keys.add(name)
            if field.join_column is not None:
                keys.add(field.join_column)
    return keys


def _select(record: JsonObject, keys: set[str] | None) -> JsonObject:
    if keys is None:
        return record
    return {key: value for key, value in record.items() if key in keys}


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name) == "true"


def _reject_member_writes(meta: ObjectMeta) -> None:
    # Twenty creates members only through sign-up or an accepted invitation, and rejects API
    # creates even from an admin key.
    if meta.name_singular == "workspaceMember":
        raise forbidden("Entity performing the request does not have permission.")


async def find_many(request: Request) -> JSONResponse:
    """``GET /rest/{objects}``: one page of records, `totalCount` and `pageInfo`."""
    runtime, meta = object_for(request)
    params = request.query_params
    query = ListQuery(
        limit=parse_limit(params.get("limit"), runtime.era),
        depth=parse_depth(params.get("depth")),
        filter_text=params.get("filter"),
        order_by=params.get("order_by"),
        starting_after=params.get("starting_after"),
        ending_before=params.get("ending_before"),
    )
    keys = selected_keys(runtime, meta, params.get("fields"))
    page = runtime.reader.find_page(meta, query)
    return JSONResponse(
        {
            "data": {meta.name_plural: [_select(record, keys) for record in page.records]},
            "totalCount": page.total_count,
            "pageInfo": {
                "hasNextPage": page.has_next_page,
                "startCursor": page.start_cursor,
                "endCursor": page.end_cursor,
            },
        }
    )


async def find_one(request: Request) -> JSONResponse:
    """``GET /rest/{objects}/{id}``."""
    runtime, meta = object_for(request)
    depth = parse_depth(request.query_params.get("depth"))
    keys = selected_keys(runtime, meta, request.query_params.get("fields"))
    record = runtime.reader.get(meta, request.path_params["id"], depth)
    return JSONResponse({"data": {meta.name_singular: _select(record, keys)}})


async def create_one(request: Request) -> JSONResponse:
    """``POST /rest/{objects}``, with ``?upsert=true`` allowed."""
    runtime, meta = object_for(request)
    _reject_member_writes(meta)
    payload = await read_json(request)
    depth = parse_depth(request.query_params.get("depth"))
    keys = selected_keys(runtime, meta, request.query_params.get("fields"))
    with runtime.transaction():
        record = runtime.writer.create(meta, payload, upsert=_flag(request, "upsert"))
    response_record = _select(_shown(runtime, meta, record, depth), keys)
    return JSONResponse(
        {"data": {f"create{capitalized(meta.name_singular)}": response_record}}, status_code=201
    )


async def create_many(request: Request) -> JSONResponse:
    """``POST /rest/batch/{objects}``: a JSON array of records, one transaction for all."""
    runtime, meta = object_for(request)
    _reject_member_writes(meta)
    payload = await read_json(request)
    if not isinstance(payload, list):
        raise bad_request("Body must be an array")
    if not payload:
        raise bad_request("Input must not be empty")
    if len(payload) > runtime.config.max_batch:
        raise bad_request(
            f"Maximum number of records to upsert is {runtime.config.max_batch}.",
            code="TOO_MANY_RECORDS_TO_UPDATE",
        )
    depth = parse_depth(request.query_params.get("depth"))
    upsert = _flag(request, "upsert")
    keys = selected_keys(runtime, meta, request.query_params.get("fields"))
    with runtime.transaction():
        records = [runtime.writer.create(meta, item, upsert=upsert) for item in payload]
    response_records = [_select(_shown(runtime, meta, record, depth), keys) for record in records]
    return JSONResponse(
        {"data": {f"create{capitalized(meta.name_plural)}": response_records}}, status_code=201
    )


async def update_one(request: Request) -> JSONResponse:
    """``PATCH /rest/{objects}/{id}`` (and the legacy ``PUT``)."""
    runtime, meta = object_for(request)
    payload = await read_json(request)
    with runtime.transaction():
        record = runtime.writer.update(meta, request.path_params["id"], payload)
    return JSONResponse(
        {"data": {f"update{capitalized(meta.name_singular)}": _shown(runtime, meta, record)}}
    )


async def update_many(request: Request) -> JSONResponse:
    """``PATCH /rest/{objects}?filter=…``: the same changes on every live match."""
    runtime, meta = object_for(request)
    payload = await read_json(request)
    with runtime.transaction():
        ids = runtime.reader.matching_ids(meta, request.query_params.get("filter"), deleted=False)
        records = [runtime.writer.update(meta, record_id, payload) for record_id in ids]
    response_records = [_shown(runtime, meta, record) for record in records]
    return JSONResponse({"data": {f"update{capitalized(meta.name_plural)}": response_records}})


async def delete_one(request: Request) -> JSONResponse:
    """``DELETE /rest/{objects}/{id}``: destroy, or soft delete with ``soft_delete=true``."""
    runtime, meta = object_for(request)
    soft = _flag(request, "soft_delete")
    with runtime.transaction():
        if soft:
            record = runtime.writer.soft_delete(meta, request.path_params["id"])
        else:
            record = runtime.writer.destroy(meta, request.path_params["id"])
    body: JsonObject = {
        "data": {f"delete{capitalized(meta.name_singular)}": _shown(runtime, meta, record)}
    }
    if soft:
        body["softDelete"] = True
    return JSONResponse(body)


async def delete_many(request: Request) -> JSONResponse:
    """``DELETE /rest/{objects}?filter=…``: destroy, or soft delete, every match."""
    runtime, meta = object_for(request)
    soft = _flag(request, "soft_delete")
    filter_text = request.query_params.get("filter")
    with runtime.transaction():
        ids = runtime.reader.matching_ids(meta, filter_text, deleted=False if soft else None)
        if soft:
            records = [runtime.writer.soft_delete(meta, record_id) for record_id in ids]
        else:
            records = [runtime.writer.destroy(meta, record_id) for record_id in ids]
    response_records = [_shown(runtime, meta, record) for record in records]
    return JSONResponse({"data": {f"delete{capitalized(meta.name_plural)}": response_records}})


async def restore_one(request: Request) -> JSONResponse:
    """Restore one soft-deleted record.

    The path is ``/rest/{objects}/{id}/restore`` in 2.x and ``/rest/restore/{objects}/{id}`` in 1.x.
    """
    runtime, meta = object_for(request)
    with runtime.transaction():
        record = runtime.writer.restore(meta, request.path_params["id"])
    return JSONResponse(
        {"data": {f"restore{capitalized(meta.name_singular)}": _shown(runtime, meta, record)}}
    )


async def restore_many(request: Request) -> JSONResponse:
    """Restore every soft-deleted record a filter matches."""
    runtime, meta = object_for(request)
    with runtime.transaction():
        ids = runtime.reader.matching_ids(meta, request.query_params.get("filter"), deleted=True)
        records = [runtime.writer.restore(meta, record_id) for record_id in ids]
    response_records = [_shown(runtime, meta, record) for record in records]
    return JSONResponse({"data": {f"restore{capitalized(meta.name_plural)}": response_records}})


def record_routes(era: str) -> list[Route]:
    """Return the record routes of an era, most specific paths first."""
    if era == "v1":
        restore = [
            Route("/rest/restore/{objects}/{id}", restore_one, methods=["PATCH"]),
            Route("/rest/restore/{objects}", restore_many, methods=["PATCH"]),
        ]
    else:
        restore = [
            Route("/rest/{objects}/restore", restore_many, methods=["PATCH"]),
            Route("/rest/{objects}/{id}/restore", restore_one, methods=["PATCH"]),
        ]
    return [
        Route("/rest/batch/{objects}", create_many, methods=["POST"]),
        *restore,
        Route("/rest/{objects}/{id}", find_one, methods=["GET"]),
        Route("/rest/{objects}/{id}", update_one, methods=["PATCH", "PUT"]),
        Route("/rest/{objects}/{id}", delete_one, methods=["DELETE"]),
        Route("/rest/{objects}", find_many, methods=["GET"]),
        Route("/rest/{objects}", create_one, methods=["POST"]),
        Route("/rest/{objects}", update_many, methods=["PATCH", "PUT"]),
        Route("/rest/{objects}", delete_many, methods=["DELETE"]),
    ]
