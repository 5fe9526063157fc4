"""Benchmarks in the browser: an analyst runs one and takes a board pack; a lead reads theirs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import AssessmentStatus
from reports.models import BenchmarkRun
from reports.services.benchmarks import benchmark_run_request
from tests.factories import (
    OrganisationFactory,
    answer_all,
    assessment_in,
    member,
    national,
    open_cycle,
    published_framework,
)

pytestmark = pytest.mark.browser
TRUSTS = 6


@pytest.fixture
def signed_off(transactional_db, settings, tmp_path):
    """Six trusts whose boards signed off this year; the first is the lead's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    framework = published_framework()
    cycle = open_cycle(framework)
    trusts = []
    for number in range(TRUSTS):
        trust = (
            OrganisationFactory(name="Alpha Hospitals NHS Foundation Trust")
            if number == 0
            else OrganisationFactory()
        )
        lead = member(trust, "digital_lead", "lead" if number == 0 else f"lead{number}")
        assessment = assessment_in(trust, cycle)
        answer_all(assessment, lead, mandatory_only=False)
        assessment.status = AssessmentStatus.SIGNED_OFF
        assessment.submitted_at = assessment.signed_off_at = assessment.created_at
        assessment.save()
        trusts.append(trust)
    national("analyst", "ana")
    return cycle, trusts


def test_analyst_runs_a_benchmark_and_takes_a_trust_s_board_pack(
    page: Page, live_server, check_page, sign_in, signed_off, tasks_in_process
):
    cycle, trusts = signed_off
    sign_in(page, "ana")
    page.get_by_role("link", name="Benchmark runs").click()
    check_page(page)
    page.get_by_label("Cycle").select_option(label=str(cycle))
    page.get_by_role("button", name="Start a benchmark run").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{cycle.name} peer comparison")
    expect(page.locator("#job-progress-bar")).to_have_attribute("value", "100")
    expect(page.locator("#job-progress")).to_contain_text("Done")
    expect(page.get_by_role("table", name="National scores by domain")).to_be_visible()
    check_page(page)

    page.get_by_label("Trust", exact=True).select_option(label=str(trusts[0]))
    page.get_by_role("button", name="Show the trust's report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"How {trusts[0].name} compares with its peers"
    )
    expect(page.locator(".portal-chart .main-svg").first).to_be_visible()
    check_page(page)

    # Made in the server's own thread here: the chart browser's cold start takes seconds.
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Make the board pack (PDF)").click(no_wait_after=True)
    download_button = page.get_by_role("link", name=re.compile(r"Download .*board-pack\.pdf"))
    expect(download_button).to_be_visible(timeout=90_000)
    check_page(page)
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename.endswith("board-pack.pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_lead_reads_their_own_trust_s_report_and_no_other(
    page: Page, live_server, check_page, sign_in, signed_off, tasks_in_process
):
    cycle, trusts = signed_off
    run = benchmark_run_request(cycle=cycle, user=None, trigger="nightly")
    assert BenchmarkRun.objects.get(pk=run.pk).status == "done"
    sign_in(page, "lead")
    page.get_by_role("link", name=f"How {trusts[0].name} compares with its peers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"How {trusts[0].name} compares with its peers"
    )
    expect(page.get_by_role("table", name=re.compile("beside the median"))).to_be_visible()
    check_page(page)
    page.goto(f"{live_server.url}/trusts/{trusts[1].ods_code}/benchmark/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("cannot|not allowed", re.I)
    )
    check_page(page)
