"""Forms of the assessment journey, laid out with the NHS.UK crispy template pack.

Forms turn what was posted into clean values and say what is wrong in plain words; whether the
person may post at all is the policy's business, and what happens next is a service's.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.html import conditional_escape, format_html

from assessments.evidence_files import ACCEPTED, ACCEPTED_LIST
from assessments.models import MembershipRole
from assessments.selectors import QuestionState
from assessments.services.answers import AnswerInput
from frameworks.models import QuestionType

NOT_APPLICABLE = "na"
CHOICE_TYPES = {QuestionType.SCALE, QuestionType.SINGLE_CHOICE, QuestionType.YES_NO}


def _helper(
    action: str, button: str, *, target: str | None = None, secondary: bool = False
) -> FormHelper:
    helper = FormHelper()
    helper.form_action = action
    # Pages put the error summary above their heading, as NHS.UK asks; not inside the form.
    helper.render_error_summary = False
    helper.add_input(
        Submit("save", button, css_class="nhsuk-button--secondary" if secondary else "")
    )
    if target is not None:
        helper.attrs = {
            "hx-post": action,
            "hx-target": f"#{target}",
            "hx-swap": "outerHTML",
            "novalidate": "",
        }
    return helper


class AnswerForm(forms.Form):
    """One question: the answer, a comment and the version the person started from.

    The form only parses what was posted; whether the answer fits the question (ranges, "None
    of these" on its own) is decided once, by the answer service, whose message the view shows.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, state: QuestionState, action: str, **kwargs) -> None:
        self.state = state
        question = state.question
        response = state.response
        kwargs.setdefault("prefix", question.code)
        if response is not None and "initial" not in kwargs:
            kwargs["initial"] = _initial(state)
        super().__init__(*args, **kwargs)
        if response is None:
            self.fields["version"].initial = 0
        self.fields["answer"] = self._answer_field()
        if question.allows_na and question.type not in CHOICE_TYPES:
            self.fields["not_applicable"] = forms.BooleanField(
                label="Not applicable to our trust", required=False
            )
        self.order_fields(["answer", "not_applicable", "comment", "version"])
        button = (
            "Confirm answer" if response is not None and response.carried_forward else "Save answer"
        )
        self.helper = _helper(action, button, target=f"question-{question.code}")
        # Without JavaScript the page that comes back opens at this question, not at the top.
        self.helper.form_action = f"{action}#question-{question.code}"
        self.helper.legend_size = "s"  # the question's own heading is the larger one

    def _answer_field(self) -> forms.Field:
        question = self.state.question
        # The NHS.UK pack prints hints as HTML (Django's convention); guidance is plain text.
        label, hint = question.text, conditional_escape(question.guidance)
        code = question.code
        match question.type:
            case QuestionType.SCALE | QuestionType.SINGLE_CHOICE | QuestionType.YES_NO:
                choices = [(str(option.order), option.label) for option in self.state.options]
                if question.allows_na:
                    choices.append((NOT_APPLICABLE, "Not applicable to our trust"))
                return forms.ChoiceField(
                    label=label,
                    help_text=hint,
                    choices=choices,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": f"Select an answer to {code}",
                        "invalid_choice": f"Select one of the answers shown for {code}",
                    },
                )
            case QuestionType.MULTIPLE_CHOICE:
                return forms.MultipleChoiceField(
                    label=label,
                    help_text=format_html("{} Select all that apply.", hint),
                    choices=[(str(option.order), option.label) for option in self.state.options],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    error_messages={
                        "invalid_choice": f"Select only the options shown for {code}",
                    },
                )
            case QuestionType.PERCENTAGE:
                return _decimal_field(
                    f"{label} (%)",
                    hint,
                    code,
                    max_digits=5,
                    width=4,
                    invalid=f"Enter {code} as a number between 0 and 100, like 75",
                    too_big=f"Enter a percentage between 0 and 100 for {code}",
                )
            case QuestionType.NUMBER:
                unit = f" ({question.unit})" if question.unit else ""
                return _decimal_field(
                    f"{label}{unit}",
                    hint,
                    code,
                    max_digits=12,
                    width=10,
                    invalid=f"Enter {code} as a number, like 12",
                    too_big=f"Enter a smaller number for {code}",
                )
            case _:
                return forms.CharField(
                    label=label,
                    help_text=hint,
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )

    def answer_input(self) -> AnswerInput:
        answer = self.cleaned_data.get("answer")
        if self.cleaned_data.get("not_applicable") or answer == NOT_APPLICABLE:
            return AnswerInput(not_applicable=True)
        match self.state.question.type:
            case QuestionType.SCALE | QuestionType.SINGLE_CHOICE | QuestionType.YES_NO:
                return AnswerInput(option=int(answer))
            case QuestionType.MULTIPLE_CHOICE:
                return AnswerInput(selected=frozenset(int(value) for value in answer))
            case QuestionType.PERCENTAGE | QuestionType.NUMBER:
                return AnswerInput(number=answer)
            case _:
                return AnswerInput(text=answer.strip())


def _decimal_field(
    label: str, hint: str, code: str, *, max_digits: int, width: int, invalid: str, too_big: str
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=hint,
        required=False,
        max_digits=max_digits,
        decimal_places=2,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "class": f"nhsuk-input--width-{width}"}
        ),
        error_messages={
            "invalid": invalid,
            "max_digits": too_big,
            "max_decimal_places": f"Enter {code} with no more than 2 decimal places",
        },
    )


def _initial(state: QuestionState) -> dict:
    response = state.response
    initial: dict = {"version": response.version, "comment": response.comment}
    question_type = state.question.type
    if response.is_not_applicable:
        if question_type in CHOICE_TYPES:
            initial["answer"] = NOT_APPLICABLE
        else:
            initial["not_applicable"] = True
    elif question_type in CHOICE_TYPES and response.option is not None:
        initial["answer"] = str(response.option.order)
    elif question_type == QuestionType.MULTIPLE_CHOICE:
        initial["answer"] = [str(option.order) for option in state.selected]
    elif question_type in {QuestionType.PERCENTAGE, QuestionType.NUMBER}:
        initial["answer"] = response.number_value
    elif question_type == QuestionType.FREE_TEXT:
        initial["answer"] = response.text_value
    return initial


class EvidenceLinkForm(forms.Form):
    url = forms.URLField(
        label="Link to evidence",
        help_text="For example, a page on your intranet or a shared document.",
        max_length=500,
        assume_scheme="https",
        error_messages={
            "required": "Enter a link to the evidence",
            "invalid": "Enter a full web address, like https://intranet.example.nhs.uk/strategy",
        },
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, "Add link", secondary=True)


class EvidenceFileForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=f"{ACCEPTED_LIST}, up to 10 MB.",
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, "Upload file", secondary=True)
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}


class StartForm(forms.Form):
    copy_forward = forms.ChoiceField(
        label="Do you want to start from last year's answers?",
        choices=[
            ("yes", "Yes, copy last year's answers for us to confirm or change"),
            ("no", "No, start with no answers"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to copy last year's answers"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("", "Start self-assessment")


class AssignForm(forms.Form):
    """One select per domain: nobody, or a contributor or lead of the trust."""

    def __init__(self, *args, domains, people, current: dict[int, int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Nobody (only the digital lead)")] + [
            (str(person.pk), person.get_full_name() or person.username) for person in people
        ]
        for domain in domains:
            self.fields[f"domain_{domain.pk}"] = forms.ChoiceField(
                label=domain.name,
                choices=choices,
                required=False,
                initial=str(current.get(domain.pk, "")),
                error_messages={"invalid_choice": f"Select a colleague for {domain.name}"},
            )
        self.domains = domains
        self.people = {str(person.pk): person for person in people}
        self.helper = _helper("", "Save assignments")

    def assignments(self):
        for domain in self.domains:
            chosen = self.cleaned_data.get(f"domain_{domain.pk}")
            yield domain, self.people.get(chosen) if chosen else None


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(
        label="What do you want to do?",
        choices=[
            ("sign_off", "Sign off this self-assessment"),
            ("return", "Return it to the digital lead with a comment"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to sign off or return it"},
    )
    name = forms.CharField(label="Your full name", required=False, max_length=200)
    role = forms.CharField(
        label="Your board role",
        help_text="For example, Chief Executive.",
        required=False,
        max_length=200,
    )
    comment = forms.CharField(
        label="Comment for the digital lead",
        help_text="Needed when you return it: say what should change.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("", "Continue")

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == "sign_off":
            if not cleaned.get("name", "").strip():
                self.add_error("name", "Enter your full name")
            if not cleaned.get("role", "").strip():
                self.add_error("role", "Enter your board role")
        elif cleaned.get("decision") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Enter a comment saying what needs to change")
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reopening it?",
        help_text="The reason is recorded in the audit trail and shown to the trust.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for reopening it"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("", "Reopen assessment")


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
        self.helper = _helper("", "Send invitation")


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
        self.helper = _helper("", "Accept invitation" if existing_account else "Accept and sign in")

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password
