"""Query filters of the API's lists, by the codes people already use (ODS codes, cycle names)."""

from __future__ import annotations

import django_filters

from assessments.models import Assessment, AssessmentStatus
from frameworks.models import Framework, FrameworkStatus
from organisations.models import Organisation, TrustType
from reports.models import GroupType, PeerGroupStatistic


class FrameworkFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(s, s.label) for s in FrameworkStatus if s != FrameworkStatus.DRAFT]
    )

    class Meta:
        model = Framework
        fields = ["code", "version", "status"]


class OrganisationFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", help_text="Region ODS code")
    icb = django_filters.CharFilter(field_name="icb__code", help_text="ICB ODS code")
    trust_type = django_filters.ChoiceFilter(choices=TrustType.choices)

    class Meta:
        model = Organisation
        fields = ["region", "icb", "trust_type", "active"]


class AssessmentFilter(django_filters.FilterSet):
    cycle = django_filters.CharFilter(field_name="cycle__name", help_text="e.g. 2026/27")
    organisation = django_filters.CharFilter(
        field_name="organisation__ods_code", help_text="The trust's ODS code"
    )
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices)
    region = django_filters.CharFilter(field_name="region__code", help_text="Region ODS code")
    icb = django_filters.CharFilter(field_name="icb__code", help_text="ICB ODS code")
    trust_type = django_filters.ChoiceFilter(choices=TrustType.choices)

    class Meta:
        model = Assessment
        fields = ["cycle", "organisation", "status", "region", "icb", "trust_type"]


class PeerGroupStatisticFilter(django_filters.FilterSet):
    group_type = django_filters.ChoiceFilter(choices=GroupType.choices)
    domain = django_filters.CharFilter(field_name="domain_code", help_text="A domain, or overall")

    class Meta:
        model = PeerGroupStatistic
        fields = ["group_type", "group_code", "domain"]
