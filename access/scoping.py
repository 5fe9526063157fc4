"""What a user may see, as querysets: every list, dashboard, download and API endpoint starts here.

Built from the same scopes as the yes/no answers in ``access.policy``, so a row in a list is
always a row its detail page would show.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from access.policy import (
    assessment_scopes,
    can_hold_api_tokens,
    can_run_benchmarks,
    icb_ids_visible,
    organisation_scopes,
)
from api.models import ApiToken
from assessments.models import Assessment, Cycle
from frameworks.models import Framework, FrameworkStatus
from organisations.models import IntegratedCareBoard, Organisation
from reports.models import BenchmarkRun


def _union(scopes, **fields) -> Q | None:
    """One condition admitting what any scope admits; None when there is no scope."""
    conditions = [scope.as_q(**fields) for scope in scopes]
    return reduce(or_, conditions) if conditions else None


def assessments_visible_to(*, user) -> QuerySet[Assessment]:
    condition = _union(assessment_scopes(user))
    if condition is None:
        return Assessment.objects.none()
    return Assessment.objects.filter(condition)


def organisations_visible_to(*, user) -> QuerySet[Organisation]:
    condition = _union(organisation_scopes(user), organisation_field="pk")
    if condition is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(condition)


def benchmark_runs_visible_to(*, user) -> QuerySet[BenchmarkRun]:
    if not can_run_benchmarks(user):
        return BenchmarkRun.objects.none()
    return BenchmarkRun.objects.all()


def icbs_visible_to(*, user) -> QuerySet[IntegratedCareBoard]:
    """The ICBs whose summary the user may open."""
    visible = icb_ids_visible(user)
    if visible is None:
        return IntegratedCareBoard.objects.all()
    return IntegratedCareBoard.objects.filter(pk__in=sorted(visible))


def api_tokens_visible_to(*, user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first; nobody sees another's."""
    if not can_hold_api_tokens(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created")


def frameworks_visible_to(*, user) -> QuerySet[Framework]:
    """Published and retired framework versions, to anyone signed in; drafts stay with the
    framework admins' pages."""
    if not user.is_authenticated:
        return Framework.objects.none()
    return Framework.objects.exclude(status=FrameworkStatus.DRAFT)


def cycles_visible_to(*, user) -> QuerySet[Cycle]:
    """Every cycle, to anyone signed in: which years exist is no secret."""
    if not user.is_authenticated:
        return Cycle.objects.none()
    return Cycle.objects.all()
