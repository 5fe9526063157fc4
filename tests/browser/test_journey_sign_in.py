"""Journey: the demo digital lead signs in, by keyboard, and the landing page names their trust."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.services.demo import DEMO_PASSWORD, demo_seed
from frameworks.services import framework_load
from organisations.services.reference_data import organisations_load
from tests.frameworks.conftest import SHIPPED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    organisations_load()
    framework_load(path=SHIPPED, publish=True, user=None)
    return demo_seed()


def test_digital_lead_signs_in_and_sees_their_trust(page: Page, live_server, demo, check_page):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/sign-in/?next=/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page)

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("demo.lead")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    # The skip link's fragment stays on the URL through the redirect, as browsers do.
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/(#maincontent)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Dana Lead")
    expect(
        page.get_by_role("heading", name="Manchester University NHS Foundation Trust")
    ).to_be_visible()
    expect(page.get_by_text("Trust digital lead")).to_be_visible()
    check_page(page)


def test_wrong_password_error_summary_is_accessible(page: Page, live_server, demo, check_page):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("demo.lead")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct username and password")
    check_page(page)


def test_missing_username_link_moves_focus_to_the_field(page: Page, live_server, check_page):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".nhsuk-error-summary").get_by_role("link", name="Enter your username").click()
    expect(page.get_by_label("Username")).to_be_focused()
    check_page(page)
