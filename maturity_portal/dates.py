"""A date as the NHS.UK date input asks for it: day, month and year in three boxes."""

from __future__ import annotations

import datetime as dt

from django import forms


class DateInputWidget(forms.MultiWidget):
    template_name = "nhsuk/custom/date_input.html"

    def __init__(self, attrs=None) -> None:
        number = {"inputmode": "numeric"}
        super().__init__(
            [forms.TextInput(number), forms.TextInput(number), forms.TextInput(number)], attrs
        )

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """Three boxes, one date; the error names the date, as NHS.UK asks."""

    widget = DateInputWidget

    def __init__(self, *, label: str, **kwargs) -> None:
        self.name_for_errors = label[:1].upper() + label[1:]
        super().__init__(
            fields=[forms.CharField(required=False) for _ in ("day", "month", "year")],
            require_all_fields=False,
            label=label,
            error_messages={"required": f"Enter the {label.lower()}"},
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (part.strip() if part else "" for part in data_list)
        missing = [
            name
            for name, part in zip(("day", "month", "year"), (day, month, year), strict=True)
            if not part
        ]
        if missing:
            raise forms.ValidationError(
                f"{self.name_for_errors} must include a {' and '.join(missing)}"
            )
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as error:
            raise forms.ValidationError(
                f"{self.name_for_errors} must be a real date, like 31 3 2027"
            ) from error
