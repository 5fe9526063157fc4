"""The annual journey: cycles, assessments, answers, evidence, assignments, audit and results."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.evidence_files import MAX_EVIDENCE_BYTES
from frameworks.models import AnswerOption, Domain, Framework, Question, Stage
from organisations.models import IntegratedCareBoard, Organisation, Region, TrustType


class Cycle(models.Model):
    """One annual round of self-assessment, answered against one published framework."""

    name = models.CharField(max_length=20, unique=True, help_text="e.g. 2026/27")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cycles")
    opens_on = models.DateField()
    closes_on = models.DateField()

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gt=models.F("opens_on")), name="cycle_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class AssessmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    SIGNED_OFF = "signed_off", "Signed off"


class Assessment(models.Model):
    """A trust's self-assessment for one cycle.

    Region, ICB and trust type are recorded as they stood for this cycle, so that later
    reorganisations (ICB mergers) do not rewrite past benchmarks.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_STARTED
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    icb = models.ForeignKey(IntegratedCareBoard, on_delete=models.PROTECT, related_name="+")
    trust_type = models.CharField(max_length=20, choices=TrustType.choices)
    is_demo = models.BooleanField(
        default=False, help_text="Synthetic demonstration data, never real returns."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_name = models.CharField(max_length=200, blank=True)
    signed_off_role = models.CharField(max_length=200, blank=True)
    return_comment = models.TextField(
        blank=True, help_text="The board's reason for returning it, shown to the digital lead."
    )
    reopen_reason = models.TextField(
        blank=True, help_text="Why a framework admin reopened it, shown to the digital lead."
    )

    class Meta:
        ordering = ["cycle_id", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cycle"], name="one_assessment_per_trust_and_cycle"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssessmentStatus.values), name="assessment_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed_off")
                | Q(signed_off_at__isnull=False, submitted_at__isnull=False),
                name="signed_off_has_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} — {self.cycle.name}"


class Response(models.Model):
    """One answer to one question. ``version`` rises on every save so stale saves are caught."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    selected_options = models.ManyToManyField(AnswerOption, blank=True, related_name="+")
    number_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    text_value = models.TextField(blank=True)
    is_not_applicable = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    carried_forward = models.BooleanField(
        default=False, help_text="Copied from last year and not yet confirmed."
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Last year's answer this one was copied from.",
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment_id", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_response_per_question"
            ),
            models.CheckConstraint(
                condition=~Q(is_not_applicable=True)
                | Q(option__isnull=True, number_value__isnull=True),
                name="not_applicable_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} — {self.question.code}"


class DomainAssignment(models.Model):
    """Who answers a domain: a contributor edits only the domains assigned to them."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="domain_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment_id", "domain_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"], name="one_assignee_per_domain"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain.code} of {self.assessment} → {self.assignee}"


class EvidenceKind(models.TextChoices):
    LINK = "link", "Link"
    FILE = "file", "File"


def evidence_upload_path(evidence: Evidence, filename: str) -> str:
    """A generated name: the uploader's file name is kept only as a label."""
    return f"evidence/{evidence.assessment_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A link or an uploaded file supporting one answer; served only through a checked view."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=EvidenceKind.choices)
    url = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to=evidence_upload_path, blank=True, max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    carried_forward = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment_id", "question_id", "added_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="link", url__gt="", file="")
                | Q(kind="file", url="", size__isnull=False) & ~Q(file=""),
                name="evidence_is_a_link_or_a_file",
            ),
            models.CheckConstraint(
                condition=Q(size__isnull=True) | Q(size__lte=MAX_EVIDENCE_BYTES),
                name="evidence_file_within_size_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url


class AssessmentResult(models.Model):
    """The stored scoring of an assessment, so pages and reports never recompute on load."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="result")
    overall_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    overall_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    incomplete = models.BooleanField()
    explanation = models.JSONField(
        default=dict, help_text="Why the overall stage is what it is, and what the next needs."
    )
    readiness = models.JSONField(
        default=list,
        blank=True,
        help_text="Per technology the framework lists: ready or not, and what is not yet met.",
    )
    barriers = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per domain: the codes of the barriers its barriers question names.",
    )
    engine_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_score__isnull=True)
                | Q(overall_score__gte=0, overall_score__lte=100),
                name="overall_score_between_0_and_100",
            ),
            models.CheckConstraint(
                condition=Q(incomplete=True) | Q(overall_stage__isnull=False),
                name="complete_result_has_overall_stage",
            ),
        ]

    def __str__(self) -> str:
        return f"Result of {self.assessment}"


class DomainResult(models.Model):
    """One domain's score, stage and explanation within an assessment's result."""

    result = models.ForeignKey(AssessmentResult, on_delete=models.CASCADE, related_name="domains")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provisional_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    incomplete = models.BooleanField()
    answered = models.PositiveSmallIntegerField()
    explanation = models.JSONField()

    class Meta:
        ordering = ["result_id", "domain_id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "domain"], name="one_result_per_domain"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="domain_score_between_0_and_100",
            ),
            models.CheckConstraint(
                condition=Q(incomplete=True) | Q(stage__isnull=False),
                name="complete_domain_has_stage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain.code} of {self.result.assessment}"
