"""Journeys in a real browser, every page checked with axe-core.

(d) The digital lead confirms a carried-forward domain in one action, then changes an answer in
place and sees the domain's score panel change without a page load. (e) A framework admin who is
not a superuser opens a cycle, extends it, and loads, publishes, copies and retires a framework
from the portal's own pages. (f) An analyst finds a submitted assessment from the list.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Assessment, AssessmentStatus, Cycle, Response
from assessments.services.workflow import assessment_submit
from frameworks.models import Framework, FrameworkStatus
from frameworks.schema import dump_framework
from tests.factories import (
    OrganisationFactory,
    answer_all,
    assessment_in,
    national,
    small_framework_definition,
)

from .conftest import assessment_of, questions_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# --- (d) -----------------------------------------------------------------------------------------


def test_lead_confirms_a_domain_at_once_and_the_score_panel_follows_each_save(
    page: Page,
    live_server,
    trust,
    sign_in,
    check_page,
):
    sign_in(page, "lead")
    page.get_by_role("link", name="Start the 2026/27 self-assessment").click()
    page.get_by_label("Yes, copy last year's answers for us to confirm or change").check()
    page.get_by_role("button", name="Start self-assessment").click()
    page.get_by_role("link", name="Domain 1").click()
    count = len(questions_in(trust, "D1"))
    expect(page.get_by_text(f"{count} answers carried forward from last year")).to_be_visible()
    expect(page.get_by_text("the 2025/26 answer").first).to_be_visible()
    check_page(page)

    page.get_by_role("button", name=f"Confirm all {count} unchanged answers").click()
    expect(page.get_by_text(f"{count} answers confirmed in Domain 1.")).to_be_visible()
    expect(page.get_by_text("Carried forward – confirm")).to_have_count(0)
    check_page(page)
    assessment = assessment_of(trust)
    assert not Response.objects.filter(assessment=assessment, carried_forward=True).filter(
        question__domain__code="D1"
    )

    panel = page.locator("#domain-result")
    before = panel.inner_text()
    page.evaluate("window.stillTheSamePage = true")
    first = page.locator("#question-D1-01")
    first.get_by_label("Advanced practice for D1-01").check()
    first.get_by_role("button", name="Save answer").click()
    expect(page.locator("#question-D1-01 [role=status]")).to_contain_text("has been saved")
    expect(panel).not_to_have_text(before)
    stored = assessment.result.domains.get(domain__code="D1")
    assessment.refresh_from_db()
    stored = assessment.result.domains.get(domain__code="D1")
    expect(panel).to_contain_text(f"Score {stored.score:.1f}")
    assert page.evaluate("window.stillTheSamePage") is True  # no page load happened
    check_page(page)


# --- (e) -----------------------------------------------------------------------------------------


def test_framework_admin_runs_cycles_and_frameworks_from_the_portal(
    page: Page,
    live_server,
    trust,
    sign_in,
    check_page,
    tmp_path,
):
    admin = national("framework_admin", "fran")
    assert not admin.is_superuser
    sign_in(page, "fran")
    check_page(page)

    page.get_by_role("link", name="Cycles").click()
    check_page(page)
    page.get_by_label("Name").fill("2027/28")
    page.get_by_label("Framework").select_option(label=str(trust.framework))
    opening = page.get_by_role("group", name="Opening date")
    opening.get_by_label("Day").fill("1")
    opening.get_by_label("Month").fill("4")
    opening.get_by_label("Year").fill("2027")
    closing = page.get_by_role("group", name="Closing date")
    closing.get_by_label("Day").fill("31")
    closing.get_by_label("Month").fill("2")
    closing.get_by_label("Year").fill("2028")
    page.get_by_role("button", name="Create cycle").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("must be a real date")
    check_page(page)
    page.get_by_role("group", name="Closing date").get_by_label("Day").fill("31")
    page.get_by_role("group", name="Closing date").get_by_label("Month").fill("3")
    page.get_by_role("button", name="Create cycle").click()
    expect(page.get_by_text("Cycle 2027/28 created.")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Extend cycle 2027/28").click()
    check_page(page)
    closing = page.get_by_role("group", name="New closing date")
    closing.get_by_label("Day").fill("30")
    closing.get_by_label("Month").fill("4")
    closing.get_by_label("Year").fill("2028")
    page.get_by_role("button", name="Extend cycle").click()
    expect(page.get_by_text("Cycle 2027/28 now closes on 30 April 2028.")).to_be_visible()
    assert Cycle.objects.get(name="2027/28").closes_on == dt.date(2028, 4, 30)

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Frameworks").click()
    check_page(page)
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        dump_framework(small_framework_definition(version="9")).replace(
            "type: scale", "type: guess", 1
        )
    )
    page.locator("input[type=file]").set_input_files(str(broken))
    page.get_by_role("button", name="Load framework").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("nothing was loaded")
    expect(page.get_by_text("domains[0].questions[0].type")).to_be_visible()
    check_page(page)
    good = tmp_path / "good.yaml"
    good.write_text(dump_framework(small_framework_definition(version="9")))
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Load framework").click()
    expect(page.get_by_text("test-framework 9: created (draft).")).to_be_visible()

    page.get_by_role("link", name="Publish test-framework 9").click()
    check_page(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("test-framework 9 is now published.")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"Copy as a new draft\s*: test-framework 9$")).click()
    check_page(page)
    page.get_by_label("New version").fill("10")
    page.get_by_role("button", name="Copy as a new draft").click()
    expect(page.get_by_text("test-framework 10 created as a draft.")).to_be_visible()
    page.get_by_role("link", name="Retire test-framework 9").click()
    check_page(page)
    page.get_by_role("button", name="Retire").click()
    expect(page.get_by_text("test-framework 9 is now retired.")).to_be_visible()
    check_page(page)
    statuses = dict(
        Framework.objects.filter(code="test-framework", version__in=["9", "10"]).values_list(
            "version", "status"
        )
    )
    assert statuses == {"9": FrameworkStatus.RETIRED, "10": FrameworkStatus.DRAFT}

    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url  # the Django admin stays closed to them


# --- (f) -----------------------------------------------------------------------------------------


def test_analyst_finds_a_submitted_assessment_from_the_list(
    page: Page,
    live_server,
    trust,
    sign_in,
    check_page,
):
    national("analyst", "ana")
    assessment = assessment_in(trust.organisation, trust.cycle)
    answer_all(assessment, trust.lead)
    assessment_submit(assessment=assessment, user=trust.lead)
    other = assessment_in(OrganisationFactory(name="Beta Community NHS Trust"), trust.cycle)
    assert other.status == AssessmentStatus.IN_PROGRESS
    sign_in(page, "ana")
    page.get_by_role("link", name="Submitted self-assessments").click()
    check_page(page)
    expect(page.get_by_role("link", name="Beta Community NHS Trust")).to_have_count(0)
    page.get_by_label("Status").select_option(label="Submitted")
    page.get_by_role("button", name="Show self-assessments").click()
    check_page(page)
    page.get_by_role("link", name=trust.organisation.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "2026/27 digital maturity self-assessment"
    )
    check_page(page)
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED
