"""The audit trail: one row per change, with the old and new values in words."""

from __future__ import annotations

from assessments.models import AuditAction, AuditEvent
from frameworks.models import AnswerOption, Question, QuestionType

NO_ANSWER = "(no answer)"


def audit_record(
    *,
    assessment,
    actor,
    action: AuditAction,
    subject: str = "",
    old: str = "",
    new: str = "",
    reason: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        assessment=assessment,
        actor=actor,
        action=action,
        subject=subject,
        old_value=old,
        new_value=new,
        reason=reason,
    )


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
        case QuestionType.PERCENTAGE:
            return NO_ANSWER if number is None else f"{number.normalize():f}%"
        case QuestionType.NUMBER:
            unit = f" {question.unit}" if question.unit else ""
            return NO_ANSWER if number is None else f"{number.normalize():f}{unit}"
        case QuestionType.FREE_TEXT:
            return text or NO_ANSWER
        case _:
            return option.label if option is not None else NO_ANSWER
