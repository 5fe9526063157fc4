"""Numbers in answers as a person writes them: "94", not "94.00"; "1 day", not "1 days"."""

from __future__ import annotations

from decimal import Decimal


def plain_number(value: Decimal | int | float) -> str:
    """No trailing zeros and no exponent: 94.00 → "94", 12.50 → "12.5", 100 → "100"."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def with_unit(value: Decimal | int | float, unit: str) -> str:
    """A number and its unit, in the singular for exactly one ("1 day", "3 days")."""
    number = plain_number(value)
    if not unit:
        return number
    if Decimal(str(value)) == 1 and unit.endswith("s") and not unit.endswith("ss"):
        unit = unit[:-1]
    return f"{number} {unit}"
