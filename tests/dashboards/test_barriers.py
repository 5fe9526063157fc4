"""The share of trusts naming each barrier, overall and per domain, as docs/scoring.md §8 says."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, AssessmentStatus
from dashboards.selectors import SignedOffResult, _barrier_rows
from reports.exports import Filters
from reports.services.national import national_csv, national_dictionary_csv
from tests.factories import PASSWORD, barriers_document, barriers_question, national
from tests.frameworks.test_barriers import read

from .conftest import populate
from .test_dashboards import assert_tables_match_charts


def signed_off(barriers: dict[str, list[str]]) -> SignedOffResult:
    return SignedOffResult(trust=None, ready={}, barriers=barriers)


def test_the_worked_example_in_the_scoring_document(settings):
    """Six trusts name barriers; four of them answered the infrastructure (D2) question."""
    settings.BENCHMARK_MIN_PEERS = 5
    definition = read(barriers_document())
    results = [
        signed_off({"D1": ["funding"], "D2": ["legacy"]}),
        signed_off({"D1": ["funding", "legacy"], "D2": ["funding"]}),
        signed_off({"D1": ["funding"], "D2": ["skills"]}),
        signed_off({"D1": ["funding"], "D2": ["funding", "skills"]}),
        signed_off({"D1": ["funding", "other"]}),
        signed_off({"D1": ["skills"]}),
        signed_off({}),  # named no barrier: in no row
    ]
    anywhere, _, infrastructure = _barrier_rows(results, definition, icb=None)
    assert (anywhere.label, anywhere.n) == ("Any domain (England)", 6)
    assert anywhere.shares == {"funding": 83.3, "legacy": 33.3, "skills": 50.0, "other": 16.7}
    assert infrastructure.n == 4
    assert set(infrastructure.shares.values()) == {None}


def test_shares_round_half_up_and_domains_without_a_barriers_question_have_no_row(settings):
    settings.BENCHMARK_MIN_PEERS = 5
    plain = barriers_question("D2-BR", type="free_text")
    definition = read(barriers_document(questions={2: plain}))
    # 1 of 8 is 12.5% exactly: half up gives 12.5; 3 of 16 is 18.75%, shown as 18.8.
    results = [signed_off({"D1": ["legacy" if i < 3 else "funding"]}) for i in range(16)]
    anywhere, only_d1 = _barrier_rows(results, definition, icb=None)
    assert only_d1.label == "Domain 1"
    assert anywhere.shares["legacy"] == 18.8
    assert anywhere.shares["funding"] == 81.3


@pytest.mark.django_db
def test_the_national_dashboard_shows_the_share_naming_each_barrier():
    population = populate(trusts=60, cycles=1, technologies=True)
    national("analyst", "analyst")
    client = Client()
    assert client.login(username="analyst", password=PASSWORD)
    html = client.get(reverse("national-dashboard")).content.decode()
    assert_tables_match_charts(html)
    table = html.split('data-chart-table="barriers"')[1].split("</table>")[0]
    named = [
        a.result.barriers
        for a in Assessment.objects.filter(
            cycle=population.cycles[-1], status=AssessmentStatus.SIGNED_OFF
        ).select_related("result")
    ]
    naming = [stored for stored in named if stored]
    funding = sum(any("funding" in codes for codes in stored.values()) for stored in naming)
    assert f"Any domain (England) ({len(naming)} trusts)" in table
    assert f"{round(100 * funding / len(naming), 1):.1f}%" in table
    d1 = [stored["D1"] for stored in naming if "D1" in stored]
    assert f"Domain 1 ({len(d1)} trusts)" in table
    assert "Barriers trusts name" in html


@pytest.mark.django_db
def test_the_national_results_download_has_readiness_and_barrier_columns():
    population = populate(trusts=12, cycles=1, technologies=True)
    analyst = national("analyst", "analyst")
    cycle = population.cycles[-1]
    filters = Filters(cycle_id=cycle.pk)
    dictionary = national_dictionary_csv(dataset="results", filters=filters, user=analyst)
    columns = {row["column"]: row for row in csv.DictReader(io.StringIO(dictionary.decode()))}
    assert columns["ready_remote-monitoring"]["type"] == "bool"
    assert columns["barrier_funding"]["type"] == "bool"
    assert "codes joined by '; '" in columns["D1_barriers"]["meaning"]
    body = b"".join(national_csv(dataset="results", filters=filters, user=analyst)).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(columns) == list(rows[0])
    stored = {
        a.organisation.ods_code: a.result
        for a in Assessment.objects.filter(cycle=cycle).select_related("result", "organisation")
    }
    shared = AssessmentStatus.SUBMITTED, AssessmentStatus.SIGNED_OFF
    assert len(rows) == Assessment.objects.filter(cycle=cycle, status__in=shared).count()
    for row in rows:
        result = stored[row["ods_code"]]
        named = result.barriers
        assert row["D1_barriers"] == "; ".join(named.get("D1", []))
        anywhere = {code for codes in named.values() for code in codes}
        assert row["barrier_funding"] == ("" if not named else str("funding" in anywhere))
        assert row["ready_remote-monitoring"] == str(result.readiness[0]["ready"])


def test_a_tie_for_the_most_named_barrier_names_every_barrier_in_it(settings):
    from dashboards.charts import _extremes

    settings.BENCHMARK_MIN_PEERS = 5
    definition = read(barriers_document())
    results = [signed_off({"D1": ["funding", "legacy"]}) for _ in range(5)]
    anywhere = _barrier_rows(results, definition, icb=None)[0]
    columns = tuple((b.code, b.name) for b in definition.barriers)
    assert _extremes(anywhere, columns) == (
        (100.0, "Financial constraints and Legacy systems"),
        (0.0, "Digital skills and Something else"),
    )


@pytest.mark.django_db
def test_the_trust_dashboard_lists_the_barriers_its_trust_named():
    from tests.factories import member

    population = populate(trusts=10, cycles=1, technologies=True)
    assessment = (
        Assessment.objects.filter(cycle=population.cycles[-1], status=AssessmentStatus.SIGNED_OFF)
        .select_related("organisation", "result")
        .first()
    )
    assessment.result.barriers = {"D1": ["legacy"], "D2": ["funding", "legacy"]}
    assessment.result.save(update_fields=["barriers"])
    member(assessment.organisation, "board_member", "board")
    client = Client()
    assert client.login(username="board", password=PASSWORD)
    url = reverse("trust-dashboard", args=[assessment.organisation.ods_code])
    html = client.get(url).content.decode()
    section = html.split('id="barriers"')[1].split("</dl>")[0]
    assert section.index("Legacy systems") < section.index("Financial constraints")
    assert "Named for 2 domains: Domain 1, Domain 2" in section
    assert "Named for 1 domain: Domain 2" in section
