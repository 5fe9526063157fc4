"""Answering a barriers question: up to three of the framework's barriers, and a description."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import AssessmentResult, Response
from audit.models import AuditEvent
from frameworks.services import framework_import
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    assessment_in,
    barriers_framework_definition,
    member,
    open_cycle,
    question_post,
)

FUNDING, LEGACY, SKILLS, OTHER = "1", "2", "3", "4"  # barriers by position


@pytest.fixture
def lead_and_assessment(db):
    definition = barriers_framework_definition()
    framework = framework_import(definition=definition, publish=True, user=None).framework
    trust = OrganisationFactory()
    member(trust, "digital_lead", "lead")
    assessment = assessment_in(trust, open_cycle(framework))
    client = Client()
    assert client.login(username="lead", password=PASSWORD)
    return client, assessment


def save(client, assessment, code, barriers, description=""):
    return question_post(client, assessment, code, barriers, fields={"description": description})


def stored(assessment, code="D1-BR"):
    response = Response.objects.get(assessment=assessment, question__code=code)
    return [o.label for o in response.selected_options.order_by("order")], response.text_value


def test_the_page_offers_every_barrier_to_tick_and_a_description(lead_and_assessment):
    client, assessment = lead_and_assessment
    html = client.get(reverse("domain", args=[assessment.pk, "D1"])).content.decode()
    section = html.split('id="question-D1-BR"')[1].split("</section>")[0]
    for label in ("Financial constraints", "Legacy systems", "Digital skills", "Something else"):
        assert label in section
    assert section.count('type="checkbox"') == 4
    assert "Select up to 3. Your answer is not scored." in section
    assert 'name="D1-BR-description"' in section


def test_up_to_three_barriers_are_saved_with_their_description(lead_and_assessment):
    client, assessment = lead_and_assessment
    response = save(client, assessment, "D1-BR", [SKILLS, FUNDING], "Capital for the EPR.")
    assert response.status_code == 302
    assert stored(assessment) == (
        ["Financial constraints", "Digital skills"],
        "Capital for the EPR.",
    )
    result = AssessmentResult.objects.get(assessment=assessment)
    assert result.barriers == {"D1": ["funding", "skills"]}
    event = AuditEvent.objects.filter(subject="D1-BR").latest("pk")
    assert event.new_value == "Financial constraints; Digital skills (Capital for the EPR.)"
    html = client.get(reverse("domain", args=[assessment.pk, "D1"])).content.decode()
    assert "Capital for the EPR." in html.split('id="question-D1-BR"')[1]


@pytest.mark.parametrize(
    ("barriers", "message"),
    [
        ([FUNDING, LEGACY, SKILLS, OTHER], "Select up to 3 barriers for D1-BR, not 4"),
        ([], "Select at least one barrier for D1-BR"),
        (["9"], "Select only the barriers shown for D1-BR"),
    ],
)
def test_a_wrong_answer_is_refused_and_the_saved_one_kept(lead_and_assessment, barriers, message):
    client, assessment = lead_and_assessment
    save(client, assessment, "D1-BR", [LEGACY], "Old PAS.")
    response = save(client, assessment, "D1-BR", barriers, "Changed")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert stored(assessment) == (["Legacy systems"], "Old PAS.")
    assert AssessmentResult.objects.get(assessment=assessment).barriers == {"D1": ["legacy"]}


def test_barriers_do_not_move_the_score(lead_and_assessment):
    client, assessment = lead_and_assessment
    client.post(
        reverse("question-save", args=[assessment.pk, "D1-01"]),
        {"D1-01-answer": "3", "D1-01-version": 0, "D1-01-comment": ""},
    )
    before = AssessmentResult.objects.get(assessment=assessment).domains.get(domain__code="D1")
    save(client, assessment, "D1-BR", [FUNDING, OTHER], "Estates")
    after = AssessmentResult.objects.get(assessment=assessment).domains.get(domain__code="D1")
    assert (after.score, after.stage_id) == (before.score, before.stage_id)
    assert after.answered == before.answered + 1
