"""A real Celery worker on Redis and PostgreSQL, started by the test: runs, crashes and redelivery.

The worker is held at the moment it stores its results by a table lock the test takes, so the
test can watch the run in ``running`` and kill the worker exactly then, with no timing guesses.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from django.db import connection, connections
from pypdf import PdfReader

from assessments.models import AssessmentStatus, Response
from maturity_portal.celery import app as celery_app
from reports.exports import DATASETS, Filters
from reports.models import (
    BenchmarkRun,
    FileKind,
    JobStatus,
    PeerGroupStatistic,
    ReportFile,
    TrustBenchmark,
)
from reports.services.benchmarks import benchmark_run_request
from reports.services.files import report_file_request
from reports.services.national import national_file_request
from tests.factories import (
    OrganisationFactory,
    answer_all,
    assessment_in,
    member,
    open_cycle,
    published_framework,
)
from tests.factories import (
    national as national_user,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = 20  # seconds; the broker redelivers an unacknowledged task 5 seconds after
TRUSTS = 6


def wait_for(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"gave up after {seconds} s waiting for {what}")


@pytest.fixture
def start_worker(tmp_path: Path, settings) -> Iterator[Callable[[str], subprocess.Popen]]:
    """Start named workers on this test's database; every one is killed at the end.

    Each worker's log is kept beside the test's temporary files, for when a test fails.
    """
    celery_app.control.purge()
    settings.MEDIA_ROOT = tmp_path / "media"  # shared with the workers, which write the files
    database = connection.settings_dict
    env = {
        **os.environ,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "JOB_TIME_LIMIT_SECONDS": str(TIME_LIMIT),
        "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(TIME_LIMIT + 5),
        "JOB_HEARTBEAT_STALE_SECONDS": "3",
    }
    workers: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "maturity_portal",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=(tmp_path / f"worker-{name}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so it can be killed whole
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    celery_app.control.purge()


@pytest.fixture
def signed_off_cycle():
    """Six trusts of one type, region and ICB, each with a complete signed-off assessment."""
    framework = published_framework()
    cycle = open_cycle(framework)
    for number in range(TRUSTS):
        trust = OrganisationFactory()
        lead = member(trust, "digital_lead", f"lead{number}")
        assessment = assessment_in(trust, cycle)
        answer_all(assessment, lead)
        assessment.status = AssessmentStatus.SIGNED_OFF
        assessment.submitted_at = assessment.signed_off_at = assessment.created_at
        assessment.save()
    return cycle


@contextmanager
def results_table_locked() -> Iterator[None]:
    """Hold the lock a worker needs to store a run's trust rows, on a second connection."""
    holder = connections.create_connection("default")
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TrustBenchmark._meta.db_table} IN SHARE MODE")
        yield
    finally:
        holder.rollback()
        holder.close()


def worker_waits_on_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def status_of(run: BenchmarkRun) -> str:
    return BenchmarkRun.objects.get(pk=run.pk).status


def test_a_run_goes_queued_running_done_on_a_real_worker(start_worker, signed_off_cycle):
    run = benchmark_run_request(cycle=signed_off_cycle, user=None, trigger="on_demand")
    assert status_of(run) == JobStatus.QUEUED  # no worker yet: it waits in Redis
    with results_table_locked():
        start_worker("first")
        wait_for(lambda: status_of(run) == JobStatus.RUNNING, seconds=30, what="running")
        wait_for(worker_waits_on_lock, seconds=30, what="the worker to reach its save")
        assert BenchmarkRun.objects.get(pk=run.pk).progress == 80
    wait_for(lambda: status_of(run) == JobStatus.DONE, seconds=30, what="done")
    done = BenchmarkRun.objects.get(pk=run.pk)
    assert (done.progress, done.attempts, done.assessment_count) == (100, 1, TRUSTS)
    assert TrustBenchmark.objects.filter(run=run).count() == TRUSTS * 3  # two domains + overall
    assert PeerGroupStatistic.objects.filter(run=run, suppressed=False).exists()


def test_a_worker_killed_mid_run_is_replaced_and_leaves_no_partial_rows(
    start_worker, signed_off_cycle
):
    run = benchmark_run_request(cycle=signed_off_cycle, user=None, trigger="on_demand")
    with results_table_locked():
        doomed = start_worker("doomed")
        wait_for(worker_waits_on_lock, seconds=30, what="the worker to reach its save")
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait()
    # The killed worker's transaction is rolled back: nothing of the run was stored.
    wait_for(
        lambda: not PeerGroupStatistic.objects.filter(run=run).exists(),
        seconds=10,
        what="the killed worker's rows to be rolled back",
    )
    assert status_of(run) == JobStatus.RUNNING
    start_worker("replacement")
    # Redis hands the unacknowledged task on once its visibility timeout has passed.
    wait_for(lambda: status_of(run) == JobStatus.DONE, seconds=TIME_LIMIT + 40, what="done")
    done = BenchmarkRun.objects.get(pk=run.pk)
    assert done.attempts == 2
    assert TrustBenchmark.objects.filter(run=run).count() == TRUSTS * 3
    assert BenchmarkRun.objects.filter(cycle=signed_off_cycle).count() == 1
    # The same run asked for again is the same run, with the same single set of rows.
    again = benchmark_run_request(cycle=signed_off_cycle, user=None, trigger="on_demand")
    assert again.pk == run.pk
    assert TrustBenchmark.objects.filter(run=run).count() == TRUSTS * 3


def test_documents_and_downloads_are_built_by_a_real_worker_and_open(
    start_worker, signed_off_cycle
):
    run = benchmark_run_request(cycle=signed_off_cycle, user=None, trigger="on_demand")
    start_worker("documents")
    wait_for(lambda: status_of(run) == JobStatus.DONE, seconds=60, what="the run")
    run.refresh_from_db()
    trust = (
        TrustBenchmark.objects.filter(run=run)
        .select_related("assessment__organisation")
        .first()
        .assessment.organisation
    )
    lead = trust.memberships.get().user
    pack = report_file_request(run=run, organisation=trust, kind=FileKind.BOARD_PACK, user=lead)
    workbook = report_file_request(run=run, organisation=trust, kind=FileKind.WORKBOOK, user=lead)
    analyst = national_user("analyst", "analyst")
    parquet = national_file_request(
        dataset="answers", kind=FileKind.NATIONAL_PARQUET, filters=Filters(), user=analyst
    )
    for document in (pack, workbook, parquet):
        assert document.status == JobStatus.QUEUED
    for document in (pack, workbook, parquet):
        wait_for(
            lambda document=document: (
                ReportFile.objects.get(pk=document.pk).status == JobStatus.DONE
            ),
            seconds=120,
            what=f"{document.get_kind_display()}",
        )
    pack, workbook, parquet = (
        ReportFile.objects.get(pk=document.pk) for document in (pack, workbook, parquet)
    )
    with pack.file.open("rb") as handle:
        pdf = PdfReader(handle)
        assert len({image.data for page in pdf.pages for image in page.images}) == 3
    with workbook.file.open("rb") as handle:
        assert "Domains" in openpyxl.load_workbook(handle).sheetnames
    table = pq.read_table(parquet.file.path)
    columns = DATASETS["answers"].columns(user=analyst, filters=Filters())
    assert table.schema.names == [column.name for column in columns]
    assert table.num_rows == Response.objects.filter(assessment__cycle=signed_off_cycle).count()
