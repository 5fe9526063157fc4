"""Forms for inviting a colleague and accepting an invitation."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password

from maturity_portal.forms import nhsuk_helper
from organisations.models import MembershipRole


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your colleague's email address",
            "invalid": "Enter an email address in the correct format, like name@nhs.net",
        },
    )
    role = forms.ChoiceField(
        label="Their role",
        choices=[
            (MembershipRole.CONTRIBUTOR, "Contributor: answers the domains you assign"),
            (MembershipRole.BOARD_MEMBER, "Board member: reads everything and signs off"),
            (MembershipRole.DIGITAL_LEAD, "Digital lead: runs the assessment with you"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select their role"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("", "Send invitation")


class AcceptInvitationForm(forms.Form):
    """A new account's name and password; someone who already has an account only accepts."""

    full_name = forms.CharField(
        label="Your full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your full name"},
    )
    password = forms.CharField(
        label="Create a password",
        help_text="At least 8 characters, not only numbers, and not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Create a password"},
    )

    def __init__(self, *args, existing_account: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if existing_account:
            del self.fields["full_name"]
            del self.fields["password"]
        self.helper = nhsuk_helper(
            "", "Accept invitation" if existing_account else "Accept and sign in"
        )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password
