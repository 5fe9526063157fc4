"""Presentation helpers for portal templates: colours and wording only, never decisions."""

from decimal import Decimal

from django import template

from assessments.wording import plain_number, with_unit
from organisations.selectors import display_name

register = template.Library()

STAGE_COLOURS = {
    "initial": "nhsuk-tag--orange",
    "developing": "nhsuk-tag--yellow",
    "established": "nhsuk-tag--blue",
    "advanced": "nhsuk-tag--green",
}
STATUS_COLOURS = {
    "not_started": "nhsuk-tag--grey",
    "in_progress": "nhsuk-tag--blue",
    "submitted": "nhsuk-tag--purple",
    "returned": "nhsuk-tag--red",
    "signed_off": "nhsuk-tag--green",
    "queued": "nhsuk-tag--grey",
    "running": "nhsuk-tag--blue",
    "done": "nhsuk-tag--green",
    "failed": "nhsuk-tag--red",
    "Completed": "nhsuk-tag--green",
    "In progress": "nhsuk-tag--blue",
    "Not started": "nhsuk-tag--grey",
    "Carried forward – confirm": "nhsuk-tag--yellow",
}


@register.filter
def stage_colour(code: str | None) -> str:
    return STAGE_COLOURS.get(code or "", "nhsuk-tag--grey")


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "nhsuk-tag--grey")


@register.filter
def one_decimal(score) -> str:
    """Scores to one decimal place; a missing score (None, or an empty lookup) is a dash."""
    return f"{score:.1f}" if isinstance(score, int | float | Decimal) else "–"


FRAMEWORK_STATUS_COLOURS = {
    "draft": "nhsuk-tag--grey",
    "published": "nhsuk-tag--green",
    "retired": "nhsuk-tag--white",
}


@register.filter
def framework_status_colour(status: str) -> str:
    return FRAMEWORK_STATUS_COLOURS.get(status, "nhsuk-tag--grey")


@register.filter
def number(value) -> str:
    """An answer's number as a person writes it: 94, not 94.00."""
    return "" if value is None else plain_number(value)


@register.filter
def quantity(value, unit: str) -> str:
    """An answer's number with its unit, singular for one: 1 day, 3 days."""
    return "" if value is None else with_unit(value, unit or "")


@register.filter
def person(user, nobody: str = "–") -> str:
    """A person's full name, or their username; ``nobody`` when there is no one."""
    return display_name(user, nobody=nobody)


QUARTILE_WORDS = {
    4: "Top quarter",
    3: "Second quarter",
    2: "Third quarter",
    1: "Bottom quarter",
}


@register.filter
def quartile_words(quartile: int | None) -> str:
    """Which quarter of its peers a trust sits in, counted from the top."""
    return QUARTILE_WORDS.get(quartile, "–")


@register.filter
def signed_change(change) -> str:
    """A change in score with its sign: "+3.2", "−1.5", "0.0"; a dash when there is none."""
    if change is None:
        return "–"
    text = f"{abs(change):.1f}"
    return f"+{text}" if change > 0 else f"\u2212{text}" if change < 0 else text


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or None: for dictionaries keyed by a variable."""
    return (mapping or {}).get(key)
