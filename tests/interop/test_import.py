"""Importing a QuestionnaireResponse: every answer through the answer service, or none at all."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import AssessmentStatus, Response
from assessments.services.answers import AnswerInput, response_save
from audit.models import AuditAction, AuditEvent
from frameworks.services import framework_import
from interop.checks import fhir_json
from interop.selectors import assessment_questionnaire_response, stored_answers
from interop.services import ImportRefusedError, questionnaire_response_import
from tests.api.conftest import client_for
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    answer_all_but_one_not_applicable,
    assessment_in,
    barriers_framework_definition,
    member,
    open_cycle,
)

pytestmark = pytest.mark.django_db
ROWS = ("question__code", "version", "option_id")


def exported(assessment) -> dict:
    """The assessment's QuestionnaireResponse as another system would receive it: JSON text."""
    return json.loads(fhir_json(assessment_questionnaire_response(assessment=assessment)))


@pytest.fixture
def trusts():
    """Trust A signed off last year, every question answered; trust B starting this year."""
    definition = barriers_framework_definition()
    framework = framework_import(definition=definition, publish=True, user=None).framework
    trust_a = OrganisationFactory(ods_code="RA1")
    trust_b = OrganisationFactory(ods_code="RB2")
    lead_a = member(trust_a, "digital_lead", "lead_a")
    lead_b = member(trust_b, "digital_lead", "lead_b")
    board_b = member(trust_b, "board_member", "board_b")
    source = assessment_in(trust_a, open_cycle(framework, name="2025/26"))
    answer_all_but_one_not_applicable(source, lead_a)
    source.status = AssessmentStatus.SIGNED_OFF
    source.submitted_at = source.signed_off_at = source.created_at
    source.save(update_fields=["status", "submitted_at", "signed_off_at"])
    target = assessment_in(trust_b, open_cycle(framework, name="2026/27"))
    return source, target, lead_b, board_b


def test_export_then_import_into_another_trust_reproduces_every_answer(trusts):
    source, target, lead_b, _ = trusts
    resource = exported(source)
    report = questionnaire_response_import(assessment=target, resource=resource, user=lead_b)
    assert report.applied and not report.refused
    assert stored_answers(assessment=target) == stored_answers(assessment=source)
    saved = AuditEvent.objects.filter(assessment=target, action=AuditAction.ANSWER_CHANGED)
    assert saved.count() == Response.objects.filter(assessment=source).count()
    assert set(saved.values_list("actor__username", flat=True)) == {"lead_b"}
    assert target.result.domains.count() == 2  # rescored as a page save rescores
    again = questionnaire_response_import(assessment=target, resource=resource, user=lead_b)
    assert {item.outcome for item in again.items} == {"unchanged"}


def test_a_response_with_refused_items_reports_each_and_changes_nothing(trusts):
    source, target, lead_b, _ = trusts
    response_save(
        assessment=target,
        question=target.cycle.framework.questions.get(code="D1-01"),
        answer=AnswerInput(option=1),
        comment="",
        based_on_version=0,
        user=lead_b,
    )
    before = list(Response.objects.filter(assessment=target).values_list(*ROWS))
    events = AuditEvent.objects.count()
    resource = exported(source)
    domain = resource["item"][0]["item"]
    by_code = {item["linkId"]: item for item in domain}
    by_code["D1-NU"]["answer"] = [{"valueDecimal": -4}]
    system = by_code["D1-BR"]["answer"][0]["valueCoding"]["system"]
    by_code["D1-BR"]["answer"] = [
        {"valueCoding": {"system": system, "code": code}}
        for code in ("funding", "legacy", "skills", "other")
    ]
    by_code["D1-MC"]["answer"] = [
        {"valueCoding": {**by_code["D1-MC"]["answer"][0]["valueCoding"], "code": "3"}},
        *by_code["D1-MC"]["answer"],
    ]
    with pytest.raises(ImportRefusedError) as refused:
        questionnaire_response_import(assessment=target, resource=resource, user=lead_b)
    report = refused.value.report
    reasons = {item.link_id: item.reason for item in report.refused}
    assert reasons["D1-NU"] == "Enter a number of 0 or more for D1-NU"
    assert "on its own for D1-MC" in reasons["D1-MC"]
    assert "Select up to 3 barriers for D1-BR" in reasons["D1-BR"]
    accepted = {item.link_id for item in report.items if item.outcome == "accepted"}
    assert "D1-01" in accepted and "D2-01" in accepted
    after = list(Response.objects.filter(assessment=target).values_list(*ROWS))
    assert after == before and AuditEvent.objects.count() == events


def test_a_response_that_does_not_fit_the_questionnaire_is_refused_whole(trusts):
    source, target, lead_b, _ = trusts
    resource = exported(source)
    wrong = copy.deepcopy(resource)
    wrong["item"][0]["item"][0]["linkId"] = "ZZ-99"
    wrong["item"][0]["item"][1]["answer"] = [{"valueString": "two"}]
    wrong["status"] = "invented"
    with pytest.raises(ImportRefusedError) as refused:
        questionnaire_response_import(assessment=target, resource=wrong, user=lead_b)
    problems = refused.value.report.problems
    assert any("'ZZ-99' is not an item of the questionnaire" in p for p in problems)
    assert any("answered with" in p for p in problems)
    assert not Response.objects.filter(assessment=target).exists()
    other = copy.deepcopy(resource)
    other["questionnaire"] = "https://elsewhere.example/Questionnaire/x|1"
    with pytest.raises(ImportRefusedError):
        questionnaire_response_import(assessment=target, resource=other, user=lead_b)


def test_importing_through_the_api_and_the_page(trusts):
    source, target, lead_b, board_b = trusts
    resource = assessment_questionnaire_response(assessment=source)
    body = fhir_json(resource)
    url = f"/api/v1/assessments/{target.pk}/questionnaire-response/"
    refused = client_for(board_b).post(url, body, content_type="application/fhir+json")
    assert refused.status_code == 403  # a board member reads answers but never changes them
    assert not Response.objects.filter(assessment=target).exists()
    bad = json.loads(body)
    bad["item"][0]["item"][0]["answer"][0]["valueCoding"]["code"] = "9"
    reported = client_for(lead_b).post(url, json.dumps(bad), content_type="application/fhir+json")
    assert reported.status_code == 400 and reported.json()["applied"] is False
    assert any("'9' is not an option of D1-01" in p for p in reported.json()["problems"])
    assert not Response.objects.filter(assessment=target).exists()
    imported = client_for(lead_b).post(url, body, content_type="application/fhir+json")
    assert imported.status_code == 200 and imported.json()["applied"] is True

    page = Client()
    assert page.login(username="board_b", password=PASSWORD)
    address = reverse("assessment-questionnaire-response-import", args=[target.pk])
    assert page.get(address).status_code == 403
    assert page.login(username="lead_b", password=PASSWORD)
    upload = io.BytesIO(body.encode())
    upload.name = "answers.json"
    html = page.post(address, {"file": upload}).content.decode()
    assert "Answers imported" in html and "Unchanged" in html
    not_json = io.BytesIO(b"{not json")
    not_json.name = "answers.json"
    assert "The file is not JSON" in page.post(address, {"file": not_json}).content.decode()


@pytest.mark.parametrize(
    "body",
    [
        {"resourceType": "QuestionnaireResponse", "status": "completed", "item": ["not an item"]},
        {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [{"answer": 3}]},
        {"resourceType": "Patient"},
        ["not", "an", "object"],
        {},
    ],
)
def test_nonsense_is_refused_with_reasons_and_never_a_server_error(trusts, body):
    _, target, lead_b, _ = trusts
    url = f"/api/v1/assessments/{target.pk}/questionnaire-response/"
    response = client_for(lead_b).post(url, body, format="json")
    assert response.status_code == 400
    assert response.json().get("problems") or response.json().get("detail")
    assert not Response.objects.filter(assessment=target).exists()


def test_a_question_answered_twice_or_a_comment_that_is_not_text_is_refused(trusts):
    source, target, lead_b, _ = trusts
    twice = exported(source)
    domain = twice["item"][0]["item"]
    domain.append(copy.deepcopy(domain[0]))
    with pytest.raises(ImportRefusedError) as refused:
        questionnaire_response_import(assessment=target, resource=twice, user=lead_b)
    assert any("is answered twice" in problem for problem in refused.value.report.problems)
    odd = exported(source)
    item = odd["item"][0]["item"][0]
    item["extension"] = [{"url": e["url"], "valueInteger": 3} for e in item["extension"]]
    with pytest.raises(ImportRefusedError) as refused:
        questionnaire_response_import(assessment=target, resource=odd, user=lead_b)
    assert [i.reason for i in refused.value.report.refused] == ["a comment must be a valueString"]
    assert not Response.objects.filter(assessment=target).exists()


def test_a_comment_without_an_answer_travels_too(trusts):
    source, target, lead_b, _ = trusts
    free_text = source.responses.get(question__code="D1-TX")
    free_text.text_value = ""
    free_text.save(update_fields=["text_value"])
    resource = exported(source)
    [item] = [i for i in resource["item"][0]["item"] if i["linkId"] == "D1-TX"]
    assert "answer" not in item and item["extension"][0]["valueString"] == "Noted"
    questionnaire_response_import(assessment=target, resource=resource, user=lead_b)
    assert target.responses.get(question__code="D1-TX").comment == "Noted"
