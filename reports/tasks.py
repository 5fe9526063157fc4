"""Celery tasks: ids in, a service does the work. Safe to run twice, and retried when the
database or broker falters for a moment."""

from __future__ import annotations

import logging
from contextlib import suppress

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from reports.models import BenchmarkRun, JobTrigger
from reports.services import benchmarks
from reports.services.jobs import JobLostError, JobTakenError, job_fail, jobs_fail_stuck

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


@shared_task(**JOB_OPTIONS)
def benchmark_run_task(self, run_id: int) -> None:
    try:
        benchmarks.benchmark_run_execute(run_id=run_id, attempt=self.request.id or "in-process")
    except JobTakenError as taken:
        # Another worker holds it; look again once its heartbeat would have gone stale.
        raise self.retry(countdown=settings.JOB_HEARTBEAT_STALE_SECONDS, exc=taken) from taken
    except JobLostError:
        return  # another attempt took it over and will finish it
    except TRANSIENT:
        raise
    except Exception as error:
        logger.exception("benchmark run %s failed", run_id)
        run = BenchmarkRun.objects.filter(pk=run_id).first()
        if run is not None:
            job_fail(job=run, error=f"{type(error).__name__}: {error}")


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=5)
def benchmark_after_sign_off_task(cycle_id: int, signed_off_at: str) -> None:
    # A BenchmarkError here means it was reopened since: nothing signed off is left to compare.
    with suppress(benchmarks.BenchmarkError):
        benchmarks.benchmark_after_sign_off(cycle_id=cycle_id, signed_off_at=signed_off_at)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=5)
def benchmarks_nightly() -> None:
    benchmarks.benchmark_runs_refresh(trigger=JobTrigger.NIGHTLY)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=5)
def jobs_fail_stuck_task() -> None:
    jobs_fail_stuck(model=BenchmarkRun)
