"""A small OpenAPI document of the workspace, from which a client can tell the era."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bt2twenty.sandbox.config import ERA_LIMITS
from bt2twenty.sandbox.runtime import Runtime
from bt2twenty.sandbox.schema import JsonObject

# Twenty versions the two eras imitate.
ERA_VERSIONS = {"v1": "1.18.1", "v2": "2.43.0"}


def _list_parameters(era: str) -> list[JsonObject]:
    limits = ERA_LIMITS[era]
    return [
        {"name": "filter", "in": "query", "schema": {"type": "string"}},
        {"name": "order_by", "in": "query", "schema": {"type": "string"}},
        {
            "name": "limit",
            "in": "query",
            "schema": {
                "type": "integer",
                "minimum": 0,
                "maximum": limits.max_limit,
                "default": limits.default_limit,
            },
        },
        {
            "name": "depth",
            "in": "query",
            "schema": {"type": "integer", "enum": [0, 1], "default": 0},
        },
        {"name": "starting_after", "in": "query", "schema": {"type": "string"}},
        {"name": "ending_before", "in": "query", "schema": {"type": "string"}},
    ]


def openapi_document(runtime: Runtime, base_url: str) -> JsonObject:
    """Build the document: one path group per active object, with the era's restore path."""
    era = runtime.era
    paths: JsonObject = {}
    for meta in runtime.workspace.objects.values():
        if not meta.is_active:
            continue
        plural = meta.name_plural
        paths[f"/{plural}"] = {
            "get": {"operationId": f"findMany{plural}", "parameters": _list_parameters(era)},
            "post": {"operationId": f"createOne{meta.name_singular}"},
        }
        paths[f"/batch/{plural}"] = {"post": {"operationId": f"createMany{plural}"}}
        paths[f"/{plural}/{{id}}"] = {
            "get": {"operationId": f"findOne{meta.name_singular}"},
            "patch": {"operationId": f"updateOne{meta.name_singular}"},
            "delete": {"operationId": f"deleteOne{meta.name_singular}"},
        }
        restore = f"/restore/{plural}/{{id}}" if era == "v1" else f"/{plural}/{{id}}/restore"
        paths[restore] = {"patch": {"operationId": f"restoreOne{meta.name_singular}"}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Twenty Api",
            "version": ERA_VERSIONS[era],
            "description": "Twenty sandbox workspace API",
        },
        "servers": [{"url": f"{base_url}/rest/"}],
        "paths": paths,
    }


async def core_schema(request: Request) -> Response:
    """``GET /rest/open-api/core``."""
    runtime: Runtime = request.app.state.runtime
    base_url = f"{request.url.scheme}://{request.url.netloc}"
    return JSONResponse(openapi_document(runtime, base_url))


def openapi_routes() -> list[Route]:
    """Return the OpenAPI route."""
    return [Route("/rest/open-api/core", core_schema, methods=["GET"])]
