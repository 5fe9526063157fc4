"""Reads for assessments: who a user is and what they act for."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from access.scoping import assessments_visible_to
from assessments.lifecycle import SHARED_WITH_NHS_ENGLAND
from assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    DomainAssignment,
    DomainResult,
    Evidence,
    Response,
)
from assessments.services.scoring import assessment_answers
from assessments.wording import plain_number, with_unit
from audit.models import AuditEvent
from frameworks.models import (
    AnswerOption,
    Domain,
    Framework,
    FrameworkStatus,
    Question,
    QuestionType,
)
from frameworks.scoring.rules import hidden_questions
from frameworks.selectors import framework_content
from organisations.selectors import display_name

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
            "organisation",
            "cycle__framework",
            "submitted_by",
            "result__overall_stage",
        )
        .filter(pk=pk)
        .first()
    )


def task_list_for(*, assessment: Assessment, editable_ids: set[int]) -> list[DomainProgress]:
    """Every domain with its progress, assignee and live result: 3 queries."""
    content = framework_content(framework=assessment.cycle.framework)
    totals = Counter(question.domain_id for question in content.questions)
    responses = Response.objects.filter(assessment=assessment)
    to_confirm = dict(
        responses.filter(carried_forward=True)
        .values("question__domain_id")
        .annotate(n=Count("pk"))
        .values_list("question__domain_id", "n")
    )
    assignees = {
        assignment.domain_id: display_name(assignment.assignee)
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
            # The engine's own count, stored with the result: "answered" has one meaning.
            answered=results[domain.pk].answered if domain.pk in results else 0,
            total=totals[domain.pk],
            to_confirm=to_confirm.get(domain.pk, 0),
            assignee=assignees.get(domain.pk, ""),
            result=results.get(domain.pk),
            editable=domain.pk in editable_ids,
        )
        for domain in content.domains
    ]


NOT_ANSWERED = "Not answered"


@dataclass
class QuestionState:
    """A question with everything a domain page or check-your-answers shows about it."""

    question: Question
    options: list[AnswerOption]
    response: Response | None
    selected: list[AnswerOption]
    evidence: list[Evidence]

    @property
    def answer_lines(self) -> list[str]:
        """The answer as the pages show it, a line each: "Not answered" when there is none."""
        response, question = self.response, self.question
        if response is None:
            return [NOT_ANSWERED]
        if response.is_not_applicable:
            return ["Not applicable"]
        match question.type:
            case QuestionType.MULTIPLE_CHOICE:
                return [option.label for option in self.selected] or [NOT_ANSWERED]
            case QuestionType.BARRIERS if self.selected:
                return [option.label for option in self.selected] + [
                    f"Described as: {line}" for line in response.text_value.splitlines() if line
                ]
            case QuestionType.BARRIERS:
                return [NOT_ANSWERED]
            case QuestionType.PERCENTAGE | QuestionType.NUMBER if response.number_value is None:
                return [NOT_ANSWERED]
            case QuestionType.PERCENTAGE:
                return [f"{plain_number(response.number_value)}%"]
            case QuestionType.NUMBER:
                return [with_unit(response.number_value, question.unit)]
            case QuestionType.FREE_TEXT:
                return response.text_value.splitlines() or [NOT_ANSWERED]
            case _:
                return [response.option.label] if response.option else [NOT_ANSWERED]


def questions_with_answers(
    *,
    assessment: Assessment,
    domain: Domain | None = None,
    question: Question | None = None,
    provenance: bool = True,
) -> list[QuestionState]:
    """Questions (one, one domain's, or all) with answers, choices and evidence: 3 queries.

    ``provenance`` brings who saved each answer and where a carried-forward one came from,
    which a domain page shows and a list of every answer does not.
    """
    content = framework_content(framework=assessment.cycle.framework)
    questions = [question] if question is not None else list(content.questions_of(domain))
    ids = [q.pk for q in questions]
    responses = Response.objects.filter(assessment=assessment, question_id__in=ids)
    if provenance:
        responses = responses.select_related(
            "updated_by", "carried_from__updated_by", "carried_from__assessment__cycle"
        )
    responses = {response.question_id: response for response in responses}
    option_by_pk = {option.pk: option for q in questions for option in content.options[q.pk]}
    selected: dict[int, list[AnswerOption]] = defaultdict(list)
    for response_id, option_id in Response.selected_options.through.objects.filter(
        response__assessment=assessment, response__question_id__in=ids
    ).values_list("response_id", "answeroption_id"):
        selected[response_id].append(option_by_pk[option_id])
    for response in responses.values():
        response.option = option_by_pk.get(response.option_id)
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(assessment=assessment, question_id__in=ids):
        evidence[item.question_id].append(item)
    return [
        QuestionState(
            question=q,
            options=list(content.options[q.pk]),
            response=responses.get(q.pk),
            selected=sorted(
                selected[responses[q.pk].pk] if q.pk in responses else [],
                key=lambda option: option.order,
            ),
            evidence=evidence[q.pk],
        )
        for q in questions
    ]


@dataclass(frozen=True)
class NotCarried:
    """A question last year's answer did not fit: its type changed between framework versions."""

    question: Question
    was: str
    now: str


def not_carried_forward(*, assessment: Assessment) -> list[NotCarried]:
    """Questions whose answer was not copied forward because their type changed, while they
    are still unanswered. No query unless the assessment was copied from another framework
    version; three then."""
    if assessment.copied_from_id is None:
        return []
    source_framework = (
        Assessment.objects.filter(pk=assessment.copied_from_id)
        .values_list("cycle__framework_id", flat=True)
        .first()
    )
    if source_framework in (None, assessment.cycle.framework_id):
        return []
    old_types = dict(
        Response.objects.filter(assessment_id=assessment.copied_from_id).values_list(
            "question__code", "question__type"
        )
    )
    answered = set(
        Response.objects.filter(assessment=assessment).values_list("question__code", flat=True)
    )
    return [
        NotCarried(
            question, QuestionType(old_types[question.code]).label, question.get_type_display()
        )
        for question in framework_content(framework=assessment.cycle.framework).questions
        if question.code in old_types
        and old_types[question.code] != question.type
        and question.code not in answered
    ]


def questions_not_asked(*, assessment: Assessment) -> dict[str, str]:
    """Question code to when it would be asked, for each question its answers leave unasked.

    No query for a framework without conditions; otherwise the assessment's answers (2 queries),
    since a condition may test an answer in any earlier domain.
    """
    content = framework_content(framework=assessment.cycle.framework)
    definition = content.definition
    if not definition.has_conditions:
        return {}
    answers = assessment_answers(assessment_ids=[assessment.pk])[assessment.pk]
    titles = {question.code: question.title for question in content.questions}
    questions = {q.code: q for domain in definition.domains for q in domain.questions}
    return {
        code: questions[code].shown_when.describe(titles)
        for code in hidden_questions(definition, answers)
    }


AUDIT_PAGE_SIZE = 50


def audit_events_for(*, assessment: Assessment) -> QuerySet[AuditEvent]:
    """The assessment's audit trail, oldest first, for streaming downloads and paging."""
    return (
        AuditEvent.objects.filter(assessment=assessment)
        .select_related("actor")
        .order_by("at", "pk")
    )


def audit_page_for(*, assessment: Assessment, number: str | None) -> Page:
    """One page of the audit trail; a page number out of range gives the nearest page."""
    return Paginator(audit_events_for(assessment=assessment), AUDIT_PAGE_SIZE).get_page(number)


def why_not_awaiting_sign_off(*, assessment: Assessment) -> str:
    """What a board member is told when they come to sign off something not awaiting it."""
    if assessment.signed_off_at is not None:
        return (
            f"This self-assessment was signed off by {assessment.signed_off_name} "
            f"({assessment.signed_off_role}) on {assessment.signed_off_at:%-d %B %Y}. "
            "There is nothing more to sign."
        )
    if assessment.return_comment:
        return (
            "This self-assessment has been returned to the digital lead. You can sign it off "
            "once they submit it again."
        )
    return (
        "This self-assessment has not been submitted yet. You can sign it off once the "
        "digital lead submits it."
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


def frameworks_for_new_cycles() -> QuerySet[Framework]:
    """A new cycle may only use a published framework."""
    return Framework.objects.filter(status=FrameworkStatus.PUBLISHED).order_by("code", "version")


def cycles_with_progress() -> list[Cycle]:
    """Every cycle, newest first, with how many trusts started and submitted it: 1 query."""
    shared = Q(assessments__status__in=SHARED_WITH_NHS_ENGLAND)
    return list(
        Cycle.objects.select_related("framework")
        .annotate(
            started=Count("assessments"),
            submitted=Count("assessments", filter=shared),
        )
        .order_by("-opens_on")
    )


ASSESSMENT_PAGE_SIZE = 50


def assessments_page(*, user, cycle: Cycle | None, status: str, number: str | None) -> Page:
    """The self-assessments the user may read, newest cycle first, then by trust: 2 queries."""
    assessments = (
        assessments_visible_to(user=user)
        .select_related("organisation", "cycle", "region", "result", "result__overall_stage")
        .order_by("-cycle__opens_on", "organisation__name")
    )
    if cycle is not None:
        assessments = assessments.filter(cycle=cycle)
    if status in AssessmentStatus.values:
        assessments = assessments.filter(status=status)
    return Paginator(assessments, ASSESSMENT_PAGE_SIZE).get_page(number)


def stage_change_announcement(
    *, domain: Domain, before: DomainResult | None, after: DomainResult | None
) -> str:
    """What a screen reader hears when a save moves the domain to another stage, else nothing."""

    def stage_of(result: DomainResult | None):
        return None if result is None else (result.stage or result.provisional_stage)

    old, new = stage_of(before), stage_of(after)
    if new is None or old == new:
        return ""
    provisional = " (provisional)" if after.stage is None else ""
    if old is None:
        return f"{domain.name} is now at {new.name}{provisional}."
    direction = "up" if new.ordinal > old.ordinal else "down"
    return f"{domain.name} moved {direction} from {old.name} to {new.name}{provisional}."
