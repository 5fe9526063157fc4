"""Celery tasks: ids in, a service does the work. Safe to run twice, and retried when the
database or broker falters for a moment."""

from __future__ import annotations

import logging
from contextlib import suppress

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from reports.models import BenchmarkRun, JobTrigger, ReportFile
from reports.services.jobs import JobLostError, JobTakenError, job_fail, jobs_fail_stuck

# Each task imports its service when it runs: a process that only writes national downloads
# never loads pandas or plotly, and stays within its memory budget.

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)
JOB_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": settings.JOB_TIME_LIMIT_SECONDS - 30,
    "time_limit": settings.JOB_TIME_LIMIT_SECONDS,
}


def _run_job(task, model, job_id: int, work) -> None:
    """Run a job's service once, with the same rules for every kind of job."""
    try:
        work(job_id, attempt=task.request.id or "in-process")
    except JobTakenError as taken:
        # Another worker holds it; look again once its heartbeat would have gone stale.
        raise task.retry(countdown=settings.JOB_HEARTBEAT_STALE_SECONDS, exc=taken) from taken
    except JobLostError:
        return  # another attempt took it over and will finish it
    except TRANSIENT:
        raise
    except Exception as error:
        logger.exception("%s %s failed", model.__name__, job_id)
        job = model.objects.filter(pk=job_id).first()
        if job is not None:
            job_fail(job=job, error=f"{type(error).__name__}: {error}")


def _benchmark(run_id: int, *, attempt: str) -> None:
    from reports.services import benchmarks

    benchmarks.benchmark_run_execute(run_id=run_id, attempt=attempt)


def _report_file(file_id: int, *, attempt: str) -> None:
    from reports.services import files

    files.report_file_build(file_id=file_id, attempt=attempt)


@shared_task(**JOB_OPTIONS)
def benchmark_run_task(self, run_id: int) -> None:
    _run_job(self, BenchmarkRun, run_id, _benchmark)


@shared_task(**JOB_OPTIONS)
def report_file_task(self, file_id: int) -> None:
    _run_job(self, ReportFile, file_id, _report_file)


def _national_file(file_id: int, *, attempt: str) -> None:
    from reports.services import national

    national.national_file_build(file_id=file_id, attempt=attempt)


@shared_task(**JOB_OPTIONS)
def national_file_task(self, file_id: int) -> None:
    _run_job(self, ReportFile, file_id, _national_file)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=5)
def benchmark_after_sign_off_task(cycle_id: int, signed_off_at: str) -> None:
    from reports.services import benchmarks

    # A BenchmarkError here means it was reopened since: nothing signed off is left to compare.
    with suppress(benchmarks.BenchmarkError):
        benchmarks.benchmark_after_sign_off(cycle_id=cycle_id, signed_off_at=signed_off_at)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=5)
def benchmarks_nightly() -> None:
    from reports.services import benchmarks

    benchmarks.benchmark_runs_refresh(trigger=JobTrigger.NIGHTLY)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=5)
def jobs_fail_stuck_task() -> None:
    for model in (BenchmarkRun, ReportFile):
        jobs_fail_stuck(model=model)


@worker_process_init.connect
def _start_chart_renderer(**_: object) -> None:
    """Each worker process starts its chart browser once, not on its first board pack."""
    from reports.charts import start_chart_renderer

    start_chart_renderer()
