"""Dashboards: what each role sees, that each chart's table holds the chart's numbers, that the
national table filters and sorts, and that pages cost the same queries at any size."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, AssessmentStatus
from dashboards import selectors
from organisations.models import Membership
from tests.factories import PASSWORD, member, national

from .conftest import Population, populate


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


class _ChartParser(HTMLParser):
    """Each chart's figure (its json_script) and the data-value cells of its table."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, dict] = {}
        self.tables: dict[str, list[float]] = {}
        self._script: str | None = None
        self._table: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") == "application/json":
            self._script = attributes["id"].removeprefix("chart-")
        if tag == "table" and "data-chart-table" in attributes:
            self._table = attributes["data-chart-table"]
            self.tables[self._table] = []
        if tag == "td" and self._table and "data-value" in attributes:
            self.tables[self._table].append(float(attributes["data-value"]))

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script:
            self.figures[self._script] = json.loads(data)


def plotted_numbers(figure: dict) -> list[float]:
    """Every number the chart draws: positions on its value axes, heat-map cells, box edges."""
    numbers = []
    for trace in figure["data"]:
        for key in ("x", "y", "z", "lowerfence", "q1", "median", "q3", "upperfence"):
            values = trace.get(key, [])
            flat = [v for row in values for v in row] if key == "z" else values
            numbers += [float(v) for v in flat if isinstance(v, int | float)]
    return numbers


def charts_on(html: str) -> _ChartParser:
    parser = _ChartParser()
    parser.feed(html)
    assert parser.figures, "no chart on the page"
    assert set(parser.figures) == set(parser.tables)
    return parser


def assert_tables_match_charts(html: str) -> None:
    parser = charts_on(html)
    for name, figure in parser.figures.items():
        drawn = Counter(round(value, 1) for value in plotted_numbers(figure))
        tabled = Counter(round(value, 1) for value in parser.tables[name])
        assert drawn == tabled, f"chart {name}: drawn {drawn - tabled}, tabled {tabled - drawn}"
        assert drawn, f"chart {name} draws nothing"


def _board_member(population: Population):
    trust = population.trusts[0]
    return trust, member(trust, "board_member", "board")


# --- who sees what -------------------------------------------------------------------------------


def test_a_board_member_sees_own_dashboard_not_another_trusts(population):
    trust, board = _board_member(population)
    client = signed_in(board)
    own = client.get(reverse("trust-dashboard", args=[trust.ods_code]))
    assert own.status_code == 200
    assert trust.name in own.content.decode()
    other = population.trusts[1]
    assert client.get(reverse("trust-dashboard", args=[other.ods_code])).status_code == 403
    assert client.get(reverse("national-dashboard")).status_code == 403
    assert client.get(reverse("icb-summary", args=[trust.icb.code])).status_code == 403


def test_an_icb_viewer_sees_only_its_icbs_trusts(population):
    icb = population.icbs[0]
    viewer = national("icb_viewer", "viewer", icb=icb)
    client = signed_in(viewer)
    assert client.get(reverse("home"))["Location"] == reverse("icb-summary", args=[icb.code])
    summary = client.get(reverse("icb-summary", args=[icb.code]))
    assert summary.status_code == 200
    html = summary.content.decode()
    inside = [t for t in population.trusts if t.icb_id == icb.pk]
    outside = [t for t in population.trusts if t.icb_id != icb.pk]
    for trust in inside:
        assert trust.name in html
        assert client.get(reverse("trust-dashboard", args=[trust.ods_code])).status_code == 200
    for trust in outside:
        assert trust.name not in html
        assert client.get(reverse("trust-dashboard", args=[trust.ods_code])).status_code == 403
    other_icb = population.icbs[1]
    assert client.get(reverse("icb-summary", args=[other_icb.code])).status_code == 403
    assert client.get(reverse("national-dashboard")).status_code == 403
    assert client.get(reverse("national-downloads")).status_code == 403


def test_an_icb_viewer_reads_only_shared_assessments_of_its_trusts(population):
    icb = population.icbs[0]
    viewer = national("icb_viewer", "viewer", icb=icb)
    client = signed_in(viewer)
    current = population.cycles[-1]
    for assessment in Assessment.objects.filter(cycle=current).select_related("organisation"):
        response = client.get(reverse("task-list", args=[assessment.pk]))
        shared = assessment.status in {AssessmentStatus.SUBMITTED, AssessmentStatus.SIGNED_OFF}
        expected = 200 if shared and assessment.organisation.icb_id == icb.pk else 404
        assert response.status_code == expected, (assessment.organisation, assessment.status)


def test_an_icb_viewer_cannot_be_created_without_its_icb(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        national("icb_viewer", "nobody-in-particular")


def test_the_analysts_home_is_the_national_dashboard(population):
    analyst = national("analyst", "analyst")
    client = signed_in(analyst)
    assert client.get(reverse("home"))["Location"] == reverse("national-dashboard")
    page = client.get(reverse("national-dashboard"))
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("national-downloads", "benchmark-list", "assessment-list"):
        assert f'href="{reverse(name)}"' in html
    assert all(trust.name in html for trust in population.trusts)


def test_a_lead_sees_provisional_scores_nhs_england_only_shared_ones(population):
    trust = population.trusts[0]
    current = Assessment.objects.get(organisation=trust, cycle=population.cycles[-1])
    current.status = AssessmentStatus.IN_PROGRESS
    current.save()
    lead = member(trust, "digital_lead", "lead")
    mine = signed_in(lead).get(reverse("trust-dashboard", args=[trust.ods_code]))
    assert population.cycles[-1].name in mine.content.decode().split("<h1>")[0]
    analyst = national("analyst", "analyst")
    theirs = signed_in(analyst).get(reverse("trust-dashboard", args=[trust.ods_code]))
    assert theirs.status_code == 200
    caption = theirs.content.decode().split("<h1>")[0]
    assert population.cycles[-1].name not in caption  # the open year is not shared yet
    assert population.cycles[-2].name in caption


# --- charts and their tables ---------------------------------------------------------------------


@pytest.mark.parametrize("peers", ["national", "trust_type", "region", "icb"])
def test_each_trust_chart_table_holds_the_charts_numbers(population, peers):
    trust, board = _board_member(population)
    page = signed_in(board).get(reverse("trust-dashboard", args=[trust.ods_code]), {"peers": peers})
    assert page.status_code == 200
    assert_tables_match_charts(page.content.decode())


def test_each_national_chart_table_holds_the_charts_numbers(population):
    analyst = national("analyst", "analyst")
    client = signed_in(analyst)
    html = client.get(reverse("national-dashboard")).content.decode()
    assert_tables_match_charts(html)
    assert set(charts_on(html).figures) == {"completion", "stages", "medians", "movement"}
    icb = population.icbs[0]
    assert_tables_match_charts(client.get(reverse("icb-summary", args=[icb.code])).content.decode())


def test_national_figures_follow_the_stored_results(population):
    analyst = national("analyst", "analyst")
    cycle, last = population.cycles[-1], population.cycles[-2]
    dashboard = selectors.national_dashboard(user=analyst, cycles=[cycle, last], cycle=cycle)
    statuses = Counter(
        "in_progress" if status == "returned" else status
        for status in Assessment.objects.filter(cycle=cycle).values_list("status", flat=True)
    )
    assert dashboard.completion[-1].counts == dict(statuses)
    run = population.runs[-1]
    overall = Counter(run.trusts.filter(domain_code="overall").values_list("stage_code", flat=True))
    assert dashboard.stage_counts["overall"] == dict(overall)
    moved = run.trusts.filter(domain_code="overall", stage_movement__isnull=False)
    movement = next(m for m in dashboard.movements if m.code == "overall")
    assert movement.up == moved.filter(stage_movement__gt=0).count()
    assert movement.down == moved.filter(stage_movement__lt=0).count()
    assert movement.up + movement.same + movement.down == moved.count()


def test_change_since_last_year_is_this_years_score_minus_last_years(population):
    trust, board = _board_member(population)
    Assessment.objects.filter(organisation=trust).update(
        status=AssessmentStatus.SIGNED_OFF,
        submitted_at=timezone.now(),
        signed_off_at=timezone.now(),
    )
    assessments = selectors.trust_assessments_visible(user=board, organisation=trust)
    dashboard = selectors.trust_dashboard(
        organisation=trust, assessments=assessments, cycle_id=None, peer_group="national"
    )
    now, before = assessments[-1].result, assessments[-2].result
    assert dashboard.overall.change == now.overall_score - before.overall_score
    assert [line.scores[-1] for line in dashboard.trend[:1]] == [now.overall_score]


# --- the national table --------------------------------------------------------------------------


def test_the_trust_table_filters_by_region_and_type_and_sorts(population):
    analyst = national("analyst", "analyst")
    client = signed_in(analyst)
    trust = population.trusts[0]
    page = client.get(
        reverse("national-dashboard"),
        {"region": trust.region.code, "trust_type": trust.trust_type, "sort": "icb"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    table = html.split('id="trust-table"')[1]
    expected = [
        t
        for t in population.trusts
        if t.region_id == trust.region_id and t.trust_type == trust.trust_type
    ]
    assert f"Showing {len(expected)} of {len(population.trusts)} trusts" in html
    shown = re.findall(r'href="/trusts/(\w+)/dashboard/', table)
    assert set(shown) == {t.ods_code for t in expected}
    by_icb = sorted(expected, key=lambda t: (t.icb.name, t.name))
    assert shown == [t.ods_code for t in by_icb]


@pytest.mark.parametrize(
    "query",
    [
        {"region": "NOPE"},
        {"cycle": "999999"},
        {"cycle": "'; drop table"},
        {"sort": "score"},
        {"stage": "legendary"},
        {"status": "done"},
    ],
)
def test_bad_filters_are_explained_never_a_500(population, query):
    analyst = national("analyst", "analyst")
    page = signed_in(analyst).get(reverse("national-dashboard"), query)
    assert page.status_code == 400
    assert "There is a problem" in page.content.decode()


@pytest.mark.parametrize("query", [{"cycle": "abc"}, {"peers": "galaxy"}, {"cycle": "99999"}])
def test_bad_choices_on_a_trust_dashboard_are_explained(population, query):
    trust, board = _board_member(population)
    page = signed_in(board).get(reverse("trust-dashboard", args=[trust.ods_code]), query)
    assert page.status_code == 400
    assert "There is a problem" in page.content.decode()


# --- constant queries ----------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    client.get(url)  # framework content is read once per process; count a warm page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _page_queries(population: Population) -> dict[str, int]:
    trust = population.trusts[0]
    board = member(trust, "board_member", f"board{len(population.trusts)}")
    analyst = national("analyst", f"analyst{len(population.trusts)}")
    viewer = national("icb_viewer", f"viewer{len(population.trusts)}", icb=trust.icb)
    dashboard = reverse("trust-dashboard", args=[trust.ods_code])
    return {
        "trust dashboard (board)": _queries(signed_in(board), dashboard),
        "trust dashboard (analyst)": _queries(signed_in(analyst), dashboard),
        "national dashboard": _queries(signed_in(analyst), reverse("national-dashboard")),
        "ICB summary": _queries(signed_in(viewer), reverse("icb-summary", args=[trust.icb.code])),
    }


@pytest.mark.django_db
def test_dashboards_cost_the_same_queries_for_10_and_500_trusts_and_1_and_3_cycles():
    from django.db import transaction

    counts = {}
    for trusts, cycles in ((10, 1), (10, 3), (500, 1), (500, 3)):
        with transaction.atomic():
            counts[(trusts, cycles)] = _page_queries(populate(trusts=trusts, cycles=cycles))
            Membership.objects.all().delete()
            transaction.set_rollback(True)
    first = counts[(10, 1)]
    assert all(found == first for found in counts.values()), counts
    assert max(first.values()) <= 12, first


def test_the_admin_explains_that_an_icb_viewer_needs_its_icb(population, admin_client):
    from organisations.models import NationalRole
    from tests.factories import UserFactory

    person = UserFactory(username="new-viewer")
    url = reverse("admin:organisations_nationalrole_add")
    refused = admin_client.post(url, {"user": person.pk, "role": "icb_viewer", "icb": ""})
    assert refused.status_code == 200
    assert "An ICB viewer needs its ICB" in refused.content.decode()
    assert not NationalRole.objects.filter(user=person).exists()
    icb = population.icbs[0]
    added = admin_client.post(url, {"user": person.pk, "role": "icb_viewer", "icb": icb.pk})
    assert added.status_code == 302
    assert NationalRole.objects.get(user=person).icb == icb


def test_a_signed_off_trust_sees_its_place_among_each_peer_group(population):
    run = population.runs[-1]
    compared = run.trusts.filter(domain_code="overall").select_related("assessment__organisation")
    row = compared.first()
    trust = row.assessment.organisation
    board = member(trust, "board_member", "board")
    page = signed_in(board).get(reverse("trust-dashboard", args=[trust.ods_code]))
    html = page.content.decode()
    national = run.statistics.get(group_type="national", domain_code="overall")
    assert "Among all trusts in England" in html
    assert f"scores higher than 50% of the other {national.n - 1} trusts" in html
    assert f"Among trusts in {trust.region.name}" in html


def test_the_trust_dashboard_says_what_each_technology_still_needs(population):
    from assessments.models import AssessmentResult

    trust, board = _board_member(population)
    latest = Assessment.objects.filter(organisation=trust).order_by("-cycle__opens_on").first()
    AssessmentResult.objects.filter(assessment=latest).update(
        readiness=[
            {"code": "ai", "name": "AI diagnostic tools", "ready": True, "unmet": []},
            {
                "code": "rpm",
                "name": "Remote patient monitoring",
                "ready": False,
                "unmet": [
                    {
                        "what": "Domain 1 at Established or above",
                        "why": "Devices need resilient infrastructure.",
                        "domain": "D1",
                        "stage": "established",
                        "question": None,
                    },
                ],
            },
        ]
    )
    html = signed_in(board).get(reverse("trust-dashboard", args=[trust.ods_code])).content.decode()
    section = html.split('id="readiness"')[1].split("</dl>")[0]
    assert "AI diagnostic tools" in section and "Ready" in section
    assert "Not yet" in section
    assert "Domain 1 at Established or above: Devices need resilient infrastructure." in section


@pytest.mark.django_db
def test_the_national_dashboard_shows_the_share_ready_for_each_technology():
    population = populate(trusts=60, cycles=1, technologies=True)
    analyst = national("analyst", "analyst")
    html = signed_in(analyst).get(reverse("national-dashboard")).content.decode()
    assert_tables_match_charts(html)
    table = html.split('data-chart-table="readiness"')[1].split("</table>")[0]
    signed = Assessment.objects.filter(
        cycle=population.cycles[-1], status=AssessmentStatus.SIGNED_OFF
    ).select_related("result")
    ready = sum(a.result.readiness[0]["ready"] for a in signed)
    share = round(100 * ready / signed.count(), 1)
    assert f"England ({signed.count()} trusts)" in table
    assert f"{share:.1f}%" in table


@pytest.mark.django_db
def test_the_trust_report_and_board_pack_include_readiness():
    from django.template.loader import render_to_string

    from reports.selectors import trust_report

    population = populate(trusts=20, cycles=1, technologies=True)
    run = population.runs[-1]
    row = run.trusts.filter(domain_code="overall").select_related("assessment__organisation")
    trust = row.first().assessment.organisation
    board = member(trust, "board_member", "board")
    page = signed_in(board).get(reverse("trust-benchmark", args=[trust.ods_code]))
    assert "Ready to adopt" in page.content.decode()
    assert "Remote patient monitoring" in page.content.decode()
    report = trust_report(run=run, organisation=trust)
    pack = render_to_string(
        "reports/board_pack.html", {"report": report, "images": {}, "made_at": None}
    )
    assert "Ready to adopt" in pack and "Remote patient monitoring" in pack
