"""Forms for starting jobs: each names only what a person chooses."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from assessments.models import Cycle
from maturity_portal.forms import nhsuk_helper
from organisations.models import IntegratedCareBoard, Organisation, Region, TrustType
from reports.exports import DATASETS, Filters
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


DOWNLOAD_FORMATS = [
    ("csv", "CSV, straight away"),
    ("xlsx", "XLSX workbook, made in the background (up to 1,048,575 rows)"),
    ("parquet", "Parquet, made in the background"),
    ("dictionary", "The data dictionary only (CSV)"),
]


class NationalDownloadForm(forms.Form):
    """Which national dataset, in which format, narrowed how."""

    dataset = forms.ChoiceField(
        choices=[(name, dataset.title) for name, dataset in DATASETS.items()],
        widget=forms.RadioSelect,
        label="Dataset",
        initial="results",
        error_messages={
            "required": "Choose a dataset.",
            "invalid_choice": "Choose a dataset from the list.",
        },
    )
    format = forms.ChoiceField(
        choices=DOWNLOAD_FORMATS,
        widget=forms.RadioSelect,
        label="Format",
        initial="csv",
        error_messages={
            "required": "Choose a format.",
            "invalid_choice": "Choose a format from the list.",
        },
    )
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.order_by("-opens_on"),
        required=False,
        empty_label="All cycles",
        error_messages={"invalid_choice": "Choose a cycle from the list."},
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label="All regions",
        error_messages={"invalid_choice": "Choose a region from the list."},
    )
    icb = forms.ModelChoiceField(
        queryset=IntegratedCareBoard.objects.order_by("name"),
        to_field_name="code",
        required=False,
        label="ICB",
        empty_label="All ICBs",
        error_messages={"invalid_choice": "Choose an ICB from the list."},
    )
    trust_type = forms.ChoiceField(
        choices=[("", "All trust types"), *TrustType.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a trust type from the list."},
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(action, "Download", button_id="download")

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            cycle_id=data["cycle"].pk if data["cycle"] else None,
            region_code=data["region"].code if data["region"] else None,
            icb_code=data["icb"].code if data["icb"] else None,
            trust_type=data["trust_type"] or None,
        )
