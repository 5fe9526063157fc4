"""Browser harness: Playwright driving Debian's Chromium against Django's live server.

No browser is ever downloaded: Playwright launches ``/usr/bin/chromium``. Every page a journey
visits goes through ``check_page``, which runs axe-core for WCAG 2.2 A and AA rules and
fails on any violation, with axe's own report in the message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from assessments.models import Assessment, AssessmentStatus, Response
from frameworks.models import Question
from maturity_portal.celery import app as celery_app
from tests.conftest import CHROMIUM
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    assessment_in,
    closed_cycle,
    member,
    open_cycle,
    published_framework,
)

# Playwright's sync API keeps an event loop in this thread; the ORM calls made by fixtures are
# still synchronous, so Django's async-safety guard would refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def check_page(axe: Axe):
    """Assert the page in front of the user has zero WCAG 2.2 A/AA violations."""

    def check(page: Page) -> None:
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def tasks_in_process():
    """Jobs run in the server's own thread, whether or not a broker is configured here."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def sign_in(live_server, check_page):
    """Sign in through the real sign-in page, checking it on the way."""

    def go(page: Page, username: str) -> None:
        page.goto(f"{live_server.url}/sign-in/")
        check_page(page)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        # Home, or for someone who acts for no trust the dashboard of what they oversee.
        page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/(dashboards/.*)?$"))

    return go


def without_javascript(browser: Browser, page: Page) -> Page:
    """A second tab, signed in as the same person, where none of the portal's scripts run.

    Every script request is refused, so the page behaves exactly as with JavaScript switched
    off (no htmx, no NHS.UK components), while axe-core can still be injected to check it:
    Chromium's own "JavaScript disabled" switch would stop axe too.
    """
    context = browser.new_context(locale="en-GB", storage_state=page.context.storage_state())
    context.set_default_timeout(10_000)
    context.route(re.compile(r".*\.m?js(\?.*)?$"), lambda route: route.abort())
    return context.new_page()


def assert_scripts_did_not_run(page: Page) -> None:
    """The body class the portal's first script adds is absent: nothing ran."""
    expect(page.locator("body")).not_to_have_class(re.compile("js-enabled"))


def tab_to(page: Page, target, *, limit: int = 400) -> None:
    """Press Tab until the target has focus, as a keyboard user would; fail if it never does.

    A key press before this may have started loading the next page, so a check that lands
    mid-navigation waits for the new page and looks again.
    """
    for _ in range(limit):
        try:
            if target.evaluate("element => document.activeElement === element"):
                return
        except PlaywrightError as error:
            if "context was destroyed" not in str(error):
                raise
            page.wait_for_load_state()
            continue
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


@pytest.fixture
def trust(transactional_db, settings, tmp_path):
    """Trust A with a lead and a board member, last year signed off, this year not started."""
    settings.MEDIA_ROOT = tmp_path / "media"
    framework = published_framework()
    last_cycle, cycle = closed_cycle(framework), open_cycle(framework)
    organisation = OrganisationFactory(ods_code="RA1", name="Alpha Hospitals NHS Foundation Trust")
    lead = member(organisation, "digital_lead", "lead")
    board = member(organisation, "board_member", "board")
    last = assessment_in(organisation, last_cycle, status=AssessmentStatus.SIGNED_OFF)
    for question in Question.objects.filter(framework=framework).prefetch_related("options"):
        options = list(question.options.order_by("order"))
        response = Response.objects.create(
            assessment=last,
            question=question,
            option=options[1] if question.type in {"scale", "yes_no"} else None,
            number_value=Decimal(60) if question.type in {"percentage", "number"} else None,
            text_value="Funding" if question.type == "free_text" else "",
        )
        if question.type == "multiple_choice":
            response.selected_options.set(options[:1])
    return SimpleNamespace(
        framework=framework, cycle=cycle, organisation=organisation, lead=lead, board=board
    )


def questions_in(trust, domain: str) -> list[str]:
    return list(
        Question.objects.filter(framework=trust.framework, domain__code=domain)
        .order_by("order")
        .values_list("code", flat=True)
    )


def assessment_of(trust) -> Assessment:
    return Assessment.objects.get(organisation=trust.organisation, cycle=trust.cycle)
