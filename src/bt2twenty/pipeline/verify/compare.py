"""Compare a record as the migration meant it with the record Twenty stored, field by field.

Both sides go through the same normalisation Twenty applies on write, so a difference is a
difference in meaning. Currency compares in micros, company domains as bare hosts, phones in
E.164 and emails in lower case. Rich text compares by the text the Twenty UI shows, dates as
dates, and instants in UTC to the millisecond. Sub-fields of a composite that the migration
did not send are not compared, and an empty string, an empty list and null are the same empty
value.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import phonenumbers

from bt2twenty.mapping.target import TargetField, TargetObject

logger = logging.getLogger(__name__)

# Keys of a payload that are not fields to compare.
NOT_COMPARED = frozenset({"id"})
ABSENT = "(absent)"
RICH_TEXT_TYPES = frozenset({"RICH_TEXT", "RICH_TEXT_V2"})


@dataclass(frozen=True)
class FieldMismatch:
    """One field whose stored value means something else than the value the migration sent."""

    field: str
    expected: str
    stored: str


def compare_record(
    expected: Mapping[str, Any], stored: Mapping[str, Any], target: TargetObject
) -> list[FieldMismatch]:
    """Return the fields of `expected` that `stored` does not hold with the same meaning."""
    mismatches = []
    for name, value in expected.items():
        if name in NOT_COMPARED:
            continue
        field_type = field_type_of(target, name)
        expected_value = normalise(field_type, value)
        if name not in stored:
            if expected_value is not None:
                mismatches.append(FieldMismatch(name, display(expected_value), ABSENT))
            continue
        stored_value = normalise(field_type, stored[name], keys=_sent_keys(value))
        if expected_value != stored_value:
            mismatches.append(FieldMismatch(name, display(expected_value), display(stored_value)))
    return mismatches


def field_type_of(target: TargetObject, name: str) -> str:
    """Return the Twenty type of a payload key; a relation's join column (`companyId`) is a UUID."""
    field = target.fields.get(name)
    if field is not None:
        return field.type
    if name.endswith("Id") and _is_relation(target.fields.get(name[:-2])):
        return "UUID"
    return "UNKNOWN"


def normalise(field_type: str, value: Any, *, keys: frozenset[str] | None = None) -> Any:
    """Return `value` in the form two values of `field_type` with one meaning share.

    `keys` limits a composite to the sub-fields the migration sent.
    """
    if _is_empty(value):
        return None
    normaliser = _NORMALISERS.get(field_type)
    if normaliser is None:
        return _canonical_json(value)
    if field_type in RICH_TEXT_TYPES and keys is not None and "blocknote" in keys:
        # The UI shows the stored BlockNote document, whatever markdown came with it.
        keys = None
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if keys is None or k in keys}
    try:
        result = normaliser(value)
    except (TypeError, ValueError, InvalidOperation, AttributeError):
        # A value of the wrong shape cannot mean the same as a well-formed one.
        return f"unreadable: {_canonical_json(value)}"
    return None if _is_empty(result) else result


def display(value: Any) -> str:
    """Return a normalised value as one line a person can read in a report."""
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _sent_keys(value: Any) -> frozenset[str] | None:
    return frozenset(value) if isinstance(value, dict) else None


def _is_relation(field: TargetField | None) -> bool:
    return field is not None and field.type in {"RELATION", "MORPH_RELATION"}


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    if isinstance(value, list | tuple | dict):
        return all(
            _is_empty(item) for item in (value.values() if isinstance(value, dict) else value)
        )
    return False


def _canonical_json(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _text(value: Any) -> str:
    return str(value)


def _uuid(value: Any) -> str:
    return str(value).strip().lower()


def _number(value: Any) -> Decimal:
    return Decimal(str(value)).normalize()


def _boolean(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def _date(value: Any) -> str:
    return str(value).strip()[:10]


def instant(value: Any) -> str:
    """Return an ISO 8601 instant in UTC, to the millisecond, as Twenty stores DATE_TIME."""
    parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _multi_select(value: Any) -> list[str]:
    return sorted(str(item) for item in value)


def _array(value: Any) -> list[str]:
    return [str(item) for item in value]


def _emails(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if "primaryEmail" in value:
        result["primaryEmail"] = _lower_or_none(value["primaryEmail"])
    if "additionalEmails" in value:
        result["additionalEmails"] = sorted(
            str(email).strip().lower() for email in value["additionalEmails"] or [] if email
        )
    return _without_empty(result)


def _lower_or_none(value: Any) -> str | None:
    return str(value).strip().lower() or None if value else None


def e164(number: Any, calling_code: Any = None, country: Any = None) -> str | None:
    """Return a phone number in E.164, from Twenty's number, calling code and country parts."""
    if _is_empty(number):
        return None
    text = str(number).strip()
    prefix = str(calling_code or "").strip()
    try:
        if prefix:
            parsed = phonenumbers.parse(f"+{prefix.lstrip('+')}{text.lstrip('0')}", None)
        else:
            parsed = phonenumbers.parse(text, str(country or "").strip() or None)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in prefix + text if ch.isdigit() or ch == "+")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _phones(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if "primaryPhoneNumber" in value:
        result["primary"] = e164(
            value.get("primaryPhoneNumber"),
            value.get("primaryPhoneCallingCode"),
            value.get("primaryPhoneCountryCode"),
        )
    if "additionalPhones" in value:
        result["additional"] = sorted(
            number
            for phone in value["additionalPhones"] or []
            if (
                number := e164(
                    phone.get("number"), phone.get("callingCode"), phone.get("countryCode")
                )
            )
        )
    return _without_empty(result)


def bare_url(url: Any) -> str | None:
    """Return a URL without scheme, `www.`, trailing slash or upper-case host letters.

    Twenty 2.x stores a company's domain as a bare lower-case host, and older versions store
    what was sent, so two spellings of one site compare equal.
    """
    if _is_empty(url):
        return None
    text = str(url).strip()
    lowered = text.lower()
    for scheme in ("https://", "http://"):
        if lowered.startswith(scheme):
            text = text[len(scheme) :]
            break
    host, slash, path = text.partition("/")
    host = host.lower().removeprefix("www.")
    return (host + slash + path).rstrip("/")


def _links(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if "primaryLinkUrl" in value:
        result["url"] = bare_url(value["primaryLinkUrl"])
    if "primaryLinkLabel" in value:
        result["label"] = str(value["primaryLinkLabel"] or "").strip() or None
    if "secondaryLinks" in value:
        result["secondary"] = sorted(
            url for link in value["secondaryLinks"] or [] if (url := bare_url(link.get("url")))
        )
    return _without_empty(result)


def _stripped_parts(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, str | None] = {}
    for key, part in value.items():
        if isinstance(part, int | float) and not isinstance(part, bool):
            result[key] = str(_number(part))
        else:
            result[key] = str(part).strip() if part is not None else None
    return _without_empty(result)


def _currency(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if "amountMicros" in value:
        amount = value["amountMicros"]
        result["amountMicros"] = None if _is_empty(amount) else int(Decimal(str(amount)))
    if "currencyCode" in value:
        result["currencyCode"] = str(value["currencyCode"] or "").strip().upper() or None
    return _without_empty(result)


def _actor(value: dict[str, Any]) -> dict[str, Any]:
    return _without_empty({k: value.get(k) for k in ("source", "name") if k in value})


def _rich_text(value: dict[str, Any]) -> str | None:
    """Return the visible text of a rich-text value: the BlockNote document the Twenty UI renders.

    A stored value with markdown but an empty BlockNote document shows an empty body in the
    UI, so it reads as empty here. Markdown is compared only when no document was sent.
    """
    blocknote = value.get("blocknote")
    if not _is_empty(blocknote):
        return _blocknote_text(blocknote)
    if "blocknote" in value:
        return None
    return _squeeze(str(value.get("markdown") or ""))


def _blocknote_text(document: Any) -> str:
    if isinstance(document, str):
        document = json.loads(document)
    parts: list[str] = []
    _collect_text(document, parts)
    return _squeeze(" ".join(parts))


def _collect_text(node: Any, parts: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect_text(item, parts)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "text" and isinstance(node.get("text"), str):
        parts.append(node["text"])
    for key in ("content", "children"):
        if key in node:
            _collect_text(node[key], parts)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _without_empty(parts: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in parts.items() if not _is_empty(value)}


_NORMALISERS: dict[str, Any] = {
    "TEXT": _text,
    "UUID": _uuid,
    "RELATION": _uuid,
    "NUMBER": _number,
    "NUMERIC": _number,
    "POSITION": _number,
    "BOOLEAN": _boolean,
    "DATE": _date,
    "DATE_TIME": instant,
    "SELECT": _text,
    "RATING": _text,
    "MULTI_SELECT": _multi_select,
    "ARRAY": _array,
    "EMAILS": _emails,
    "PHONES": _phones,
    "LINKS": _links,
    "FULL_NAME": _stripped_parts,
    "ADDRESS": _stripped_parts,
    "CURRENCY": _currency,
    "ACTOR": _actor,
    "RICH_TEXT": _rich_text,
    "RICH_TEXT_V2": _rich_text,
    "RAW_JSON": _canonical_json,
}
