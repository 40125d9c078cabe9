"""Check and normalise one field value of a record write, with Twenty's error wording."""

from __future__ import annotations

import json
import math
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from bt2twenty.sandbox.errors import bad_request
from bt2twenty.sandbox.schema import (
    ACTOR_SOURCES,
    COMPOSITE_SUBFIELDS,
    FieldMeta,
    JsonObject,
    ObjectMeta,
    composite_kind,
)
from bt2twenty.sandbox.workspace import format_timestamp

# Names of composite types in error messages, as in "Invalid subfield x for currency field".
_COMPOSITE_WORDS = {
    "FULL_NAME": "full name",
    "EMAILS": "emails",
    "LINKS": "links",
    "PHONES": "phones",
    "ADDRESS": "address",
    "CURRENCY": "currency",
    "ACTOR": "actor",
    "RICH_TEXT": "rich text",
}

_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
_CALLING_CODE = re.compile(r"^\+\d{1,4}$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def is_uuid(value: Any) -> bool:
    """Return whether `value` is a string with a UUID in its canonical 8-4-4-4-12 form."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def require_uuid(value: Any) -> str:
    """Return `value` if it is a UUID, else raise Twenty's 400 for an invalid UUID."""
    if not is_uuid(value):
        raise bad_request(f"'{value}' is not a valid UUID")
    return str(value).lower()


def parse_timestamp(value: Any, key: str) -> str:
    """Normalise an ISO 8601 timestamp to Twenty's UTC form; a value with no zone is UTC."""
    if not isinstance(value, str):
        raise bad_request(f'Invalid date time value {json.dumps(value)} for field "{key}"')
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request(f'Invalid date time value "{value}" for field "{key}"') from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_timestamp(moment)


def normalize_domain(url: str) -> str:
    """Reduce a company domain to a bare lower-case host, as Twenty 2.x stores it."""
    host = url.strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host)
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.split("@")[-1].split(":", 1)[0]
    if host.startswith("www."):
        host = host[4:]
    return host


def _invalid(field: FieldMeta, value: Any, expected: str) -> Exception:
    return bad_request(
        f'Invalid value {json.dumps(value, default=str)} for field "{field.name}": '
        f"expected {expected}"
    )


def _number(field: FieldMeta, value: Any, key: str) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _invalid(field, value, f'a number for "{key}"')
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise _invalid(field, value, f'a number for "{key}"') from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise _invalid(field, value, f'a finite number for "{key}"')
    return int(value) if float(value).is_integer() else float(value)


def _composite(meta: ObjectMeta, field: FieldMeta, value: Any, era: str) -> JsonObject:
    kind = composite_kind(field.type) or field.type
    word = _COMPOSITE_WORDS[kind]
    if not isinstance(value, dict):
        raise bad_request(
            f'Invalid value {json.dumps(value, default=str)} for {word} field "{field.name}": '
            f"expected an object with sub-fields {', '.join(COMPOSITE_SUBFIELDS[kind])}"
        )
    result: JsonObject = {}
    for sub_key, sub_value in value.items():
        sub_kind = COMPOSITE_SUBFIELDS[kind].get(sub_key)
        if sub_kind is None:
            raise bad_request(f'Invalid subfield {sub_key} for {word} field "{field.name}"')
        result[sub_key] = _sub_value(field, sub_key, sub_kind, sub_value)
    return _normalize_composite(meta, field, kind, result, era)


def _sub_value(field: FieldMeta, key: str, kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in ("text", "nullable_text") and not isinstance(value, str):
        raise _invalid(field, value, f'a string for "{key}"')
    if kind == "list" and not isinstance(value, list):
        raise _invalid(field, value, f'an array or null for "{key}"')
    if kind == "number":
        return _number(field, value, key)
    if kind == "uuid":
        return require_uuid(value)
    return value


def _normalize_composite(
    meta: ObjectMeta, field: FieldMeta, kind: str, value: JsonObject, era: str
) -> JsonObject:
    if kind == "EMAILS":
        if isinstance(value.get("primaryEmail"), str):
            value["primaryEmail"] = value["primaryEmail"].strip().lower()
        if isinstance(value.get("additionalEmails"), list):
            emails = value["additionalEmails"]
            if not all(isinstance(email, str) for email in emails):
                raise _invalid(field, emails, 'an array of strings for "additionalEmails"')
            value["additionalEmails"] = [email.strip().lower() for email in emails]
    elif kind == "LINKS":
        _normalize_links(meta, field, value, era)
    elif kind == "PHONES":
        _check_phone_codes(field, value)
    elif kind == "CURRENCY":
        code = value.get("currencyCode")
        if code not in (None, "") and not _CURRENCY_CODE.match(str(code)):
            raise _invalid(field, code, 'an ISO 4217 currency code such as AUD for "currencyCode"')
    elif kind == "ACTOR":
        source = value.get("source")
        if source is not None and source not in ACTOR_SOURCES:
            raise _invalid(field, source, f'one of {", ".join(ACTOR_SOURCES)} for "source"')
    elif kind == "RICH_TEXT":
        _fill_rich_text(value)
    return value


def _normalize_links(meta: ObjectMeta, field: FieldMeta, value: JsonObject, era: str) -> None:
    url = value.get("primaryLinkUrl")
    if not isinstance(url, str) or not url:
        return
    if era == "v2" and meta.name_singular == "company" and field.name == "domainName":
        host = normalize_domain(url)
        if not _HOST.match(host):
            raise bad_request(
                f'Invalid domain "{url}" for field "domainName": expected a host name '
                "such as acme.com"
            )
        value["primaryLinkUrl"] = host
        return
    value["primaryLinkUrl"] = url.strip().rstrip("/")


def _check_phone_codes(field: FieldMeta, value: JsonObject) -> None:
    country = value.get("primaryPhoneCountryCode")
    if country not in (None, "") and not _COUNTRY_CODE.match(str(country)):
        raise _invalid(field, country, "an ISO 3166 alpha-2 country code such as AU")
    calling = value.get("primaryPhoneCallingCode")
    if calling not in (None, "") and not _CALLING_CODE.match(str(calling)):
        raise _invalid(field, calling, "a calling code such as +61")


def _fill_rich_text(value: JsonObject) -> None:
    markdown = value.get("markdown")
    blocknote = value.get("blocknote")
    if isinstance(markdown, str) and "blocknote" not in value:
        value["blocknote"] = markdown_to_blocknote(markdown)
    elif isinstance(blocknote, str) and "markdown" not in value:
        value["markdown"] = blocknote_to_markdown(blocknote)


def markdown_to_blocknote(markdown: str) -> str:
    """Build a BlockNote document with one paragraph per Markdown paragraph."""
    blocks = []
    for index, paragraph in enumerate(part for part in markdown.split("\n\n") if part.strip()):
        blocks.append(
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_OID, f"{index}:{paragraph}")),
                "type": "paragraph",
                "props": {
                    "textColor": "default",
                    "backgroundColor": "default",
                    "textAlignment": "left",
                },
                "content": [{"type": "text", "text": paragraph, "styles": {}}],
                "children": [],
            }
        )
    return json.dumps(blocks)


def blocknote_to_markdown(blocknote: str) -> str | None:
    """Join the text of a BlockNote document's blocks into Markdown paragraphs."""
    try:
        blocks = json.loads(blocknote)
    except json.JSONDecodeError:
        return None
    if not isinstance(blocks, list):
        return None
    paragraphs = []
    for block in blocks:
        content = block.get("content") if isinstance(block, dict) else None
        if isinstance(content, list):
            paragraphs.append(
                "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
            )
    return "\n\n".join(paragraphs)


def check_value(meta: ObjectMeta, field: FieldMeta, value: Any, era: str) -> Any:
    """Return `value` normalised for `field`, or raise the 400 Twenty sends for it."""
    if value is None:
        if not field.is_nullable and field.default_value is None:
            raise bad_request(f"Field {field.name} is not nullable and has no default value.")
        return None
    if composite_kind(field.type) is not None:
        return _composite(meta, field, value, era)
    return _scalar(field, value)


def _scalar(field: FieldMeta, value: Any) -> Any:
    kind = field.type
    if kind == "TEXT":
        if not isinstance(value, str):
            raise _invalid(field, value, "a string")
        return value

    if kind in ("NUMBER", "NUMERIC"):
        if kind == "NUMBER" and isinstance(value, str):
            raise _invalid(field, value, "a number")
        return _number(field, value, field.name)

    if kind == "POSITION":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise bad_request(f"Invalid position value {json.dumps(value, default=str)}")
        return value

    if kind == "BOOLEAN":
        if not isinstance(value, bool):
            raise _invalid(field, value, "true or false")
        return value

    if kind == "UUID":
        return require_uuid(value)

    if kind == "DATE_TIME":
        return parse_timestamp(value, field.name)

    if kind == "DATE":
        return _date(field, value)

    if kind in ("SELECT", "RATING"):
        return _option(field, value)

    if kind == "MULTI_SELECT":
        if not isinstance(value, list):
            raise _invalid(field, value, "an array of option values")
        return [_option(field, item) for item in value]

    if kind == "ARRAY":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise _invalid(field, value, "an array of strings")
        return value

    if kind == "FILES":
        return _files(field, value)

    if kind == "TS_VECTOR":
        raise bad_request(f"{field.name} TS_VECTOR-typed field does not support write operations")
    return value


def _date(field: FieldMeta, value: Any) -> str:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise _invalid(field, value, "a date as YYYY-MM-DD")


def _option(field: FieldMeta, value: Any) -> str:
    allowed = field.option_values
    if value not in allowed:
        raise bad_request(
            f"Invalid value '{value}' for {field.type} field \"{field.name}\": "
            f"allowed values are {', '.join(allowed)}"
        )
    return str(value)


def _files(field: FieldMeta, value: Any) -> list[JsonObject]:
    if not isinstance(value, list):
        raise _invalid(field, value, "an array of {fileId, label} objects")
    limit = (field.settings or {}).get("maxNumberOfValues")
    if isinstance(limit, int) and len(value) > limit:
        raise _invalid(field, value, f"at most {limit} files")
    files = []
    for item in value:
        if not isinstance(item, dict) or set(item) - {"fileId", "label", "extension"}:
            raise _invalid(field, item, "an object with fileId and label")
        files.append({**item, "fileId": require_uuid(item.get("fileId"))})
    return files
