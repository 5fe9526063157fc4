"""Checks of FHIR Questionnaires and QuestionnaireResponses: fhir.resources' R4B models for shape
and types, and our own rules for what the library does not check (item types, links between
items, answers that fit their question)."""

from __future__ import annotations

from collections.abc import Iterator

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

ITEM_TYPES = {
    "group",
    "display",
    "boolean",
    "decimal",
    "integer",
    "date",
    "dateTime",
    "time",
    "string",
    "text",
    "url",
    "choice",
    "open-choice",
    "attachment",
    "reference",
    "quantity",
}
VALUE_FOR_TYPE = {
    "boolean": "valueBoolean",
    "decimal": "valueDecimal",
    "integer": "valueInteger",
    "date": "valueDate",
    "dateTime": "valueDateTime",
    "time": "valueTime",
    "string": "valueString",
    "text": "valueString",
    "url": "valueUri",
    "choice": "valueCoding",
    "attachment": "valueAttachment",
    "reference": "valueReference",
    "quantity": "valueQuantity",
}


def _library_problems(model, resource: dict) -> list[str]:
    try:
        model.model_validate(resource)
    except ValidationError as error:
        return [
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()
        ]
    return []


def _walk(items: list[dict], path: str) -> Iterator[tuple[str, dict]]:
    for index, item in enumerate(items or []):
        where = f"{path}[{index}]"
        yield where, item
        yield from _walk(item.get("item", []), f"{where}.item")
        for answer_index, answer in enumerate(item.get("answer", [])):
            yield from _walk(answer.get("item", []), f"{where}.answer[{answer_index}].item")


def questionnaire_problems(resource: dict) -> list[str]:
    """What is wrong with a Questionnaire, each with where: empty when it is sound."""
    problems = _library_problems(Questionnaire, resource)
    if problems:  # our rules read the structure the models have just refused
        return problems
    seen: dict[str, str] = {}
    for where, item in _walk(resource.get("item", []), "item"):
        link = item.get("linkId")
        if item.get("type") not in ITEM_TYPES:
            problems.append(f"{where}.type: {item.get('type')!r} is not an item type of FHIR R4")
        if link in seen:
            problems.append(f"{where}.linkId: {link!r} is used twice (first at {seen[link]})")
        for when_index, when in enumerate(item.get("enableWhen", [])):
            if when.get("question") not in seen:
                problems.append(
                    f"{where}.enableWhen[{when_index}].question: {when.get('question')!r} is "
                    "not an earlier item"
                )
        if item.get("answerOption") and item.get("type") not in ("choice", "open-choice"):
            problems.append(f"{where}.answerOption: only choice items have options")
        if item.get("type") == "group" and not item.get("item"):
            problems.append(f"{where}: a group with no items")
        seen.setdefault(link, where)
    return problems


def questionnaire_items(resource: dict) -> dict[str, dict]:
    """Every item of a Questionnaire by linkId."""
    return {item["linkId"]: item for _, item in _walk(resource.get("item", []), "item")}


def response_problems(response: dict, questionnaire: dict) -> list[str]:
    """What is wrong with a QuestionnaireResponse, and where it does not fit its Questionnaire."""
    problems = _library_problems(QuestionnaireResponse, response)
    if problems:  # our rules read the structure the models have just refused
        return problems
    expected = f"{questionnaire.get('url')}|{questionnaire.get('version')}"
    if response.get("questionnaire") not in (expected, questionnaire.get("url")):
        problems.append(
            f"questionnaire: {response.get('questionnaire')!r} is not this questionnaire "
            f"({expected})"
        )
    items = questionnaire_items(questionnaire)
    answered: dict[str, str] = {}
    for where, item in _walk(response.get("item", []), "item"):
        link = item.get("linkId")
        definition = items.get(link)
        if definition is None:
            problems.append(f"{where}.linkId: {link!r} is not an item of the questionnaire")
            continue
        if definition.get("type") != "group" and link in answered:
            problems.append(f"{where}.linkId: {link} is answered twice (first at {answered[link]})")
        answered.setdefault(link, where)
        answers = item.get("answer", [])
        if len(answers) > 1 and not definition.get("repeats"):
            problems.append(f"{where}.answer: {link} takes one answer, not {len(answers)}")
        value_key = VALUE_FOR_TYPE.get(definition.get("type"))
        codes = {
            (option["valueCoding"].get("system"), option["valueCoding"].get("code"))
            for option in definition.get("answerOption", [])
            if "valueCoding" in option
        }
        for answer_index, answer in enumerate(answers):
            keys = [key for key in answer if key.startswith("value")]
            if keys != [value_key]:
                problems.append(
                    f"{where}.answer[{answer_index}]: {link} is answered with {value_key}, "
                    f"not {', '.join(keys) or 'nothing'}"
                )
            elif value_key == "valueCoding" and codes:
                coding = answer["valueCoding"]
                if (coding.get("system"), coding.get("code")) not in codes:
                    problems.append(
                        f"{where}.answer[{answer_index}].valueCoding: {coding.get('code')!r} is "
                        f"not an option of {link}"
                    )
    return problems


def fhir_json(resource: dict) -> str:
    """The resource as FHIR JSON, through its R4B model: a resource that is not valid FHIR is
    never served."""
    model = {"Questionnaire": Questionnaire, "QuestionnaireResponse": QuestionnaireResponse}
    checked = model[resource["resourceType"]].model_validate(resource)
    if resource["resourceType"] == "Questionnaire" and (
        problems := questionnaire_problems(resource)
    ):
        raise ValueError(f"A questionnaire broke our own rules: {problems}")
    return checked.model_dump_json(indent=2)
