"""Importing a FHIR QuestionnaireResponse into an assessment: all of it, or none of it.

Every item goes through the answer service, as if the person importing had saved it on its page:
the same checks, versions and audit trail. Items are all checked before any is saved; one refused
item means nothing is saved, and the report says which and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from access import policy
from assessments.models import Assessment
from assessments.services.answers import (
    AnswerInput,
    AnswerInvalidError,
    StaleAnswerError,
    answer_checked,
    response_save,
)
from audit.models import AuditAction
from audit.services import audit_record
from frameworks.definition import SINGLE_CHOICE_TYPES, FrameworkDef
from frameworks.selectors import framework_content
from interop.checks import response_problems
from interop.fhir import DATA_ABSENT, DESCRIPTION, StoredAnswer, Urls, questionnaire
from interop.selectors import stored_answers


@dataclass(frozen=True)
class ItemOutcome:
    link_id: str
    outcome: str  # "saved", "unchanged", "accepted" (but not saved) or "refused"
    reason: str = ""


@dataclass
class ImportReport:
    """What happened to each item; ``applied`` only when every item was accepted."""

    applied: bool = False
    problems: list[str] = field(default_factory=list)  # the resource as a whole
    items: list[ItemOutcome] = field(default_factory=list)

    @property
    def refused(self) -> list[ItemOutcome]:
        return [item for item in self.items if item.outcome == "refused"]


class ImportRefusedError(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("The QuestionnaireResponse was not imported.")
        self.report = report


def _question_items(resource: dict) -> list[dict]:
    """The answer items: those inside the domain groups (or at the top, if a tool flattened)."""
    found = []
    for item in resource.get("item", []):
        found += item.get("item", []) if "item" in item and "answer" not in item else [item]
    return found


def _extension(item: dict, url: str) -> dict | None:
    return next((e for e in item.get("extension", []) if e.get("url") == url), None)


def _answer_input(definition: FrameworkDef, question, item: dict) -> AnswerInput:
    """The item's answer as the answer service takes it; AnswerInvalidError when it cannot be."""
    absent = _extension(item, DATA_ABSENT)
    if absent is not None:
        if absent.get("valueCode") != "not-applicable":
            raise AnswerInvalidError(f"{question.code}: only 'not-applicable' may stand for it")
        return AnswerInput(not_applicable=True)
    answers = item.get("answer", [])
    if not answers and question.type == "free_text":
        return AnswerInput(text="")  # only a comment was given
    if not answers:
        raise AnswerInvalidError(f"{question.code} has neither an answer nor a reason for none")
    codes = [answer.get("valueCoding", {}).get("code") for answer in answers]
    if question.type in SINGLE_CHOICE_TYPES or question.type == "multiple_choice":
        positions = [int(code) for code in codes if code and code.isdigit()]
        if len(positions) != len(codes):
            raise AnswerInvalidError(f"{question.code}: answer with the options' codes")
        if question.type == "multiple_choice":
            return AnswerInput(selected=frozenset(positions))
        return AnswerInput(option=positions[0])
    if question.type == "barriers":
        by_code = {barrier.code: i for i, barrier in enumerate(definition.barriers, start=1)}
        if any(code not in by_code for code in codes):
            raise AnswerInvalidError(f"{question.code}: answer with the barriers' codes")
        description = next(
            (
                child["answer"][0].get("valueString", "")
                for child in answers[0].get("item", [])
                if child.get("linkId") == question.code + DESCRIPTION and child.get("answer")
            ),
            "",
        )
        return AnswerInput(selected=frozenset(by_code[code] for code in codes), text=description)
    if question.type in ("percentage", "number"):
        try:
            return AnswerInput(number=Decimal(str(answers[0]["valueDecimal"])))
        except (KeyError, InvalidOperation) as error:
            raise AnswerInvalidError(f"{question.code}: answer with a decimal number") from error
    return AnswerInput(text=answers[0].get("valueString", "").strip())


def _unchanged(stored: StoredAnswer | None, answer: AnswerInput, comment: str) -> bool:
    if stored is None:
        return False
    return (
        stored.not_applicable == answer.not_applicable
        and (stored.option == answer.option or answer.option is None)
        and set(stored.selected) == set(answer.selected)
        and (stored.number == answer.number or answer.number is None)
        and stored.text == answer.text
        and stored.comment == comment
    )


def questionnaire_response_import(*, assessment: Assessment, resource: dict, user) -> ImportReport:
    """Save every answer of ``resource`` into ``assessment``, or none; ImportRefusedError (with
    the report) when any item or the resource itself is refused."""
    if not policy.can_import_answers(user, assessment):
        raise PermissionDenied("You cannot change answers in this self-assessment now.")
    content = framework_content(framework=assessment.cycle.framework)
    definition = content.definition
    urls = Urls(settings.FHIR_BASE_URL)
    form = questionnaire(definition, status=assessment.cycle.framework.status, base=urls.base)
    report = ImportReport(problems=response_problems(resource, form))
    if report.problems:
        raise ImportRefusedError(report)
    current = stored_answers(assessment=assessment)
    versions = dict(assessment.responses.values_list("question__code", "version"))
    accepted = []
    for item in _question_items(resource):
        code = item.get("linkId", "")
        question = content.question_by_code.get(code)
        if question is None:
            report.items.append(ItemOutcome(code, "refused", "not a question of this framework"))
            continue
        if not policy.can_edit_domain(user, assessment, question.domain):
            report.items.append(ItemOutcome(code, "refused", "you cannot change this domain now"))
            continue
        comment_extension = _extension(item, urls.comment)
        stored = current.get(code)
        if comment_extension is not None and not isinstance(
            comment_extension.get("valueString"), str
        ):
            report.items.append(ItemOutcome(code, "refused", "a comment must be a valueString"))
            continue
        comment = (
            comment_extension["valueString"].strip()
            if comment_extension
            else (stored.comment if stored else "")
        )
        try:
            answer = _answer_input(definition, question, item)
            options = {option.order: option for option in content.options[question.pk]}
            answer_checked(question, answer, options)
        except AnswerInvalidError as error:
            report.items.append(ItemOutcome(code, "refused", str(error)))
            continue
        if _unchanged(stored, answer, comment):
            report.items.append(ItemOutcome(code, "unchanged"))
        else:
            accepted.append((question, answer, comment))
    if report.refused:
        report.items += [
            ItemOutcome(question.code, "accepted", "not saved, because other items were refused")
            for question, _, _ in accepted
        ]
        raise ImportRefusedError(report)
    try:
        with transaction.atomic():
            for question, answer, comment in accepted:
                response_save(
                    assessment=assessment,
                    question=question,
                    answer=answer,
                    comment=comment,
                    based_on_version=versions.get(question.code, 0),
                    user=user,
                )
                report.items.append(ItemOutcome(question.code, "saved"))
    except StaleAnswerError as error:
        # Everything saved so far was rolled back; the refusal is recorded as the page's is.
        stale = error.stale.response.question.code
        audit_record(
            assessment=assessment,
            actor=user,
            action=AuditAction.SAVE_REFUSED,
            subject=stale,
            old=error.stale.description,
            reason="import: someone saved this answer after the file was checked",
        )
        report.items = [item for item in report.items if item.outcome != "saved"]
        report.items.append(ItemOutcome(stale, "refused", "someone saved it meanwhile"))
        report.items += [
            ItemOutcome(question.code, "accepted", "not saved, because another item was refused")
            for question, _, _ in accepted
            if question.code != stale
        ]
        raise ImportRefusedError(report) from error
    report.applied = True
    return report
