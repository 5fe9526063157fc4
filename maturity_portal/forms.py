"""The sign-in form, laid out with the NHS.UK crispy template pack."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been deactivated. Contact your portal administrator.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Autofocus would skip the skip link and the page heading for screen reader users.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.render_error_summary = False
        self.helper.add_input(Submit("submit", "Sign in"))
