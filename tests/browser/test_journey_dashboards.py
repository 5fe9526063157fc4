"""Dashboards in the browser: a board member before a meeting, an analyst drilling in, an ICB.

Results are stored as a run leaves them (``tests.dashboards.conftest.populate``): dashboards read
nothing else.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Assessment, AssessmentStatus
from tests.browser.conftest import assert_scripts_did_not_run, tab_to, without_javascript
from tests.dashboards.conftest import populate
from tests.factories import PASSWORD, member, national

pytestmark = pytest.mark.browser


@pytest.fixture
def population(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return populate(trusts=40, cycles=2)


def sign_in(page: Page, live_server, check_page, username: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    check_page(page)


def test_board_member_reads_the_dashboard_and_takes_the_board_pack(
    page: Page, live_server, check_page, population, tasks_in_process
):
    signed = Assessment.objects.filter(
        cycle=population.cycles[-1], status=AssessmentStatus.SIGNED_OFF
    ).select_related("organisation")
    trust = signed.first().organisation
    member(trust, "board_member", "bola")
    sign_in(page, live_server, check_page, "bola")
    page.get_by_role("link", name=f"Dashboard of {trust.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital maturity dashboard")
    expect(page.get_by_text("Signed off by Pat Chair (Chair)")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Stage, score"))).to_be_visible()
    expect(page.locator(".portal-chart .main-svg").first).to_be_visible()
    check_page(page)

    page.get_by_label("Compare with").select_option(label=f"Trusts in {trust.region.name}")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table", name=re.compile(f"median of trusts in {trust.region.name}")))
    check_page(page)

    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Make the board pack (PDF)").click(no_wait_after=True)
    download_button = page.get_by_role("link", name=re.compile(r"Download .*board-pack\.pdf"))
    expect(download_button).to_be_visible(timeout=90_000)
    check_page(page)
    with page.expect_download() as download:
        download_button.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_analyst_filters_the_national_table_and_drills_into_a_trust(
    page: Page, live_server, check_page, population
):
    national("analyst", "ana")
    sign_in(page, live_server, check_page, "ana")
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital maturity in England")
    for table in ("Progress of", "Number of compared trusts at each stage", "Median score"):
        expect(page.get_by_role("table", name=re.compile(table))).to_be_visible()
    trust = population.trusts[3]
    page.get_by_label("Region", exact=True).select_option(label=trust.region.name)
    page.get_by_label("Trust type", exact=True).select_option(value=trust.trust_type)
    page.get_by_role("button", name="Show trusts").click()
    check_page(page)
    expected = [
        t
        for t in population.trusts
        if t.region_id == trust.region_id and t.trust_type == trust.trust_type
    ]
    rows = page.locator("#trust-table tbody tr")
    expect(rows).to_have_count(len(expected))
    # Sorting by a column header, as nhsuk-frontend's sortable table does it.
    page.locator("#trust-table thead").get_by_role("button", name="ICB").click()
    expect(page.locator("#trust-table thead th", has_text="ICB")).to_have_attribute(
        "aria-sort", "ascending"
    )
    page.locator("#trust-table").get_by_role("link", name=trust.name, exact=True).click()
    expect(page.get_by_text(f"{trust.name} ({trust.ods_code})")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital maturity dashboard")
    check_page(page)


def test_icb_viewer_opens_its_summary_and_a_trust_in_it(
    page: Page, live_server, check_page, population
):
    icb = population.icbs[0]
    national("icb_viewer", "indra", icb=icb)
    sign_in(page, live_server, check_page, "indra")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Summary of {icb.name}")
    inside = [t for t in population.trusts if t.icb_id == icb.pk]
    expect(page.locator("#trust-table tbody tr")).to_have_count(len(inside))
    page.locator("#trust-table").get_by_role("link", name=inside[0].name, exact=True).click()
    expect(page.get_by_text(f"{inside[0].name} ({inside[0].ods_code})")).to_be_visible()
    check_page(page)
    outside = next(t for t in population.trusts if t.icb_id != icb.pk)
    page.goto(f"{live_server.url}/trusts/{outside.ods_code}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("cannot|not allowed", re.I)
    )


def test_dashboards_make_sense_without_javascript_and_by_keyboard(
    browser, page: Page, live_server, check_page, population
):
    national("analyst", "ana")
    sign_in(page, live_server, check_page, "ana")
    plain = without_javascript(browser, page)
    plain.goto(f"{live_server.url}/dashboards/national/")
    assert_scripts_did_not_run(plain)
    # No chart is drawn, and every figure is still there in its table and summary.
    expect(plain.locator(".portal-chart .main-svg")).to_have_count(0)
    for table in ("Progress of", "Number of compared trusts", "Median score", "how their stage"):
        expect(plain.get_by_role("table", name=re.compile(table))).to_be_visible()
    check_page(plain)
    # Ordering without the sortable table's buttons: the form does it on the server.
    plain.get_by_label("Order by").select_option(label="Trust type")
    plain.get_by_role("button", name="Show trusts").click()
    types = plain.locator("#trust-table tbody tr td:nth-child(4)").all_inner_texts()
    assert types == sorted(types)
    check_page(plain)

    # By keyboard: the filters, the table's scroll region and a trust's link are all reachable.
    trust = population.trusts[0]
    page.goto(f"{live_server.url}/dashboards/national/?trust_type={trust.trust_type}")
    link = page.locator("#trust-table").get_by_role("link", name=trust.name, exact=True)
    tab_to(page, link, limit=600)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital maturity dashboard")
    tab_to(page, page.get_by_label("Compare with"))
