"""Follow-up questions in the browser: they go and come back with the answer that calls them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from frameworks.services import framework_import
from tests.assessments.test_conditional_questions import with_follow_ups
from tests.factories import OrganisationFactory, assessment_in, member, open_cycle

pytestmark = pytest.mark.browser


@pytest.fixture
def assessment(transactional_db):
    framework = framework_import(definition=with_follow_ups(), publish=True, user=None).framework
    trust = OrganisationFactory()
    member(trust, "digital_lead", "lead")
    return assessment_in(trust, open_cycle(framework))


def test_the_lead_answers_no_and_the_follow_up_goes_then_comes_back_with_yes(
    page: Page, live_server, check_page, sign_in, assessment
):
    sign_in(page, "lead")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/domains/D1/")
    parent = page.locator("#question-D1-YN")
    follow_up = page.locator("#question-D1-PC")
    not_asked = follow_up.get_by_text("Not asked: this question is asked only when")
    # Until D1-YN is answered "Yes", its follow-up is not asked.
    expect(not_asked).to_be_visible()
    check_page(page)

    parent.get_by_label("Yes", exact=True).check()
    parent.get_by_role("button", name="Save answer").click()
    expect(parent.get_by_text("Your answer to D1-YN has been saved.")).to_be_visible()
    # Swapped in place with the save, no reload.
    expect(follow_up.locator("input[name=D1-PC-answer]")).to_have_count(1)
    expect(not_asked).to_have_count(0)
    check_page(page)

    parent.get_by_label("No", exact=True).check()
    parent.get_by_role("button", name="Save answer").click()
    expect(not_asked).to_be_visible()
    expect(follow_up.locator("input[name=D1-PC-answer]")).to_have_count(0)
    check_page(page)
