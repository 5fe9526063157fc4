"""National downloads for analysts: CSV streamed as it is read, XLSX and Parquet built by a job.

Every download goes through ``access.scoping`` (an analyst sees submitted and signed-off
assessments) and the policy's ``can_download_national``. A file's fingerprint is its dataset,
format, filters and the latest change to any assessment (the audit trail's last event), so
the same download of unchanged data is built once.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models import Max

from access import policy
from audit.models import AuditEvent
from reports.exports import DATASETS, Filters
from reports.models import BenchmarkRun, FileKind, JobStatus, JobTrigger, ReportFile
from reports.services.jobs import (
    JobError,
    job_claim,
    job_find_or_queue,
    job_progress,
    job_retry,
    report_file_store,
)
from reports.writers import csv_chunks, dictionary_csv, write_parquet, write_xlsx

FORMATS = {
    FileKind.NATIONAL_XLSX: (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    FileKind.NATIONAL_PARQUET: ("parquet", "application/vnd.apache.parquet"),
}


def _allowed(user) -> None:
    if not policy.can_download_national(user):
        raise PermissionDenied("National downloads are for NHS England analysts.")


def national_csv(*, dataset: str, filters: Filters, user) -> Iterator[bytes]:
    """The dataset as CSV, produced a batch at a time as the response is sent."""
    _allowed(user)
    chosen = DATASETS[dataset]
    columns = chosen.columns(user=user, filters=filters)
    return csv_chunks(columns, chosen.batches(user=user, filters=filters))


def national_dictionary_csv(*, dataset: str, filters: Filters, user) -> bytes:
    """The dataset's data dictionary as CSV: column, type, meaning."""
    _allowed(user)
    return dictionary_csv(DATASETS[dataset].columns(user=user, filters=filters))


def _data_version() -> int:
    return AuditEvent.objects.aggregate(latest=Max("pk"))["latest"] or 0


def national_file_request(*, dataset: str, kind: str, filters: Filters, user) -> ReportFile:
    """The XLSX or Parquet download of unchanged data if it exists, else queued to be built."""
    _allowed(user)
    if dataset not in DATASETS or kind not in FORMATS:
        raise JobError("Choose a dataset and a format from the lists.")
    options = {
        "dataset": dataset,
        "filters": filters.as_dict(),
        "described": f"{DATASETS[dataset].title}: {filters.in_words()}",
    }
    runs = list(BenchmarkRun.objects.filter(status=JobStatus.DONE).order_by("pk").values_list("pk"))
    inputs = [kind, dataset, filters.as_dict(), _data_version(), runs]
    fingerprint = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    document, _ = job_find_or_queue(
        model=ReportFile,
        lookup={"kind": kind, "fingerprint": fingerprint},
        defaults={"options": options, "trigger": JobTrigger.ON_DEMAND, "requested_by": user},
        task=_task(),
    )
    return document


def _task():
    from reports.tasks import national_file_task  # tasks import this module

    return national_file_task


def national_file_build(*, file_id: int, attempt: str) -> ReportFile | None:
    """Write the download a batch at a time; None if it is already finished."""
    document = job_claim(model=ReportFile, job_id=file_id, attempt=attempt)
    if document is None:
        return None
    user = document.requested_by
    dataset = DATASETS[document.options["dataset"]]
    filters = Filters(**document.options["filters"])
    extension, content_type = FORMATS[FileKind(document.kind)]
    columns = dataset.columns(user=user, filters=filters)
    job_progress(job=document, progress=10, message="Reading and writing the rows")

    def batches():
        for number, batch in enumerate(dataset.batches(user=user, filters=filters), start=1):
            if number % 20 == 0:  # stay visibly alive on long downloads
                job_progress(job=document, progress=50, message=f"Written {number:,} batches")
            yield batch

    with tempfile.TemporaryFile() as sink:  # on disk, so memory holds one batch at most
        if document.kind == FileKind.NATIONAL_PARQUET:
            metadata = {"dataset": dataset.name, **filters.as_dict()}
            rows = write_parquet(columns, batches(), sink, metadata=metadata)
        else:
            rows = write_xlsx(columns, batches(), sink, title=dataset.title)
        sink.seek(0)
        job_progress(job=document, progress=90, message="Saving the file")
        filename = _filename(dataset.name, filters, extension)
        report_file_store(
            document=document,
            content=File(sink, name=filename),
            filename=filename,
            content_type=content_type,
            message=f"{rows:,} rows ready",
        )
    return ReportFile.objects.get(pk=document.pk)


def _filename(dataset: str, filters: Filters, extension: str) -> str:
    """e.g. answers-cycle-3-region-Y56.parquet; answers-all.csv."""
    parts = [f"{key.split('_')[0]}-{value}" for key, value in filters.as_dict().items()]
    return f"{dataset}-{'-'.join(parts) or 'all'}.{extension}".replace("/", "-")


def national_csv_filename(*, dataset: str, filters: Filters) -> str:
    return _filename(dataset, filters, "csv")


def national_file_retry(*, document: ReportFile, user) -> ReportFile:
    """A failed national download queued again."""
    _allowed(user)
    return job_retry(
        job=document, task=_task(), refusal="Only a download that failed can be made again."
    )
