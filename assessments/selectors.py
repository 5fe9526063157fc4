"""Reads for assessments: who a user is and what they act for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q

from assessments.models import (
    Assessment,
    AuditEvent,
    DomainAssignment,
    DomainResult,
    Evidence,
    Membership,
    NationalRole,
    Response,
)
from frameworks.models import AnswerOption, Domain, Question


@dataclass(frozen=True)
class UserRoles:
    memberships: tuple[Membership, ...]
    national_roles: tuple[NationalRole, ...]

    @property
    def has_any_role(self) -> bool:
        return bool(self.memberships or self.national_roles)


def user_roles(*, user: AbstractBaseUser) -> UserRoles:
    """The trusts a user acts for (with the role in each) and their national roles: 2 queries."""
    memberships = Membership.objects.filter(user=user).select_related(
        "organisation", "organisation__region", "organisation__icb"
    )
    national_roles = NationalRole.objects.filter(user=user)
    return UserRoles(memberships=tuple(memberships), national_roles=tuple(national_roles))


# --- the assessment journey ------------------------------------------------------------------


@dataclass(frozen=True)
class DomainProgress:
    """One row of the task list."""

    domain: Domain
    answered: int
    total: int
    to_confirm: int
    assignee: str
    result: DomainResult | None
    editable: bool

    @property
    def status(self) -> str:
        if self.to_confirm:
            return "Carried forward – confirm"
        if self.answered == 0:
            return "Not started"
        if self.answered < self.total:
            return "In progress"
        return "Completed"


def assessment_for(*, pk: int) -> Assessment | None:
    return (
        Assessment.objects.select_related(
            "organisation", "cycle", "cycle__framework", "region", "icb"
        )
        .filter(pk=pk)
        .first()
    )


def task_list_for(*, assessment: Assessment, editable_ids: set[int]) -> list[DomainProgress]:
    """Every domain with its progress, assignee and live result: a fixed number of queries."""
    domains = list(
        Domain.objects.filter(framework_id=assessment.cycle.framework_id)
        .annotate(total=Count("questions"))
        .order_by("order")
    )
    responses = Response.objects.filter(assessment=assessment)
    answered = dict(
        responses.filter(_answered_condition())
        .values("question__domain_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("question__domain_id", "n")
    )
    to_confirm = dict(
        responses.filter(carried_forward=True)
        .values("question__domain_id")
        .annotate(n=Count("pk"))
        .values_list("question__domain_id", "n")
    )
    assignees = {
        assignment.domain_id: assignment.assignee.get_full_name() or assignment.assignee.username
        for assignment in DomainAssignment.objects.filter(assessment=assessment).select_related(
            "assignee"
        )
    }
    results = {
        row.domain_id: row
        for row in DomainResult.objects.filter(result__assessment=assessment).select_related(
            "stage", "provisional_stage"
        )
    }
    return [
        DomainProgress(
            domain=domain,
            answered=answered.get(domain.pk, 0),
            total=domain.total,
            to_confirm=to_confirm.get(domain.pk, 0),
            assignee=assignees.get(domain.pk, ""),
            result=results.get(domain.pk),
            editable=domain.pk in editable_ids,
        )
        for domain in domains
    ]


def _answered_condition() -> Q:
    """A response counts as answered when it holds a value of any kind or is not applicable."""
    return (
        Q(is_not_applicable=True)
        | Q(option__isnull=False)
        | Q(number_value__isnull=False)
        | Q(selected_options__isnull=False)
        | ~Q(text_value="")
    )


@dataclass
class QuestionState:
    """A question with everything a domain page or check-your-answers shows about it."""

    question: Question
    options: list[AnswerOption]
    response: Response | None
    selected: list[AnswerOption]
    evidence: list[Evidence]


def questions_with_answers(
    *, assessment: Assessment, domain: Domain | None = None
) -> list[QuestionState]:
    """Questions (one domain, or all) with answers, choices and evidence: 5 queries in all."""
    questions = Question.objects.filter(framework_id=assessment.cycle.framework_id)
    if domain is not None:
        questions = questions.filter(domain=domain)
    questions = list(questions.select_related("domain").order_by("domain__order", "order"))
    ids = [question.pk for question in questions]
    options: dict[int, list[AnswerOption]] = defaultdict(list)
    for option in AnswerOption.objects.filter(question_id__in=ids).select_related("stage"):
        options[option.question_id].append(option)
    responses = {
        response.question_id: response
        for response in Response.objects.filter(
            assessment=assessment, question_id__in=ids
        ).select_related("option", "updated_by")
    }
    option_by_pk = {option.pk: option for group in options.values() for option in group}
    selected: dict[int, list[AnswerOption]] = defaultdict(list)
    for response_id, option_id in Response.selected_options.through.objects.filter(
        response__assessment=assessment, response__question_id__in=ids
    ).values_list("response_id", "answeroption_id"):
        selected[response_id].append(option_by_pk[option_id])
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(assessment=assessment, question_id__in=ids):
        evidence[item.question_id].append(item)
    return [
        QuestionState(
            question=question,
            options=sorted(options[question.pk], key=lambda option: option.order),
            response=responses.get(question.pk),
            selected=sorted(
                selected[responses[question.pk].pk] if question.pk in responses else [],
                key=lambda option: option.order,
            ),
            evidence=evidence[question.pk],
        )
        for question in questions
    ]


def audit_events_for(*, assessment: Assessment) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(assessment=assessment)
        .select_related("actor")
        .order_by("at", "pk")
    )


def trust_assessments(*, organisation_ids: list[int]) -> dict[int, list[Assessment]]:
    """Each trust's assessments, newest cycle first, with stored results: 1 query."""
    grouped: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in (
        Assessment.objects.filter(organisation_id__in=organisation_ids)
        .select_related("cycle", "result", "result__overall_stage")
        .order_by("-cycle__opens_on")
    ):
        grouped[assessment.organisation_id].append(assessment)
    return grouped


def domain_result_for(*, assessment: Assessment, domain: Domain) -> DomainResult | None:
    return (
        DomainResult.objects.filter(result__assessment=assessment, domain=domain)
        .select_related("stage", "provisional_stage")
        .first()
    )
