"""The details a trust team meets in its first hour: live scores, plain words, pages that say
what happened, and pages that stay small however long the audit trail grows."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import AssessmentStatus
from assessments.services.answers import AnswerInput, response_save
from assessments.services.workflow import (
    assessment_reopen,
    assessment_sign_off,
    assessment_submit,
)
from audit.models import AuditAction, AuditEvent
from frameworks.models import Question
from tests.factories import PASSWORD, answer_all


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def save(client, assessment, code, answer, version, **headers):
    data = {f"{code}-answer": answer, f"{code}-version": version, f"{code}-comment": ""}
    return client.post(reverse("question-save", args=[assessment.pk, code]), data, **headers)


def version_of(world, code: str) -> int:
    return world.assessment_a.responses.get(question__code=code).version


# --- the score panel after an in-place save ------------------------------------------------------


def test_an_in_place_save_brings_the_fresh_score_panel_and_announces_a_stage_change(world):
    lead = signed_in("lead_a")
    answer_all(world.assessment_a, world.users["lead_a"])
    for code in ("D2-01", "D2-02", "D2-03"):
        save(lead, world.assessment_a, code, "1", version_of(world, code))
    page = lead.get(reverse("domain", args=[world.assessment_a.pk, "D2"])).content.decode()
    assert "Initial" in re.search(r'<div id="domain-result".*?</div>\s*</div>', page, re.S)[0]

    fragment = save(
        lead, world.assessment_a, "D2-01", "4", version_of(world, "D2-01"), HTTP_HX_REQUEST="true"
    ).content.decode()
    panel = re.search(
        r'<div id="domain-result" hx-swap-oob="innerHTML">(.*?)</div>\s*</div>', fragment, re.S
    )
    assert panel is not None
    stored = world.assessment_a.result.domains.get(domain__code="D2")
    assert f"Score {stored.score:.1f}" in panel[1]
    announcement = re.search(
        r'<div id="stage-announcement" hx-swap-oob="innerHTML">(.*?)</div>', fragment
    )
    assert announcement[1] == f"Domain 2 moved up from Initial to {stored.stage.name}."


def test_a_save_that_keeps_the_stage_announces_nothing(world):
    lead = signed_in("lead_a")
    save(lead, world.assessment_a, "D1-01", "2", 0)
    fragment = save(
        lead, world.assessment_a, "D1-01", "2", version_of(world, "D1-01"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<div id="stage-announcement" hx-swap-oob="innerHTML"></div>' in fragment


def test_a_refused_in_place_save_leaves_the_score_panel_alone(world):
    lead = signed_in("lead_a")
    fragment = save(lead, world.assessment_a, "D1-01", "9", 0, HTTP_HX_REQUEST="true")
    assert "hx-swap-oob" not in fragment.content.decode()


# --- the task list -----------------------------------------------------------------------------


def test_task_list_explains_the_overall_stage_in_the_frameworks_rule(world):
    answer_all(world.assessment_a, world.users["lead_a"])
    page = signed_in("lead_a").get(reverse("task-list", args=[world.assessment_a.pk]))
    text = page.content.decode()
    result = world.assessment_a.result
    assert result.overall_stage is not None
    assert "the framework takes the middle domain stage (the median)" in text
    assert result.explanation["summary"] in text.replace("&#x27;", "'")


def test_submitted_and_signed_off_assessments_do_not_invite_more_answers(world):
    answer_all(world.assessment_a, world.users["lead_a"])
    lead = signed_in("lead_a")
    url = reverse("task-list", args=[world.assessment_a.pk])
    assert "You can save answers as you go" in lead.get(url).content.decode()
    assessment_submit(assessment=world.assessment_a, user=world.users["lead_a"])
    page = lead.get(url).content.decode()
    assert "You can save answers as you go" not in page
    assert "Submitted on" in page
    assessment_sign_off(
        assessment=world.assessment_a, user=world.users["board_a"], name="Bola Board", role="Chair"
    )
    page = lead.get(url).content.decode()
    assert "You can save answers as you go" not in page
    assert "Signed off by Bola Board (Chair)" in page


def test_board_member_returning_after_sign_off_is_told_what_happened(world):
    answer_all(world.assessment_a, world.users["lead_a"])
    assessment_submit(assessment=world.assessment_a, user=world.users["lead_a"])
    assessment_sign_off(
        assessment=world.assessment_a, user=world.users["board_a"], name="Bola Board", role="Chair"
    )
    response = signed_in("board_a").get(
        reverse("sign-off", args=[world.assessment_a.pk]), follow=True
    )
    page = response.content.decode()
    assert "signed off by Bola Board (Chair)" in page
    assert "There is nothing more to sign" in page
    assert "Only a board member" not in page


def test_reopening_sends_the_admin_somewhere_they_may_see_and_tells_the_lead_why(world):
    answer_all(world.assessment_a, world.users["lead_a"])
    assessment_submit(assessment=world.assessment_a, user=world.users["lead_a"])
    assessment_sign_off(
        assessment=world.assessment_a, user=world.users["board_a"], name="B", role="Chair"
    )
    admin = signed_in("admin")
    response = admin.post(
        reverse("reopen", args=[world.assessment_a.pk]),
        {"reason": "Cyber answers need the new audit."},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "is reopened" in response.content.decode()
    page = signed_in("lead_a").get(reverse("task-list", args=[world.assessment_a.pk]))
    assert "Reopened by NHS England" in page.content.decode()
    assert "Cyber answers need the new audit." in page.content.decode()
    assessment_submit(assessment=world.assessment_a, user=world.users["lead_a"])
    world.assessment_a.refresh_from_db()
    assert world.assessment_a.reopen_reason == ""


# --- words and markup ----------------------------------------------------------------------------


def test_invite_page_has_a_heading_and_a_title(world):
    page = signed_in("lead_a").get(reverse("invite", args=[world.trust_a.ods_code]))
    text = page.content.decode()
    assert "<title>Invite a colleague – " in text
    assert "<h1>Invite a colleague</h1>" in text


def test_numbers_show_as_people_write_them(world):
    lead = world.users["lead_a"]
    for code, value in (("D1-PC", Decimal("94.00")), ("D1-NU", Decimal(1))):
        response_save(
            assessment=world.assessment_a,
            question=Question.objects.get(framework=world.framework, code=code),
            answer=AnswerInput(number=value),
            comment="",
            based_on_version=0,
            user=lead,
        )
    page = signed_in("lead_a").get(reverse("domain", args=[world.assessment_a.pk, "D1"]))
    text = page.content.decode()
    assert 'value="94"' in text
    assert 'value="1"' in text
    assert "94.00" not in text
    changed = AuditEvent.objects.get(action=AuditAction.ANSWER_CHANGED, subject="D1-NU")
    assert changed.new_value == "1 system"
    check = signed_in("lead_a").get(reverse("check-answers", args=[world.assessment_a.pk]))
    assert "94%" in check.content.decode()
    assert re.search(r">\s*1 system\s*<", check.content.decode())


def test_every_id_on_a_domain_page_is_unique(world):
    page = signed_in("lead_a").get(reverse("domain", args=[world.assessment_a.pk, "D1"]))
    ids = Counter(re.findall(r'\sid="([^"]+)"', page.content.decode()))
    assert [name for name, count in ids.items() if count > 1] == []


# --- lists a page at a time --------------------------------------------------------------------


@pytest.mark.parametrize(("asked", "shown"), [("1", 1), ("3", 3), ("999", 3), ("abc", 1)])
def test_the_audit_trail_comes_a_page_at_a_time(world, asked, shown):
    AuditEvent.objects.bulk_create(
        AuditEvent(assessment=world.assessment_a, action=AuditAction.ASSIGNED, subject=f"E{n}")
        for n in range(120)
    )
    page = (
        signed_in("lead_a")
        .get(reverse("audit", args=[world.assessment_a.pk]), {"page": asked})
        .content.decode()
    )
    assert page.count('<tr class="nhsuk-table__row">') - 1 == (20 if shown == 3 else 50)
    assert f"(page {shown} of 3)" in page
    assert 'aria-current="page"' in page
    assert "120 changes" in page


def test_the_list_of_assessments_holds_only_what_the_user_may_open(world):
    answer_all(world.assessment_a, world.users["lead_a"])
    assessment_submit(assessment=world.assessment_a, user=world.users["lead_a"])
    analyst = signed_in("analyst").get(reverse("assessment-list")).content.decode()
    assert world.trust_a.name in analyst
    assert world.trust_b.name not in analyst  # B's is still in progress
    lead_b = signed_in("lead_b").get(reverse("assessment-list")).content.decode()
    assert world.trust_b.name in lead_b
    assert world.trust_a.name not in lead_b
    filtered = signed_in("analyst").get(
        reverse("assessment-list"), {"status": AssessmentStatus.RETURNED}
    )
    assert world.trust_a.name not in filtered.content.decode()
    assert "No self-assessment matches." in filtered.content.decode()


def test_reopened_then_resubmitted_assessments_keep_the_status_history(world):
    answer_all(world.assessment_a, world.users["lead_a"])
    assessment_submit(assessment=world.assessment_a, user=world.users["lead_a"])
    assessment_sign_off(
        assessment=world.assessment_a, user=world.users["board_a"], name="B", role="Chair"
    )
    assessment_reopen(assessment=world.assessment_a, user=world.users["admin"], reason="Fix")
    world.assessment_a.refresh_from_db()
    assert world.assessment_a.status == AssessmentStatus.IN_PROGRESS
    assert world.assessment_a.signed_off_name == ""
    statuses = AuditEvent.objects.filter(
        assessment=world.assessment_a, action=AuditAction.STATUS_CHANGED
    ).values_list("new_value", flat=True)
    assert list(statuses) == ["Submitted", "Signed off", "In progress"]


def test_check_your_answers_shows_each_change_at_once(world):
    lead = signed_in("lead_a")
    url = reverse("check-answers", args=[world.assessment_a.pk])
    save(lead, world.assessment_a, "D1-01", "1", 0)
    assert "Initial practice for D1-01" in lead.get(url).content.decode()
    save(lead, world.assessment_a, "D1-01", "4", version_of(world, "D1-01"))
    page = lead.get(url).content.decode()
    assert "Advanced practice for D1-01" in page
    assert "Initial practice for D1-01" not in page
    lead.post(
        reverse("evidence-link", args=[world.assessment_a.pk, "D1-01"]),
        {"D1-01-link-url": "https://intranet.example.nhs.uk/minutes"},
    )
    assert "1 piece of evidence" in lead.get(url).content.decode()
    board_view = signed_in("board_a").get(url).content.decode()
    assert ">View<" in board_view.replace("\n", "")
