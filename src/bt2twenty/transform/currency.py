"""Converter for CURRENCY: money text into Twenty's amount in micros and currency code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bt2twenty.errors import SettingsError
from bt2twenty.transform.parameters import ConversionParameters, SourceValue
from bt2twenty.transform.result import Converted, Problem, flag, reject
from bt2twenty.transform.source import source_text

Currency = dict[str, object]

MICROS_PER_UNIT = Decimal(1_000_000)

# The ISO 4217 codes Twenty accepts: its `CurrencyCode` enum in twenty-shared (version at
# commit 41d24255), which leaves out some active codes such as XAF and XPF.
_TWENTY_CURRENCY_TEXT = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
BWP BYN BZD CAD CDF CHF CLF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS
TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XCD XOF YER ZAR ZMW ZWG
"""
TWENTY_CURRENCY_CODES = frozenset(_TWENTY_CURRENCY_TEXT.split())

# Symbols that name one currency; a bare "$" means the tenant's default currency.
CURRENCY_SYMBOLS = {
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "US$": "USD",
    "C$": "CAD",
    "S$": "SGD",
    "HK$": "HKD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
}

_CODE_PATTERN = re.compile(r"(?<![A-Za-z])([A-Za-z]{3})(?![A-Za-z])")
_SYMBOL_PATTERN = re.compile(r"(?:A|AU|NZ|US|C|S|HK)\$|[$€£¥₹]")
_DOT_DECIMAL = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")
_COMMA_DECIMAL = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$|^,\d+$")


@dataclass(frozen=True)
class Money:
    """An amount with its currency code as read from the source."""

    amount: Decimal
    currency: str


class AmountError(ValueError):
    """The text is not an amount, or its separators are ambiguous."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def take_currency(text: str, default_currency: str) -> tuple[str, str]:
    """Remove a currency code or symbol from `text`; return the rest and the currency."""
    currency = default_currency

    code_match = _CODE_PATTERN.search(text)
    if code_match:
        code = code_match.group(1).upper()
        if code not in TWENTY_CURRENCY_CODES:
            reason = f"{code!r} is not a currency code that Twenty accepts"
            raise AmountError("CURRENCY_CODE_UNKNOWN", reason)
        currency = code
        text = text[: code_match.start()] + text[code_match.end() :]

    symbol_match = _SYMBOL_PATTERN.search(text)
    if symbol_match:
        symbol = symbol_match.group(0)
        currency = CURRENCY_SYMBOLS.get(symbol, currency) if not code_match else currency
        text = text[: symbol_match.start()] + text[symbol_match.end() :]
    return text, currency


def take_sign(text: str) -> tuple[str, bool]:
    """Remove a minus sign or accounting brackets; return the rest and whether it is negative."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        return text[1:-1].strip(), True
    if text.startswith("-") or text.endswith("-"):
        return text.strip("-").strip(), True
    if text.startswith("+"):
        return text[1:].strip(), False
    return text, False


def parse_number(text: str, *, comma_decimal: bool) -> Decimal:
    """Parse digits with thousands separators; reject separators that could mean either."""
    compact = text.replace(" ", "").replace("\u00a0", "")
    if comma_decimal:
        if not _COMMA_DECIMAL.match(compact):
            raise AmountError("CURRENCY_INVALID", "it is not a comma-decimal amount")
        compact = compact.replace(".", "").replace(",", ".")
    elif _DOT_DECIMAL.match(compact):
        compact = compact.replace(",", "")
    elif _COMMA_DECIMAL.match(compact) and "," in compact:
        raise AmountError(
            "CURRENCY_AMBIGUOUS",
            "its comma may be a decimal separator; set comma-decimal for this column if it is",
        )
    else:
        raise AmountError("CURRENCY_INVALID", "it is not an amount")

    try:
        return Decimal(compact)
    except InvalidOperation as error:
        raise AmountError("CURRENCY_INVALID", "it is not an amount") from error


def parse_money(text: str, *, default_currency: str, comma_decimal: bool) -> Money:
    """Read an amount such as `$1,100.00`, `-$50.00`, `($50.00)` or `AUD 10`."""
    rest, currency = take_currency(text.strip(), default_currency)
    rest, negative = take_sign(rest)
    rest, currency = take_currency(rest, currency)
    amount = parse_number(rest.strip(), comma_decimal=comma_decimal)
    return Money(amount=-amount if negative else amount, currency=currency)


def to_micros(amount: Decimal) -> int:
    """Return `amount` in millionths as an exact integer, rounding half away from zero."""
    return int((amount * MICROS_PER_UNIT).to_integral_value(rounding=ROUND_HALF_UP))


def convert_currency(raw: SourceValue, parameters: ConversionParameters) -> Converted[Currency]:
    """Convert to CURRENCY `{amountMicros, currencyCode}` with exact decimal arithmetic.

    A missing currency is `parameters.currency`. `1.234,56` is rejected as ambiguous unless
    `parameters.comma_decimal` is on. Amounts finer than a millionth are rounded half away
    from zero and flagged.
    """
    if parameters.currency not in TWENTY_CURRENCY_CODES:
        raise SettingsError(
            f"unknown default currency {parameters.currency!r} in the conversion settings",
            hint="Set the default currency to an ISO 4217 code that Twenty accepts, such as AUD.",
        )

    text = source_text(raw).strip()
    if not text:
        return Converted(value=None)

    try:
        money = parse_money(
            text, default_currency=parameters.currency, comma_decimal=parameters.comma_decimal
        )
    except AmountError as error:
        message = (
            f"{parameters.field_name} {text!r} cannot be read as money: {error.reason}."
            " Correct it in the source or change the column's money settings."
        )
        return Converted(value=None, problems=(reject(error.code, message),))

    micros = to_micros(money.amount)
    problems: list[Problem] = []
    if Decimal(micros) != money.amount * MICROS_PER_UNIT:
        problems.append(
            flag(
                "CURRENCY_ROUNDED",
                f"{parameters.field_name} {text!r} has more than six decimal places; it was"
                f" rounded to {Decimal(micros) / MICROS_PER_UNIT} {money.currency}.",
            )
        )
    return Converted(
        value={"amountMicros": micros, "currencyCode": money.currency}, problems=tuple(problems)
    )
