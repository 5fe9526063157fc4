"""The sign-in form and the form helper every portal form uses (the NHS.UK crispy template pack)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, QueryDict


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


def posted(request: HttpRequest) -> QueryDict | None:
    """The POST data, or None on GET: an empty POST is still a POST and gets validated."""
    return request.POST if request.method == "POST" else None


def nhsuk_helper(
    action: str,
    button: str,
    *,
    target: str | None = None,
    secondary: bool = False,
    button_id: str | None = None,
) -> FormHelper:
    """One submit button, the error summary left to the page, and optional htmx in place."""
    helper = FormHelper()
    helper.form_action = action
    # Pages put the error summary above their heading, as NHS.UK asks; not inside the form.
    helper.render_error_summary = False
    # Each form on a page needs its own button id; crispy would give every one the same.
    helper.add_input(
        Submit(
            "save",
            button,
            css_class="nhsuk-button--secondary" if secondary else "",
            css_id=button_id,
        )
    )
    if target is not None:
        helper.attrs = {
            "hx-post": action,
            "hx-target": f"#{target}",
            "hx-swap": "outerHTML",
            "novalidate": "",
        }
    return helper
