"""Forms of the assessment journey, laid out with the NHS.UK crispy template pack.

Forms turn what was posted into clean values and say what is wrong in plain words; whether the
person may post at all is the policy's business, and what happens next is a service's.
"""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, format_html

from assessments.evidence_files import ACCEPTED, ACCEPTED_LIST, MAX_EVIDENCE_SIZE
from assessments.selectors import QuestionState
from assessments.services.answers import AnswerInput
from assessments.wording import plain_number
from frameworks.definition import MAX_BARRIERS_CHOSEN, SINGLE_CHOICE_TYPES, TICKED_TYPES
from frameworks.models import Framework, QuestionType
from maturity_portal.dates import DateField
from maturity_portal.forms import nhsuk_helper
from organisations.selectors import display_name

NOT_APPLICABLE = "na"


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
        if question.type == QuestionType.BARRIERS:
            self.fields["description"] = forms.CharField(
                label="Describe these barriers (optional)",
                help_text="What they stop you doing, and what would help.",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if question.allows_na and question.type not in SINGLE_CHOICE_TYPES:
            self.fields["not_applicable"] = forms.BooleanField(
                label="Not applicable to our trust", required=False
            )
        self.order_fields(["answer", "description", "not_applicable", "comment", "version"])
        button = (
            "Confirm answer" if response is not None and response.carried_forward else "Save answer"
        )
        self.helper = nhsuk_helper(
            action, button, target=f"question-{question.code}", button_id=f"{question.code}-save"
        )
        # Without JavaScript the page that comes back opens at this question, not at the top.
        self.helper.form_action = f"{action}#question-{question.code}"
        self.helper.legend_size = "s"  # the question's own heading is the larger one

    def _answer_field(self) -> forms.Field:
        question = self.state.question
        # The NHS.UK pack prints hints as HTML (Django's convention); guidance is plain text.
        label, hint = question.text, conditional_escape(question.guidance)
        code = question.code
        match question.type:
            case kind if kind in SINGLE_CHOICE_TYPES:
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
            case QuestionType.BARRIERS:
                return forms.MultipleChoiceField(
                    label=label,
                    help_text=format_html(
                        "{} Select up to {}. Your answer is not scored.", hint, MAX_BARRIERS_CHOSEN
                    ),
                    choices=[(str(option.order), option.label) for option in self.state.options],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    error_messages={"invalid_choice": f"Select only the barriers shown for {code}"},
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
            case kind if kind in SINGLE_CHOICE_TYPES:
                return AnswerInput(option=int(answer))
            case QuestionType.MULTIPLE_CHOICE:
                return AnswerInput(selected=frozenset(int(value) for value in answer))
            case QuestionType.BARRIERS:
                return AnswerInput(
                    selected=frozenset(int(value) for value in answer),
                    text=self.cleaned_data.get("description", "").strip(),
                )
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
        if question_type in SINGLE_CHOICE_TYPES:
            initial["answer"] = NOT_APPLICABLE
        else:
            initial["not_applicable"] = True
    elif question_type in SINGLE_CHOICE_TYPES and response.option is not None:
        initial["answer"] = str(response.option.order)
    elif question_type in TICKED_TYPES:
        initial["answer"] = [str(option.order) for option in state.selected]
        initial["description"] = response.text_value
    elif question_type in {QuestionType.PERCENTAGE, QuestionType.NUMBER}:
        if response.number_value is not None:
            initial["answer"] = plain_number(response.number_value)
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
        self.helper = nhsuk_helper(
            action, "Add link", secondary=True, button_id=f"{self.prefix}-save"
        )


class EvidenceFileForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=f"{ACCEPTED_LIST}, up to {MAX_EVIDENCE_SIZE}.",
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(
            action, "Upload file", secondary=True, button_id=f"{self.prefix}-save"
        )
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
        self.helper = nhsuk_helper("", "Start self-assessment")


class AssignForm(forms.Form):
    """One select per domain: nobody, or a contributor or lead of the trust."""

    def __init__(self, *args, domains, people, current: dict[int, int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Nobody (only the digital lead)")] + [
            (str(person.pk), display_name(person)) for person in people
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
        self.helper = nhsuk_helper("", "Save assignments")

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
        self.helper = nhsuk_helper("", "Continue")

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
        self.helper = nhsuk_helper("", "Reopen assessment")


class CycleCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="The year it covers, like 2027/28.",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
        error_messages={"required": "Enter the cycle's name"},
    )
    framework = forms.ModelChoiceField(
        label="Framework",
        queryset=Framework.objects.none(),
        empty_label="Choose a published framework",
        error_messages={
            "required": "Choose the framework trusts will answer",
            "invalid_choice": "Choose one of the published frameworks shown",
        },
    )
    opens_on = DateField(label="Opening date", help_text="For example, 1 4 2027.")
    closes_on = DateField(label="Closing date", help_text="For example, 31 3 2028.")

    def __init__(self, *args, frameworks, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks
        self.helper = nhsuk_helper("", "Create cycle")


class CycleExtendForm(forms.Form):
    closes_on = DateField(
        label="New closing date",
        help_text="Trusts can change answers and submit until the end of this day.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("", "Extend cycle")


class ConfirmCarriedForwardForm(forms.Form):
    """One button confirming a domain's carried-forward answers, each at the version shown."""

    def __init__(self, *args, states: list[QuestionState], action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # An answer confirmed by someone else since the page loaded is simply no longer here.
        carried = [s for s in states if s.response is not None and s.response.carried_forward]
        for state in carried:
            self.fields[f"version-{state.question.code}"] = forms.IntegerField(
                widget=forms.HiddenInput,
                required=False,
                min_value=1,
                initial=state.response.version,
            )
        self.codes = [state.question.code for state in carried]
        self.count = len(carried)
        self.helper = nhsuk_helper(
            action,
            f"Confirm {'this' if self.count == 1 else f'all {self.count}'} unchanged "
            f"answer{'s' if self.count != 1 else ''}",
            secondary=True,
            button_id="confirm-all-save",
        )

    def versions(self) -> dict[str, int]:
        """Each posted question code with the version the person saw."""
        return {
            code: self.cleaned_data[f"version-{code}"]
            for code in self.codes
            if self.cleaned_data.get(f"version-{code}") is not None
        }
