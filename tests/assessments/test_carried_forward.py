"""Last year's answers: where they came from, and confirming a domain's unchanged ones at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from assessments.models import AssessmentStatus, Response
from assessments.services.answers import (
    AnswerInput,
    domain_confirm_carried_forward,
    response_save,
)
from assessments.services.workflow import assessment_start, domain_assign
from audit.models import AuditAction, AuditEvent
from frameworks.models import Question
from tests.factories import PASSWORD, answer_all


@pytest.fixture
def carried(world):
    """Trust A's last year fully answered by its lead, this year started with copy forward."""
    lead = world.users["lead_a"]
    last_cycle = world.last_cycle
    closed_on = last_cycle.closes_on
    last_cycle.closes_on = world.cycle.closes_on  # answer last year while it was open
    last_cycle.save()
    world.last_a.status = AssessmentStatus.IN_PROGRESS
    world.last_a.save()
    answer_all(world.last_a, lead)
    last_cycle.closes_on = closed_on
    last_cycle.save()
    world.last_a.status = AssessmentStatus.SIGNED_OFF
    world.last_a.save()
    world.assessment_a.delete()
    return assessment_start(
        organisation=world.trust_a, cycle=world.cycle, user=lead, copy_forward=True
    )


def versions(assessment, domain_code: str) -> dict[str, int]:
    return dict(
        Response.objects.filter(
            assessment=assessment, question__domain__code=domain_code, carried_forward=True
        ).values_list("question__code", "version")
    )


def test_confirming_a_domain_confirms_each_answer_seen_and_audits_each(world, carried):
    lead = world.users["lead_a"]
    seen = versions(carried, "D1")
    assert len(seen) > 1
    outcome = domain_confirm_carried_forward(
        assessment=carried, domain=world.domain("D1"), versions=seen, user=lead
    )
    assert set(outcome.confirmed) == set(seen)
    assert outcome.changed_by_others == ()
    for response in Response.objects.filter(assessment=carried, question__domain__code="D1"):
        assert not response.carried_forward
        assert response.version == seen[response.question.code] + 1
        assert response.updated_by == lead
    events = AuditEvent.objects.filter(assessment=carried, action=AuditAction.ANSWER_CONFIRMED)
    assert sorted(events.values_list("subject", flat=True)) == sorted(seen)
    assert versions(carried, "D2")  # other domains untouched


def test_an_answer_changed_since_the_page_loaded_is_not_confirmed(world, carried):
    lead, contributor = world.users["lead_a"], world.users["contributor_a"]
    domain_assign(assessment=carried, domain=world.domain("D1"), assignee=contributor, user=lead)
    seen = versions(carried, "D1")
    question = Question.objects.get(framework=world.framework, code="D1-01")
    response_save(
        assessment=carried,
        question=question,
        answer=AnswerInput(option=1),
        comment="",
        based_on_version=seen["D1-01"],
        user=contributor,
    )
    changed = Response.objects.get(assessment=carried, question=question)
    outcome = domain_confirm_carried_forward(
        assessment=carried, domain=world.domain("D1"), versions=seen, user=lead
    )
    assert outcome.changed_by_others == ("D1-01",)
    assert "D1-01" not in outcome.confirmed
    unchanged = Response.objects.get(pk=changed.pk)
    assert (unchanged.version, unchanged.updated_by, unchanged.option.order) == (
        changed.version,
        contributor,
        1,
    )


def test_confirming_is_refused_to_whoever_may_not_edit_the_domain(world, carried):
    seen = versions(carried, "D2")
    for user in (world.users["contributor_a"], world.users["board_a"], world.users["lead_b"]):
        with pytest.raises(PermissionDenied):
            domain_confirm_carried_forward(
                assessment=carried, domain=world.domain("D2"), versions=seen, user=user
            )
    assert versions(carried, "D2") == seen
    assert not AuditEvent.objects.filter(action=AuditAction.ANSWER_CONFIRMED).exists()


def test_domain_page_confirms_in_one_action_and_says_what_happened(world, carried):
    client = Client()
    client.login(username="lead_a", password=PASSWORD)
    url = reverse("domain", args=[carried.pk, "D1"])
    page = client.get(url).content.decode()
    count = len(versions(carried, "D1"))
    assert f"Confirm all {count} unchanged answers" in page
    assert f"the {world.last_cycle.name} answer, saved by" in page
    assert "Last saved by" not in page  # it was not saved this year by whoever copied it
    posted = {f"version-{code}": version for code, version in versions(carried, "D1").items()}
    response = client.post(reverse("domain-confirm", args=[carried.pk, "D1"]), posted, follow=True)
    assert f"{count} answers confirmed in Domain 1." in response.content.decode()
    assert versions(carried, "D1") == {}
    assert "unchanged answers" not in client.get(url).content.decode()


def test_a_tampered_confirmation_is_refused_plainly(world, carried):
    client = Client()
    client.login(username="lead_a", password=PASSWORD)
    seen = versions(carried, "D1")
    response = client.post(
        reverse("domain-confirm", args=[carried.pk, "D1"]), {"version-D1-01": "not a number"}
    )
    assert response.status_code == 400
    assert "out of date" in response.content.decode()
    assert versions(carried, "D1") == seen
