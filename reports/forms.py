"""Forms for starting jobs: each names only what a person chooses."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from assessments.models import Cycle
from maturity_portal.forms import nhsuk_helper
from organisations.models import Organisation
from reports.models import FileKind


class BenchmarkStartForm(forms.Form):
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.none(),
        label="Cycle",
        help_text="Compares every trust that has signed off its self-assessment for this cycle.",
        empty_label=None,
        error_messages={"invalid_choice": "Choose a cycle from the list."},
    )

    def __init__(self, *args, cycles: QuerySet[Cycle], action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles
        self.helper = nhsuk_helper(action, "Start a benchmark run")


class TrustChoiceForm(forms.Form):
    """Pick one trust's report from a run: a short form, where a list of 200 links is not."""

    trust = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Trust",
        to_field_name="ods_code",
        empty_label="Choose a trust",
        error_messages={"invalid_choice": "Choose a trust from the list."},
    )

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trust"].queryset = organisations
        self.helper = nhsuk_helper("", "Show the trust's report", button_id="show-trust")
        self.helper.form_method = "get"


class ReportFileForm(forms.Form):
    """Which document of which run: posted by the buttons on a trust's report."""

    run = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=FileKind.choices, widget=forms.HiddenInput)
