"""Documents built from a finished benchmark run: asked for once, built by a worker, kept.

A document's fingerprint is its kind, its run, its trust and the layout's version, so the same
document is built once however often it is asked for; a new run makes new documents.
"""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from access import policy
from organisations.models import Organisation
from reports import selectors
from reports.documents import PDF_TYPE, XLSX_TYPE, board_pack_pdf, report_workbook
from reports.models import BenchmarkRun, FileKind, JobStatus, JobTrigger, ReportFile
from reports.services.jobs import (
    JobError,
    job_claim,
    job_find_or_queue,
    job_progress,
    job_retry,
    report_file_store,
)

LAYOUT_VERSION = "1"  # part of every fingerprint: a new layout makes every document new
BUILDERS = {
    FileKind.BOARD_PACK: (board_pack_pdf, PDF_TYPE, "pdf", "board-pack"),
    FileKind.WORKBOOK: (report_workbook, XLSX_TYPE, "xlsx", "benchmark"),
}


def _fingerprint(*, kind: str, run: BenchmarkRun, organisation: Organisation) -> str:
    inputs = [LAYOUT_VERSION, kind, run.pk, run.fingerprint, organisation.pk]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def report_file_request(
    *, run: BenchmarkRun, organisation: Organisation, kind: str, user
) -> ReportFile:
    """The trust's document from this run: found if it exists, else queued to be built."""
    if not policy.can_view_organisation(user, organisation):
        raise PermissionDenied("You can only download your own trust's reports.")
    if run.status != JobStatus.DONE:
        raise JobError("This benchmark run has not finished, so its reports cannot be made yet.")
    if not selectors.trust_rows(run=run, organisation_id=organisation.pk).exists():
        raise JobError(f"{organisation.name} was not compared in this run.")
    document, _ = job_find_or_queue(
        model=ReportFile,
        lookup={
            "kind": kind,
            "fingerprint": _fingerprint(kind=kind, run=run, organisation=organisation),
        },
        defaults={
            "run": run,
            "organisation": organisation,
            "trigger": JobTrigger.ON_DEMAND,
            "requested_by": user,
        },
        task=_task(),
    )
    return document


def _task():
    from reports.tasks import report_file_task  # tasks import this module

    return report_file_task


def report_file_build(*, file_id: int, attempt: str) -> ReportFile | None:
    """Build and store the document; None if it is already finished. Safe to call again."""
    document = job_claim(model=ReportFile, job_id=file_id, attempt=attempt)
    if document is None:
        return None
    run = BenchmarkRun.objects.select_related("cycle__framework").get(pk=document.run_id)
    organisation = Organisation.objects.get(pk=document.organisation_id)
    job_progress(job=document, progress=20, message="Reading the comparison")
    report = selectors.trust_report(run=run, organisation=organisation)
    build, content_type, extension, stem = BUILDERS[FileKind(document.kind)]
    job_progress(job=document, progress=40, message="Drawing the charts and the pages")
    content = build(report)
    filename = f"{organisation.ods_code}-{run.cycle.name.replace('/', '-')}-{stem}.{extension}"
    job_progress(job=document, progress=90, message="Saving the file")
    report_file_store(
        document=document,
        content=ContentFile(content, name=filename),
        filename=filename,
        content_type=content_type,
        message=f"{document.get_kind_display()} ready",
    )
    return ReportFile.objects.get(pk=document.pk)


def report_file_retry(*, document: ReportFile, user) -> ReportFile:
    """A failed document queued again by someone who may read it."""
    if not policy.can_view_organisation(user, document.organisation):
        raise PermissionDenied("You can only download your own trust's reports.")
    return job_retry(
        job=document, task=_task(), refusal="Only a document that failed can be made again."
    )
