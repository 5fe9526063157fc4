"""What a person chooses on a dashboard: which year, which peers, which trusts in the table.

Choices are built from what the page has already read, so a form costs no query of its own.
"""

from __future__ import annotations

from django import forms

from dashboards.selectors import COMPLETION_STATUSES, PeerGroupChoice, TrustRow
from maturity_portal.forms import nhsuk_helper
from organisations.models import TrustType

SORTS = (
    ("name", "Trust name"),
    ("region", "Region"),
    ("icb", "ICB"),
    ("trust_type", "Trust type"),
    ("status", "Progress"),
    ("stage", "Overall stage"),
)


class TrustDashboardForm(forms.Form):
    cycle = forms.TypedChoiceField(
        coerce=int,
        required=False,
        label="Year",
        error_messages={"invalid_choice": "Choose a year from the list."},
    )
    peers = forms.ChoiceField(
        required=False,
        label="Compare with",
        error_messages={"invalid_choice": "Choose a peer group from the list."},
    )

    def __init__(
        self, *args, cycles: list[tuple[int, str]], peer_groups: tuple[PeerGroupChoice, ...], **kw
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["cycle"].choices = cycles
        self.fields["peers"].choices = [
            (group.group_type, group.label[:1].upper() + group.label[1:]) for group in peer_groups
        ]
        self.helper = nhsuk_helper("", "Show", secondary=True, button_id="show-dashboard")
        self.helper.form_method = "get"


class TrustTableForm(forms.Form):
    """Narrow and order the table of trusts; the charts above it keep the whole picture."""

    cycle = forms.TypedChoiceField(
        coerce=int,
        required=False,
        label="Cycle",
        error_messages={"invalid_choice": "Choose a cycle from the list."},
    )
    region = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Choose a region from the list."}
    )
    icb = forms.ChoiceField(
        required=False,
        label="ICB",
        error_messages={"invalid_choice": "Choose an ICB from the list."},
    )
    trust_type = forms.ChoiceField(
        required=False,
        choices=[("", "All trust types"), *TrustType.choices],
        error_messages={"invalid_choice": "Choose a trust type from the list."},
    )
    status = forms.ChoiceField(
        required=False,
        label="Progress",
        choices=[("", "Any progress"), *COMPLETION_STATUSES],
        error_messages={"invalid_choice": "Choose a progress from the list."},
    )
    stage = forms.ChoiceField(
        required=False,
        label="Overall stage",
        error_messages={"invalid_choice": "Choose a stage from the list."},
    )
    sort = forms.ChoiceField(
        required=False,
        label="Order by",
        choices=SORTS,
        error_messages={"invalid_choice": "Choose an order from the list."},
    )

    def __init__(
        self, *args, cycles, trusts: tuple[TrustRow, ...], stages, action: str, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        regions = {row.region_code: row.region_name for row in trusts}
        icbs = {row.icb_code: row.icb_name for row in trusts}
        self.fields["cycle"].choices = [(cycle.pk, cycle.name) for cycle in cycles]
        self.fields["region"].choices = [
            ("", "All regions"),
            *sorted(regions.items(), key=lambda item: item[1]),
        ]
        self.fields["icb"].choices = [("", "All ICBs"), *sorted(icbs.items(), key=lambda i: i[1])]
        self.fields["stage"].choices = [
            ("", "Any stage"),
            *((stage.code, stage.name) for stage in stages),
            ("none", "No stage shown"),
        ]
        self.helper = nhsuk_helper(action, "Show trusts", secondary=True, button_id="filter")
        self.helper.form_method = "get"

    def chosen(self, name: str) -> str:
        return (self.cleaned_data.get(name) or "") if self.is_valid() else ""
