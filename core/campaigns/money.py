"""Money as a marketer reads it: an amount in the workspace's currency (core.workspace.membership.currency)."""

from __future__ import annotations

import math

from core.numbers import UNKNOWN

# ISO 4217 codes a workspace may price its campaigns in, with the sign written before the amount.
CURRENCIES: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CHF": "CHF ",
    "CAD": "CA$",
    "AUD": "A$",
    "SEK": "SEK ",
    "NOK": "NOK ",
    "DKK": "DKK ",
    "PLN": "PLN ",
    "INR": "₹",
    "BRL": "R$",
}
# Currencies whose amounts carry no decimals.
WHOLE = frozenset({"JPY"})


def money(value: float | None, currency: str, *, whole: bool = False) -> str:
    """'€1,234.50' (or '–' when there is no amount): the sign of the currency, thousands separated; `whole`
    rounds to whole units."""
    if value is None or not math.isfinite(value):
        return UNKNOWN
    sign = CURRENCIES.get(currency, f"{currency} ")
    digits = 0 if whole or currency in WHOLE else 2
    text = f"{abs(value):,.{digits}f}"
    return f"-{sign}{text}" if value < 0 else f"{sign}{text}"


def check_currency(code: str) -> str:
    """The code upper-cased, or ValueError saying which codes are offered."""
    cleaned = (code or "").strip().upper()
    if cleaned not in CURRENCIES:
        raise ValueError(f"'{code}' is not a currency Sway offers. Choose one of: {', '.join(CURRENCIES)}.")
    return cleaned


CARD_WHOLE_FROM = 10_000  # from this amount a metric card drops the cents: "$132,579.43" is cut short in a fifth


def money_card(value: float | None, currency: str) -> str:
    """money() for a metric card: whole units from CARD_WHOLE_FROM on ("$132,579"), the exact amount in its help."""
    large = value is not None and math.isfinite(value) and abs(value) >= CARD_WHOLE_FROM
    return money(value, currency, whole=large)
