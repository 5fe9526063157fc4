"""A framework as a FHIR R4 Questionnaire, and an assessment's answers as a QuestionnaireResponse.

Pure Python over ``FrameworkDef`` and plain answers, so the mapping is the same for the API, the
downloads and the tests; docs/fhir.md is its table. The resources are plain dicts in FHIR's JSON
shape; ``interop.checks`` validates them with fhir.resources' R4B models and our own rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from frameworks.definition import (
    SINGLE_CHOICE_TYPES,
    TICKED_TYPES,
    ConditionDef,
    FrameworkDef,
    QuestionDef,
)

ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
ITEM_TYPES = {
    "scale": "choice",
    "yes_no": "choice",
    "single_choice": "choice",
    "multiple_choice": "choice",
    "barriers": "choice",
    "percentage": "decimal",
    "number": "decimal",
    "free_text": "text",
}
DESCRIPTION = ".description"  # a barriers question's description, as a child item's linkId


@dataclass(frozen=True)
class Urls:
    """Where the portal's FHIR definitions live: the Questionnaire's canonical URL, the option
    code systems and the portal's one extension, all under one base (``FHIR_BASE_URL``)."""

    base: str

    def questionnaire(self, framework_code: str) -> str:
        return f"{self.base}/Questionnaire/{framework_code}"

    def options(self, framework_code: str, question_code: str) -> str:
        return f"{self.base}/CodeSystem/{framework_code}/{question_code}"

    def barriers(self, framework_code: str) -> str:
        return f"{self.base}/CodeSystem/{framework_code}/barriers"

    @property
    def comment(self) -> str:
        return f"{self.base}/StructureDefinition/answer-comment"


@dataclass(frozen=True)
class StoredAnswer:
    """An answer as stored: option positions from 1, a number to two decimal places."""

    option: int | None = None
    selected: tuple[int, ...] = ()
    number: Decimal | None = None
    text: str = ""
    not_applicable: bool = False
    comment: str = ""


# --- the Questionnaire ---------------------------------------------------------------------------


def _coding(urls: Urls, definition: FrameworkDef, question: QuestionDef, position: int) -> dict:
    """Option ``position`` (from 1) as a Coding: its position, or for barriers the barrier code."""
    option = question.options[position - 1]
    if question.type == "barriers":
        return {
            "system": urls.barriers(definition.code),
            "code": definition.barriers[position - 1].code,
            "display": option.label,
        }
    return {
        "system": urls.options(definition.code, question.code),
        "code": str(position),
        "display": option.label,
    }


def _answer_options(urls: Urls, definition: FrameworkDef, question: QuestionDef) -> list[dict]:
    options = []
    for position, option in enumerate(question.options, start=1):
        coding = _coding(urls, definition, question, position)
        if question.type != "barriers":
            coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": option.score}]
        entry: dict = {"valueCoding": coding}
        if option.exclusive:
            entry["extension"] = [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]
        options.append(entry)
    return options


def _alternatives(urls, definition, questions, condition: ConditionDef) -> list[dict]:
    """One condition as enableWhen entries, any one of which passing is enough."""
    target = questions[condition.question]
    labels = [option.label for option in target.options]

    def equals(label: str) -> dict:
        coding = _coding(urls, definition, target, labels.index(label) + 1)
        del coding["display"]
        return {"question": condition.question, "operator": "=", "answerCoding": coding}

    if condition.operator == "equals":
        return [equals(condition.value)]
    if condition.operator == "one_of":
        return [equals(label) for label in condition.value]
    if isinstance(condition.value, Decimal):
        return [
            {"question": condition.question, "operator": ">=", "answerDecimal": condition.value}
        ]
    return [equals(label) for label in labels[labels.index(condition.value) :]]


def _fhirpath(alternative: dict) -> str:
    answer = f"%resource.repeat(item).where(linkId='{alternative['question']}').answer.value"
    if "answerDecimal" in alternative:
        return f"({answer} >= {alternative['answerDecimal']})"
    return f"({answer}.where(code='{alternative['answerCoding']['code']}').exists())"


def _enable_when(urls, definition, questions, question: QuestionDef) -> dict:
    """``shown_when`` in FHIR: enableWhen where R4 can say it (every condition one test, or
    any of them), otherwise the SDC enableWhenExpression in FHIRPath."""
    shown_when = question.shown_when
    clauses = [_alternatives(urls, definition, questions, c) for c in shown_when.conditions]
    if shown_when.combine == "any":
        return {
            "enableWhen": [alternative for clause in clauses for alternative in clause],
            "enableBehavior": "any",
        }
    if all(len(clause) == 1 for clause in clauses):
        return {"enableWhen": [clause[0] for clause in clauses], "enableBehavior": "all"}
    expression = " and ".join(
        "(" + " or ".join(_fhirpath(alternative) for alternative in clause) + ")"
        for clause in clauses
    )
    return {
        "extension": [
            {
                "url": ENABLE_WHEN_EXPRESSION,
                "valueExpression": {"language": "text/fhirpath", "expression": expression},
            }
        ]
    }


def _question_item(urls, definition, questions, question: QuestionDef) -> dict:
    item: dict = {
        "linkId": question.code,
        "prefix": question.code,
        "text": question.text,
        "type": ITEM_TYPES[question.type],
        "required": question.mandatory,
    }
    extensions = []
    if question.type in ("scale", "yes_no", "single_choice", *TICKED_TYPES):
        item["answerOption"] = _answer_options(urls, definition, question)
    if question.type in TICKED_TYPES:
        item["repeats"] = True
    if question.type == "barriers":
        extensions.append({"url": MAX_OCCURS, "valueInteger": 3})
    if question.type == "percentage":
        extensions += [
            {"url": MIN_VALUE, "valueDecimal": 0},
            {"url": MAX_VALUE, "valueDecimal": 100},
            {"url": UNIT, "valueCoding": {"system": "http://unitsofmeasure.org", "code": "%"}},
        ]
    if question.type == "number" and question.unit:
        extensions.append({"url": UNIT, "valueCoding": {"display": question.unit}})
    if question.shown_when is not None:
        conditional = _enable_when(urls, definition, questions, question)
        extensions += conditional.pop("extension", [])
        item.update(conditional)
    if extensions:
        item["extension"] = extensions
    children = [
        {
            "linkId": f"{question.code}.help",
            "type": "display",
            "text": question.guidance,
            "extension": [
                {
                    "url": ITEM_CONTROL,
                    "valueCodeableConcept": {
                        "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help"}]
                    },
                }
            ],
        }
    ]
    if question.type == "barriers":
        children.append(
            {
                "linkId": question.code + DESCRIPTION,
                "type": "text",
                "text": "Describe these barriers (optional)",
                "required": False,
            }
        )
    item["item"] = children
    return item


def questionnaire(definition: FrameworkDef, *, status: str, base: str) -> dict:
    """The framework version as a Questionnaire: each domain a group, each question an item."""
    urls = Urls(base)
    questions = {q.code: q for domain in definition.domains for q in domain.questions}
    return {
        "resourceType": "Questionnaire",
        "id": re.sub(r"[^A-Za-z0-9.-]+", "-", f"{definition.code}-{definition.version}")[:64],
        "url": urls.questionnaire(definition.code),
        "version": definition.version,
        "name": "".join(part.capitalize() for part in definition.code.split("-")),
        "title": definition.name,
        "status": "active" if status == "published" else "retired",
        "description": definition.description,
        "item": [
            {
                "linkId": domain.code,
                "type": "group",
                "text": domain.name,
                "item": [
                    _question_item(urls, definition, questions, question)
                    for question in domain.questions
                ],
            }
            for domain in definition.domains
        ],
    }


# --- the QuestionnaireResponse -------------------------------------------------------------------


def _answers(urls, definition, question: QuestionDef, stored: StoredAnswer) -> list[dict]:
    if question.type in SINGLE_CHOICE_TYPES and stored.option is not None:
        return [{"valueCoding": _coding(urls, definition, question, stored.option)}]
    if question.type in TICKED_TYPES:
        return [
            {"valueCoding": _coding(urls, definition, question, position)}
            for position in sorted(stored.selected)
        ]
    if question.type in ("percentage", "number") and stored.number is not None:
        return [{"valueDecimal": stored.number}]
    if question.type == "free_text" and stored.text:
        return [{"valueString": stored.text}]
    return []


def _response_item(urls, definition, question: QuestionDef, stored: StoredAnswer) -> dict | None:
    item: dict = {"linkId": question.code, "text": question.text}
    extensions = []
    if stored.not_applicable:
        extensions.append({"url": DATA_ABSENT, "valueCode": "not-applicable"})
    else:
        answers = _answers(urls, definition, question, stored)
        if not answers and not stored.comment:
            return None
        if question.type == "barriers" and stored.text:
            answers[0]["item"] = [
                {"linkId": question.code + DESCRIPTION, "answer": [{"valueString": stored.text}]}
            ]
        if answers:
            item["answer"] = answers
    if stored.comment:
        extensions.append({"url": urls.comment, "valueString": stored.comment})
    if extensions:
        item["extension"] = extensions
    return item


def questionnaire_response(
    definition: FrameworkDef,
    answers: dict[str, StoredAnswer],
    *,
    base: str,
    ods_code: str,
    organisation_name: str,
    completed: bool,
    authored: str | None,
    response_id: str,
) -> dict:
    """The answers, grouped by domain as the Questionnaire is; unanswered questions left out."""
    urls = Urls(base)
    groups = []
    for domain in definition.domains:
        items = [
            item
            for question in domain.questions
            if question.code in answers
            and (item := _response_item(urls, definition, question, answers[question.code]))
        ]
        if items:
            groups.append({"linkId": domain.code, "text": domain.name, "item": items})
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "questionnaire": f"{urls.questionnaire(definition.code)}|{definition.version}",
        "status": "completed" if completed else "in-progress",
        "subject": {
            "identifier": {"system": ODS_SYSTEM, "value": ods_code},
            "display": organisation_name,
        },
        "item": groups,
    }
    if authored:
        resource["authored"] = authored
    return resource
