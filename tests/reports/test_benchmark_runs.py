"""Benchmark runs on the demo's 202 trusts: stored results, independent checks, and job safety."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import numpy as np
import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError
from pypdf import PdfReader

from assessments.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Cycle,
    DomainResult,
)
from assessments.services.demo import DEMO_PASSWORD, demo_seed
from assessments.services.workflow import assessment_sign_off
from frameworks.models import Stage
from frameworks.services import framework_load
from organisations.models import Organisation
from organisations.services.reference_data import organisations_load
from reports.documents import PDF_TYPE, XLSX_TYPE
from reports.models import (
    BenchmarkRun,
    FileKind,
    JobStatus,
    JobTrigger,
    PeerGroupStatistic,
    ReportFile,
    TrustBenchmark,
)
from reports.services import benchmarks, files
from reports.services.jobs import (
    BrokerUnavailableError,
    JobError,
    JobLostError,
    JobTakenError,
    job_claim,
    job_progress,
    jobs_fail_stuck,
)
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    assessment_in,
    member,
    national,
    open_cycle,
    published_framework,
)

from ..frameworks.conftest import SHIPPED


def stored_scores(cycle: Cycle) -> dict[tuple[int, str], tuple]:
    """(assessment, domain code or "overall") → (score, stage code) as stored by the portal."""
    signed_off = Q(status=AssessmentStatus.SIGNED_OFF, cycle=cycle)
    scores = {
        (row.result.assessment_id, row.domain.code): (row.score, row.stage.code)
        for row in DomainResult.objects.filter(
            result__assessment__in=Assessment.objects.filter(signed_off)
        ).select_related("result", "domain", "stage")
    }
    for result in AssessmentResult.objects.filter(
        assessment__in=Assessment.objects.filter(signed_off)
    ).select_related("overall_stage"):
        scores[(result.assessment_id, "overall")] = (
            result.overall_score,
            result.overall_stage.code,
        )
    return scores


def mid_rank(own: float, peers: list[float]) -> float:
    lower = sum(peer < own for peer in peers)
    others_equal = sum(peer == own for peer in peers) - 1
    return 100 * (lower + 0.5 * others_equal) / (len(peers) - 1)


class TestBenchmarkRun(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        organisations_load()
        framework_load(path=SHIPPED, publish=True, user=None)
        demo_seed()
        cls.cycle = Cycle.objects.select_related("framework").get(name="2026/27")
        cls.previous = Cycle.objects.get(name="2025/26")
        cls.analyst = get_user_model().objects.get(username="demo.analyst")

    def run_now(self, cycle: Cycle | None = None) -> BenchmarkRun:
        run = benchmarks.benchmark_run_request(
            cycle=cycle or self.cycle, user=None, trigger=JobTrigger.NIGHTLY
        )
        benchmarks.benchmark_run_execute(run_id=run.pk, attempt="test-attempt")
        return BenchmarkRun.objects.get(pk=run.pk)

    def test_a_run_compares_every_signed_off_assessment_with_the_stored_scores(self):
        run = self.run_now()
        assert run.status == JobStatus.DONE
        assert run.progress == 100
        stored = stored_scores(self.cycle)
        rows = list(TrustBenchmark.objects.filter(run=run))
        assert len(rows) == len(stored) > 900
        for row in rows:
            assert (row.score, row.stage_code) == stored[(row.assessment_id, row.domain_code)]
        assert run.assessment_count == len({key[0] for key in stored})

    def test_statistics_match_an_independent_computation(self):
        run = self.run_now()
        stored = stored_scores(self.cycle)
        groups = dict(
            Assessment.objects.filter(
                cycle=self.cycle, status=AssessmentStatus.SIGNED_OFF
            ).values_list("pk", "region__code")
        )
        checked = 0
        for statistic in PeerGroupStatistic.objects.filter(
            run=run, group_type__in=["national", "region"]
        ):
            members = [
                (score, stage)
                for (assessment, domain), (score, stage) in stored.items()
                if domain == statistic.domain_code
                and (
                    statistic.group_type == "national" or groups[assessment] == statistic.group_code
                )
            ]
            values = np.array([float(score) for score, _ in members])
            assert statistic.n == len(values)
            if len(values) < run.min_peers:
                assert statistic.suppressed and statistic.median is None
                continue
            assert statistic.mean == pytest.approx(values.mean())
            for name, q in [
                ("p10", 10),
                ("lower_quartile", 25),
                ("median", 50),
                ("upper_quartile", 75),
                ("p90", 90),
            ]:
                assert getattr(statistic, name) == pytest.approx(np.percentile(values, q)), name
            counts = {}
            for _, stage in members:
                counts[stage] = counts.get(stage, 0) + 1
            assert {k: v for k, v in statistic.stage_counts.items() if v} == counts
            checked += 1
        assert checked >= 8 * 4

    def test_percentile_ranks_follow_the_mid_rank_rule(self):
        run = self.run_now()
        icb_of = dict(
            Assessment.objects.filter(
                cycle=self.cycle, status=AssessmentStatus.SIGNED_OFF
            ).values_list("pk", "icb__code")
        )
        rows = list(TrustBenchmark.objects.filter(run=run, domain_code="LG"))
        national = [float(row.score) for row in rows]
        for row in rows[:40]:
            assert row.national_percentile == pytest.approx(mid_rank(float(row.score), national))
            peers = [
                float(r.score) for r in rows if icb_of[r.assessment_id] == icb_of[row.assessment_id]
            ]
            if len(peers) < run.min_peers:
                assert row.icb_percentile is None and row.icb_quartile is None
            else:
                assert row.icb_percentile == pytest.approx(mid_rank(float(row.score), peers))
                assert row.icb_quartile in {1, 2, 3, 4}

    def test_change_since_last_year_uses_the_previous_cycle_signed_off_score(self):
        # One trust's last year is reopened: it has nothing to compare with.
        without = Assessment.objects.filter(
            cycle=self.previous,
            status=AssessmentStatus.SIGNED_OFF,
            organisation__assessments__cycle=self.cycle,
            organisation__assessments__status=AssessmentStatus.SIGNED_OFF,
        ).first()
        Assessment.objects.filter(pk=without.pk).update(status=AssessmentStatus.IN_PROGRESS)
        run = self.run_now()
        assert run.previous_cycle == self.previous
        previous = {
            (Assessment.objects.get(pk=a).organisation_id, d): found
            for (a, d), found in stored_scores(self.previous).items()
        }
        ordinal = dict(
            Stage.objects.filter(framework=self.cycle.framework).values_list("code", "ordinal")
        )
        rows = list(TrustBenchmark.objects.filter(run=run).select_related("assessment"))
        for row in rows:
            before, stage_before = previous.get(
                (row.assessment.organisation_id, row.domain_code), (None, None)
            )
            assert row.previous_score == before
            assert row.change == (None if before is None else row.score - before)
            assert row.stage_movement == (
                None if stage_before is None else ordinal[row.stage_code] - ordinal[stage_before]
            )
        assert (
            TrustBenchmark.objects.filter(
                run=run,
                assessment__organisation_id=without.organisation_id,
                previous_score__isnull=True,
            ).count()
            == 8
        )
        assert sum(row.change is not None for row in rows) > 500

    def test_the_same_run_twice_gives_one_set_of_rows(self):
        first = self.run_now()
        rows = list(TrustBenchmark.objects.filter(run=first).values_list("pk", "score"))
        again = benchmarks.benchmark_run_request(
            cycle=self.cycle, user=self.analyst, trigger=JobTrigger.ON_DEMAND
        )
        assert again.pk == first.pk
        assert benchmarks.benchmark_run_execute(run_id=first.pk, attempt="another") is None
        assert list(TrustBenchmark.objects.filter(run=first).values_list("pk", "score")) == rows
        assert BenchmarkRun.objects.filter(cycle=self.cycle).count() == 1

    def test_a_new_sign_off_makes_a_new_run(self):
        first = self.run_now()
        Assessment.objects.filter(
            cycle=self.cycle, status=AssessmentStatus.SIGNED_OFF
        ).first().delete()
        second = self.run_now()
        assert second.pk != first.pk
        assert second.assessment_count == first.assessment_count - 1

    def test_a_live_attempt_keeps_the_run_and_a_stale_one_loses_it(self):
        run = benchmarks.benchmark_run_request(
            cycle=self.cycle, user=None, trigger=JobTrigger.NIGHTLY
        )
        first = job_claim(model=BenchmarkRun, job_id=run.pk, attempt="first")
        with pytest.raises(JobTakenError):
            benchmarks.benchmark_run_execute(run_id=run.pk, attempt="second")
        BenchmarkRun.objects.filter(pk=run.pk).update(
            heartbeat_at=timezone.now() - timedelta(hours=1)
        )
        finished = benchmarks.benchmark_run_execute(run_id=run.pk, attempt="second")
        assert finished.status == JobStatus.DONE
        assert finished.attempts == 2
        with pytest.raises(JobLostError):
            job_progress(job=first, progress=50, message="still here?")

    def test_an_attempt_that_dies_while_saving_leaves_no_rows_and_the_next_finishes(self):
        run = benchmarks.benchmark_run_request(
            cycle=self.cycle, user=None, trigger=JobTrigger.NIGHTLY
        )
        real_insert = benchmarks.bulk_insert_frame

        def die_after_writing(model, frame):
            real_insert(model, frame)  # the statistics are written by then, too
            raise SystemExit("worker killed")

        with (
            mock.patch.object(benchmarks, "bulk_insert_frame", die_after_writing),
            pytest.raises(SystemExit),
        ):
            benchmarks.benchmark_run_execute(run_id=run.pk, attempt="killed")
        assert not PeerGroupStatistic.objects.filter(run=run).exists()
        assert not TrustBenchmark.objects.filter(run=run).exists()
        assert BenchmarkRun.objects.get(pk=run.pk).status == JobStatus.RUNNING
        # The broker redelivers the same task (same id) to another worker.
        done = benchmarks.benchmark_run_execute(run_id=run.pk, attempt="killed")
        assert done.status == JobStatus.DONE
        assert TrustBenchmark.objects.filter(run=run).count() > 900

    def test_a_failed_run_is_retried_by_an_analyst_and_refused_to_a_trust(self):
        run = benchmarks.benchmark_run_request(
            cycle=self.cycle, user=None, trigger=JobTrigger.NIGHTLY
        )
        BenchmarkRun.objects.filter(pk=run.pk).update(status=JobStatus.FAILED, error="boom")
        lead = get_user_model().objects.get(username="demo.lead")
        with pytest.raises(benchmarks.PermissionDenied):
            benchmarks.benchmark_run_retry(run=run, user=lead)
        assert BenchmarkRun.objects.get(pk=run.pk).status == JobStatus.FAILED
        retried = benchmarks.benchmark_run_retry(run=run, user=self.analyst)
        assert (retried.status, retried.error) == (JobStatus.QUEUED, "")
        with pytest.raises(JobError, match="Only a failed run"):
            benchmarks.benchmark_run_retry(run=run, user=self.analyst)

    def test_with_the_broker_down_the_run_fails_plainly(self):
        error = BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379.")
        with (
            mock.patch("reports.tasks.benchmark_run_task.delay", side_effect=error),
            pytest.raises(BrokerUnavailableError, match="job queue is not reachable"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            benchmarks.benchmark_run_request(
                cycle=self.cycle, user=self.analyst, trigger=JobTrigger.ON_DEMAND
            )
        run = BenchmarkRun.objects.get(cycle=self.cycle)
        assert run.status == JobStatus.FAILED
        assert "not reachable" in run.error

    def test_jobs_silent_for_too_long_are_marked_failed(self):
        run = benchmarks.benchmark_run_request(
            cycle=self.cycle, user=None, trigger=JobTrigger.NIGHTLY
        )
        job_claim(model=BenchmarkRun, job_id=run.pk, attempt="gone")
        assert jobs_fail_stuck(model=BenchmarkRun) == 0
        BenchmarkRun.objects.filter(pk=run.pk).update(
            heartbeat_at=timezone.now() - timedelta(days=1)
        )
        assert jobs_fail_stuck(model=BenchmarkRun) == 1
        failed = BenchmarkRun.objects.get(pk=run.pk)
        assert failed.status == JobStatus.FAILED
        assert "stopped" in failed.error

    def test_a_cycle_with_no_sign_off_cannot_be_benchmarked(self):
        Assessment.objects.filter(cycle=self.cycle, status=AssessmentStatus.SIGNED_OFF).update(
            status=AssessmentStatus.SUBMITTED,
            signed_off_at=None,
            signed_off_by=None,
            signed_off_name="",
            signed_off_role="",
        )
        with pytest.raises(benchmarks.BenchmarkError, match="nothing to compare"):
            benchmarks.benchmark_run_request(
                cycle=self.cycle, user=self.analyst, trigger=JobTrigger.ON_DEMAND
            )

    def test_only_the_latest_sign_off_of_a_burst_starts_a_run(self):
        signed = Assessment.objects.filter(
            cycle=self.cycle, status=AssessmentStatus.SIGNED_OFF
        ).order_by("signed_off_at")
        earliest, latest = signed.first(), signed.last()
        Assessment.objects.filter(pk=latest.pk).update(
            signed_off_at=earliest.signed_off_at + timedelta(minutes=1)
        )
        latest.refresh_from_db()
        skipped = benchmarks.benchmark_after_sign_off(
            cycle_id=self.cycle.pk, signed_off_at=earliest.signed_off_at.isoformat()
        )
        assert skipped is None
        started = benchmarks.benchmark_after_sign_off(
            cycle_id=self.cycle.pk, signed_off_at=latest.signed_off_at.isoformat()
        )
        assert started.trigger in {JobTrigger.SIGN_OFF, JobTrigger.NIGHTLY}

    def test_trust_report_reads_in_a_fixed_number_of_queries(self):
        self.run_now()
        client = Client()
        assert client.login(username="demo.analyst", password=DEMO_PASSWORD)
        trust = (
            Assessment.objects.filter(cycle=self.cycle, status=AssessmentStatus.SIGNED_OFF)
            .first()
            .organisation
        )
        url = reverse("trust-benchmark", args=[trust.ods_code])
        client.get(url)  # the framework's content is read once per process
        with self.assertNumQueries(12):
            response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200
        assert trust.name in page
        other = (
            Assessment.objects.exclude(organisation=trust)
            .filter(cycle=self.cycle, status=AssessmentStatus.SIGNED_OFF)
            .first()
            .organisation
        )
        assert other.name not in page  # no trust is named in another trust's report

    def document(self, kind: str, username: str = "demo.lead"):
        run = self.run_now(self.previous)
        user = get_user_model().objects.get(username=username)
        trust = Organisation.objects.get(ods_code="R0A")
        requested = files.report_file_request(run=run, organisation=trust, kind=kind, user=user)
        return run, files.report_file_build(file_id=requested.pk, attempt="test")

    def test_the_workbook_opens_and_holds_the_report_s_numbers(self):
        run, document = self.document(FileKind.WORKBOOK)
        assert (document.status, document.content_type) == (JobStatus.DONE, XLSX_TYPE)
        with document.file.open("rb") as handle:
            workbook = openpyxl.load_workbook(handle)
        assert workbook.sheetnames == [
            "About",
            "Domains",
            "Distributions",
            "Stages",
            "Next steps",
            "Dictionary",
        ]
        rows = list(workbook["Domains"].iter_rows(values_only=True))
        header, body = rows[0], rows[1:]
        stored = {
            row.domain_code: row
            for row in TrustBenchmark.objects.filter(
                run=run, assessment__organisation__ods_code="R0A"
            )
        }
        assert len(body) == len(stored) == 8
        overall = dict(zip(header, body[-1], strict=True))
        assert overall["domain"] == "Overall"
        assert overall["score"] == float(stored["overall"].score)
        assert overall["national_percentile_rank"] == pytest.approx(
            stored["overall"].national_percentile
        )
        dictionary = {
            (sheet, column)
            for sheet, column, _, _ in workbook["Dictionary"].iter_rows(min_row=2, values_only=True)
        }
        for title in ("Domains", "Distributions", "Stages", "Next steps"):
            columns = next(workbook[title].iter_rows(values_only=True))
            assert {(title, column) for column in columns} <= dictionary

    @pytest.mark.browser  # charts are drawn by the system's Chromium
    def test_the_board_pack_is_a_pdf_with_its_charts_and_tables(self):
        run, document = self.document(FileKind.BOARD_PACK)
        assert (document.status, document.content_type) == (JobStatus.DONE, PDF_TYPE)
        assert document.filename == "R0A-2025-26-board-pack.pdf"
        with document.file.open("rb") as handle:
            pdf = PdfReader(handle)
            text = "\n".join(page.extract_text() for page in pdf.pages)
            # Pages may share one resource list: count each picture once.
            images = {image.data for page in pdf.pages for image in page.images}
        assert len(images) == 3  # the three charts
        assert "Manchester University NHS Foundation Trust" in text
        assert "Your scores against peer medians" in text
        national = PeerGroupStatistic.objects.get(
            run=run, group_type="national", domain_code="overall"
        )
        assert f"{national.median:.1f}" in text

    def test_a_trust_cannot_have_another_trust_s_documents(self):
        member(Organisation.objects.exclude(ods_code="R0A").first(), "digital_lead", "other.lead")
        with pytest.raises(benchmarks.PermissionDenied):
            self.document(FileKind.WORKBOOK, username="other.lead")
        assert not ReportFile.objects.exists()

    def test_the_same_document_twice_is_one_row(self):
        run, first = self.document(FileKind.WORKBOOK)
        lead = get_user_model().objects.get(username="demo.lead")
        again = files.report_file_request(
            run=run, organisation=first.organisation, kind=FileKind.WORKBOOK, user=lead
        )
        assert again.pk == first.pk
        assert ReportFile.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_start_page_says_the_queue_is_down_and_answers_still_save():
    """Real commits, as in production: the queue is asked only after the run row is saved."""
    framework = published_framework()
    cycle = open_cycle(framework)
    trust = OrganisationFactory()
    assessment_in(trust, cycle, AssessmentStatus.SIGNED_OFF)
    editing = assessment_in(OrganisationFactory(), cycle)
    member(editing.organisation, "digital_lead", "lead")
    national("analyst", "analyst")
    analyst = Client()
    assert analyst.login(username="analyst", password=PASSWORD)
    error = BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379.")
    with mock.patch("reports.tasks.benchmark_run_task.delay", side_effect=error):
        response = analyst.post(reverse("benchmark-list"), {"cycle": cycle.pk})
        assert response.status_code == 400
        assert "job queue is not reachable" in response.content.decode()
        run = BenchmarkRun.objects.get(cycle=cycle)
        assert (run.status, "not reachable" in run.error) == (JobStatus.FAILED, True)
        # The failed run shows its error, and everything else works.
        page = analyst.get(reverse("benchmark-run", args=[run.pk])).content.decode()
        assert "not reachable" in page and "Start it again" in page
        editor = Client()
        assert editor.login(username="lead", password=PASSWORD)
        question = editing.cycle.framework.questions.order_by("order").first()
        saved = editor.post(
            reverse("question-save", args=[editing.pk, question.code]),
            {f"{question.code}-answer": "2", f"{question.code}-version": "0"},
        )
        assert saved.status_code == 302
        assert editing.responses.get(question=question).version == 1


@pytest.mark.django_db(transaction=True)
def test_a_sign_off_stands_when_the_queue_is_down_and_is_benchmarked_when_it_is_up():
    framework = published_framework()
    cycle = open_cycle(framework)
    assessment = assessment_in(OrganisationFactory(), cycle, AssessmentStatus.SUBMITTED)
    board = member(assessment.organisation, "board_member", "board")
    error = BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379.")
    with mock.patch(
        "reports.tasks.benchmark_after_sign_off_task.apply_async", side_effect=error
    ) as queued:
        assessment_sign_off(assessment=assessment, user=board, name="Bola Board", role="Chair")
    assert queued.call_count == 1
    assert queued.call_args.kwargs["countdown"] > 0  # a burst of sign-offs makes one run
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SIGNED_OFF
    assert not BenchmarkRun.objects.exists()
    # With the queue back, the task the sign-off queues starts the run for its cycle.
    benchmarks.benchmark_after_sign_off(
        cycle_id=cycle.pk, signed_off_at=assessment.signed_off_at.isoformat()
    )
    run = BenchmarkRun.objects.get(cycle=cycle)
    assert run.trigger == JobTrigger.SIGN_OFF
    # Done already where tasks run in-process; queued for a worker where a broker is set.
    benchmarks.benchmark_run_execute(run_id=run.pk, attempt="test")
    assert BenchmarkRun.objects.get(pk=run.pk).status == JobStatus.DONE
