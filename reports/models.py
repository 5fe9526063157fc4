"""Benchmark runs, what they compute, and the background jobs that build reports and downloads.

Every job is a row with its status and progress, so a person can watch it and a crashed worker
can be seen and replaced. Its fingerprint (a hash of its inputs) is unique, so asking twice for
the same job with the same data finds the first one rather than making a second.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.models import Assessment, Cycle
from organisations.models import Organisation


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class JobTrigger(models.TextChoices):
    ON_DEMAND = "on_demand", "Started by a person"
    SIGN_OFF = "sign_off", "After a sign-off"
    NIGHTLY = "nightly", "Nightly"


class Job(models.Model):
    """What every background job records: who asked, how far it is, and how it ended."""

    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the job's inputs.")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)
    trigger = models.CharField(max_length=10, choices=JobTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life from the worker running it."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True, help_text="The attempt running it.")
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}

    @property
    def seconds_taken(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


def _job_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(progress__lte=100), name=f"{prefix}_progress_0_to_100"),
        models.CheckConstraint(
            condition=Q(status__in=JobStatus.values), name=f"{prefix}_status_known"
        ),
        models.CheckConstraint(
            condition=~Q(status=JobStatus.DONE) | Q(progress=100, finished_at__isnull=False),
            name=f"{prefix}_done_is_complete",
        ),
    ]


class BenchmarkRun(Job):
    """One cycle's signed-off assessments compared with their peers."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="benchmark_runs")
    min_peers = models.PositiveSmallIntegerField(
        help_text="Peer groups with fewer trusts than this show no statistics."
    )
    previous_cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "fingerprint"], name="one_benchmark_run_per_input"
            ),
            *_job_constraints("benchmark_run"),
        ]

    def __str__(self) -> str:
        return f"Benchmark {self.cycle} #{self.pk}"


class GroupType(models.TextChoices):
    NATIONAL = "national", "National"
    TRUST_TYPE = "trust_type", "Trust type"
    REGION = "region", "Region"
    ICB = "icb", "ICB"


class PeerGroupStatistic(models.Model):
    """One peer group's statistics for one domain (or ``overall``) in a run."""

    run = models.ForeignKey(BenchmarkRun, on_delete=models.CASCADE, related_name="statistics")
    group_type = models.CharField(max_length=10, choices=GroupType.choices)
    group_code = models.CharField(max_length=20)
    group_name = models.CharField(max_length=200)
    domain_code = models.CharField(max_length=16)
    n = models.PositiveIntegerField()
    suppressed = models.BooleanField(help_text="Too few peers to compare: no statistics shown.")
    mean = models.FloatField(null=True, blank=True)
    p10 = models.FloatField(null=True, blank=True)
    lower_quartile = models.FloatField(null=True, blank=True)
    median = models.FloatField(null=True, blank=True)
    upper_quartile = models.FloatField(null=True, blank=True)
    p90 = models.FloatField(null=True, blank=True)
    stage_counts = models.JSONField(
        null=True, blank=True, help_text="Stage code to the number of trusts at it."
    )

    class Meta:
        ordering = ["run", "group_type", "group_code", "domain_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "group_type", "group_code", "domain_code"],
                name="one_statistic_per_group_and_domain",
            ),
            models.CheckConstraint(
                condition=Q(suppressed=True, median__isnull=True, stage_counts__isnull=True)
                | Q(suppressed=False, median__isnull=False, stage_counts__isnull=False),
                name="suppressed_groups_have_no_statistics",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_type} {self.group_code} {self.domain_code}"


class TrustBenchmark(models.Model):
    """A trust's score in one domain (or ``overall``) and its place in each of its peer groups."""

    # The unique constraint's index (run first) serves lookups by run; the trust is the
    # assessment's, so a national run checks two foreign keys per row, not three.
    run = models.ForeignKey(
        BenchmarkRun, on_delete=models.CASCADE, related_name="trusts", db_index=False
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="benchmarks")
    domain_code = models.CharField(max_length=16)
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    stage_code = models.CharField(max_length=32, blank=True)
    previous_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    change = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    stage_movement = models.SmallIntegerField(
        null=True,
        blank=True,
        help_text="Stages moved since last year (+1 one stage up, −1 one down); empty with no "
        "signed-off assessment last year to compare with.",
    )
    national_percentile = models.FloatField(null=True, blank=True)
    national_quartile = models.PositiveSmallIntegerField(null=True, blank=True)
    trust_type_percentile = models.FloatField(null=True, blank=True)
    trust_type_quartile = models.PositiveSmallIntegerField(null=True, blank=True)
    region_percentile = models.FloatField(null=True, blank=True)
    region_quartile = models.PositiveSmallIntegerField(null=True, blank=True)
    icb_percentile = models.FloatField(null=True, blank=True)
    icb_quartile = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["run", "assessment", "domain_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "assessment", "domain_code"], name="one_position_per_trust_domain"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{kind}_quartile__isnull": True})
                    | Q(**{f"{kind}_quartile__gte": 1, f"{kind}_quartile__lte": 4}),
                    name=f"{kind}_quartile_1_to_4",
                )
                for kind in GroupType.values
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.domain_code} in run {self.run_id}"


class FileKind(models.TextChoices):
    BOARD_PACK = "board_pack", "Board pack (PDF)"
    WORKBOOK = "workbook", "Workbook (XLSX)"
    NATIONAL_XLSX = "national_xlsx", "National download (XLSX)"
    NATIONAL_PARQUET = "national_parquet", "National download (Parquet)"


class ReportFile(Job):
    """A file built in the background: a trust's board pack or workbook from a finished run, or a
    national download (``options`` holds its dataset and filters; it has no trust).

    The same file from the same data is one row: asking again finds it.
    """

    kind = models.CharField(max_length=20, choices=FileKind.choices)
    run = models.ForeignKey(
        BenchmarkRun, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    options = models.JSONField(default=dict, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to="reports/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "fingerprint"], name="one_file_per_input"),
            models.CheckConstraint(
                condition=Q(kind__in=FileKind.values), name="report_file_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[FileKind.BOARD_PACK, FileKind.WORKBOOK],
                    run__isnull=False,
                    organisation__isnull=False,
                )
                | Q(
                    kind__in=[FileKind.NATIONAL_XLSX, FileKind.NATIONAL_PARQUET], organisation=None
                ),
                name="trust_files_have_a_run_and_trust",
            ),
            *_job_constraints("report_file"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
