"""Check a payload against the target object's metadata before it is sent.

Every problem of a record is collected: an unknown field, a null in a required field, a select
value that is not an option, a composite value with sub-fields Twenty does not have, a join
column with no relation behind it. A record with any of these goes to quarantine with all of
them, instead of failing a whole batch at Twenty.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from typing import Any

from bt2twenty.mapping.target import TargetField, TargetObject
from bt2twenty.transform.result import Problem, reject

# The sub-fields Twenty accepts in each composite value.
COMPOSITE_KEYS: dict[str, frozenset[str]] = {
    "FULL_NAME": frozenset({"firstName", "lastName"}),
    "EMAILS": frozenset({"primaryEmail", "additionalEmails"}),
    "PHONES": frozenset(
        {
            "primaryPhoneNumber",
            "primaryPhoneCountryCode",
            "primaryPhoneCallingCode",
            "additionalPhones",
        }
    ),
    "LINKS": frozenset({"primaryLinkUrl", "primaryLinkLabel", "secondaryLinks"}),
    "ADDRESS": frozenset(
        {
            "addressStreet1",
            "addressStreet2",
            "addressCity",
            "addressPostcode",
            "addressState",
            "addressCountry",
            "addressLat",
            "addressLng",
        }
    ),
    "CURRENCY": frozenset({"amountMicros", "currencyCode"}),
    "ACTOR": frozenset({"source", "workspaceMemberId", "name", "context"}),
    "RICH_TEXT": frozenset({"blocknote", "markdown"}),
    "RICH_TEXT_V2": frozenset({"blocknote", "markdown"}),
}
_ALWAYS_ACCEPTED = frozenset({"id"})


def validate_payload(payload: MappingType[str, Any], target: TargetObject) -> list[Problem]:
    """Return every reason Twenty would reject `payload` for `target` (empty when none)."""
    problems: list[Problem] = []
    relations = {
        f"{field.name}Id": field
        for field in target.fields.values()
        if field.type == "RELATION" and field.relation_type != "ONE_TO_MANY"
    }
    for key, value in payload.items():
        if key in _ALWAYS_ACCEPTED:
            continue
        field = target.fields.get(key)
        if field is None:
            if key in relations:
                continue
            problems.append(
                reject(
                    "UNKNOWN_FIELD",
                    f"{target.name_singular} has no field {key!r}; run "
                    "`bt2twenty schema apply` or change the mapping",
                )
            )
            continue
        problems.extend(_check_value(target.name_singular, field, value))

    for field in target.fields.values():
        is_required = (
            field.is_writable
            and not field.is_nullable
            and not field.has_default
            and field.type != "RELATION"
        )
        if is_required and payload.get(field.name) in (None, "", {}):
            problems.append(
                reject(
                    "REQUIRED_FIELD_EMPTY",
                    f"{target.name_singular}.{field.name} is required but empty",
                )
            )
    return problems


def _check_value(object_name: str, field: TargetField, value: Any) -> list[Problem]:
    where = f"{object_name}.{field.name}"
    if value is None:
        if not field.is_nullable:
            return [reject("NULL_NOT_ALLOWED", f"{where} cannot be empty in Twenty")]
        return []
    if field.type in COMPOSITE_KEYS:
        return _check_composite(where, field.type, value)
    if field.type == "SELECT":
        if field.options and value not in field.options:
            return [
                reject(
                    "UNKNOWN_OPTION",
                    f"{where}: {value!r} is not one of its options; add "
                    "it to the value map and run `bt2twenty schema apply`",
                )
            ]
        return []
    if field.type == "MULTI_SELECT":
        unknown = [item for item in value if field.options and item not in field.options]
        if unknown:
            return [reject("UNKNOWN_OPTION", f"{where}: {unknown!r} are not among its options")]
        return []
    return _check_scalar(where, field.type, value)


def _check_composite(where: str, field_type: str, value: Any) -> list[Problem]:
    if not isinstance(value, dict):
        return [
            reject(
                "WRONG_SHAPE", f"{where} needs an object with {sorted(COMPOSITE_KEYS[field_type])}"
            )
        ]
    unknown = sorted(set(value) - COMPOSITE_KEYS[field_type])
    if unknown:
        return [reject("WRONG_SHAPE", f"{where} has sub-fields Twenty does not know: {unknown}")]
    micros = value.get("amountMicros")
    if field_type == "CURRENCY" and micros is not None and not isinstance(micros, int | str):
        return [reject("WRONG_SHAPE", f"{where}.amountMicros must be an integer")]
    return []


def _check_scalar(where: str, field_type: str, value: Any) -> list[Problem]:
    expected: dict[str, tuple[type, ...]] = {
        "TEXT": (str,),
        "NUMBER": (int, float),
        "NUMERIC": (int, float, str),
        "BOOLEAN": (bool,),
        "DATE": (str,),
        "DATE_TIME": (str,),
        "ARRAY": (list,),
        "RAW_JSON": (dict, list),
        "UUID": (str,),
    }
    kinds = expected.get(field_type)
    if kinds is None or isinstance(value, kinds):
        if field_type in {"NUMBER", "NUMERIC"} and isinstance(value, bool):
            return [reject("WRONG_TYPE", f"{where} needs a number, not {value!r}")]
        return []
    return [reject("WRONG_TYPE", f"{where} needs {field_type}, not {type(value).__name__}")]
