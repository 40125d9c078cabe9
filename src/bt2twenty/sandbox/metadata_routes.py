"""Metadata REST routes (``/rest/metadata/objects`` and ``/fields``) with Twenty's envelopes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bt2twenty.sandbox.errors import bad_request
from bt2twenty.sandbox.metadata import SchemaEditor
from bt2twenty.sandbox.metadata_shapes import field_json, object_json
from bt2twenty.sandbox.records import read_json
from bt2twenty.sandbox.runtime import Runtime
from bt2twenty.sandbox.schema import JsonObject

_COLLECTIONS = ("objects", "fields")


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _editor(request: Request) -> tuple[Runtime, SchemaEditor]:
    runtime = _runtime(request)
    collection = request.path_params["collection"]
    if collection not in _COLLECTIONS:
        raise bad_request(
            f"Invalid metadata path '{collection}': use one of {', '.join(_COLLECTIONS)}"
        )
    return runtime, SchemaEditor(runtime.workspace)


def _page(items: list[JsonObject], request: Request) -> tuple[list[JsonObject], JsonObject]:
    params = request.query_params
    after, before = params.get("starting_after"), params.get("ending_before")
    if after and before:
        raise bad_request("'starting_after' and 'ending_before' cannot be used together")
    ids = [item["id"] for item in items]
    if after in ids:
        items = items[ids.index(after) + 1 :]
    elif before in ids:
        items = items[: ids.index(before)]
    limit_text = params.get("limit")
    try:
        limit = int(limit_text) if limit_text is not None else 1000
    except ValueError:
        raise bad_request(f"limit '{limit_text}' is invalid. Should be an integer") from None
    page = items[:limit]
    info = {
        "hasNextPage": len(items) > limit,
        "startCursor": page[0]["id"] if page else None,
        "endCursor": page[-1]["id"] if page else None,
    }
    return page, info


def _list_body(runtime: Runtime, key: str, items: list[JsonObject], request: Request) -> JsonObject:
    page, info = _page(items, request)
    if runtime.era == "v1":
        return {"data": {key: page}, "pageInfo": info, "totalCount": len(items)}
    return {"data": page, "pageInfo": info, "totalCount": len(items)}


async def list_items(request: Request) -> JSONResponse:
    """``GET /rest/metadata/objects`` or ``/fields``."""
    runtime, _ = _editor(request)
    workspace = runtime.workspace
    if request.path_params["collection"] == "objects":
        items = [object_json(workspace, meta) for meta in workspace.objects.values()]
    else:
        items = [
            field_json(workspace, field)
            for meta in workspace.objects.values()
            for field in meta.fields.values()
        ]
    return JSONResponse(_list_body(runtime, request.path_params["collection"], items, request))


async def get_item(request: Request) -> JSONResponse:
    """``GET /rest/metadata/{objects|fields}/{id}``."""
    # NOTE: both eras wrap one item as {data: {object}} or {data: {field}}, the shape of 1.x's
    # flattened GraphQL result. The 2.x REST wrapper for a single item was not confirmed.
    runtime, editor = _editor(request)
    item_id = request.path_params["id"]
    if request.path_params["collection"] == "objects":
        return JSONResponse(
            {"data": {"object": object_json(runtime.workspace, editor.find_object(item_id))}}
        )
    return JSONResponse(
        {"data": {"field": field_json(runtime.workspace, editor.find_field(item_id))}}
    )


async def create_item(request: Request) -> JSONResponse:
    """``POST /rest/metadata/objects`` or ``/fields`` with the flat input object."""
    runtime, editor = _editor(request)
    body = await read_json(request)
    document: Any
    with runtime.schema_transaction():
        if request.path_params["collection"] == "objects":
            document = {
                "createOneObject": object_json(runtime.workspace, editor.create_object(body))
            }
        else:
            document = {"createOneField": field_json(runtime.workspace, editor.create_field(body))}
    return JSONResponse({"data": document}, status_code=201)


async def update_item(request: Request) -> JSONResponse:
    """``PATCH /rest/metadata/{objects|fields}/{id}``: e.g. ``{"isActive": false}`` deactivates."""
    runtime, editor = _editor(request)
    body = await read_json(request)
    item_id = request.path_params["id"]
    with runtime.schema_transaction():
        if request.path_params["collection"] == "objects":
            meta = editor.update_object(editor.find_object(item_id), body)
            document = {"updateOneObject": object_json(runtime.workspace, meta)}
        else:
            field = editor.update_field(editor.find_field(item_id), body)
            document = {"updateOneField": field_json(runtime.workspace, field)}
    return JSONResponse({"data": document})


async def delete_item(request: Request) -> JSONResponse:
    """``DELETE /rest/metadata/{objects|fields}/{id}``."""
    runtime, editor = _editor(request)
    item_id = request.path_params["id"]
    with runtime.schema_transaction():
        if request.path_params["collection"] == "objects":
            meta = editor.find_object(item_id)
            deleted = object_json(runtime.workspace, meta)
            editor.delete_object(meta)
            document = {"deleteOneObject": deleted}
        else:
            field = editor.find_field(item_id)
            deleted = field_json(runtime.workspace, field)
            editor.delete_field(field)
            document = {"deleteOneField": deleted}
    return JSONResponse({"data": document})


def metadata_routes() -> list[Route]:
    """Return the metadata REST routes."""
    return [
        Route("/rest/metadata/{collection}", list_items, methods=["GET"]),
        Route("/rest/metadata/{collection}", create_item, methods=["POST"]),
        Route("/rest/metadata/{collection}/{id}", get_item, methods=["GET"]),
        Route("/rest/metadata/{collection}/{id}", update_item, methods=["PATCH", "PUT"]),
        Route("/rest/metadata/{collection}/{id}", delete_item, methods=["DELETE"]),
    ]
