"""Barriers in the browser: a lead names up to three, and an analyst reads the national shares."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from frameworks.services import framework_import
from tests.dashboards.conftest import populate
from tests.factories import (
    OrganisationFactory,
    assessment_in,
    barriers_framework_definition,
    member,
    national,
    open_cycle,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def assessment(transactional_db):
    definition = barriers_framework_definition()
    framework = framework_import(definition=definition, publish=True, user=None).framework
    trust = OrganisationFactory()
    member(trust, "digital_lead", "lead")
    return assessment_in(trust, open_cycle(framework))


def test_the_lead_names_up_to_three_barriers_and_describes_them(
    page: Page, live_server, check_page, sign_in, assessment
):
    sign_in(page, "lead")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/domains/D1/")
    question = page.locator("#question-D1-BR")
    expect(question.get_by_text("Select up to 3. Your answer is not scored.")).to_be_visible()
    for name in ("Financial constraints", "Legacy systems", "Digital skills", "Something else"):
        question.get_by_label(name).check()
    question.get_by_role("button", name="Save answer").click()
    expect(question.get_by_text("There is a problem")).to_be_visible()
    expect(
        question.get_by_role("link", name="Select up to 3 barriers for D1-BR, not 4")
    ).to_be_visible()
    check_page(page)

    question.get_by_label("Digital skills").uncheck()
    question.get_by_label("Something else").uncheck()
    question.get_by_label("Describe these barriers (optional)").fill("The EPR's capital bid.")
    question.get_by_role("button", name="Save answer").click()
    expect(question.get_by_text("Your answer to D1-BR has been saved.")).to_be_visible()
    expect(question.get_by_label("Financial constraints")).to_be_checked()
    expect(question.get_by_label("Legacy systems")).to_be_checked()
    expect(question.get_by_label("Digital skills")).not_to_be_checked()
    check_page(page)

    page.goto(f"{live_server.url}/assessments/{assessment.pk}/check/")
    expect(page.get_by_text("Described as: The EPR's capital bid.")).to_be_visible()
    check_page(page)


def test_the_analyst_reads_the_share_of_trusts_naming_each_barrier(
    page: Page, live_server, check_page, sign_in, transactional_db
):
    populate(trusts=30, cycles=1, technologies=True)
    national("analyst", "ana")
    sign_in(page, "ana")
    page.goto(f"{live_server.url}/dashboards/national/")
    section = page.locator("section[aria-labelledby=chart-barriers-title]")
    expect(section.get_by_role("heading", name="Barriers trusts name")).to_be_visible()
    expect(section.locator("table").get_by_text("Any domain (England)")).to_be_visible()
    check_page(page)
