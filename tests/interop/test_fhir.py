"""Frameworks as FHIR Questionnaires and assessments as QuestionnaireResponses (docs/fhir.md)."""

from __future__ import annotations

import copy
import dataclasses
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from assessments.models import AssessmentStatus
from frameworks.definition import ConditionDef, ShownWhenDef
from frameworks.schema import read_framework_file
from frameworks.services import framework_import
from interop.checks import questionnaire_problems, response_problems
from interop.fhir import (
    ENABLE_WHEN_EXPRESSION,
    ORDINAL_VALUE,
    StoredAnswer,
    questionnaire,
    questionnaire_response,
)
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    answer_all_but_one_not_applicable,
    assessment_in,
    barriers_framework_definition,
    member,
    open_cycle,
)
from tests.frameworks.conftest import SHIPPED

BASE = "https://portal.example.nhs.uk/fhir"
NEXT = SHIPPED.with_name("nhs-digital-maturity-2026.2.yaml")


def items(resource: dict) -> dict[str, dict]:
    found = {}
    for group in resource["item"]:
        found[group["linkId"]] = group
        for item in group.get("item", []):
            found[item["linkId"]] = item
    return found


@pytest.mark.parametrize("path", [SHIPPED, NEXT])
def test_each_shipped_framework_is_a_sound_questionnaire(path):
    definition = read_framework_file(path)
    resource = questionnaire(definition, status="published", base=BASE)
    assert questionnaire_problems(resource) == []
    Questionnaire.model_validate(resource)
    assert resource["url"] == f"{BASE}/Questionnaire/nhs-digital-maturity"
    assert resource["version"] == definition.version
    assert [group["linkId"] for group in resource["item"]] == [d.code for d in definition.domains]
    found = items(resource)
    for domain in definition.domains:
        assert found[domain.code]["type"] == "group"
        for question in domain.questions:
            item = found[question.code]
            assert item["text"] == question.text and item["required"] == question.mandatory
            [help_item] = [child for child in item["item"] if child["type"] == "display"]
            assert help_item["text"] == question.guidance
            if question.type in ("scale", "yes_no", "single_choice", "multiple_choice"):
                scores = [option["valueCoding"]["extension"][0] for option in item["answerOption"]]
                assert [s["url"] for s in scores] == [ORDINAL_VALUE] * len(question.options)
                assert [s["valueDecimal"] for s in scores] == [o.score for o in question.options]


def test_follow_ups_and_barriers_in_fhir():
    resource = questionnaire(read_framework_file(NEXT), status="published", base=BASE)
    found = items(resource)
    follow_up = found["CS-03"]
    assert follow_up["enableBehavior"] == "all"
    [when] = follow_up["enableWhen"]
    assert when["question"] == "CS-02" and when["operator"] == "="
    assert when["answerCoding"]["code"] == "1"  # "Yes", the first option of CS-02
    barriers = found["LG-11"]
    assert barriers["type"] == "choice" and barriers["repeats"] is True
    assert {
        "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs",
        "valueInteger": 3,
    } in barriers["extension"]
    assert barriers["answerOption"][0]["valueCoding"]["code"] == "funding"
    assert barriers["answerOption"][0]["valueCoding"]["system"].endswith("/barriers")
    assert "LG-11.description" in [child["linkId"] for child in barriers["item"]]


def test_a_condition_r4_cannot_say_in_enable_when_becomes_an_expression():
    definition = barriers_framework_definition()
    both = ShownWhenDef(
        "all",
        (
            ConditionDef(
                "D1-01", "one_of", ("Initial practice for D1-01", "Advanced practice for D1-01")
            ),
            ConditionDef("D1-PC", "at_least", Decimal(50)),
        ),
    )
    domains = list(definition.domains)
    d2 = domains[1]
    domains[1] = dataclasses.replace(
        d2, questions=(dataclasses.replace(d2.questions[0], shown_when=both), *d2.questions[1:])
    )
    resource = questionnaire(
        dataclasses.replace(definition, domains=tuple(domains)), status="published", base=BASE
    )
    item = items(resource)["D2-01"]
    assert "enableWhen" not in item
    [extension] = [e for e in item["extension"] if e["url"] == ENABLE_WHEN_EXPRESSION]
    expression = extension["valueExpression"]["expression"]
    assert "linkId='D1-01'" in expression and "code='1'" in expression and "code='4'" in expression
    assert ">= 50" in expression and " and " in expression
    assert questionnaire_problems(resource) == []


@pytest.fixture
def answered(db):
    definition = barriers_framework_definition()
    framework = framework_import(definition=definition, publish=True, user=None).framework
    trust = OrganisationFactory(ods_code="RA1")
    lead = member(trust, "digital_lead", "lead")
    assessment = assessment_in(trust, open_cycle(framework))
    answer_all_but_one_not_applicable(assessment, lead)
    return assessment


def test_an_answered_assessment_is_a_sound_response_with_every_answer(answered):
    client = Client()
    assert client.login(username="lead", password=PASSWORD)
    reply = client.get(reverse("assessment-questionnaire-response", args=[answered.pk]))
    assert reply["Content-Type"] == "application/fhir+json"
    resource = json.loads(reply.content)
    QuestionnaireResponse.model_validate(resource)
    form = json.loads(
        client.get(reverse("framework-questionnaire", args=[answered.cycle.framework_id])).content
    )
    assert response_problems(resource, form) == []
    assert resource["subject"]["identifier"]["value"] == "RA1"
    assert resource["status"] == "in-progress"
    found = items(resource)
    assert found["D1-01"]["answer"] == [
        {"valueCoding": {**found["D1-01"]["answer"][0]["valueCoding"], "code": "2"}}
    ]
    assert [a["valueCoding"]["code"] for a in found["D1-MC"]["answer"]] == ["1", "2"]
    assert found["D1-NU"]["answer"] == [{"valueDecimal": 70.0}]
    assert found["D1-TX"]["answer"] == [{"valueString": "Funding"}]
    not_applicable = found["D1-PC"]
    assert "answer" not in not_applicable
    assert {
        "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
        "valueCode": "not-applicable",
    } in not_applicable["extension"]
    assert any(
        e.get("valueString") == "No training programme this year"
        for e in not_applicable["extension"]
    )
    barriers = found["D1-BR"]["answer"]
    assert [a["valueCoding"]["code"] for a in barriers] == ["funding", "skills"]
    assert barriers[0]["item"][0]["answer"] == [{"valueString": "Capital for the EPR"}]


def test_our_checks_catch_what_the_library_lets_through():
    definition = barriers_framework_definition()
    form = questionnaire(definition, status="published", base=BASE)
    broken = copy.deepcopy(form)
    first, second = broken["item"][0]["item"][0], broken["item"][0]["item"][1]
    first["type"] = "foo"
    second["linkId"] = first["linkId"]
    second["enableWhen"] = [{"question": "ZZ-99", "operator": "=", "answerBoolean": True}]
    Questionnaire.model_validate(broken)  # the library accepts all three
    problems = questionnaire_problems(broken)
    assert any("'foo' is not an item type" in p for p in problems)
    assert any("is used twice" in p for p in problems)
    assert any("'ZZ-99' is not an earlier item" in p for p in problems)

    answers = {"D1-01": StoredAnswer(option=2), "D1-NU": StoredAnswer(number=Decimal(3))}
    response = questionnaire_response(
        definition,
        answers,
        base=BASE,
        ods_code="RA1",
        organisation_name="Trust",
        completed=False,
        authored=None,
        response_id="x",
    )
    assert response_problems(response, form) == []
    wrong = copy.deepcopy(response)
    d1 = wrong["item"][0]["item"]
    d1[0]["answer"] = [{"valueCoding": {"system": "x", "code": "9"}}, {"valueString": "also"}]
    d1[1]["linkId"] = "ZZ-99"
    wrong["questionnaire"] = "https://elsewhere/Questionnaire/q|1"
    problems = response_problems(wrong, form)
    assert any("D1-01 takes one answer, not 2" in p for p in problems)
    assert any("'9' is not an option of D1-01" in p for p in problems)
    assert any("answered with valueCoding, not valueString" in p for p in problems)
    assert any("'ZZ-99' is not an item of the questionnaire" in p for p in problems)
    assert any(p.startswith("questionnaire:") for p in problems)


def test_a_signed_off_assessment_is_completed_and_other_trusts_see_nothing(answered):
    answered.status = AssessmentStatus.SUBMITTED
    answered.submitted_at = answered.created_at
    answered.save(update_fields=["status", "submitted_at"])
    member(OrganisationFactory(ods_code="RB2"), "digital_lead", "other")
    outsider = Client()
    assert outsider.login(username="other", password=PASSWORD)
    url = reverse("assessment-questionnaire-response", args=[answered.pk])
    assert outsider.get(url).status_code == 404
    lead = Client()
    assert lead.login(username="lead", password=PASSWORD)
    assert json.loads(lead.get(url).content)["status"] == "completed"
