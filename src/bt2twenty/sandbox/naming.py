"""Twenty's rules for object, field and option names, and for option lists and defaults."""

from __future__ import annotations

import re
from typing import Any

from bt2twenty.sandbox.errors import bad_request
from bt2twenty.sandbox.seed import TAG_COLORS
from bt2twenty.sandbox.values import is_uuid

NAME_PATTERN = re.compile(r"^[a-z][a-zA-Z0-9]*$")
OPTION_VALUE_PATTERN = re.compile(r"^(?!.*__)[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
QUOTED_PATTERN = re.compile(r"^['\"](.*)['\"]$", re.DOTALL)
MAX_NAME_LENGTH = 63

_RESERVED_STEMS = (
    "approvedAccessDomain",
    "appToken",
    "billingCustomer",
    "billingEntitlement",
    "billingMeter",
    "billingProduct",
    "billingSubscription",
    "billingSubscriptionItem",
    "featureFlag",
    "job",
    "keyValuePair",
    "pageLayout",
    "pageLayoutTab",
    "pageLayoutWidget",
    "postgresCredential",
    "twoFactorMethod",
    "user",
    "userWorkspace",
    "workspace",
    "role",
    "userWorkspaceRole",
    "plan",
    "event",
    "field",
    "link",
    "type",
    "object",
    "relation",
)
RESERVED_NAMES = frozenset(
    [
        *_RESERVED_STEMS,
        *(stem + "s" for stem in _RESERVED_STEMS),
        *("currency", "currencies", "fullNames", "address", "addresses", "index", "aggregate"),
    ]
)


def camel_case(name: str) -> str:
    """Return lodash-style camelCase of `name`: words split on case, digits and separators."""
    words = re.findall(r"[A-Z]{2,}(?=[A-Z][a-z]+|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+", name)
    if not words:
        return ""
    first, *rest = [str(word) for word in words]
    return first.lower() + "".join(word[0].upper() + word[1:].lower() for word in rest)


def check_name(name: Any, parameter: str) -> str:
    """Return `name` if Twenty accepts it as an object or field name, else raise a 400."""
    if not isinstance(name, str) or not name:
        raise bad_request(f"{parameter} is missing: give a camelCase name such as myField")
    if len(name) > MAX_NAME_LENGTH:
        raise bad_request(f'Name "{name}" exceeds {MAX_NAME_LENGTH} characters')
    if not NAME_PATTERN.match(name):
        raise bad_request(
            f'Name "{name}" is not valid: it must start with a lowercase letter and contain '
            "only letters and digits"
        )
    if camel_case(name) != name:
        raise bad_request(f'Name "{name}" should be in camelCase: "{camel_case(name)}"')
    if name in RESERVED_NAMES:
        raise bad_request(f'The name "{name}" is not available', code="RESERVED_KEYWORD")
    return str(name)


def check_label(label: Any, parameter: str) -> str:
    """Return a non-blank label, else raise a 400."""
    if not isinstance(label, str) or not label.strip():
        raise bad_request(f"{parameter} is missing: give a non-empty label")
    return label


def check_options(options: Any, field_type: str) -> list[dict[str, Any]]:
    """Check a SELECT, MULTI_SELECT or RATING option list and give ids to options without one."""
    if not isinstance(options, list) or not options:
        raise bad_request(f"Options are required for {field_type} fields: give a non-empty list")
    checked = []
    for index, option in enumerate(options):
        if not isinstance(option, dict):
            raise bad_request(
                f"Option {index} is invalid: expected an object with value, label, position, color"
            )
        checked.append(_check_option(dict(option), index, field_type))
    for key in ("id", "value", "position"):
        seen = [option.get(key) for option in checked]
        if len(seen) != len(set(map(str, seen))):
            raise bad_request(f"Duplicated option {key}")
    return checked


def _check_option(option: dict[str, Any], index: int, field_type: str) -> dict[str, Any]:
    import uuid

    value = option.get("value")
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_NAME_LENGTH:
        raise bad_request(
            f"Option value {value!r} is invalid: use 1 to {MAX_NAME_LENGTH} characters"
        )
    if not OPTION_VALUE_PATTERN.match(value):
        raise bad_request(f'Value must be in UPPER_CASE and follow snake_case "{value}"')
    label = option.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > MAX_NAME_LENGTH:
        raise bad_request(
            f"Option label {label!r} is invalid: use 1 to {MAX_NAME_LENGTH} characters"
        )
    if "," in label:
        raise bad_request(f'Label must not contain a comma "{label}"')
    if field_type != "RATING":
        color = option.get("color")
        if color not in TAG_COLORS:
            raise bad_request(
                f"Option color {color!r} is invalid: use one of {', '.join(TAG_COLORS)}"
            )
    position = option.get("position", index)
    if isinstance(position, bool) or not isinstance(position, int | float):
        raise bad_request(f"Option position {position!r} is invalid: use a number")
    option["position"] = position
    if option.get("id") is None:
        option["id"] = str(uuid.uuid4())
    elif not is_uuid(option["id"]):
        raise bad_request(f"'{option['id']}' is not a valid UUID")
    return option


def check_option_default(default: Any, field_type: str, values: list[str]) -> Any:
    """Check a SELECT or MULTI_SELECT default: quoted option values such as ``"'NEW'"``."""
    if default is None:
        return None
    items = default if field_type == "MULTI_SELECT" else [default]
    if field_type == "MULTI_SELECT" and (not isinstance(default, list) or not default):
        raise bad_request(
            f"Default value {default!r} is invalid: use a non-empty list of quoted option values"
        )
    unquoted = []
    for item in items:
        match = QUOTED_PATTERN.match(item) if isinstance(item, str) else None
        if match is None:
            raise bad_request(
                f"Default value {item!r} is invalid: quote the option value, e.g. \"'{values[0]}'\""
            )
        if match.group(1) not in values:
            raise bad_request(
                f"Default value {item!r} is not one of the options {', '.join(values)}"
            )
        unquoted.append(match.group(1))
    if len(unquoted) != len(set(unquoted)):
        raise bad_request(f"Default value {default!r} repeats an option value")
    return default
