"""Journeys of the annual self-assessment in a real browser, each page checked with axe-core.

(a) The digital lead starts with last year's answers, answers one domain with JavaScript on and
another with it off, uploads evidence and submits. (b) The board member returns it, the lead
fixes and resubmits, the board member signs off. (c) The whole of (a) by keyboard alone.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from assessments.models import Assessment, AssessmentStatus, Response
from assessments.services.workflow import assessment_submit
from tests.factories import (
    answer_all,
    assessment_in,
)

from .conftest import (
    assert_scripts_did_not_run,
    assessment_of,
    questions_in,
    tab_to,
    without_javascript,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


# --- (a) --------------------------------------------------------------------------------------


def test_lead_starts_answers_with_and_without_javascript_uploads_and_submits(
    browser: Browser, page: Page, live_server, trust, sign_in, check_page, tmp_path
):
    sign_in(page, "lead")
    check_page(page)
    page.get_by_role("link", name="Start the 2026/27 self-assessment").click()
    check_page(page)
    page.get_by_label("Yes, copy last year's answers for us to confirm or change").check()
    page.get_by_role("button", name="Start self-assessment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "2026/27 digital maturity self-assessment"
    )
    expect(page.get_by_text("Carried forward – confirm").first).to_be_visible()
    check_page(page)

    # Domain 1 with JavaScript: each save swaps the question in place.
    page.get_by_role("link", name="Domain 1").click()
    check_page(page)
    first = page.locator("#question-D1-01")
    first.get_by_label("Advanced practice for D1-01").check()
    first.get_by_role("button", name="Confirm answer").click()
    expect(page.locator("#question-D1-01 [role=status]")).to_contain_text("has been saved")
    for code in questions_in(trust, "D1")[1:]:
        section = page.locator(f"#question-{code}")
        section.get_by_role("button", name="Confirm answer").click()
        expect(page.locator(f"#question-{code} [role=status]")).to_contain_text("has been saved")
    assert page.url.endswith("/domains/D1/")  # no page load happened
    check_page(page)

    evidence = tmp_path / "board-minutes.pdf"
    evidence.write_bytes(PDF)
    first = page.locator("#question-D1-01")
    first.get_by_text("Add evidence").click()
    first.locator("input[type=file]").set_input_files(str(evidence))
    first.get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("Evidence added to D1-01.")).to_be_visible()
    expect(page.get_by_role("link", name="board-minutes.pdf")).to_be_visible()
    check_page(page)

    # Domain 2 without JavaScript: ordinary form posts, and the page comes back each time.
    plain = without_javascript(browser, page)
    plain.goto(f"{live_server.url}/assessments/{assessment_of(trust).pk}/domains/D2/")
    assert_scripts_did_not_run(plain)
    check_page(plain)
    for code in questions_in(trust, "D2"):
        plain.locator(f"#question-{code}").get_by_role("button", name="Confirm answer").click()
        expect(plain.get_by_text(f"Your answer to {code} has been saved.")).to_be_visible()
        assert plain.url.endswith(f"#question-{code}")  # a full page load, not htmx
    check_page(plain)
    plain.context.close()

    page.goto(f"{live_server.url}/assessments/{assessment_of(trust).pk}/")
    expect(page.get_by_text("Carried forward – confirm")).to_have_count(0)
    page.get_by_role("link", name="Check your answers and submit").click()
    check_page(page)
    page.get_by_role("button", name="Submit for board sign-off").click()
    expect(page.get_by_text("Self-assessment submitted to the board for sign-off.")).to_be_visible()
    check_page(page)
    assert assessment_of(trust).status == AssessmentStatus.SUBMITTED
    assert (
        Response.objects.get(assessment=assessment_of(trust), question__code="D1-01").option.order
        == 4
    )


# --- (b) --------------------------------------------------------------------------------------


def submitted_assessment(trust) -> Assessment:
    assessment = assessment_in(trust.organisation, trust.cycle)
    answer_all(assessment, trust.lead)
    return assessment_submit(assessment=assessment, user=trust.lead)


def test_board_returns_lead_fixes_and_resubmits_board_signs_off(
    browser: Browser, page: Page, live_server, trust, sign_in, check_page
):
    assessment = submitted_assessment(trust)
    task_list = f"{live_server.url}/assessments/{assessment.pk}/"

    sign_in(page, "board")
    page.get_by_role("link", name="Open the 2026/27 self-assessment").click()
    check_page(page)
    page.get_by_role("link", name="Sign off or return this self-assessment").click()
    check_page(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Select whether to sign off or return it"
    )
    check_page(page)
    page.get_by_label("Return it to the digital lead with a comment").check()
    page.get_by_label("Comment for the digital lead").fill("D1-01 needs evidence of delivery.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Self-assessment returned to the digital lead.")).to_be_visible()
    check_page(page)

    lead_page = browser.new_context(locale="en-GB").new_page()
    sign_in(lead_page, "lead")
    lead_page.goto(task_list)
    expect(lead_page.locator(".nhsuk-warning-callout")).to_contain_text(
        "D1-01 needs evidence of delivery."
    )
    check_page(lead_page)
    lead_page.get_by_role("link", name="Domain 1").click()
    section = lead_page.locator("#question-D1-01")
    section.get_by_label("Established practice for D1-01").check()
    section.get_by_role("button", name="Save answer").click()
    expect(lead_page.locator("#question-D1-01 [role=status]")).to_contain_text("has been saved")
    check_page(lead_page)
    lead_page.goto(task_list)
    lead_page.get_by_role("link", name="Check your answers and submit").click()
    lead_page.get_by_role("button", name="Submit for board sign-off").click()
    expect(lead_page.get_by_text("submitted to the board for sign-off")).to_be_visible()
    lead_page.context.close()

    page.goto(task_list)
    page.get_by_role("link", name="Sign off or return this self-assessment").click()
    page.get_by_label("Sign off this self-assessment").check()
    page.get_by_label("Your full name").fill("Pat Chair")
    page.get_by_label("Your board role").fill("Chair")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed off by Pat Chair (Chair)")).to_be_visible()
    check_page(page)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SIGNED_OFF


# --- (c) --------------------------------------------------------------------------------------


def press(page: Page, target, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)


def confirm_by_keyboard(page: Page, code: str, *, in_place: bool) -> None:
    button = page.locator(f"#question-{code}").get_by_role("button", name="Confirm answer")
    press(page, button)
    if in_place:
        expect(page.locator(f"#question-{code} [role=status]")).to_be_focused()
    else:
        expect(page.get_by_text(f"Your answer to {code} has been saved.")).to_be_visible()


def test_whole_lead_journey_by_keyboard_alone(
    browser: Browser, page: Page, live_server, trust, check_page, tmp_path
):
    page.goto(f"{live_server.url}/sign-in/")
    press(page, page.get_by_label("Username"), "Tab")  # focus lands on the field after it
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("lead")
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-test-password-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    check_page(page)

    press(page, page.get_by_role("link", name="Start the 2026/27 self-assessment"))
    press(
        page,
        page.get_by_label("Yes, copy last year's answers for us to confirm or change"),
        "Space",
    )
    press(page, page.get_by_role("button", name="Start self-assessment"))
    expect(page.get_by_text("Carried forward – confirm").first).to_be_visible()
    check_page(page)

    press(page, page.get_by_role("link", name="Domain 1"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Domain 1")
    check_page(page)
    for code in questions_in(trust, "D1"):
        confirm_by_keyboard(page, code, in_place=True)
    check_page(page)

    evidence = tmp_path / "strategy.pdf"
    evidence.write_bytes(PDF)
    first = page.locator("#question-D1-01")
    press(page, first.locator("summary"))
    with page.expect_file_chooser() as chooser:
        press(page, first.get_by_label("Upload a file"), "Space")
    chooser.value.set_files(str(evidence))
    press(page, first.get_by_role("button", name="Upload file"))
    expect(page.get_by_text("Evidence added to D1-01.")).to_be_visible()
    check_page(page)

    plain = without_javascript(browser, page)
    plain.goto(f"{live_server.url}/assessments/{assessment_of(trust).pk}/domains/D2/")
    assert_scripts_did_not_run(plain)
    for code in questions_in(trust, "D2"):
        confirm_by_keyboard(plain, code, in_place=False)
    check_page(plain)
    plain.context.close()

    page.goto(f"{live_server.url}/assessments/{assessment_of(trust).pk}/")
    press(page, page.get_by_role("link", name="Check your answers and submit"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting"
    )
    check_page(page)
    press(page, page.get_by_role("button", name="Submit for board sign-off"))
    expect(page.get_by_text("Self-assessment submitted to the board for sign-off.")).to_be_visible()
    check_page(page)
    assert assessment_of(trust).status == AssessmentStatus.SUBMITTED


def test_save_refused_by_the_server_shows_the_explanation_page(
    page: Page, live_server, trust, sign_in, check_page
):
    assessment = assessment_in(trust.organisation, trust.cycle)
    answer_all(assessment, trust.lead)
    sign_in(page, "lead")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/domains/D1/")
    assessment_submit(assessment=assessment, user=trust.lead)  # meanwhile, in another tab
    page.locator("#question-D1-01").get_by_role("button", name="Save answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    check_page(page)
