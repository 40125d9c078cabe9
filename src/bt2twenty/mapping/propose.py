"""Propose a mapping from a source profile and the target schema.

Known Bluetrait columns take their place from the default map. Any other column is matched
against the target object's writable fields by name similarity (words of snake_case, camelCase
and labels, compared with rapidfuzz) and by whether its values fit the field's type; a column
that fits nothing well gets a new custom field of the type its values suggest. Every entry
records its confidence, the method and a one-line reason.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping as MappingType
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from bt2twenty.mapping.defaults import DEFAULT_OBJECTS, DefaultColumn, DefaultObject
from bt2twenty.mapping.llm import LLM_CONFIDENCE, LlmAdvisor
from bt2twenty.mapping.model import (
    ColumnMapping,
    Mapping,
    MappingSettings,
    NewField,
    NewObject,
    ObjectMapping,
    ValueMap,
    ValueOption,
)
from bt2twenty.mapping.naming import field_name_for, split_words
from bt2twenty.mapping.semantic import (
    MIN_LEAD,
    MIN_SIMILARITY,
    SEMANTIC_CONFIDENCE,
    SemanticMatcher,
)
from bt2twenty.mapping.target import TargetField, TargetObject, TargetSchema
from bt2twenty.sources.bluetrait.aliases import COLUMN_ALIASES, normalise_header
from bt2twenty.transform.options import build_options

logger = logging.getLogger(__name__)

# A matched column needs at least this score, and this lead over the runner-up, to be
# proposed as confident; below it the column gets a new field and is left for review.
CONFIDENT_SCORE = 0.8
CLEAR_LEAD = 0.08
# A header this close (rapidfuzz ratio, 0-100) to a known column name or alias is taken as a
# misspelling of it, provided no other known column comes within KNOWN_LEAD points.
KNOWN_SIMILARITY = 78
KNOWN_LEAD = 5
# Columns with at most this many distinct values, all short, are proposed as SELECT fields.
SELECT_MAX_DISTINCT = 12
SELECT_MAX_LENGTH = 40

# The Twenty field types a profiled value type can fill, best first.
COMPATIBLE_TYPES: dict[str, tuple[str, ...]] = {
    "email": ("EMAILS", "TEXT"),
    "phone": ("PHONES", "TEXT"),
    "url": ("LINKS", "TEXT"),
    "date": ("DATE", "DATE_TIME", "TEXT"),
    "datetime": ("DATE_TIME", "DATE", "TEXT"),
    "money": ("CURRENCY", "NUMERIC", "NUMBER"),
    "boolean": ("BOOLEAN", "SELECT"),
    "integer": ("NUMBER", "NUMERIC", "TEXT", "SELECT", "RATING"),
    "decimal": ("NUMERIC", "NUMBER", "CURRENCY"),
    "html": ("RICH_TEXT", "RICH_TEXT_V2", "TEXT"),
    "text": ("TEXT", "SELECT", "MULTI_SELECT", "FULL_NAME", "ADDRESS", "RICH_TEXT"),
    "id": ("TEXT", "NUMBER"),
    "id_reference": ("RELATION", "TEXT", "NUMBER"),
}
NEW_FIELD_TYPES = {
    "email": ("EMAILS", "emails"),
    "phone": ("PHONES", "phones"),
    "url": ("LINKS", "links"),
    "date": ("DATE", "date"),
    "datetime": ("DATE_TIME", "date_time"),
    "money": ("CURRENCY", "currency"),
    "boolean": ("BOOLEAN", "boolean"),
    "integer": ("NUMBER", "number"),
    "decimal": ("NUMERIC", "numeric"),
    "html": ("RICH_TEXT", "rich_text"),
}
CUSTOM_FIELD_TYPES = {
    "dropdown": ("SELECT", "select"),
    "select": ("SELECT", "select"),
    "checkbox": ("BOOLEAN", "boolean"),
    "date": ("DATE", "date"),
    "textarea": ("TEXT", "text"),
    "textinput": ("TEXT", "text"),
}
TRANSFORM_FOR_TYPE = {
    "TEXT": "text", "NUMBER": "number", "NUMERIC": "numeric", "BOOLEAN": "boolean",
    "DATE": "date", "DATE_TIME": "date_time", "CURRENCY": "currency", "EMAILS": "emails",
    "PHONES": "phones", "LINKS": "links", "ADDRESS": "address", "FULL_NAME": "full_name",
    "SELECT": "select", "MULTI_SELECT": "multi_select", "RICH_TEXT": "rich_text",
    "RICH_TEXT_V2": "rich_text", "RAW_JSON": "raw_json", "ARRAY": "array", "RATING": "select",
    "RELATION": "relation",
}  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    """A target field scored for one source column."""

    field: TargetField
    score: float
    name_score: float
    type_fits: bool


def propose_mapping(
    profile: MappingType[str, Any],
    schema: TargetSchema,
    *,
    advisor: LlmAdvisor | None = None,
    matcher: SemanticMatcher | None = None,
) -> Mapping:
    """Build a complete mapping proposal for every object and column of a source profile.

    Columns that would get a new custom field are first matched by meaning with `matcher`,
    then offered to `advisor`, when either is given.
    """
    options = profile.get("options", {})
    settings = MappingSettings(
        tenant_time_zone=options.get("zone", "Australia/Sydney"),
        date_order=options.get("default_date_order", "DMY"),
    )
    mapping = Mapping(settings=settings, target_origin=schema.origin)

    for source_object in profile.get("objects", []):
        name = source_object["name"]
        object_mapping = _propose_object(source_object, schema, mapping)
        target = schema.objects.get(object_mapping.target or "")
        if matcher is not None and target is not None:
            _match_by_meaning(matcher, source_object, object_mapping, target)
        if advisor is not None and target is not None:
            _ask_advisor(advisor, source_object, object_mapping, target)
        mapping.objects[name] = object_mapping
        if object_mapping.skip:
            settings.skip_objects.append(name)
    logger.info("Proposed a mapping for %d objects", len(mapping.objects))
    return mapping


def _propose_object(
    source_object: MappingType[str, Any], schema: TargetSchema, mapping: Mapping
) -> ObjectMapping:
    name = source_object["name"]
    default = DEFAULT_OBJECTS.get(name)
    if default is None:
        return ObjectMapping(
            skip=f"unrecognised file {name}: choose a target object by hand",
            confidence=0.0,
            method="none",
            reason="no default destination for this object",
        )
    if default.target is None:
        return ObjectMapping(
            skip=default.reason, confidence=1.0, method="default map", reason=default.reason
        )

    target = schema.objects.get(default.target)
    object_mapping = ObjectMapping(
        target=default.target,
        create=_new_object(default) if target is None else None,
        confidence=1.0,
        method="default map",
        reason=default.reason,
    )
    taken: set[str] = set()
    for column in source_object.get("columns", []):
        entry = _propose_column(name, column, default, target, taken, mapping)
        if entry.target and entry.part is None:
            taken.add(entry.target)
        object_mapping.columns[column["name"]] = entry
    return object_mapping


def _new_object(default: DefaultObject) -> NewObject | None:
    if default.custom_labels is None or default.target is None:
        return None
    singular, plural = default.custom_labels
    return NewObject(label_singular=singular, label_plural=plural, name_plural=default.target + "s")


def _propose_column(
    object_name: str,
    column: MappingType[str, Any],
    default: DefaultObject,
    target: TargetObject | None,
    taken: set[str],
    mapping: Mapping,
) -> ColumnMapping:
    column_name = column["name"]
    if column.get("type") == "secret":
        return ColumnMapping(
            skip="secret value; never migrated", method="value profile", reason="a secret"
        )
    if column.get("custom_field"):
        return _propose_custom_field(object_name, column, target, taken, mapping)
    known = default.columns.get(column_name)
    if known is not None:
        return _from_default(object_name, column, known, target, mapping)
    misspelt = _closest_known_column(object_name, column, default)
    if misspelt is not None:
        canonical, similarity = misspelt
        entry = _from_default(object_name, column, default.columns[canonical], target, mapping)
        entry.confidence = round(similarity * 0.95, 2)
        entry.method = "known column, spelt differently"
        entry.reason = f"'{column.get('header', column_name)}' reads as Bluetrait's {canonical}"
        return entry
    return _propose_unknown(object_name, column, target, taken, mapping)


def _closest_known_column(
    object_name: str, column: MappingType[str, Any], default: DefaultObject
) -> tuple[str, float] | None:
    """Return the known column a header misspells, with its similarity (0-1), if clear."""
    header = normalise_header(str(column.get("header") or column["name"]))
    names: dict[str, str] = {name: name for name in default.columns}
    for canonical, aliases in COLUMN_ALIASES.get(object_name, {}).items():
        if canonical in default.columns:
            names.update({alias: canonical for alias in aliases})

    scores: dict[str, float] = {}
    for name, canonical in names.items():
        score = fuzz.ratio(header, name)
        scores[canonical] = max(scores.get(canonical, 0.0), score)
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < KNOWN_SIMILARITY:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < KNOWN_LEAD:
        return None
    return ranked[0][0], ranked[0][1] / 100


def _from_default(
    object_name: str,
    column: MappingType[str, Any],
    known: DefaultColumn,
    target: TargetObject | None,
    mapping: Mapping,
) -> ColumnMapping:
    if known.target is None:
        return ColumnMapping(
            skip=known.label, method="default map", reason="known Bluetrait column"
        )

    existing = target.fields.get(known.target) if target else None
    is_name_of_custom = target is None and known.target == "name"
    create = None
    if existing is None and not is_name_of_custom and known.create_type:
        create = NewField(
            type=known.create_type,
            label=known.label or known.target,
            relation_target=_relation_target(known),
            unique=known.target == "bluetraitId",
        )
    value_map = _value_map_name(object_name, column, mapping) if known.value_map else None
    return ColumnMapping(
        target=known.target,
        part=known.part,
        transform=known.transform,
        params=dict(known.params),
        value_map=value_map,
        create=create,
        confidence=1.0,
        method="default map",
        reason=f"known Bluetrait column {column['name']}",
    )


def _relation_target(known: DefaultColumn) -> str | None:
    source_object = known.params.get("object")
    if known.create_type != "RELATION" or source_object is None:
        return None
    default = DEFAULT_OBJECTS.get(source_object)
    if known.transform == "member":
        return "workspaceMember"
    return default.target if default else None


def _propose_custom_field(
    object_name: str,
    column: MappingType[str, Any],
    target: TargetObject | None,
    taken: set[str],
    mapping: Mapping,
) -> ColumnMapping:
    custom = column["custom_field"]
    label = str(custom.get("label") or column["name"])
    field_type, transform = CUSTOM_FIELD_TYPES.get(
        str(custom.get("field_type", "")).lower(), ("TEXT", "text")
    )
    name = field_name_for(label, taken | set(target.fields if target else ()))
    value_map = None
    if field_type == "SELECT":
        value_map = _value_map_name(
            object_name, column, mapping, extra_values=custom.get("allowed_values") or []
        )
    return ColumnMapping(
        target=name,
        transform=transform,
        create=NewField(type=field_type, label=label),
        value_map=value_map,
        confidence=0.9,
        method="custom-field list",
        reason=f"Bluetrait custom field '{label}' ({custom.get('field_type')})",
    )


def _propose_unknown(
    object_name: str,
    column: MappingType[str, Any],
    target: TargetObject | None,
    taken: set[str],
    mapping: Mapping,
) -> ColumnMapping:
    ranked = rank_candidates(column, target, taken) if target else []
    best = ranked[0] if ranked else None
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if best and best.score >= CONFIDENT_SCORE and best.score - runner_up >= CLEAR_LEAD:
        value_map = None
        if best.field.type in {"SELECT", "MULTI_SELECT"}:
            value_map = _value_map_name(object_name, column, mapping, field=best.field)
        return ColumnMapping(
            target=best.field.name,
            transform=TRANSFORM_FOR_TYPE.get(best.field.type, "text"),
            value_map=value_map,
            confidence=round(best.score, 2),
            method="name similarity and value profile",
            reason=f"'{column.get('header', column['name'])}' resembles {best.field.label} "
            f"({best.field.type}), values fit",
        )
    return _new_field_for(object_name, column, target, taken, mapping, best)


def rank_candidates(
    column: MappingType[str, Any], target: TargetObject, taken: set[str]
) -> list[Candidate]:
    """Score every writable, untaken field of `target` for a column, best first."""
    words = " ".join(split_words(str(column.get("header") or column["name"])))
    value_type = str(column.get("type", "text"))
    fitting = COMPATIBLE_TYPES.get(value_type, ("TEXT",))
    candidates = []
    for target_field in target.fields.values():
        if not target_field.is_writable or target_field.name in taken:
            continue
        name_score = (
            max(
                fuzz.token_sort_ratio(words, " ".join(split_words(target_field.name))),
                fuzz.token_sort_ratio(words, " ".join(split_words(target_field.label))),
            )
            / 100
        )
        type_fits = target_field.type in fitting
        score = name_score * (1.0 if type_fits else 0.6)
        candidates.append(Candidate(target_field, score, name_score, type_fits))
    return sorted(candidates, key=lambda candidate: candidate.score, reverse=True)


def _new_field_for(
    object_name: str,
    column: MappingType[str, Any],
    target: TargetObject | None,
    taken: set[str],
    mapping: Mapping,
    best: Candidate | None,
) -> ColumnMapping:
    header = str(column.get("header") or column["name"])
    field_type, transform = _new_type(column)
    name = field_name_for(header, taken | set(target.fields if target else ()))
    value_map = None
    if field_type == "SELECT":
        value_map = _value_map_name(object_name, column, mapping)
    closest = f"; closest existing field {best.field.name} scored {best.score:.2f}" if best else ""
    return ColumnMapping(
        target=name,
        transform=transform,
        create=NewField(type=field_type, label=header.replace("_", " ").strip().capitalize()),
        value_map=value_map,
        confidence=0.5,
        method="new custom field",
        reason=f"no existing field fits '{header}'{closest}",
    )


def _new_type(column: MappingType[str, Any]) -> tuple[str, str]:
    value_type = str(column.get("type", "text"))
    if value_type in NEW_FIELD_TYPES:
        return NEW_FIELD_TYPES[value_type]
    distinct = column.get("distinct_values") or {}
    if (
        value_type == "text"
        and distinct
        and 1 < len(distinct) <= SELECT_MAX_DISTINCT
        and not column.get("distinct_overflow")
        and int(column.get("max_length") or 0) <= SELECT_MAX_LENGTH
        and int(column.get("filled") or 0) > len(distinct) * 2
    ):
        return ("SELECT", "select")
    return ("TEXT", "text")


def _value_map_name(
    object_name: str,
    column: MappingType[str, Any],
    mapping: Mapping,
    *,
    extra_values: list[str] | None = None,
    field: TargetField | None = None,
) -> str:
    key = f"{object_name}.{column['name']}"
    distinct = list((column.get("distinct_values") or {}).keys())
    labels = [*(extra_values or []), *distinct]
    options = build_options(labels)
    by_source = dict(
        zip(dict.fromkeys(v.strip() for v in labels if v.strip()), options, strict=True)
    )
    existing = set(field.options) if field else set()

    values: dict[str, ValueOption] = {}
    for source_value, option in by_source.items():
        stored = option.value
        if existing and stored not in existing:
            stored = _closest_option(option.value, existing) or stored
        values[source_value] = ValueOption(value=stored, label=option.label, color=option.color)

    field_type = "MULTI_SELECT" if column["name"] in {"tags", "labels"} else "SELECT"
    mapping.value_maps[key] = ValueMap(
        field_type=field_type,
        separator=";" if field_type == "MULTI_SELECT" else None,
        values=values,
        confidence=1.0 if not column.get("distinct_overflow") else 0.5,
        method="distinct values",
        reason=f"{len(values)} distinct values in {key}",
    )
    return key


def _closest_option(value: str, existing: set[str]) -> str | None:
    scored = [(fuzz.ratio(value, option), option) for option in existing]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] >= 85 else None


def _ask_advisor(
    advisor: LlmAdvisor,
    source_object: MappingType[str, Any],
    object_mapping: ObjectMapping,
    target: TargetObject,
) -> None:
    """Offer the columns headed for a new custom field to the LLM; keep only valid answers."""
    columns = {column["name"]: column for column in source_object.get("columns", [])}
    unplaced = [
        columns[name]
        for name, entry in object_mapping.columns.items()
        if entry.method == "new custom field" and name in columns
    ]
    suggestions = advisor.suggest(target, unplaced)
    taken = {e.target for e in object_mapping.columns.values() if e.target and e.create is None}
    for name, suggestion in suggestions.items():
        field = target.fields.get(suggestion.field)
        column = columns.get(name)
        if column is None or name not in object_mapping.columns or field is None:
            logger.info("LLM suggestion %s → %s ignored: no such field", name, suggestion.field)
            continue
        fitting = COMPATIBLE_TYPES.get(str(column.get("type", "text")), ("TEXT",))
        if not field.is_writable or field.name in taken or field.type not in fitting:
            logger.info(
                "LLM suggestion %s → %s ignored: field taken or type unfit", name, field.name
            )
            continue
        taken.add(field.name)
        object_mapping.columns[name] = ColumnMapping(
            target=field.name,
            transform=TRANSFORM_FOR_TYPE.get(field.type, "text"),
            confidence=LLM_CONFIDENCE,
            method=f"LLM suggestion ({advisor.model})",
            reason=suggestion.reason or f"the model placed '{column.get('header', name)}' here",
        )


def _match_by_meaning(
    matcher: SemanticMatcher,
    source_object: MappingType[str, Any],
    object_mapping: ObjectMapping,
    target: TargetObject,
) -> None:
    """Place columns headed for a new custom field on a field whose label means the same."""
    columns = {column["name"]: column for column in source_object.get("columns", [])}
    taken = {e.target for e in object_mapping.columns.values() if e.target and e.create is None}
    for name, entry in list(object_mapping.columns.items()):
        column = columns.get(name)
        if entry.method != "new custom field" or column is None:
            continue
        fitting = COMPATIBLE_TYPES.get(str(column.get("type", "text")), ("TEXT",))
        fields = [
            f
            for f in target.fields.values()
            if f.is_writable and f.name not in taken and f.type in fitting
        ]
        if not fields:
            continue
        header = " ".join(split_words(str(column.get("header") or name)))
        scores = matcher.similarities(header, [f.label for f in fields])
        ranked = sorted(zip(scores, fields, strict=True), key=lambda item: item[0], reverse=True)
        best_score, best = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if best_score < MIN_SIMILARITY or best_score - runner_up < MIN_LEAD:
            continue
        taken.add(best.name)
        object_mapping.columns[name] = ColumnMapping(
            target=best.name,
            transform=TRANSFORM_FOR_TYPE.get(best.type, "text"),
            confidence=SEMANTIC_CONFIDENCE,
            method="semantic similarity",
            reason=f"'{column.get('header', name)}' means much the same as {best.label} "
            f"(cosine {best_score:.2f}), values fit",
        )
