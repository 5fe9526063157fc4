"""Presentation helpers for portal templates: colours and wording only, never decisions."""

from django import template

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
    return f"{score:.1f}" if isinstance(score, int | float) else "–"
