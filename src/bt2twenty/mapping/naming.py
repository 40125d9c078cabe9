"""Names Twenty accepts for new custom fields and objects.

Twenty's metadata API requires names that match `^[a-z][a-zA-Z0-9]*$`, equal their own
camelCase form, fit in 63 characters (PostgreSQL's identifier limit) and are not reserved; the
Twenty front end appends `Custom` to a reserved name, and so does `field_name_for`.
"""

from __future__ import annotations

import re

from bt2twenty.transform.options import to_ascii

MAX_NAME_LENGTH = 63
NAME_PATTERN = re.compile(r"^[a-z][a-zA-Z0-9]*$")

_RESERVED_WORDS = {
    "approvedAccessDomain", "appToken", "billingCustomer", "billingEntitlement", "billingMeter",
    "billingProduct", "billingSubscription", "billingSubscriptionItem", "featureFlag", "job",
    "keyValuePair", "pageLayout", "pageLayoutTab", "pageLayoutWidget", "postgresCredential",
    "twoFactorMethod", "user", "userWorkspace", "workspace", "role", "userWorkspaceRole", "plan",
    "event", "field", "link", "type", "object", "relation",
}  # fmt: skip
RESERVED_NAMES = frozenset(
    {*_RESERVED_WORDS, *(word + "s" for word in _RESERVED_WORDS)}
    | {"currency", "currencies", "fullNames", "address", "addresses", "index", "aggregate"}
)

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def split_words(text: str) -> list[str]:
    """Split a header or name into lower-case words: snake_case, camelCase, spaces, `#`."""
    return [word.lower() for word in _WORD.findall(to_ascii(text).replace("#", " number "))]


def camel_case(text: str) -> str:
    """Return the camelCase form of `text`, or an empty string if it has no letters or digits."""
    words = split_words(text)
    if not words:
        return ""
    return words[0] + "".join(word.capitalize() for word in words[1:])


def is_valid_name(name: str) -> bool:
    """Return whether Twenty would accept `name` for a new field or object."""
    return (
        len(name) <= MAX_NAME_LENGTH
        and NAME_PATTERN.match(name) is not None
        and camel_case(name) == name
        and name not in RESERVED_NAMES
    )


def field_name_for(label: str, taken: set[str]) -> str:
    """Build a valid, unused field name from a label: camelCase, not reserved, unique, ≤ 63."""
    name = camel_case(label) or "field"
    if not name[0].isalpha():
        name = "field" + name[0].upper() + name[1:]
    name = name[:MAX_NAME_LENGTH]
    if name in RESERVED_NAMES:
        name = name[: MAX_NAME_LENGTH - len("Custom")] + "Custom"

    candidate = name
    number = 2
    while candidate in taken or not is_valid_name(candidate):
        suffix = str(number)
        candidate = name[: MAX_NAME_LENGTH - len(suffix)] + suffix
        number += 1
    return candidate
