"""Dashboards: a trust's stages, England's picture and an ICB's summary.

Thin: permissions from ``access.policy``, rows from ``access.scoping`` (through the selectors),
figures from stored results; nothing is scored or aggregated from answers here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from access import policy
from dashboards import selectors
from dashboards.charts import national_charts, trust_charts
from dashboards.forms import TrustDashboardForm, TrustTableForm
from dashboards.rendering import trust_table_rows
from organisations.models import IntegratedCareBoard, Organisation
from reports.views import FILE_BUTTONS


@login_required
@require_GET
def trust_dashboard(request: HttpRequest, ods_code: str) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("region", "icb"), ods_code=ods_code
    )
    if not policy.can_view_trust_dashboard(request.user, organisation):
        raise PermissionDenied("You can only see the dashboards of trusts you work with.")
    assessments = selectors.trust_assessments_visible(user=request.user, organisation=organisation)
    context = {"organisation": organisation, "dashboard": None}
    if not assessments:
        return render(request, "dashboards/trust.html", context)
    form = TrustDashboardForm(
        request.GET or None,
        cycles=[(a.cycle_id, a.cycle.name) for a in reversed(assessments)],
        peer_groups=selectors.peer_group_choices(assessments[-1]),
    )
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    dashboard = selectors.trust_dashboard(
        organisation=organisation,
        assessments=assessments,
        cycle_id=chosen.get("cycle"),
        peer_group=chosen.get("peers") or "national",
    )
    context.update(
        dashboard=dashboard,
        form=form,
        charts=trust_charts(dashboard),
        file_buttons=FILE_BUTTONS,
        can_view_icb=policy.can_view_icb_summary(request.user, organisation.icb_id),
    )
    return render(request, "dashboards/trust.html", context, status=400 if form.errors else 200)


def _national(request: HttpRequest, *, icb: IntegratedCareBoard | None, action: str):
    cycles = selectors.cycles_newest_first()
    asked = request.GET.get("cycle", "")
    cycle = next((cycle for cycle in cycles if str(cycle.pk) == asked), None)
    dashboard = selectors.national_dashboard(user=request.user, cycles=cycles, cycle=cycle, icb=icb)
    context = {"dashboard": dashboard, "icb": icb}
    if dashboard is None:
        return render(request, "dashboards/national.html", context)
    form = TrustTableForm(
        request.GET or None,
        cycles=cycles,
        trusts=dashboard.trusts,
        stages=dashboard.stages,
        action=action,
    )
    filters = {
        name: form.chosen(name)
        for name in ("region", "icb", "trust_type", "status", "stage", "sort")
    }
    rows = selectors.table_rows(dashboard.trusts, **filters)
    context.update(
        form=form,
        charts=national_charts(dashboard),
        rows=rows,
        table_rows=trust_table_rows(rows, cycle_id=dashboard.cycle.pk),
        sort=filters["sort"] or "name",
        can_download_national=policy.can_download_national(request.user),
        can_run_benchmarks=policy.can_run_benchmarks(request.user),
        can_manage_cycles=policy.can_manage_cycles(request.user),
        can_manage_frameworks=policy.can_manage_frameworks(request.user),
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "dashboards/national.html", context, status=status)


@login_required
@require_GET
def national_dashboard(request: HttpRequest) -> HttpResponse:
    """England's picture: NHS England's analysts, whose home page it is."""
    if not policy.can_view_national_dashboard(request.user):
        raise PermissionDenied("The national dashboard is for NHS England's analysts.")
    return _national(request, icb=None, action=reverse("national-dashboard"))


@login_required
@require_GET
def icb_summary(request: HttpRequest, code: str) -> HttpResponse:
    """One ICB's trusts: the ICB's viewers, and NHS England's analysts for every ICB."""
    icb = get_object_or_404(IntegratedCareBoard, code=code)
    if not policy.can_view_icb_summary(request.user, icb.pk):
        raise PermissionDenied("You can only see the summary of your own ICB.")
    return _national(request, icb=icb, action=reverse("icb-summary", args=[icb.code]))
