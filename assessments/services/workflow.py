"""The assessment's life: start, assign, submit, sign off or return, reopen; cycle extensions.

Status changes only here. Each service asks the policy, checks the status, records who, when and
why in the audit trail, and does it all in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from access import policy
from assessments.lifecycle import Action, target_of
from assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    DomainAssignment,
    Evidence,
    Response,
)
from assessments.selectors import QuestionState, questions_with_answers
from assessments.services.scoring import assessment_results_refresh, engine_answer
from audit.models import AuditAction
from audit.services import audit_record
from frameworks.models import Domain, Framework, FrameworkStatus, Question
from frameworks.scoring.rules import hidden_questions
from frameworks.selectors import framework_content
from organisations.models import Membership, Organisation
from organisations.selectors import display_name, peer_groups_of
from reports.services.benchmarks import benchmark_schedule_after_sign_off


class WorkflowError(Exception):
    """A step the assessment's state does not allow; the message says why, for a person."""


class SubmissionBlockedError(WorkflowError):
    def __init__(self, problems: list[tuple[Question, str]]) -> None:
        super().__init__(f"{len(problems)} question(s) need attention before you can submit.")
        self.problems = problems


# --- cycles --------------------------------------------------------------------------------------


def _check_cycle_manager(user) -> None:
    """``user=None`` is the command line (demo data, scripts); people must be framework admins."""
    if user is not None and not policy.can_manage_cycles(user):
        raise PermissionDenied("Only a framework admin can create or extend cycles.")


@transaction.atomic
def cycle_create(
    *, name: str, framework: Framework, opens_on: dt.date, closes_on: dt.date, user
) -> Cycle:
    """Open a new annual round against a published framework."""
    _check_cycle_manager(user)
    name = name.strip()
    if not name:
        raise WorkflowError("Enter the cycle's name, like 2027/28.")
    if framework.status != FrameworkStatus.PUBLISHED:
        raise WorkflowError("A cycle must use a published framework.")
    if closes_on <= opens_on:
        raise WorkflowError("The closing date must be after the opening date.")
    if Cycle.objects.filter(name=name).exists():
        raise WorkflowError(f"There is already a cycle called {name}.")
    cycle = Cycle.objects.create(
        name=name, framework=framework, opens_on=opens_on, closes_on=closes_on
    )
    audit_record(
        actor=user,
        action=AuditAction.CYCLE_CREATED,
        subject=f"cycle {name}",
        new=f"{framework.code} {framework.version}, open {opens_on:%-d %B %Y} to "
        f"{closes_on:%-d %B %Y}",
    )
    return cycle


@transaction.atomic
def cycle_extend(*, cycle: Cycle, closes_on: dt.date, user) -> Cycle:
    """Move a cycle's closing date later, so trusts can keep editing."""
    _check_cycle_manager(user)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if closes_on <= cycle.closes_on:
        raise WorkflowError(f"The new closing date must be after {cycle.closes_on:%-d %B %Y}.")
    old = cycle.closes_on
    cycle.closes_on = closes_on
    cycle.save(update_fields=["closes_on"])
    audit_record(
        actor=user,
        action=AuditAction.CYCLE_EXTENDED,
        subject=f"cycle {cycle.name}",
        old=f"{old:%-d %B %Y}",
        new=f"{closes_on:%-d %B %Y}",
    )
    return cycle


# --- start ---------------------------------------------------------------------------------------


def previous_assessment(*, organisation: Organisation, cycle: Cycle) -> Assessment | None:
    """The trust's most recent assessment from an earlier cycle, if any."""
    return (
        Assessment.objects.filter(organisation=organisation, cycle__opens_on__lt=cycle.opens_on)
        .select_related("cycle")
        .order_by("-cycle__opens_on")
        .first()
    )


@transaction.atomic
def assessment_start(
    *, organisation: Organisation, cycle: Cycle, user, copy_forward: bool
) -> Assessment:
    """Start the year's assessment, optionally carrying last year's answers forward to confirm."""
    if not policy.can_start_assessment(user, organisation, cycle):
        raise PermissionDenied("Only the trust's digital lead can start, while the cycle is open.")
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                organisation=organisation,
                cycle=cycle,
                status=target_of(AssessmentStatus.NOT_STARTED, Action.START),
                started_by=user,
                **peer_groups_of(organisation=organisation),
            )
    except IntegrityError as error:
        raise WorkflowError(f"{organisation.name} has already started {cycle.name}.") from error
    copied = 0
    source = previous_assessment(organisation=organisation, cycle=cycle) if copy_forward else None
    if source is not None:
        copied = _carry_forward(source=source, target=assessment, user=user)
        assessment.copied_from = source
        assessment.save(update_fields=["copied_from"])
    audit_record(
        assessment=assessment,
        actor=user,
        action=AuditAction.STARTED,
        new=assessment.get_status_display(),
        reason=(
            f"copied {copied} answer(s) forward from {source.cycle.name} to confirm"
            if source is not None
            else "started without copying answers forward"
        ),
    )
    assessment_results_refresh(assessments=[assessment])
    return assessment


def _carry_forward(*, source: Assessment, target: Assessment, user) -> int:
    """Copy answers and evidence by question code; options match by their position."""
    content = framework_content(framework=target.cycle.framework)
    questions = content.question_by_code
    options = {
        (option.question_id, option.order): option
        for choices in content.options.values()
        for option in choices
    }
    old_responses = (
        Response.objects.filter(assessment=source)
        .select_related("question", "option")
        .prefetch_related("selected_options")
    )
    new_responses, selections = [], []
    for old in old_responses:
        question = questions.get(old.question.code)
        if question is None or question.type != old.question.type:
            continue
        new = Response(
            assessment=target,
            question=question,
            option=options.get((question.pk, old.option.order)) if old.option else None,
            number_value=old.number_value,
            text_value=old.text_value,
            is_not_applicable=old.is_not_applicable and question.allows_na,
            comment=old.comment,
            carried_forward=True,
            carried_from=old,
            updated_by=user,
        )
        new_responses.append(new)
        selections.append(
            [
                options[(question.pk, o.order)]
                for o in old.selected_options.all()
                if (question.pk, o.order) in options
            ]
        )
    Response.objects.bulk_create(new_responses)
    Response.selected_options.through.objects.bulk_create(
        Response.selected_options.through(response_id=response.pk, answeroption_id=option.pk)
        for response, chosen in zip(new_responses, selections, strict=True)
        for option in chosen
    )
    Evidence.objects.bulk_create(
        Evidence(
            assessment=target,
            question=questions[item.question.code],
            kind=item.kind,
            url=item.url,
            file=item.file.name,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            carried_forward=True,
            added_by=item.added_by,
        )
        for item in Evidence.objects.filter(assessment=source).select_related("question")
        if item.question.code in questions
    )
    return len(new_responses)


# --- assignment ----------------------------------------------------------------------------------


@transaction.atomic
def domain_assign(*, assessment: Assessment, domain: Domain, assignee, user) -> None:
    """Give a domain to a colleague of the trust (or take it back with ``assignee=None``)."""
    if not policy.can_assign_domains(user, assessment):
        raise PermissionDenied("Only the digital lead can assign domains while it is open.")
    if domain.framework_id != assessment.cycle.framework_id:
        raise WorkflowError("That domain is not part of this assessment.")
    current = DomainAssignment.objects.filter(assessment=assessment, domain=domain).first()
    old = display_name(current.assignee) if current else ""
    if assignee is None:
        if current is not None:
            current.delete()
    else:
        trust_role = (
            Membership.objects.filter(user=assignee, organisation_id=assessment.organisation_id)
            .values_list("role", flat=True)
            .first()
        )
        if not policy.can_be_assigned(trust_role):
            raise WorkflowError("Domains can only be assigned to contributors of this trust.")
        DomainAssignment.objects.update_or_create(
            assessment=assessment,
            domain=domain,
            defaults={"assignee": assignee, "assigned_by": user},
        )
    new = display_name(assignee) if assignee else ""
    if old != new:
        audit_record(
            assessment=assessment,
            actor=user,
            action=AuditAction.ASSIGNED,
            subject=domain.code,
            old=old or "(nobody)",
            new=new or "(nobody)",
        )


# --- submit, sign off, return, reopen ------------------------------------------------------------


def submission_problems(
    *, assessment: Assessment, states: list[QuestionState] | None = None
) -> list[tuple[Question, str]]:
    """Mandatory questions unanswered and carried-forward answers not yet confirmed.

    "Answered" is the scoring engine's own test, so submission and scores never disagree.
    ``states`` are the assessment's questions with their answers when the caller has them.
    """
    if states is None:
        states = questions_with_answers(assessment=assessment, provenance=False)
    answers = {
        state.question.code: engine_answer(
            option_order=state.response.option.order if state.response.option else None,
            selected_orders={option.order for option in state.selected},
            number=state.response.number_value,
            text=state.response.text_value,
            not_applicable=state.response.is_not_applicable,
        )
        for state in states
        if state.response is not None
    }
    # A question the earlier answers leave unasked is neither required nor to be confirmed.
    not_asked = hidden_questions(
        framework_content(framework=assessment.cycle.framework).definition, answers
    )
    problems = []
    for state in states:
        question, response = state.question, state.response
        if question.code in not_asked:
            continue
        if response is not None and response.carried_forward:
            problems.append((question, "Confirm or change last year's answer"))
        elif question.mandatory and not (
            question.code in answers and answers[question.code].is_given_for(question)
        ):
            problems.append((question, "Answer this question"))
    return problems


def _change_status(assessment: Assessment, user, action: Action, reason: str = "") -> None:
    """Move the assessment along the lifecycle table and record it."""
    old = assessment.get_status_display()
    assessment.status = target_of(assessment.status, action)
    assessment.save()
    audit_record(
        assessment=assessment,
        actor=user,
        action=AuditAction.STATUS_CHANGED,
        old=old,
        new=assessment.get_status_display(),
        reason=reason,
    )


def _locked(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .get(pk=assessment.pk)
    )


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    assessment = _locked(assessment)
    if not policy.can_submit(user, assessment):
        raise PermissionDenied("Only the digital lead can submit, while it is open for editing.")
    problems = submission_problems(assessment=assessment)
    if problems:
        raise SubmissionBlockedError(problems)
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = user
    assessment.return_comment = ""
    assessment.reopen_reason = ""
    _change_status(assessment, user, Action.SUBMIT)
    return assessment


@transaction.atomic
def assessment_sign_off(*, assessment: Assessment, user, name: str, role: str) -> Assessment:
    assessment = _locked(assessment)
    if not policy.can_sign_off(user, assessment):
        raise PermissionDenied("Only a board member of the trust can sign off a submission.")
    if not name.strip() or not role.strip():
        raise WorkflowError("Enter the name and board role of the person signing off.")
    assessment.signed_off_at = timezone.now()
    assessment.signed_off_by = user
    assessment.signed_off_name = name.strip()
    assessment.signed_off_role = role.strip()
    _change_status(assessment, user, Action.SIGN_OFF, reason=f"signed off by {name} ({role})")
    benchmark_schedule_after_sign_off(assessment=assessment)
    return assessment


@transaction.atomic
def assessment_return(*, assessment: Assessment, user, comment: str) -> Assessment:
    assessment = _locked(assessment)
    if not policy.can_return(user, assessment):
        raise PermissionDenied("Only a board member of the trust can return a submission.")
    if not comment.strip():
        raise WorkflowError("Enter a comment saying what needs to change.")
    assessment.return_comment = comment.strip()
    _change_status(assessment, user, Action.RETURN, reason=comment.strip())
    return assessment


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, user, reason: str) -> Assessment:
    assessment = _locked(assessment)
    if not policy.can_reopen(user, assessment):
        raise PermissionDenied("Only a framework admin can reopen a signed-off assessment.")
    if not reason.strip():
        raise WorkflowError("Enter the reason for reopening it.")
    assessment.signed_off_at = None
    assessment.signed_off_by = None
    assessment.signed_off_name = ""
    assessment.signed_off_role = ""
    assessment.reopen_reason = reason.strip()
    _change_status(assessment, user, Action.REOPEN, reason=reason.strip())
    return assessment
