"""The form that creates a personal API token."""

from __future__ import annotations

from django import forms
from django.conf import settings

from maturity_portal.forms import nhsuk_helper


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="What the token is for, so you know which one to revoke, like 'Power BI'.",
        max_length=100,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "Enter a name of 100 characters or fewer",
        },
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        choices=[(days, f"{days} days") for days in settings.API_TOKEN_LIFETIMES_DAYS],
        coerce=int,
        initial=30,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose when the token expires",
            "invalid_choice": "Choose when the token expires from the list",
        },
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(action, "Create token", button_id="create-token")
