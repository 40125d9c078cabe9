"""Values a record gets for the fields a write leaves out, and how records are presented."""

from __future__ import annotations

import re
from typing import Any

from bt2twenty.sandbox.schema import (
    COMPOSITE_SUBFIELDS,
    FieldMeta,
    JsonObject,
    ObjectMeta,
    composite_kind,
)

_QUOTED = re.compile(r"^['\"](.*)['\"]$", re.DOTALL)

_EMPTY_SUBVALUES = {
    "text": "",
    "nullable_text": None,
    "list": None,
    "number": None,
    "uuid": None,
    "json": None,
}


def unquote(value: Any) -> Any:
    """Strip the quotes of a metadata default such as ``"'NEW'"``; other values pass through."""
    if isinstance(value, str):
        match = _QUOTED.match(value)
        if match:
            return match.group(1)
    return value


def default_for(field: FieldMeta, now: str) -> Any:
    """Return the value a new record stores when a write leaves `field` out."""
    kind = composite_kind(field.type)
    declared = field.default_value
    if kind is not None:
        value = {
            sub: _EMPTY_SUBVALUES[sub_kind] for sub, sub_kind in COMPOSITE_SUBFIELDS[kind].items()
        }
        if isinstance(declared, dict):
            value.update({sub: unquote(sub_value) for sub, sub_value in declared.items()})
        return value
    if declared is not None:
        if declared == "now" and field.type in ("DATE_TIME", "DATE"):
            return now if field.type == "DATE_TIME" else now[:10]
        if isinstance(declared, list):
            return [unquote(item) for item in declared]
        return unquote(declared)
    if field.type == "TEXT":
        return ""
    return None


def present(meta: ObjectMeta, record: JsonObject, now: str) -> JsonObject:
    """Return a record as the REST API shows it at depth 0: active fields and join columns."""
    visible: JsonObject = {}
    for field in meta.active_fields():
        if field.type == "TS_VECTOR":
            continue
        if field.type == "RELATION":
            column = field.join_column
            if column is not None:
                visible[column] = record.get(column)
            continue
        if field.type == "FILES" and isinstance(record.get(field.name), list):
            visible[field.name] = [_with_url(item) for item in record[field.name]]
        elif field.name in record:
            visible[field.name] = record[field.name]
        else:
            visible[field.name] = default_for(field, now) if field.name != "deletedAt" else None
    return visible


def _with_url(item: Any) -> Any:
    """Add the download URL Twenty 2.x puts on each file of a FILES field it returns.

    NOTE: Twenty returns an absolute URL carrying a signed token; the stand-in returns the path
    and authenticates the download by the API key, like its other routes.
    """
    if not isinstance(item, dict) or not isinstance(item.get("fileId"), str):
        return item
    return {**item, "url": f"/files-field/{item['fileId']}"}


def _template(meta: ObjectMeta) -> tuple[JsonObject, list[str]]:
    """Return the defaults that do not depend on the time, and the fields that do."""
    template: JsonObject = {}
    timed: list[str] = []
    for field in meta.active_fields():
        if field.type in ("RELATION", "TS_VECTOR"):
            continue
        if field.default_value == "now":
            timed.append(field.name)
        template[field.name] = default_for(field, "")
    for column in meta.join_columns():
        template[column] = None
    return template, timed


def new_record_template(meta: ObjectMeta, now: str) -> JsonObject:
    """Return a new record with every default of `meta`, and `now` in time-based defaults."""
    template, timed = meta.cached("template", lambda: _template(meta))
    record = {
        key: dict(value) if isinstance(value, dict) else value for key, value in template.items()
    }
    for name in timed:
        record[name] = now if meta.fields[name].type == "DATE_TIME" else now[:10]
    return record
