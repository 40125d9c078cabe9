"""Converters for SELECT and MULTI_SELECT: source values through the confirmed value map."""

from __future__ import annotations

from collections.abc import Mapping

from bt2twenty.transform.options import MAX_OPTION_LENGTH, OPTION_VALUE_PATTERN
from bt2twenty.transform.parameters import ConversionParameters, SourceValue
from bt2twenty.transform.result import Converted, Problem, reject
from bt2twenty.transform.source import source_text, split_list


def lookup_option(source_value: str, value_map: Mapping[str, str]) -> str | None:
    """Find the option value for `source_value`: exact match first, then ignoring case."""
    if source_value in value_map:
        return value_map[source_value]

    folded = source_value.casefold()
    for key, option in value_map.items():
        if key.strip().casefold() == folded:
            return option
    return None


def _unmapped(source_value: str, parameters: ConversionParameters) -> Problem:
    return reject(
        "SELECT_VALUE_UNMAPPED",
        f"{parameters.field_name} value {source_value!r} has no option in the value map;"
        " add it to the field's value map in mapping.yaml and confirm the mapping again.",
    )


def _invalid_option(source_value: str, option: str, parameters: ConversionParameters) -> Problem:
    return reject(
        "SELECT_OPTION_INVALID",
        f"{parameters.field_name} value {source_value!r} maps to {option!r}, which is not a"
        " valid Twenty option value (UPPER_SNAKE_CASE starting with a letter, at most 63"
        " characters); correct the value map in mapping.yaml.",
    )


def map_value(
    source_value: str, parameters: ConversionParameters
) -> tuple[str | None, Problem | None]:
    """Map one source value to its option value, or return the problem that prevents it."""
    option = lookup_option(source_value, parameters.value_map)
    if option is None:
        return None, _unmapped(source_value, parameters)
    if len(option) > MAX_OPTION_LENGTH or not OPTION_VALUE_PATTERN.match(option):
        return None, _invalid_option(source_value, option, parameters)
    return option, None


def convert_select(raw: SourceValue, parameters: ConversionParameters) -> Converted[str]:
    """Convert to SELECT: the option value the value map gives; an unmapped value is rejected."""
    source_value = " ".join(source_text(raw).split())
    if not source_value:
        return Converted(value=None)

    option, problem = map_value(source_value, parameters)
    if problem is not None:
        return Converted(value=None, problems=(problem,))
    return Converted(value=option)


def convert_multi_select(
    raw: SourceValue, parameters: ConversionParameters
) -> Converted[list[str]]:
    """Convert to MULTI_SELECT: each listed value through the value map, duplicates removed."""
    options: list[str] = []
    problems: list[Problem] = []

    for source_value in split_list(source_text(raw), parameters.list_separators):
        option, problem = map_value(" ".join(source_value.split()), parameters)
        if problem is not None:
            problems.append(problem)
        elif option is not None and option not in options:
            options.append(option)

    if problems:
        return Converted(value=None, problems=tuple(problems))
    if not options:
        return Converted(value=None)
    return Converted(value=options)


RATING_VALUES = ("RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5")


def convert_rating(raw: SourceValue, parameters: ConversionParameters) -> Converted[str]:
    """Convert to RATING: `RATING_1` to `RATING_5`, from the value map or a number 1 to 5."""
    source_value = " ".join(source_text(raw).split())
    if not source_value:
        return Converted(value=None)

    option = lookup_option(source_value, parameters.value_map)
    if option is None and source_value in {"1", "2", "3", "4", "5"}:
        option = f"RATING_{source_value}"
    if option is None:
        return Converted(value=None, problems=(_unmapped(source_value, parameters),))
    if option not in RATING_VALUES:
        return Converted(value=None, problems=(_invalid_rating(source_value, option, parameters),))
    return Converted(value=option)


def _invalid_rating(source_value: str, option: str, parameters: ConversionParameters) -> Problem:
    return reject(
        "RATING_INVALID",
        f"{parameters.field_name} value {source_value!r} maps to {option!r}, but a Twenty"
        " rating is one of RATING_1 to RATING_5; correct the value map in mapping.yaml.",
    )
