"""The life of a job row: claimed by one attempt at a time, progress reported, then finished.

A worker that dies leaves its job ``running`` with an old heartbeat. The broker delivers the
task again (``acks_late``), and the new attempt may take the job over once the heartbeat is
older than ``JOB_HEARTBEAT_STALE_SECONDS``; until then the job belongs to the attempt that
claimed it, so two workers never build the same job at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from reports.models import Job, JobStatus, ReportFile

logger = logging.getLogger(__name__)
BROKER_ERRORS = (BrokerOperationalError, RedisConnectionError, RedisTimeoutError, OSError)


class JobError(Exception):
    """A job that cannot be started, with the reason in words a person can act on."""


class BrokerUnavailableError(JobError):
    """The job queue could not be reached: the job is recorded as failed, and can be retried."""


class JobTakenError(Exception):
    """Another attempt is running this job and is still alive."""


class JobLostError(Exception):
    """The job was taken over by another attempt while this one was working."""


def job_claim(*, model: type[Job], job_id: int, attempt: str) -> Job | None:
    """Mark the job running for ``attempt``; None when there is nothing left to do.

    Raises ``JobTakenError`` when another live attempt holds it.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS)
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale)
    claimable |= Q(status=JobStatus.RUNNING, claimed_by=attempt)  # its own redelivery
    claimed = model.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING,
        claimed_by=attempt,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=0,
        message="Starting",
        error="",
    )
    if claimed:
        return model.objects.get(pk=job_id)
    job = model.objects.filter(pk=job_id).first()
    if job is None or job.status in {JobStatus.DONE, JobStatus.FAILED}:
        return None
    raise JobTakenError(f"{model.__name__} {job_id} is being run by another worker")


def job_progress(*, job: Job, progress: int, message: str) -> None:
    """Report progress (committed at once, so a person watching sees it) and stay alive."""
    updated = (
        type(job)
        .objects.filter(pk=job.pk, claimed_by=job.claimed_by, status=JobStatus.RUNNING)
        .update(progress=progress, message=message, heartbeat_at=timezone.now())
    )
    if not updated:
        raise JobLostError(f"{type(job).__name__} {job.pk} was taken over")
    job.progress, job.message = progress, message


def job_lock_own(*, job: Job) -> Job:
    """Inside the transaction that stores the job's results: lock it, and make sure it is ours."""
    locked = type(job).objects.select_for_update().get(pk=job.pk)
    if locked.claimed_by != job.claimed_by or locked.status != JobStatus.RUNNING:
        raise JobLostError(f"{type(job).__name__} {job.pk} was taken over")
    return locked


def job_done(*, job: Job, message: str) -> None:
    """Within the results' transaction: the job is done."""
    now = timezone.now()
    type(job).objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, progress=100, message=message, finished_at=now, heartbeat_at=now
    )


def job_fail(*, job: Job, error: str) -> None:
    """The job failed for good: the error is kept for the people who may see it."""
    with transaction.atomic():
        type(job).objects.filter(pk=job.pk, claimed_by=job.claimed_by).update(
            status=JobStatus.FAILED, error=error[:5000], finished_at=timezone.now()
        )


def jobs_fail_stuck(*, model: type[Job]) -> int:
    """Running jobs no worker has touched for longer than any redelivery takes: failed."""
    limit = timezone.now() - timedelta(seconds=settings.JOB_STUCK_AFTER_SECONDS)
    return model.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=limit).update(
        status=JobStatus.FAILED,
        error="The worker running this job stopped without finishing it. Start it again.",
        finished_at=timezone.now(),
    )


def job_requeue(*, job: Job) -> bool:
    """A failed job, queued again to be retried; False if it is not failed."""
    return bool(
        type(job)
        .objects.filter(pk=job.pk, status=JobStatus.FAILED)
        .update(
            status=JobStatus.QUEUED,
            progress=0,
            message="Queued again",
            error="",
            claimed_by="",
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
        )
    )


def job_enqueue(*, job: Job, task) -> None:
    """Hand the job's id to the workers; if the queue is down, say so on the job and to the caller.

    Called after the job's row is committed, so a worker always finds it.
    """
    try:
        task.delay(job.pk)
    except BROKER_ERRORS as error:
        logger.warning("could not queue %s %s: %s", type(job).__name__, job.pk, error)
        type(job).objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED,
            error="The job queue was not reachable, so this never started. Start it again.",
            finished_at=timezone.now(),
        )
        raise BrokerUnavailableError(
            "This cannot start just now because the job queue is not reachable. Nothing else "
            "is affected: answers and pages work as usual. Try again in a few minutes."
        ) from error


def job_find_or_queue(*, model: type[Job], lookup: dict, defaults: dict, task) -> tuple[Job, bool]:
    """The job with these inputs, and whether it was (re)queued for a worker.

    A new job is queued; so is a queued one (its task may never have reached the broker, and a
    duplicate task finds it taken or done) and a failed one. A running or done one is left.
    Call inside the caller's transaction to record the request with it; the task is handed
    over once that commits.
    """
    with transaction.atomic():
        job, created = model.objects.get_or_create(
            **lookup, defaults={**defaults, "message": "Waiting for a worker"}
        )
        queued = created or job.status == JobStatus.QUEUED or job_requeue(job=job)
        if queued:
            transaction.on_commit(lambda: job_enqueue(job=job, task=task))
    job.refresh_from_db()
    return job, queued


def job_retry(*, job: Job, task, refusal: str) -> Job:
    """A failed job queued again; ``refusal`` says why when it has not failed."""
    with transaction.atomic():
        if not job_requeue(job=job):
            raise JobError(refusal)
        transaction.on_commit(lambda: job_enqueue(job=job, task=task))
    job.refresh_from_db()
    return job


def report_file_store(
    *, document: ReportFile, content: File, filename: str, content_type: str, message: str
) -> None:
    """Keep the built file and mark the job done, in one transaction, if the job is still ours."""
    with transaction.atomic():
        document = job_lock_own(job=document)
        if document.file:
            document.file.delete(save=False)  # an earlier attempt's, never handed out
        document.file.save(f"{document.pk}-{filename}", content, save=False)
        ReportFile.objects.filter(pk=document.pk).update(
            file=document.file.name,
            filename=filename,
            content_type=content_type,
            size=document.file.size,
        )
        job_done(job=document, message=message)
