"""Converters for Twenty's scalar field types: TEXT, BOOLEAN, NUMBER, NUMERIC, ARRAY, RAW_JSON."""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal, InvalidOperation

from bt2twenty.transform.parameters import ConversionParameters, SourceValue
from bt2twenty.transform.result import Converted, Problem, flag, reject
from bt2twenty.transform.source import source_text, split_list
from bt2twenty.transform.text_repair import clean_text

JsonObject = dict[str, object]

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "f", "off"})

# A plain decimal number: optional sign, digits with optional thousands commas, optional
# fraction, optional exponent (Excel writes long numbers as "5.00E+11").
_DECIMAL_PATTERN = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$")


def convert_text(raw: SourceValue, parameters: ConversionParameters) -> Converted[str]:
    """Convert to TEXT: trimmed, without control characters, length checked."""
    text = source_text(raw)
    cleaned = clean_text(text, field_label=parameters.field_name, repair=parameters.repair_text)
    if not cleaned.text:
        return Converted(value=None, problems=cleaned.problems)

    problems = list(cleaned.problems)
    maximum = parameters.max_length
    if maximum is not None and len(cleaned.text) > maximum:
        problems.append(
            flag(
                "TEXT_TOO_LONG",
                f"{parameters.field_name} is {len(cleaned.text)} characters long, more than"
                f" the maximum of {maximum}; shorten it in the source or raise the maximum.",
            )
        )
    return Converted(value=cleaned.text, problems=tuple(problems))


def convert_boolean(raw: SourceValue, parameters: ConversionParameters) -> Converted[bool]:
    """Convert to BOOLEAN from 1/0, yes/no, true/false, Y/N, T/F or on/off; else reject it."""
    word = source_text(raw).strip().lower()
    if not word:
        return Converted(value=None)
    if word in TRUE_WORDS:
        return Converted(value=True)
    if word in FALSE_WORDS:
        return Converted(value=False)

    message = (
        f"{parameters.field_name} {source_text(raw)!r} is not a yes/no value; use 1/0,"
        " yes/no, true/false or Y/N, or map the column to a text field."
    )
    return Converted(value=None, problems=(reject("BOOLEAN_INVALID", message),))


def parse_decimal(text: str) -> Decimal | None:
    """Parse a plain decimal number with optional thousands commas, or return `None`."""
    compact = text.strip().replace(" ", "")
    if not compact or not _DECIMAL_PATTERN.match(compact) or not any(c.isdigit() for c in compact):
        return None
    try:
        number = Decimal(compact.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _invalid_number(raw: SourceValue, parameters: ConversionParameters) -> Problem:
    return reject(
        "NUMBER_INVALID",
        f"{parameters.field_name} {source_text(raw)!r} is not a number; correct it in the"
        " source or map the column to a text field.",
    )


def _scientific_notation_problem(text: str, parameters: ConversionParameters) -> Problem:
    return flag(
        "NUMBER_SCIENTIFIC_NOTATION",
        f"{parameters.field_name} {text!r} is written in scientific notation, which"
        " spreadsheets use for long ids and serials and which may have lost digits;"
        " check it against the source system.",
    )


def convert_number(raw: SourceValue, parameters: ConversionParameters) -> Converted[int | float]:
    """Convert to NUMBER: an int when whole, else a float, flagged if the float is inexact."""
    text = source_text(raw).strip()
    if not text:
        return Converted(value=None)
    number = parse_decimal(text)
    if number is None:
        return Converted(value=None, problems=(_invalid_number(raw, parameters),))

    problems: list[Problem] = []
    if "e" in text.lower():
        problems.append(_scientific_notation_problem(text, parameters))

    if number == number.to_integral_value():
        return Converted(value=int(number), problems=tuple(problems))

    as_float = float(number)
    if Decimal(repr(as_float)) != number:
        problems.append(
            flag(
                "NUMBER_PRECISION_LOST",
                f"{parameters.field_name} {text!r} cannot be stored exactly as a NUMBER"
                f" (it becomes {as_float!r}); use a NUMERIC field to keep every digit.",
            )
        )
    return Converted(value=as_float, problems=tuple(problems))


def convert_numeric(raw: SourceValue, parameters: ConversionParameters) -> Converted[str]:
    """Convert to NUMERIC: the exact decimal as a string, without thousands separators."""
    text = source_text(raw).strip()
    if not text:
        return Converted(value=None)
    number = parse_decimal(text)
    if number is None:
        return Converted(value=None, problems=(_invalid_number(raw, parameters),))

    problems: list[Problem] = []
    if "e" in text.lower():
        problems.append(_scientific_notation_problem(text, parameters))
    return Converted(value=format(number, "f"), problems=tuple(problems))


def convert_array(raw: SourceValue, parameters: ConversionParameters) -> Converted[list[str]]:
    """Convert to ARRAY: the cell split on the list separators, each item cleaned."""
    items: list[str] = []
    problems: list[Problem] = []
    for part in split_list(source_text(raw), parameters.list_separators):
        cleaned = clean_text(part, field_label=parameters.field_name, repair=parameters.repair_text)
        problems.extend(cleaned.problems)
        if cleaned.text:
            items.append(cleaned.text)

    if not items:
        return Converted(value=None, problems=tuple(problems))
    return Converted(value=items, problems=tuple(problems))


def _reject_non_finite(constant: str) -> object:
    raise ValueError(f"{constant} is not a JSON number")


def convert_raw_json(raw: SourceValue, parameters: ConversionParameters) -> Converted[JsonObject]:
    """Convert to RAW_JSON: the text must parse as a JSON object."""
    text = source_text(raw).strip()
    if not text:
        return Converted(value=None)

    try:
        document = json.loads(text, parse_constant=_reject_non_finite)
    except json.JSONDecodeError as error:
        message = (
            f"{parameters.field_name} is not valid JSON ({error.msg} at character"
            f" {error.pos}); correct it in the source or map the column to a text field."
        )
        return Converted(value=None, problems=(reject("JSON_INVALID", message),))
    except ValueError as error:
        message = f"{parameters.field_name} is not valid JSON: {error}; correct it in the source."
        return Converted(value=None, problems=(reject("JSON_INVALID", message),))

    if not isinstance(document, dict):
        message = (
            f"{parameters.field_name} holds a JSON {type(document).__name__}, but Twenty"
            " expects a JSON object; wrap it in an object in the mapping."
        )
        return Converted(value=None, problems=(reject("JSON_NOT_OBJECT", message),))
    return Converted(value=document)


def convert_uuid(raw: SourceValue, parameters: ConversionParameters) -> Converted[str]:
    """Convert to UUID: the canonical lower-case, hyphenated form."""
    text = source_text(raw).strip()
    if not text:
        return Converted(value=None)

    try:
        value = uuid.UUID(text)
    except ValueError:
        message = (
            f"{parameters.field_name} {text!r} is not a UUID; correct it in the source or"
            " map the column to a text field."
        )
        return Converted(value=None, problems=(reject("UUID_INVALID", message),))
    return Converted(value=str(value))
