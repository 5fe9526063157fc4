"""Answering a framework with follow-up questions: asked or not as earlier answers say.

D1-PC (percentage) is asked only when D1-YN is "Yes"; D2-01 likewise, from another domain.
"""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Response
from assessments.services.workflow import submission_problems
from frameworks.definition import ConditionDef, ShownWhenDef
from frameworks.services import framework_import
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    answer_all,
    assessment_in,
    member,
    open_cycle,
    question_post,
    small_framework_definition,
)

YES, NO = "1", "2"  # D1-YN's options, by their order
WHEN_YES = ShownWhenDef("all", (ConditionDef("D1-YN", "equals", "Yes"),))


def with_follow_ups(follow_ups=frozenset({"D1-PC", "D2-01"}), **size):
    """The small test framework with the given questions asked only when D1-YN is "Yes"."""
    definition = small_framework_definition(**size)
    domains = []
    for domain in definition.domains:
        questions = tuple(
            dataclasses.replace(question, shown_when=WHEN_YES)
            if question.code in follow_ups or (follow_ups == "after D1" and domain.code != "D1")
            else question
            for question in domain.questions
        )
        domains.append(dataclasses.replace(domain, questions=questions))
    return dataclasses.replace(definition, domains=tuple(domains))


@pytest.fixture
def lead_and_assessment(db):
    framework = framework_import(definition=with_follow_ups(), publish=True, user=None).framework
    trust = OrganisationFactory()
    lead = member(trust, "digital_lead", "lead")
    assessment = assessment_in(trust, open_cycle(framework))
    client = Client()
    assert client.login(username="lead", password=PASSWORD)
    return client, lead, assessment


def page(client, assessment, domain="D1") -> str:
    return client.get(reverse("domain", args=[assessment.pk, domain])).content.decode()


def section(html: str, code: str) -> str:
    return html.split(f'id="question-{code}"')[1].split("</section>")[0]


def test_a_follow_up_disappears_and_comes_back_without_javascript(lead_and_assessment):
    client, _, assessment = lead_and_assessment
    assert question_post(client, assessment, "D1-YN", YES).status_code == 302
    assert 'name="D1-PC-answer"' in section(page(client, assessment), "D1-PC")
    assert question_post(client, assessment, "D1-PC", "80").status_code == 302
    assert question_post(client, assessment, "D1-YN", NO).status_code == 302
    hidden = section(page(client, assessment), "D1-PC")
    assert "Not asked: this question is asked only when D1-YN (Board strategy) is “Yes”" in hidden
    assert "The answer saved earlier is kept" in hidden
    assert 'name="D1-PC-answer"' not in hidden
    other_domain = section(page(client, assessment, "D2"), "D2-01")
    assert "Not asked" in other_domain
    # The stored answer is kept, and shown again once the condition holds.
    assert Response.objects.get(assessment=assessment, question__code="D1-PC").number_value == 80
    assert question_post(client, assessment, "D1-YN", YES).status_code == 302
    assert 'value="80' in section(page(client, assessment), "D1-PC")


def test_with_htmx_the_follow_ups_on_the_page_change_with_the_save(lead_and_assessment):
    client, _, assessment = lead_and_assessment
    response = question_post(client, assessment, "D1-YN", NO, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="question-D1-PC" aria-labelledby="question-D1-PC-title" hx-swap-oob="true"' in html
    assert "Not asked" in section(html, "D1-PC")
    shown = question_post(client, assessment, "D1-YN", YES, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="D1-PC-answer"' in section(shown, "D1-PC")


def test_submission_never_demands_a_question_that_is_not_asked(lead_and_assessment):
    client, lead, assessment = lead_and_assessment
    answer_all(assessment, lead)
    Response.objects.filter(assessment=assessment, question__code__in=["D1-PC", "D2-01"]).delete()
    assert question_post(client, assessment, "D1-YN", NO).status_code == 302
    assert submission_problems(assessment=assessment) == []
    assert question_post(client, assessment, "D1-YN", YES).status_code == 302
    demanded = {question.code for question, _ in submission_problems(assessment=assessment)}
    assert {"D1-PC", "D2-01"} <= demanded


def test_check_your_answers_says_which_questions_were_not_asked(lead_and_assessment):
    client, _, assessment = lead_and_assessment
    assert question_post(client, assessment, "D1-YN", NO).status_code == 302
    html = client.get(reverse("check-answers", args=[assessment.pk])).content.decode()
    assert "Not asked (asked only when D1-YN (Board strategy) is “Yes”)" in html
    assert question_post(client, assessment, "D1-YN", YES).status_code == 302
    html = client.get(reverse("check-answers", args=[assessment.pk])).content.decode()
    assert "Not asked" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("answer", [YES, NO], ids=["follow-ups asked", "follow-ups not asked"])
def test_a_domain_page_with_conditions_costs_the_same_queries_at_any_size(answer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for name, size in (
        ("small", {"questions_per_domain": 2, "domains": 2}),
        (
            "large",
            {
                "questions_per_domain": 12,
                "domains": 7,
            },
        ),
    ):
        definition = dataclasses.replace(with_follow_ups("after D1", **size), version=name)
        framework = framework_import(definition=definition, publish=True, user=None).framework
        trust = OrganisationFactory()
        lead = member(trust, "digital_lead", name)
        assessment = assessment_in(trust, open_cycle(framework, name=name))
        answer_all(assessment, lead, mandatory_only=False)
        client = Client()
        assert client.login(username=name, password=PASSWORD)
        assert question_post(client, assessment, "D1-YN", answer).status_code == 302
        url = reverse("domain", args=[assessment.pk, "D2"])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_readiness_is_stored_with_the_scores_and_follows_each_save():
    from assessments.models import AssessmentResult
    from frameworks.definition import PrerequisiteDef, TechnologyDef

    technology = TechnologyDef(
        "shared-records",
        "Shared care records",
        "Records shared across providers.",
        (
            PrerequisiteDef(why="Needs a strategy.", condition=WHEN_YES.conditions[0]),
            PrerequisiteDef(why="Needs D1 established.", domain="D1", stage="established"),
        ),
    )
    definition = dataclasses.replace(with_follow_ups(), technologies=(technology,))
    framework = framework_import(definition=definition, publish=True, user=None).framework
    trust = OrganisationFactory()
    lead = member(trust, "digital_lead", "lead")
    assessment = assessment_in(trust, open_cycle(framework))
    answer_all(assessment, lead, mandatory_only=False)
    client = Client()
    assert client.login(username="lead", password=PASSWORD)
    assert question_post(client, assessment, "D1-YN", NO).status_code == 302
    [stored] = AssessmentResult.objects.get(assessment=assessment).readiness
    assert stored["code"] == "shared-records" and not stored["ready"]
    assert "Needs a strategy." in [unmet["why"] for unmet in stored["unmet"]]
    assert "D1-YN (Board strategy) is “Yes”" in [unmet["what"] for unmet in stored["unmet"]]
    assert question_post(client, assessment, "D1-YN", YES).status_code == 302
    [stored] = AssessmentResult.objects.get(assessment=assessment).readiness
    assert "Needs a strategy." not in [unmet["why"] for unmet in stored["unmet"]]


@pytest.mark.django_db
def test_an_answer_whose_question_changed_type_is_not_carried_and_the_lead_is_told():
    from assessments.models import Assessment, AssessmentStatus
    from frameworks.definition import OptionDef
    from tests.factories import closed_cycle

    before = small_framework_definition(version="1")
    after = dataclasses.replace(
        before,
        version="2",
        domains=tuple(
            dataclasses.replace(
                domain,
                questions=tuple(
                    dataclasses.replace(
                        question,
                        type="yes_no",
                        weight=1,
                        options=(OptionDef(label="Yes", score=1), OptionDef(label="No", score=0)),
                    )
                    if question.code == "D1-TX"
                    else question
                    for question in domain.questions
                ),
            )
            for domain in before.domains
        ),
    )
    old_framework = framework_import(definition=before, publish=True, user=None).framework
    new_framework = framework_import(definition=after, publish=True, user=None).framework
    trust = OrganisationFactory()
    lead = member(trust, "digital_lead", "lead")
    last_cycle = open_cycle(old_framework, name="2025/26")
    last = assessment_in(trust, last_cycle)
    answer_all(last, lead, mandatory_only=False)
    # Last year is over and signed off.
    closed = closed_cycle(old_framework, name="closed")
    last_cycle.opens_on, last_cycle.closes_on = closed.opens_on, closed.closes_on
    last_cycle.save()
    closed.delete()
    Assessment.objects.filter(pk=last.pk).update(
        status=AssessmentStatus.SIGNED_OFF,
        submitted_at=last.created_at,
        signed_off_at=last.created_at,
    )
    client = Client()
    assert client.login(username="lead", password=PASSWORD)
    cycle = open_cycle(new_framework)
    response = client.post(
        reverse("start", args=[trust.ods_code, cycle.pk]), {"copy_forward": "yes"}
    )
    assert response.status_code == 302
    started = trust.assessments.get(cycle=cycle)
    codes = set(started.responses.values_list("question__code", flat=True))
    assert "D1-TX" not in codes and "D1-01" in codes
    page = client.get(reverse("task-list", args=[started.pk])).content.decode()
    notice = page.split('id="not-carried"')[1].split("</div>")[0]
    assert "D1-TX Main barrier</a>: it was free text (not scored), and is now yes or no" in notice
    assert question_post(client, started, "D1-TX", YES).status_code == 302
    assert (
        'id="not-carried"'
        not in client.get(reverse("task-list", args=[started.pk])).content.decode()
    )
