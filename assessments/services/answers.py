"""Saving answers, comments and evidence: versioned, checked, audited and rescored.

Every answer carries a version. A save based on an older version is refused, never silently
applied: the caller gets the other person's answer, who saved it and when, and may then keep
theirs or overwrite it on purpose. Both versions stay in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from assessments import policy
from assessments.evidence_files import EvidenceFileError, check_evidence_file
from assessments.models import (
    Assessment,
    AssessmentStatus,
    AuditAction,
    Evidence,
    EvidenceKind,
    Response,
)
from assessments.services.audit import audit_record, describe_answer
from assessments.services.scoring import assessment_results_refresh
from frameworks.models import AnswerOption, Question, QuestionType


class AnswerInvalidError(Exception):
    """An answer that does not fit its question; the message is for the person who gave it."""


@dataclass(frozen=True)
class AnswerInput:
    """What someone answered: option positions (1 = first), a number, text or not applicable."""

    option: int | None = None
    selected: frozenset[int] = field(default_factory=frozenset)
    number: Decimal | None = None
    text: str = ""
    not_applicable: bool = False


@dataclass(frozen=True)
class StaleAnswer:
    """The answer someone else saved after the page was loaded."""

    response: Response
    description: str


class StaleAnswerError(Exception):
    def __init__(self, stale: StaleAnswer) -> None:
        super().__init__(
            f"{stale.response.question.code} was changed by someone else since you opened it."
        )
        self.stale = stale


def question_for(*, assessment: Assessment, code: str) -> Question:
    """A question of the assessment's own framework, or AnswerInvalidError."""
    question = (
        Question.objects.filter(framework_id=assessment.cycle.framework_id, code=code)
        .select_related("domain")
        .first()
    )
    if question is None:
        raise AnswerInvalidError(f"{code} is not a question of this assessment's framework.")
    return question


def response_save(
    *,
    assessment: Assessment,
    question: Question,
    answer: AnswerInput,
    comment: str,
    based_on_version: int,
    user,
) -> Response:
    """Save one answer and its comment if nobody has saved it since ``based_on_version``."""
    if question.framework_id != assessment.cycle.framework_id:
        raise AnswerInvalidError(f"{question.code} is not a question of this assessment.")
    if not policy.can_edit_domain(user, assessment, question.domain):
        raise PermissionDenied("You cannot change answers in this domain now.")
    options = {option.order: option for option in question.options.all()}
    option, selected = _checked(question, answer, options)
    try:
        with transaction.atomic():
            assessment = _locked_for_editing(assessment, question, user)
            response = (
                Response.objects.select_for_update(of=("self",))
                .filter(assessment=assessment, question=question)
                .select_related("updated_by")
                .first()
            )
            current_version = response.version if response is not None else 0
            if response is None and based_on_version != 0:
                raise AnswerInvalidError(
                    f"{question.code} changed while you were answering it. Reload the page "
                    "and try again."
                )
            if current_version != based_on_version:
                stale = StaleAnswer(response=response, description=_describe(response))
            else:
                return _store(
                    assessment, question, response, option, selected, answer, comment, user
                )
    except IntegrityError:
        response = Response.objects.select_related("updated_by").get(
            assessment=assessment, question=question
        )
        stale = StaleAnswer(response=response, description=_describe(response))
    audit_record(
        assessment=assessment,
        actor=user,
        action=AuditAction.SAVE_REFUSED,
        subject=question.code,
        old=stale.description,
        new=describe_answer(
            question,
            option=option,
            selected=selected,
            number=answer.number,
            text=answer.text,
            not_applicable=answer.not_applicable,
        ),
        reason=f"based on version {based_on_version}, but version {stale.response.version} "
        "had been saved",
    )
    raise StaleAnswerError(stale)


def _locked_for_editing(assessment: Assessment, question: Question, user) -> Assessment:
    """Lock the assessment row and ask the policy again, so no save lands after a submission."""
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle", "organisation")
        .get(pk=assessment.pk)
    )
    if not policy.can_edit_domain(user, locked, question.domain):
        raise PermissionDenied("You cannot change answers or evidence in this domain now.")
    return locked


def _checked(question: Question, answer: AnswerInput, options: dict[int, AnswerOption]):
    """Refuse anything that does not fit the question, before anything is written."""
    code = question.code
    if answer.not_applicable:
        if not question.allows_na:
            raise AnswerInvalidError(f"{code} cannot be answered 'Not applicable'")
        return None, []
    match question.type:
        case QuestionType.SCALE | QuestionType.SINGLE_CHOICE | QuestionType.YES_NO:
            if answer.option not in options:
                raise AnswerInvalidError(f"Select one of the answers shown for {code}")
            return options[answer.option], []
        case QuestionType.MULTIPLE_CHOICE:
            if not answer.selected:
                raise AnswerInvalidError(f"Select at least one option for {code}")
            if not answer.selected <= set(options):
                raise AnswerInvalidError(f"Select only the options shown for {code}")
            chosen = [options[order] for order in sorted(answer.selected)]
            alone = next((option for option in chosen if option.exclusive), None)
            if alone is not None and len(chosen) > 1:
                raise AnswerInvalidError(
                    f"Select '{alone.label}' on its own for {code}, or the other options without it"
                )
            return None, chosen
        case QuestionType.PERCENTAGE:
            if answer.number is None:
                raise AnswerInvalidError(f"Enter a percentage for {code}")
            if not 0 <= answer.number <= 100:
                raise AnswerInvalidError(f"Enter a percentage between 0 and 100 for {code}")
            return None, []
        case QuestionType.NUMBER:
            if answer.number is None:
                raise AnswerInvalidError(f"Enter a number for {code}")
            if answer.number < 0:
                raise AnswerInvalidError(f"Enter a number of 0 or more for {code}")
            if answer.number >= Decimal("1e10"):
                raise AnswerInvalidError(f"Enter a smaller number for {code}")
            return None, []
        case _:
            return None, []


def _describe(response: Response | None) -> str:
    if response is None:
        return "(no answer)"
    return describe_answer(
        response.question,
        option=response.option,
        selected=list(response.selected_options.all()),
        number=response.number_value,
        text=response.text_value,
        not_applicable=response.is_not_applicable,
    )


def _store(assessment, question, response, option, selected, answer, comment, user) -> Response:
    old = _describe(response)
    old_comment = response.comment if response is not None else ""
    was_carried = response is not None and response.carried_forward
    if response is None:
        response = Response(assessment=assessment, question=question, version=0)
    response.option = option
    response.number_value = answer.number if not answer.not_applicable else None
    response.text_value = answer.text
    response.is_not_applicable = answer.not_applicable
    response.comment = comment
    response.carried_forward = False
    response.version += 1
    response.updated_by = user
    response.save()
    response.selected_options.set(selected)
    new = _describe(response)
    if new != old:
        audit_record(
            assessment=assessment,
            actor=user,
            action=AuditAction.ANSWER_CHANGED,
            subject=question.code,
            old=old,
            new=new,
        )
    elif was_carried:
        audit_record(
            assessment=assessment,
            actor=user,
            action=AuditAction.ANSWER_CONFIRMED,
            subject=question.code,
            new=new,
        )
    if comment != old_comment:
        audit_record(
            assessment=assessment,
            actor=user,
            action=AuditAction.COMMENT_CHANGED,
            subject=question.code,
            old=old_comment,
            new=comment,
        )
    _mark_in_progress(assessment, user)
    assessment_results_refresh(assessments=[assessment])
    return response


def _mark_in_progress(assessment: Assessment, user) -> None:
    """The first change after the board returned it puts the assessment back in progress."""
    if assessment.status == AssessmentStatus.RETURNED:
        assessment.status = AssessmentStatus.IN_PROGRESS
        assessment.save(update_fields=["status"])
        audit_record(
            assessment=assessment,
            actor=user,
            action=AuditAction.STATUS_CHANGED,
            old=AssessmentStatus.RETURNED.label,
            new=AssessmentStatus.IN_PROGRESS.label,
            reason="answers changed after the board returned it",
        )


@transaction.atomic
def response_confirm(*, response: Response, user) -> Response:
    """Confirm a carried-forward answer as still true this year."""
    assessment = _locked_for_editing(response.assessment, response.question, user)
    if not response.carried_forward:
        return response
    response.carried_forward = False
    response.version += 1
    response.updated_by = user
    response.save(update_fields=["carried_forward", "version", "updated_by", "updated_at"])
    audit_record(
        assessment=assessment,
        actor=user,
        action=AuditAction.ANSWER_CONFIRMED,
        subject=response.question.code,
        new=_describe(response),
    )
    return response


# --- evidence ------------------------------------------------------------------------------------


@transaction.atomic
def evidence_add_link(*, assessment: Assessment, question: Question, url: str, user) -> Evidence:
    assessment = _locked_for_editing(assessment, question, user)
    evidence = Evidence.objects.create(
        assessment=assessment, question=question, kind=EvidenceKind.LINK, url=url, added_by=user
    )
    audit_record(
        assessment=assessment,
        actor=user,
        action=AuditAction.EVIDENCE_ADDED,
        subject=question.code,
        new=url,
    )
    return evidence


@transaction.atomic
def evidence_add_file(
    *, assessment: Assessment, question: Question, upload: UploadedFile, user
) -> Evidence:
    """Store an upload under a generated name after checking its size and its real content."""
    assessment = _locked_for_editing(assessment, question, user)
    try:
        content_type = check_evidence_file(upload)
    except EvidenceFileError as error:
        raise AnswerInvalidError(str(error)) from error
    evidence = Evidence(
        assessment=assessment,
        question=question,
        kind=EvidenceKind.FILE,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        added_by=user,
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    audit_record(
        assessment=assessment,
        actor=user,
        action=AuditAction.EVIDENCE_ADDED,
        subject=question.code,
        new=f"{evidence.original_name} ({upload.size:,} bytes)",
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user) -> None:
    """Remove evidence from the answer. The stored file stays: the audit trail may refer to it."""
    _locked_for_editing(evidence.assessment, evidence.question, user)
    audit_record(
        assessment=evidence.assessment,
        actor=user,
        action=AuditAction.EVIDENCE_REMOVED,
        subject=evidence.question.code,
        old=str(evidence),
    )
    evidence.delete()
