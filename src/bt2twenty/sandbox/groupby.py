"""``GET /rest/{objects}/groupBy``: record counts per combination of field values."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bt2twenty.sandbox.dedupe import duplicates, merge
from bt2twenty.sandbox.errors import bad_request
from bt2twenty.sandbox.filters import resolve_column
from bt2twenty.sandbox.records import object_for


def _group_paths(raw: str | None) -> list[str]:
    """Read `group_by` as a JSON list (``[{"stage": true}]`` or ``["stage"]``) or as names."""
    if not raw:
        raise bad_request("'group_by' is missing: give the fields to group by, e.g. group_by=stage")
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        return [part.strip() for part in raw.split(",") if part.strip()]
    paths: list[str] = []
    for item in parsed if isinstance(parsed, list) else [parsed]:
        if isinstance(item, str):
            paths.append(item)
        elif isinstance(item, dict):
            paths.extend(key for key, wanted in item.items() if wanted)
    return paths


async def group_by(request: Request) -> JSONResponse:
    """Count live records per distinct combination of the `group_by` fields, after `filter`."""
    # NOTE: the response shape follows Twenty's GraphQL groupBy (dimension values and a
    # count); the REST wrapper's exact keys were not confirmed.
    runtime, meta = object_for(request)
    columns = [
        resolve_column(meta, path, parameter="group_by")
        for path in _group_paths(request.query_params.get("group_by"))
    ]
    where, parameters = runtime.reader.where(meta, request.query_params.get("filter"))
    selected = ", ".join(column.sql for column in columns)
    rows = runtime.workspace.store.query(
        f"SELECT {selected}, COUNT(*) FROM records WHERE {where} "
        f"GROUP BY {selected} ORDER BY {selected}",
        parameters,
    )
    groups = [{"groupByDimensionValues": list(row[:-1]), "totalCount": row[-1]} for row in rows]
    return JSONResponse({"data": groups})


def collection_routes() -> list[Route]:
    """Return the routes on a whole collection that must match before ``/{objects}/{id}``."""
    return [
        Route("/rest/{objects}/duplicates", duplicates, methods=["POST"]),
        Route("/rest/{objects}/merge", merge, methods=["PATCH"]),
        Route("/rest/{objects}/groupBy", group_by, methods=["GET"]),
    ]
