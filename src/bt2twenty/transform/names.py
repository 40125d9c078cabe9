"""Converter for FULL_NAME: one source name split into Twenty's first and last name."""

from __future__ import annotations

import re

from nameparser import HumanName

from bt2twenty.transform.parameters import ConversionParameters, SingleNamePolicy, SourceValue
from bt2twenty.transform.result import Converted, Problem, flag, reject
from bt2twenty.transform.source import source_text
from bt2twenty.transform.text_repair import clean_text

FullName = dict[str, str]

_WHITESPACE = re.compile(r"\s+")

# Words that mark a business rather than a person: a client record created for a
# company ("Acme Pty Ltd") has no first and last name to split.
_COMPANY_WORDS = re.compile(
    r"\b(?:pty|ltd|limited|inc|llc|plc|corp|corporation|company|group|partners|"
    r"holdings|trust|services|solutions|enterprises|association|council)\b|&\s*co\b",
    re.IGNORECASE,
)


# Words of a shared mailbox or desk ("Reception", "Front Desk", "Accounts Payable") that
# a client record sometimes carries instead of a person's name.
_ROLE_WORDS = frozenset(
    {"reception", "accounts", "account", "payable", "receivable", "admin", "administration",
     "front", "desk", "office", "support", "helpdesk", "help", "it", "finance", "billing",
     "sales", "info", "enquiries", "team", "manager", "the", "and", "&"}
)  # fmt: skip


def looks_like_role(name: str) -> bool:
    """Return whether every word of `name` names a desk or mailbox, as in "Front Desk"."""
    words = name.lower().replace("/", " ").split()
    return bool(words) and all(word in _ROLE_WORDS for word in words)


def looks_like_company(name: str) -> bool:
    """Return whether `name` contains a word that marks a business, such as "Pty"."""
    return bool(_COMPANY_WORDS.search(name))


def needs_capitalising(name: str) -> bool:
    """Return whether `name` is written all in capitals or all in lower case."""
    letters = [character for character in name if character.isalpha()]
    if not letters:
        return False
    return all(c.isupper() for c in letters) or all(c.islower() for c in letters)


def join_parts(*parts: str) -> str:
    """Join the non-empty name parts with single spaces."""
    return " ".join(part for part in parts if part)


def parse_name(name: str) -> HumanName:
    """Parse `name` ("First Last", "Last, First", with titles and suffixes)."""
    parsed = HumanName(name)
    if needs_capitalising(name):
        parsed.capitalize(force=True)
    return parsed


def split_full_name(name: str) -> tuple[str, str]:
    """Split a cleaned name into first and last name; a title stays with the first name."""
    parsed = parse_name(name)
    first = join_parts(parsed.title, parsed.first, parsed.middle)
    if parsed.nickname:
        first = join_parts(first, f'"{parsed.nickname}"')
    last = join_parts(parsed.last, parsed.suffix)
    return first, last


def _single_name(name: str, parameters: ConversionParameters) -> Converted[FullName]:
    field = parameters.field_name
    policy = parameters.single_name

    if policy is SingleNamePolicy.REJECT:
        message = (
            f"{field} {name!r} is a single name or a role, and the single-name policy is"
            " 'reject'; add a last name in the source or change the policy."
        )
        return Converted(value=None, problems=(reject("NAME_WITHOUT_LAST_NAME", message),))

    if policy is SingleNamePolicy.LAST_NAME:
        message = (
            f"{field} {name!r} is a single name or a role; it was put in the last name."
            " Check whether it is a person, a role (such as Reception) or a company."
        )
        return Converted(
            value={"firstName": "", "lastName": name},
            problems=(flag("NAME_WITHOUT_LAST_NAME", message),),
        )

    message = (
        f"{field} {name!r} is a single name or a role; it was put in the first name and"
        " the last name is empty, which Twenty expects on a person. Add a last name or confirm."
    )
    return Converted(
        value={"firstName": name, "lastName": ""},
        problems=(flag("NAME_WITHOUT_LAST_NAME", message),),
    )


def convert_full_name(raw: SourceValue, parameters: ConversionParameters) -> Converted[FullName]:
    """Convert to FULL_NAME `{firstName, lastName}`.

    Handles "First Last" and "Last, First", fixes names written all in capitals or all in
    lower case (keeping "McDonald", "O'Brien", "van der Berg"), and applies the single-name
    policy to one-word names.
    """
    cleaned = clean_text(
        source_text(raw), field_label=parameters.field_name, repair=parameters.repair_text
    )
    name = _WHITESPACE.sub(" ", cleaned.text).strip(" ,")
    if not name:
        return Converted(value=None, problems=cleaned.problems)

    problems: list[Problem] = list(cleaned.problems)
    if looks_like_company(name):
        problems.append(
            flag(
                "NAME_LOOKS_LIKE_COMPANY",
                f"{parameters.field_name} {name!r} looks like a company name, not a person;"
                " check whether the record belongs with the companies.",
            )
        )

    if looks_like_role(name):
        converted = _single_name(name, parameters)
        return Converted(value=converted.value, problems=(*problems, *converted.problems))

    first, last = split_full_name(name)
    if not first or not last:
        converted = _single_name(join_parts(first, last) or name, parameters)
        return Converted(value=converted.value, problems=(*problems, *converted.problems))

    return Converted(value={"firstName": first, "lastName": last}, problems=tuple(problems))
