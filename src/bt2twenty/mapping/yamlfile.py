"""Read and write `mapping.yaml`, keeping a person's comments and order across rewrites.

A malformed file is reported with the line and column of each problem and what is expected
there, all problems at once.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from bt2twenty.errors import ConfigError
from bt2twenty.mapping.model import Mapping, MappingSettings

MAPPING_FILE_NAME = "mapping.yaml"

HEADER = (
    "bt2twenty mapping: Bluetrait → Twenty.\n"
    "Each source column maps to a target field (or a part of one) or is skipped with a reason.\n"
    "confidence, method and reason say why the proposer chose an entry; edit anything, then run\n"
    "`bt2twenty map confirm` to check the whole file and lock it before records move.\n"
)


class MappingFileError(ConfigError):
    """`mapping.yaml` cannot be read, or does not describe a valid mapping."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; raise `MappingFileError` listing every problem."""
    document = load_document(path)
    try:
        return Mapping.model_validate(_plain(document))
    except ValidationError as error:
        problems = [_describe(item, document, path) for item in error.errors()]
        listed = "\n  ".join(problems)
        raise MappingFileError(
            f"{path} is not a valid mapping ({len(problems)} "
            f"problem{'s' if len(problems) != 1 else ''}):\n  {listed}",
            hint="Fix the lines named above, or run `bt2twenty map propose` to start again.",
        ) from None


def load_document(path: Path) -> Any:
    """Read the YAML document with its comments, or raise naming the line and column."""
    if not path.parent.is_dir():
        raise MappingFileError(
            f"Project folder not found: {path.parent}.",
            hint="Check the --project path; `bt2twenty discover SOURCE --out FOLDER` creates one.",
        )
    if not path.is_file():
        raise MappingFileError(
            f"Mapping file not found: {path}.",
            hint=f"Run `bt2twenty map propose --project {path.parent}` to write one.",
        )
    try:
        document = _yaml().load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "an unknown line"
        raise MappingFileError(
            f"{path}: invalid YAML at {where}: {error.problem}.",
            hint="Check the indentation and quoting at that line.",
        ) from None
    if not isinstance(document, CommentedMap):
        raise MappingFileError(
            f"{path}: expected a mapping with settings, objects and value_maps at the top level.",
            hint="Run `bt2twenty map propose` to write a valid file.",
        )
    return document


def save_mapping(mapping: Mapping, path: Path) -> None:
    """Write the mapping; where the file exists, keep its comments and the order of its keys."""
    data = _readable(mapping.model_dump(mode="json", by_alias=True, exclude_none=True))
    # Every setting is written, unset ones as null, so the file lists what can be set.
    data["settings"] = mapping.settings.model_dump(mode="json")
    if path.is_file():
        document = load_document(path)
        _merge(document, data)
    else:
        document = _commented(data)
        document.yaml_set_start_comment(HEADER)
        _describe_settings(document)
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")


# What each setting decides; settings with a fixed set of values also get the list.
SETTING_HELP = {
    "tenant_time_zone": "IANA zone of Bluetrait's local times, e.g. Australia/Perth",
    "date_order": "order of day and month in ambiguous dates",
    "default_currency": "ISO 4217 code for amounts that name none",
    "phone_region": "ISO country of phone numbers written without +code",
    "single_name_policy": "where a one-word person name goes",
    "duplicate_email_policy": "a later person with the same primary email",
    "shared_domain_policy": "several companies with one domain",
    "duplicate_company_policy": "a later company with the same name",
    "existing_record_policy": "a record already in Twenty with the same email",
    "deleted_record_policy": "delta: a record whose Bluetrait row is gone",
    "open_quotes_as_opportunities": "also an opportunity per draft or sent quote: true or false",
    "fallback_owner": "email of the member who gets assignments of staff with no member",
    "repair_mojibake": "repair text garbled by a wrong encoding: true or false",
    "skip_objects": "source objects to leave out of the migration",
}


def _describe_settings(document: CommentedMap) -> None:
    """Add to each setting a comment saying what it decides and which values it takes."""
    settings = document.get("settings")
    if not isinstance(settings, CommentedMap):
        return
    for name, field in MappingSettings.model_fields.items():
        if name not in settings:
            continue
        text = SETTING_HELP.get(name, "")
        if get_origin(field.annotation) is Literal:
            choices = " | ".join(str(choice) for choice in get_args(field.annotation))
            text = f"{text}: {choices}" if text else choices
        if text:
            settings.yaml_add_eol_comment(text, name)


# Provenance keys go last in each entry, so the destination reads first.
_PROVENANCE_KEYS = ("confidence", "method", "reason")


def _readable(value: Any) -> Any:
    """Drop empty lists and maps, and put each entry's provenance after its destination."""
    if isinstance(value, list):
        return [_readable(item) for item in value]
    if not isinstance(value, dict):
        return value
    kept = {key: _readable(item) for key, item in value.items() if item not in ({}, [])}
    ordered = {key: item for key, item in kept.items() if key not in _PROVENANCE_KEYS}
    ordered.update({key: kept[key] for key in _PROVENANCE_KEYS if key in kept})
    return ordered


def _merge(document: CommentedMap, data: dict[str, Any]) -> None:
    for key in [key for key in document if key not in data]:
        del document[key]
    for key, value in data.items():
        current = document.get(key)
        if isinstance(value, dict) and isinstance(current, CommentedMap):
            _merge(current, value)
        elif current != value or key not in document:
            document[key] = _commented(value)


def _commented(value: Any) -> Any:
    if isinstance(value, dict):
        mapped = CommentedMap()
        for key, item in value.items():
            mapped[key] = _commented(item)
        return mapped
    if isinstance(value, list):
        return CommentedSeq([_commented(item) for item in value])
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _describe(item: Any, document: CommentedMap, path: Path) -> str:
    location = [str(part) for part in item["loc"]]
    line, column = _position(document, item["loc"])
    where = f"line {line}, column {column}" if line else "top level"
    dotted = ".".join(location) or "(file)"
    expected = item["msg"]
    if item["type"] == "extra_forbidden":
        expected = "unknown key; check its spelling"
    return f"{path.name} {where}: {dotted}: {expected}"


def _position(document: Any, loc: tuple[Any, ...]) -> tuple[int | None, int | None]:
    node = document
    line: int | None = None
    column: int | None = None
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            key_line, key_column = node.lc.key(part)
            line, column = key_line + 1, key_column + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            item_line, item_column = node.lc.item(part)
            line, column = item_line + 1, item_column + 1
            node = node[part]
        else:
            break
    return line, column
