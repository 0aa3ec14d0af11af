"""Money as a marketer reads it: an amount in the workspace's currency (core.workspace.membership.currency)."""

from __future__ import annotations

import math

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


def money(value: float | None, currency: str) -> str:
    """'€1,234.50' (or 'n/a' when there is no amount): the sign of the currency, thousands separated."""
    if value is None or not math.isfinite(value):
        return "n/a"
    sign = CURRENCIES.get(currency, f"{currency} ")
    digits = 0 if currency in WHOLE else 2
    text = f"{abs(value):,.{digits}f}"
    return f"-{sign}{text}" if value < 0 else f"{sign}{text}"


def check_currency(code: str) -> str:
    """The code upper-cased, or ValueError saying which codes are offered."""
    cleaned = (code or "").strip().upper()
    if cleaned not in CURRENCIES:
        raise ValueError(f"'{code}' is not a currency Sway offers. Choose one of: {', '.join(CURRENCIES)}.")
    return cleaned
