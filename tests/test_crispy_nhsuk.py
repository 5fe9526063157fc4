"""The `nhsuk` crispy-forms template pack renders NHS.UK (nhsuk-frontend v10) form markup.

Every assertion goes through a small DOM built with the standard library's HTML parser, so the
tests check elements, attributes and their relations (label -> input, aria-describedby -> ids,
error summary link -> field) rather than fragments of text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from crispy_forms.bootstrap import PrependedAppendedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory

# --------------------------------------------------------------------------------------------
# A minimal DOM: enough to query rendered forms by tag, class, id and attribute.
# --------------------------------------------------------------------------------------------

VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})


@dataclass(eq=False)
class Element:
    """One parsed HTML element with its attributes, children and parent."""

    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text for c in self.children)

    @property
    def text(self) -> str:
        """Text content with whitespace collapsed, as a screen reader would read it."""
        return " ".join(self.raw_text.split())

    def iter(self) -> list[Element]:
        found: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                found.append(child)
                found.extend(child.iter())
        return found

    def find_all(
        self, tag: str | None = None, cls: str | None = None, **attrs: str
    ) -> list[Element]:
        """Descendants matching a tag, a class and exact attribute values (`_` means `-`)."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (cls is None or cls in element.classes)
            and all(element.attrs.get(name) == value for name, value in wanted.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
        """The single matching descendant; fails the test if there is none or several."""
        matches = self.find_all(tag, cls, **attrs)
        assert len(matches) == 1, f"expected one <{tag} class={cls} {attrs}>, got {len(matches)}"
        return matches[0]

    def by_id(self, element_id: str) -> Element:
        return self.find(id=element_id)

    def ancestor(self, tag: str) -> Element | None:
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), parent=self._open[-1])
        self._open[-1].children.append(element)
        if tag not in VOID_TAGS:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open[-1].children.append(Element(tag, dict(attrs), parent=self._open[-1]))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return
        raise AssertionError(f"</{tag}> closes nothing: the template emits unbalanced markup")

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert len(builder._open) == 1, f"unclosed <{builder._open[-1].tag}> in rendered form"
    return builder.root


def render_filter(form: forms.BaseForm) -> Element:
    """`{{ form|crispy }}`, the way most page templates will render a form."""
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    return parse(html)


def render_tag(form: forms.BaseForm) -> Element:
    """`{% crispy form %}`, which also draws the <form> element and the helper's buttons."""
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    return parse(html)


def described_by(element: Element) -> list[str]:
    return (element.attrs.get("aria-describedby") or "").split()


def chosen_values(doc: Element, tag: str, flag: str, **attrs: str) -> list[str]:
    """Values of the options/inputs carrying `flag` ("checked" or "selected")."""
    return [
        element.attrs["value"] for element in doc.find_all(tag, **attrs) if flag in element.attrs
    ]


# --------------------------------------------------------------------------------------------
# Forms under test
# --------------------------------------------------------------------------------------------

LEVEL_CHOICES = [("1", "Initial"), ("2", "Developing"), ("3", "Embedded")]
SYSTEM_CHOICES = [("epr", "Electronic patient record"), ("pacs", "PACS"), ("lims", "LIMS")]
REGION_CHOICES = [("", "Choose a region"), ("north", "North"), ("south", "South")]


class AssessmentForm(forms.Form):
    """One field of every kind the portal's questionnaires use."""

    organisation = forms.CharField(
        label="Organisation name",
        widget=forms.TextInput(
            attrs={"autocomplete": "organization", "class": "nhsuk-input--width-20"}
        ),
    )
    email = forms.EmailField(label="Contact email")
    staff = forms.IntegerField(
        label="Number of staff",
        help_text="Count full-time equivalents",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    budget = forms.DecimalField(label="Digital budget", required=False)
    password = forms.CharField(label="Password", widget=forms.PasswordInput, required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    region = forms.ChoiceField(label="Region", choices=REGION_CHOICES)
    level = forms.ChoiceField(
        label="Maturity level",
        choices=LEVEL_CHOICES,
        widget=forms.RadioSelect,
        help_text="Choose the level that best describes you",
    )
    systems = forms.MultipleChoiceField(
        label="Systems in use", choices=SYSTEM_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    confirm = forms.BooleanField(label="I confirm the answers are accurate", help_text="Required")
    step = forms.CharField(widget=forms.HiddenInput, required=False)


VALID_DATA = {
    "organisation": "Leeds Teaching Hospitals",
    "email": "cio@example.nhs.uk",
    "staff": "120",
    "region": "north",
    "level": "2",
    "systems": ["epr", "lims"],
    "confirm": "on",
}


class ConfirmedForm(forms.Form):
    """A form whose clean() raises a non-field error."""

    name = forms.CharField(label="Name")

    def clean(self) -> dict[str, object]:
        raise ValidationError("The assessment period has closed")


class ButtonsForm(forms.Form):
    """A form with a helper carrying a layout, a fieldset and two buttons."""

    organisation = forms.CharField(label="Organisation name")
    email = forms.EmailField(label="Contact email")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Fieldset("Your organisation", "organisation", "email"))
        self.helper.add_input(Submit("submit", "Save and continue"))
        self.helper.add_input(Submit("back", "Back", css_class="nhsuk-button--secondary"))


def posted(data: dict[str, object]) -> AssessmentForm:
    """Bind the form to a real POST request's QueryDict, as a view would after a submit."""
    request = RequestFactory().post("/assessment/", data)
    form = AssessmentForm(request.POST)
    form.is_valid()
    return form


# --------------------------------------------------------------------------------------------
# Text-like inputs
# --------------------------------------------------------------------------------------------


def test_text_input_has_nhs_classes_and_label_for_matches_input_id() -> None:
    doc = render_filter(AssessmentForm())
    text = doc.by_id("id_organisation")
    assert text.tag == "input"
    assert text.attrs["type"] == "text"
    assert {"nhsuk-input"} <= text.classes
    label = doc.find("label", **{"for": "id_organisation"})
    assert "nhsuk-label" in label.classes
    assert label.text == "Organisation name"
    assert "nhsuk-form-group" in text.parent.classes


@pytest.mark.parametrize(
    ("field_id", "input_type"),
    [("id_email", "email"), ("id_budget", "number"), ("id_password", "password")],
)
def test_email_decimal_and_password_fields_render_as_nhs_inputs(
    field_id: str, input_type: str
) -> None:
    doc = render_filter(AssessmentForm())
    element = doc.by_id(field_id)
    assert element.attrs["type"] == input_type
    assert "nhsuk-input" in element.classes
    assert doc.find("label", **{"for": field_id}).classes >= {"nhsuk-label"}


def test_widget_attrs_and_extra_classes_are_kept() -> None:
    doc = render_filter(AssessmentForm())
    organisation = doc.by_id("id_organisation")
    assert organisation.attrs["autocomplete"] == "organization"
    assert organisation.classes == {"nhsuk-input", "nhsuk-input--width-20"}
    assert doc.by_id("id_staff").attrs["inputmode"] == "numeric"
    assert doc.by_id("id_email").attrs["maxlength"] == "320"
    assert "required" in organisation.attrs


def test_hint_id_is_referenced_by_input_aria_describedby() -> None:
    doc = render_filter(AssessmentForm())
    hint = doc.by_id("id_staff-hint")
    assert "nhsuk-hint" in hint.classes
    assert hint.text == "Count full-time equivalents"
    assert described_by(doc.by_id("id_staff")) == ["id_staff-hint"]


def test_input_without_hint_or_error_has_no_aria_describedby() -> None:
    """Django 5 would point at an unrendered `_helptext` id; the pack must not emit it empty."""
    doc = render_filter(AssessmentForm())
    assert "aria-describedby" not in doc.by_id("id_organisation").attrs


def test_error_message_has_visually_hidden_prefix_and_is_referenced_after_hint() -> None:
    doc = render_filter(posted({**VALID_DATA, "staff": "lots"}))
    error = doc.by_id("id_staff-error")
    assert error.tag == "span"
    assert "nhsuk-error-message" in error.classes
    prefix = error.find("span", cls="nhsuk-u-visually-hidden")
    assert prefix.text == "Error:"
    assert error.text == "Error: Enter a whole number."
    assert described_by(doc.by_id("id_staff")) == ["id_staff-hint", "id_staff-error"]


def test_error_classes_only_on_the_fields_that_have_errors() -> None:
    doc = render_filter(posted({**VALID_DATA, "email": "not-an-email"}))
    email = doc.by_id("id_email")
    assert "nhsuk-input--error" in email.classes
    assert "nhsuk-form-group--error" in email.parent.classes
    organisation = doc.by_id("id_organisation")
    assert "nhsuk-input--error" not in organisation.classes
    assert "nhsuk-form-group--error" not in organisation.parent.classes
    assert doc.find_all(id="id_organisation-error") == []


def test_unbound_form_has_no_error_state_anywhere() -> None:
    doc = render_filter(AssessmentForm())
    assert doc.find_all(cls="nhsuk-form-group--error") == []
    assert doc.find_all(cls="nhsuk-error-message") == []
    assert doc.find_all(cls="nhsuk-error-summary") == []


def test_password_is_not_echoed_back_after_failed_post() -> None:
    doc = render_filter(posted({**VALID_DATA, "email": "", "password": "hunter2"}))
    assert "value" not in doc.by_id("id_password").attrs


# --------------------------------------------------------------------------------------------
# Textarea and select
# --------------------------------------------------------------------------------------------


def test_textarea_uses_nhs_textarea_and_keeps_submitted_text() -> None:
    doc = render_filter(posted({**VALID_DATA, "email": "", "notes": "Paper <records> remain"}))
    textarea = doc.by_id("id_notes")
    assert textarea.tag == "textarea"
    assert textarea.classes == {"nhsuk-textarea"}
    assert textarea.text == "Paper <records> remain"
    assert doc.find("label", **{"for": "id_notes"}).text == "Notes"


def test_textarea_error_adds_textarea_error_modifier() -> None:
    class NotesForm(forms.Form):
        notes = forms.CharField(widget=forms.Textarea, max_length=5)

    form = NotesForm({"notes": "far too long"})
    doc = render_filter(form)
    textarea = doc.by_id("id_notes")
    assert textarea.classes == {"nhsuk-textarea", "nhsuk-textarea--error"}
    assert described_by(textarea) == ["id_notes-error"]


def test_select_uses_nhs_select_and_keeps_the_submitted_choice_selected() -> None:
    doc = render_filter(posted({**VALID_DATA, "email": "", "region": "south"}))
    select = doc.by_id("id_region")
    assert select.tag == "select"
    assert select.classes == {"nhsuk-select"}
    assert doc.find("label", **{"for": "id_region"}).text == "Region"
    assert chosen_values(select, "option", "selected") == ["south"]


def test_select_error_marks_select_and_group() -> None:
    doc = render_filter(posted({**VALID_DATA, "region": ""}))
    select = doc.by_id("id_region")
    assert select.classes == {"nhsuk-select", "nhsuk-select--error"}
    assert "nhsuk-form-group--error" in select.parent.classes
    assert described_by(select) == ["id_region-error"]


# --------------------------------------------------------------------------------------------
# Radios and checkboxes
# --------------------------------------------------------------------------------------------


def test_radios_render_in_fieldset_with_legend_hint_and_error_described_by_fieldset() -> None:
    doc = render_filter(posted({**VALID_DATA, "level": ""}))
    radios = doc.find("div", cls="nhsuk-radios")
    assert radios.attrs["data-module"] == "nhsuk-radios"
    fieldset = radios.ancestor("fieldset")
    assert fieldset is not None
    assert "nhsuk-fieldset" in fieldset.classes
    assert "nhsuk-form-group--error" in fieldset.parent.classes
    legend = fieldset.find("legend")
    assert legend.classes == {"nhsuk-fieldset__legend", "nhsuk-fieldset__legend--m"}
    assert legend.text == "Maturity level"
    assert described_by(fieldset) == ["id_level-hint", "id_level-error"]
    # Hint and error live inside the fieldset, so they are read with the group.
    assert fieldset.by_id("id_level-hint").text == "Choose the level that best describes you"
    assert "nhsuk-error-message" in fieldset.by_id("id_level-error").classes


def test_each_radio_has_django_indexed_id_and_a_matching_label() -> None:
    doc = render_filter(AssessmentForm())
    items = doc.find_all("div", cls="nhsuk-radios__item")
    assert len(items) == len(LEVEL_CHOICES)
    for index, (item, (value, text)) in enumerate(zip(items, LEVEL_CHOICES, strict=True)):
        radio = item.find("input")
        assert radio.attrs["type"] == "radio"
        assert radio.classes == {"nhsuk-radios__input"}
        assert radio.attrs["id"] == f"id_level_{index}"
        assert radio.attrs["name"] == "level"
        assert radio.attrs["value"] == value
        label = item.find("label")
        assert label.classes == {"nhsuk-label", "nhsuk-radios__label"}
        assert label.attrs["for"] == radio.attrs["id"]
        assert label.text == text


def test_radio_error_summary_link_targets_first_radio() -> None:
    doc = render_filter(posted({**VALID_DATA, "level": ""}))
    summary = doc.find("div", cls="nhsuk-error-summary")
    link = summary.find("a")
    first_radio = doc.find_all("input", cls="nhsuk-radios__input")[0]
    assert link.attrs["href"] == f"#{first_radio.attrs['id']}"
    assert first_radio.attrs["id"] == "id_level_0"


def test_chosen_radio_stays_checked_after_failed_post() -> None:
    doc = render_filter(posted({**VALID_DATA, "email": "", "level": "3"}))
    assert chosen_values(doc, "input", "checked", type="radio") == ["3"]


def test_checkboxes_render_in_fieldset_with_items_and_data_module() -> None:
    doc = render_filter(AssessmentForm())
    fieldset = doc.by_id("id_systems_0").ancestor("fieldset")
    assert fieldset is not None
    group = fieldset.find("div", cls="nhsuk-checkboxes", data_module="nhsuk-checkboxes")
    assert fieldset.find("legend").text == "Systems in use"
    boxes = group.find_all("input")
    assert [box.attrs["id"] for box in boxes] == ["id_systems_0", "id_systems_1", "id_systems_2"]
    for box in boxes:
        assert box.classes == {"nhsuk-checkboxes__input"}
        assert box.attrs["type"] == "checkbox"
        label = doc.find("label", **{"for": box.attrs["id"]})
        assert label.classes == {"nhsuk-label", "nhsuk-checkboxes__label"}


def test_ticked_checkboxes_stay_ticked_after_failed_post() -> None:
    doc = render_filter(posted({**VALID_DATA, "email": "", "systems": ["pacs", "lims"]}))
    assert chosen_values(doc, "input", "checked", name="systems") == ["pacs", "lims"]


def test_checkbox_group_error_links_to_first_checkbox() -> None:
    doc = render_filter(posted({**VALID_DATA, "systems": []}))
    fieldset = doc.by_id("id_systems_0").ancestor("fieldset")
    assert fieldset is not None
    assert described_by(fieldset) == ["id_systems-error"]
    hrefs = [
        link.attrs["href"] for link in doc.find("div", cls="nhsuk-error-summary").find_all("a")
    ]
    assert hrefs == ["#id_systems_0"]


def test_boolean_field_is_a_single_nhs_checkbox_with_its_label_hint_and_error() -> None:
    doc = render_filter(posted({**VALID_DATA, "confirm": ""}))
    box = doc.by_id("id_confirm")
    assert box.attrs["type"] == "checkbox"
    assert box.classes == {"nhsuk-checkboxes__input"}
    assert "checked" not in box.attrs
    item = box.parent
    assert "nhsuk-checkboxes__item" in item.classes
    assert item.find("label").attrs["for"] == "id_confirm"
    assert item.find("label").text == "I confirm the answers are accurate"
    hint = doc.by_id("id_confirm-hint")
    assert hint.classes == {"nhsuk-hint", "nhsuk-checkboxes__hint"}
    assert described_by(box) == ["id_confirm-hint", "id_confirm-error"]
    group = item.ancestor("div")
    assert group is not None
    assert group.attrs["data-module"] == "nhsuk-checkboxes"
    assert "nhsuk-form-group--error" in group.parent.classes


def test_ticked_boolean_checkbox_stays_ticked_after_failed_post() -> None:
    doc = render_filter(posted({**VALID_DATA, "email": ""}))
    assert "checked" in doc.by_id("id_confirm").attrs


@pytest.mark.django_db
def test_model_choice_radios_use_primary_keys_and_link_first_option() -> None:
    queryset = ContentType.objects.order_by("pk")[:2]

    class ModelRadioForm(forms.Form):
        kind = forms.ModelChoiceField(queryset=queryset, widget=forms.RadioSelect)

    pks = [str(content_type.pk) for content_type in queryset]
    doc = render_filter(ModelRadioForm({"kind": ""}))
    radios = doc.find_all("input", type="radio")
    assert [radio.attrs["value"] for radio in radios] == pks
    summary_link = doc.find("div", cls="nhsuk-error-summary").find("a")
    assert summary_link.attrs["href"] == f"#{radios[0].attrs['id']}"

    chosen = render_filter(ModelRadioForm({"kind": pks[1]}))
    assert chosen_values(chosen, "input", "checked", type="radio") == [pks[1]]


# --------------------------------------------------------------------------------------------
# Error summary
# --------------------------------------------------------------------------------------------


def test_error_summary_markup_matches_nhsuk_frontend_v10() -> None:
    doc = render_filter(posted({**VALID_DATA, "email": ""}))
    summary = doc.find("div", cls="nhsuk-error-summary")
    assert summary.attrs["data-module"] == "nhsuk-error-summary"
    assert summary.attrs["tabindex"] == "-1"
    alert = summary.find("div", role="alert")
    heading = alert.find("h2")
    assert heading.classes == {"nhsuk-error-summary__heading"}
    assert heading.text == "There is a problem"
    body = alert.find("div", cls="nhsuk-error-summary__body")
    assert body.find("ul").classes == {"nhsuk-list", "nhsuk-error-summary__list"}


def test_error_summary_lists_every_field_error_with_a_link_to_the_field() -> None:
    form = posted(
        {"organisation": "", "email": "bad", "staff": "x", "region": "", "level": "", "systems": []}
    )
    doc = render_filter(form)
    links = doc.find("div", cls="nhsuk-error-summary").find_all("a")
    expected = [
        ("#id_organisation", "This field is required."),
        ("#id_email", "Enter a valid email address."),
        ("#id_staff", "Enter a whole number."),
        ("#id_region", "This field is required."),
        ("#id_level_0", "This field is required."),
        ("#id_systems_0", "This field is required."),
        ("#id_confirm", "This field is required."),
    ]
    assert [(link.attrs["href"], link.text) for link in links] == expected
    # Every link lands on an element that exists in the same page.
    for href, _ in expected:
        doc.by_id(href.removeprefix("#"))
    assert sum(len(errors) for errors in form.errors.values()) == len(expected)


def test_error_summary_shows_non_field_errors_as_plain_items() -> None:
    doc = render_filter(ConfirmedForm({"name": "Ada"}))
    items = doc.find("ul", cls="nhsuk-error-summary__list").find_all("li")
    assert [item.text for item in items] == ["The assessment period has closed"]
    assert items[0].find_all("a") == []


def test_error_summary_absent_on_unbound_and_on_valid_form() -> None:
    valid = posted(VALID_DATA)
    assert valid.is_valid(), valid.errors
    for form in (AssessmentForm(), valid):
        doc = render_filter(form)
        assert doc.find_all(cls="nhsuk-error-summary") == []


def test_error_summary_comes_before_the_first_field() -> None:
    doc = render_filter(posted({**VALID_DATA, "email": ""}))
    elements = doc.iter()
    summary = doc.find("div", cls="nhsuk-error-summary")
    first_group = doc.find_all("div", cls="nhsuk-form-group")[0]
    assert elements.index(summary) < elements.index(first_group)


def test_error_summary_include_renders_on_its_own() -> None:
    template = Template('{% include "nhsuk/error_summary.html" with form=form %}')
    doc = parse(template.render(Context({"form": posted({**VALID_DATA, "email": ""})})))
    assert doc.find("div", cls="nhsuk-error-summary").find("a").attrs["href"] == "#id_email"
    assert doc.find_all("input") == []
    assert template.render(Context({"form": AssessmentForm()})).strip() == ""


def test_form_show_errors_false_hides_messages_and_references_to_them() -> None:
    form = posted({**VALID_DATA, "staff": "x"})
    form.helper = FormHelper()
    form.helper.form_show_errors = False
    doc = render_tag(form)
    assert doc.find_all(cls="nhsuk-error-summary") == []
    assert doc.find_all(cls="nhsuk-error-message") == []
    assert described_by(doc.by_id("id_staff")) == ["id_staff-hint"]


def test_helper_can_leave_the_summary_to_the_page_but_keeps_inline_errors() -> None:
    """Pages that put the summary above their <h1> must not get a second one in the form."""
    form = posted({**VALID_DATA, "email": ""})
    form.helper = FormHelper()
    form.helper.render_error_summary = False
    doc = render_tag(form)
    assert doc.find_all(cls="nhsuk-error-summary") == []
    assert "nhsuk-error-message" in doc.by_id("id_email-error").classes


# --------------------------------------------------------------------------------------------
# {% crispy %} tag, layout objects and buttons
# --------------------------------------------------------------------------------------------


def test_crispy_tag_wraps_form_with_csrf_token_and_disables_browser_validation() -> None:
    request = RequestFactory().get("/assessment/")
    template = Template("{% load crispy_forms_tags %}{% crispy form %}")
    html = template.render(
        Context({"form": ButtonsForm(), "csrf_token": "tok", "request": request})
    )
    form_element = parse(html).find("form")
    assert form_element.attrs["method"] == "post"
    assert "novalidate" in form_element.attrs
    assert form_element.find("input", name="csrfmiddlewaretoken").attrs["type"] == "hidden"


def test_submit_renders_nhs_button_and_secondary_variant() -> None:
    doc = render_tag(ButtonsForm())
    group = doc.find("div", cls="nhsuk-button-group")
    primary, secondary = group.find_all("button")
    assert primary.classes == {"nhsuk-button"}
    assert primary.attrs["data-module"] == "nhsuk-button"
    assert primary.attrs["type"] == "submit"
    assert primary.attrs["name"] == "submit"
    assert primary.text == "Save and continue"
    assert secondary.classes == {"nhsuk-button", "nhsuk-button--secondary"}
    assert secondary.text == "Back"


def test_fieldset_layout_object_renders_nhs_fieldset_with_legend() -> None:
    doc = render_tag(ButtonsForm())
    fieldset = doc.find("fieldset")
    assert fieldset.classes == {"nhsuk-fieldset"}
    legend = fieldset.find("legend")
    assert legend.classes == {"nhsuk-fieldset__legend", "nhsuk-fieldset__legend--m"}
    assert legend.text == "Your organisation"
    assert fieldset.by_id("id_organisation").tag == "input"
    assert fieldset.by_id("id_email").tag == "input"


def test_crispy_tag_with_layout_still_puts_error_summary_first() -> None:
    doc = render_tag(ButtonsForm({"organisation": "", "email": "x"}))
    form_element = doc.find("form")
    summary = form_element.find("div", cls="nhsuk-error-summary")
    hrefs = [link.attrs["href"] for link in summary.find_all("a")]
    assert hrefs == ["#id_organisation", "#id_email"]
    elements = form_element.iter()
    assert elements.index(summary) < elements.index(form_element.find("fieldset"))


def test_prepended_and_appended_text_become_nhs_input_prefix_and_suffix() -> None:
    form = ButtonsForm()
    form.helper.layout = Layout(PrependedAppendedText("organisation", "NHS", "Trust"), "email")
    doc = render_tag(form)
    wrapper = doc.by_id("id_organisation").parent
    assert wrapper.classes == {"nhsuk-input-wrapper"}
    prefix = wrapper.find("div", cls="nhsuk-input-wrapper__prefix")
    suffix = wrapper.find("div", cls="nhsuk-input-wrapper__suffix")
    assert (prefix.text, prefix.attrs["aria-hidden"]) == ("NHS", "true")
    assert (suffix.text, suffix.attrs["aria-hidden"]) == ("Trust", "true")


def test_hidden_field_is_rendered_plainly() -> None:
    doc = render_filter(AssessmentForm(initial={"step": "3"}))
    hidden = doc.by_id("id_step")
    assert hidden.attrs["type"] == "hidden"
    assert hidden.attrs["value"] == "3"
    assert hidden.parent.tag == "#document"
    assert doc.find_all("label", **{"for": "id_step"}) == []


def test_as_crispy_field_renders_one_field_as_nhs_component() -> None:
    form = posted({**VALID_DATA, "email": ""})
    html = Template("{% load crispy_forms_tags %}{{ form.email|as_crispy_field }}").render(
        Context({"form": form})
    )
    doc = parse(html)
    group = doc.find("div", cls="nhsuk-form-group--error")
    assert group.by_id("id_email").classes == {"nhsuk-input", "nhsuk-input--error"}
    assert doc.find_all(cls="nhsuk-error-summary") == []


def test_formset_shows_one_error_summary_linking_into_each_form() -> None:
    class NamedForm(forms.Form):
        name = forms.CharField(label="Name")

    # min_num makes both forms mandatory; extra blank forms would be skipped by validation.
    formset_class = forms.formset_factory(NamedForm, extra=0, min_num=2)
    formset = formset_class(
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "0",
            "form-0-name": "",
            "form-1-name": "",
        }
    )
    html = Template("{% load crispy_forms_tags %}{{ formset|crispy }}").render(
        Context({"formset": formset})
    )
    doc = parse(html)
    summaries = doc.find_all("div", cls="nhsuk-error-summary")
    assert len(summaries) == 1
    hrefs = [link.attrs["href"] for link in summaries[0].find_all("a")]
    assert hrefs == ["#id_form-0-name", "#id_form-1-name"]


# --------------------------------------------------------------------------------------------
# Accessibility invariants over whole forms
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("renderer", [render_filter, render_tag], ids=["filter", "tag"])
@pytest.mark.parametrize(
    "data",
    [None, {}, VALID_DATA, {**VALID_DATA, "staff": "x", "level": ""}],
    ids=["unbound", "empty-post", "valid", "some-errors"],
)
def test_ids_are_unique_and_every_aria_reference_and_label_target_exists(
    renderer: Callable[[forms.BaseForm], Element], data: dict[str, object] | None
) -> None:
    form = AssessmentForm() if data is None else posted(data)
    doc = renderer(form)
    elements = doc.iter()
    ids = Counter(element.attrs["id"] for element in elements if element.attrs.get("id"))
    assert [element_id for element_id, count in ids.items() if count > 1] == []
    for element in elements:
        if "aria-describedby" in element.attrs:
            references = described_by(element)
            assert references, f"empty aria-describedby on <{element.tag}>"
            missing = [ref for ref in references if ref not in ids]
            assert missing == [], f"<{element.tag} id={element.attrs.get('id')}> -> {missing}"
        if element.tag == "label" and "for" in element.attrs:
            assert element.attrs["for"] in ids
        if element.tag == "a" and element.attrs.get("href", "").startswith("#"):
            assert element.attrs["href"][1:] in ids
    # Every visible control is named by a label or a fieldset legend.
    for control in doc.find_all("input") + doc.find_all("select") + doc.find_all("textarea"):
        if control.attrs.get("type") == "hidden":
            continue
        labelled = doc.find_all("label", **{"for": control.attrs["id"]})
        assert labelled, f"no label for #{control.attrs['id']}"
