"""Saving answers, comments and evidence: versioned, checked, audited and rescored.

Every answer carries a version. A save based on an older version is refused, never silently
applied: the caller gets the other person's answer, who saved it and when, and may then keep
theirs or overwrite it on purpose. Both versions stay in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from access import policy
from assessments.lifecycle import Action, target_of
from assessments.models import Assessment, Response
from assessments.services.scoring import assessment_domain_refresh
from assessments.wording import plain_number, with_unit
from audit.models import AuditAction
from audit.services import audit_record, audit_records
from frameworks.definition import MAX_BARRIERS_CHOSEN, SINGLE_CHOICE_TYPES, TICKED_TYPES
from frameworks.models import AnswerOption, Domain, Question, QuestionType
from frameworks.selectors import framework_content

NO_ANSWER = "(no answer)"


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
    content = framework_content(framework=assessment.cycle.framework)
    question = content.question_by_code.get(code)
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
    choices = framework_content(framework=assessment.cycle.framework).options[question.pk]
    option, selected = answer_checked(question, answer, {o.order: o for o in choices})
    try:
        with transaction.atomic():
            assessment = locked_for_editing(assessment, question.domain, user)
            response = (
                Response.objects.select_for_update(of=("self",))
                .filter(assessment=assessment, question=question)
                .select_related("updated_by")
                .first()
            )
            if response is not None:
                response.question = question
            current_version = response.version if response is not None else 0
            if response is None and based_on_version != 0:
                raise AnswerInvalidError(
                    f"{question.code} changed while you were answering it. Reload the page "
                    "and try again."
                )
            if current_version != based_on_version:
                stale = StaleAnswer(
                    response=response, description=_describe(response, question, choices)
                )
            else:
                return _store(
                    assessment,
                    question,
                    response,
                    choices,
                    (option, selected),
                    answer,
                    comment,
                    user,
                )
    except IntegrityError:
        response = Response.objects.select_related("updated_by").get(
            assessment=assessment, question=question
        )
        response.question = question
        stale = StaleAnswer(response=response, description=_describe(response, question, choices))
    audit_record(
        assessment=assessment,
        actor=user,
        action=AuditAction.SAVE_REFUSED,
        subject=question.code,
        old=stale.description,
        new=_describe_input(question, (option, selected), answer),
        reason=f"based on version {based_on_version}, but version {stale.response.version} "
        "had been saved",
    )
    raise StaleAnswerError(stale)


def describe_answer(
    question: Question,
    *,
    option: AnswerOption | None,
    selected: list[AnswerOption],
    number,
    text: str,
    not_applicable: bool,
) -> str:
    """An answer as a person would read it in the audit trail or a conflict message."""
    if not_applicable:
        return "Not applicable"
    match question.type:
        case QuestionType.MULTIPLE_CHOICE:
            return "; ".join(o.label for o in sorted(selected, key=lambda o: o.order)) or NO_ANSWER
        case QuestionType.BARRIERS:
            named = "; ".join(o.label for o in sorted(selected, key=lambda o: o.order)) or NO_ANSWER
            return f"{named} ({text})" if text else named
        case QuestionType.PERCENTAGE:
            return NO_ANSWER if number is None else f"{plain_number(number)}%"
        case QuestionType.NUMBER:
            return NO_ANSWER if number is None else with_unit(number, question.unit)
        case QuestionType.FREE_TEXT:
            return text or NO_ANSWER
        case _:
            return option.label if option is not None else NO_ANSWER


def locked_for_editing(assessment: Assessment, domain: Domain, user) -> Assessment:
    """Lock the assessment row and ask the policy again, so no save lands after a submission."""
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle__framework", "organisation")
        .get(pk=assessment.pk)
    )
    if not policy.can_edit_domain(user, locked, domain):
        raise PermissionDenied("You cannot change answers or evidence in this domain now.")
    return locked


def answer_checked(
    question: Question, answer: AnswerInput, options: dict[int, AnswerOption]
) -> tuple[AnswerOption | None, list[AnswerOption]]:
    """The chosen option(s) of an answer that fits its question; AnswerInvalidError otherwise.

    ``options`` maps each option's position (1 = first) to the option.
    """
    code = question.code
    if answer.not_applicable:
        if not question.allows_na:
            raise AnswerInvalidError(f"{code} cannot be answered 'Not applicable'")
        return None, []
    match question.type:
        case kind if kind in SINGLE_CHOICE_TYPES:
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
        case QuestionType.BARRIERS:
            if not answer.selected:
                raise AnswerInvalidError(f"Select at least one barrier for {code}")
            if len(answer.selected) > MAX_BARRIERS_CHOSEN:
                raise AnswerInvalidError(
                    f"Select up to {MAX_BARRIERS_CHOSEN} barriers for {code}, "
                    f"not {len(answer.selected)}"
                )
            if not answer.selected <= set(options):
                raise AnswerInvalidError(f"Select only the barriers shown for {code}")
            return None, [options[order] for order in sorted(answer.selected)]
        case QuestionType.PERCENTAGE | QuestionType.NUMBER if answer.number is not None and (
            not answer.number.is_finite() or answer.number.as_tuple().exponent < -2
        ):
            raise AnswerInvalidError(f"Enter {code} with no more than 2 decimal places")
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


def _describe(response: Response | None, question: Question, options) -> str:
    """A stored answer in words; ``options`` are the question's, as the framework has them."""
    if response is None:
        return NO_ANSWER
    by_pk = {option.pk: option for option in options}
    multiple = question.type in TICKED_TYPES
    return describe_answer(
        question,
        option=by_pk.get(response.option_id),
        selected=list(response.selected_options.all()) if multiple else [],
        number=response.number_value,
        text=response.text_value,
        not_applicable=response.is_not_applicable,
    )


def _describe_input(question: Question, chosen, answer: AnswerInput) -> str:
    """What someone has just answered, in words, from the options the check chose."""
    option, selected = chosen
    return describe_answer(
        question,
        option=option,
        selected=selected,
        number=None if answer.not_applicable else answer.number,
        text=answer.text,
        not_applicable=answer.not_applicable,
    )


def _store(assessment, question, response, choices, chosen, answer, comment, user) -> Response:
    option, selected = chosen
    old = _describe(response, question, choices)
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
    if question.type in TICKED_TYPES:
        response.selected_options.set(selected)
    new = _describe_input(question, chosen, answer)
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
    assessment_domain_refresh(assessment=assessment, domain=question.domain)
    return response


def _mark_in_progress(assessment: Assessment, user) -> None:
    """The first change after the board returned it puts the assessment back in progress."""
    new_status = target_of(assessment.status, Action.EDIT)
    if new_status != assessment.status:
        old = assessment.get_status_display()
        assessment.status = new_status
        assessment.save(update_fields=["status"])
        audit_record(
            assessment=assessment,
            actor=user,
            action=AuditAction.STATUS_CHANGED,
            old=old,
            new=assessment.get_status_display(),
            reason="answers changed after the board returned it",
        )


@dataclass(frozen=True)
class ConfirmOutcome:
    """What confirming a domain's carried-forward answers did."""

    confirmed: tuple[str, ...]  # question codes
    changed_by_others: tuple[str, ...]  # refused: saved by someone since the page was loaded


@transaction.atomic
def domain_confirm_carried_forward(
    *, assessment: Assessment, domain, versions: dict[str, int], user
) -> ConfirmOutcome:
    """Confirm, as still true this year, the carried-forward answers the person saw unchanged.

    ``versions`` holds each answer's version as the page showed it. An answer saved by anyone
    since then is left alone and reported, so nobody confirms what they have not read. Each
    confirmation is versioned like a save and audited as its own event.
    """
    if not policy.can_edit_domain(user, assessment, domain):
        raise PermissionDenied("You cannot change answers in this domain now.")
    assessment = locked_for_editing(assessment, domain, user)
    content = framework_content(framework=assessment.cycle.framework)
    responses = list(
        Response.objects.select_for_update(of=("self",))
        .filter(assessment=assessment, question__domain=domain, question__code__in=versions)
        .select_related("question", "option")
        .prefetch_related("selected_options")
        .order_by("question__order")
    )
    confirmed, refused = [], []
    now = timezone.now()
    for response in responses:
        code = response.question.code
        if response.version != versions[code] or not response.carried_forward:
            if response.version != versions[code]:
                refused.append(code)
            continue
        response.carried_forward = False
        response.version += 1
        response.updated_by = user
        response.updated_at = now
        confirmed.append(response)
    Response.objects.bulk_update(
        confirmed, ["carried_forward", "version", "updated_by", "updated_at"]
    )
    audit_records(
        assessment=assessment,
        actor=user,
        action=AuditAction.ANSWER_CONFIRMED,
        changes=[
            (
                response.question.code,
                "",
                _describe(response, response.question, content.options[response.question_id]),
            )
            for response in confirmed
        ],
        reason="confirmed with the rest of the domain's unchanged answers",
    )
    if confirmed:  # the answers stand as they were, so the scores do too
        _mark_in_progress(assessment, user)
    return ConfirmOutcome(
        confirmed=tuple(response.question.code for response in confirmed),
        changed_by_others=tuple(refused),
    )
