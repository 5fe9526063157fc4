"""Who answers what: NHS organisations, people's roles, annual cycles, assessments and answers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from frameworks.models import AnswerOption, Domain, Framework, Question, Stage


class TrustType(models.TextChoices):
    ACUTE = "acute", "Acute"
    ACUTE_SPECIALIST = "acute-specialist", "Acute specialist"
    MENTAL_HEALTH = "mental-health", "Mental health"
    COMMUNITY = "community", "Community"
    AMBULANCE = "ambulance", "Ambulance"


class Region(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="ODS code, e.g. Y56.")
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IntegratedCareBoard(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="ODS code, e.g. QE1.")
    gss_code = models.CharField(max_length=9, unique=True, help_text="ONS GSS code.")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = "integrated care board"

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An NHS trust. Trust type and ICB are editable: they are judgements and they change."""

    ods_code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=200)
    trust_type = models.CharField(max_length=20, choices=TrustType.choices)
    type_basis = models.CharField(
        max_length=20,
        blank=True,
        help_text="How the trust type was decided: 'name', 'knowledge' or 'admin'.",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations")
    icb = models.ForeignKey(
        IntegratedCareBoard, on_delete=models.PROTECT, related_name="organisations"
    )
    icb_set_by_admin = models.BooleanField(
        default=False, help_text="An administrator chose the ICB; reloading the files keeps it."
    )
    postcode = models.CharField(max_length=10, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trust_type__in=TrustType.values), name="organisation_trust_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"


class MembershipRole(models.TextChoices):
    DIGITAL_LEAD = "digital_lead", "Trust digital lead"
    CONTRIBUTOR = "contributor", "Contributor"
    BOARD_MEMBER = "board_member", "Board member"


class Membership(models.Model):
    """A person's role in one trust: what they may do there and nowhere else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_user_and_trust"
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation.name}"


class NationalRoleName(models.TextChoices):
    ANALYST = "analyst", "NHS England analyst"
    FRAMEWORK_ADMIN = "framework_admin", "Framework admin"


class NationalRole(models.Model):
    """A role across every trust (NHS England), as opposed to a membership of one trust."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="national_roles"
    )
    role = models.CharField(max_length=20, choices=NationalRoleName.choices)

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_national_role_each"),
            models.CheckConstraint(
                condition=Q(role__in=NationalRoleName.values), name="national_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


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

    class Meta:
        ordering = ["cycle", "organisation__name"]
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

    @property
    def is_editable_status(self) -> bool:
        return self.status in {AssessmentStatus.IN_PROGRESS, AssessmentStatus.RETURNED}


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
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "question"]
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
        ordering = ["assessment", "domain__order"]
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
        ordering = ["assessment", "question", "added_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="link", url__gt="", file="")
                | Q(kind="file", url="", size__isnull=False) & ~Q(file=""),
                name="evidence_is_a_link_or_a_file",
            ),
            models.CheckConstraint(
                condition=Q(size__isnull=True) | Q(size__lte=10 * 1024 * 1024),
                name="evidence_file_at_most_10_mb",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url


class AuditAction(models.TextChoices):
    STARTED = "started", "Assessment started"
    ANSWER_CHANGED = "answer_changed", "Answer changed"
    ANSWER_CONFIRMED = "answer_confirmed", "Carried-forward answer confirmed"
    SAVE_REFUSED = "save_refused", "Save refused: someone else had saved first"
    COMMENT_CHANGED = "comment_changed", "Comment changed"
    EVIDENCE_ADDED = "evidence_added", "Evidence added"
    EVIDENCE_REMOVED = "evidence_removed", "Evidence removed"
    ASSIGNED = "assigned", "Domain assigned"
    STATUS_CHANGED = "status_changed", "Status changed"


class AuditEvent(models.Model):
    """Every change to an assessment: who, when, what, old → new and why. Never edited."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    subject = models.CharField(max_length=64, blank=True, help_text="A question or domain code.")
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="audit_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.subject}"


class Invitation(models.Model):
    """A one-time link that lets a colleague join a trust with a role."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.get_role_display()} at {self.organisation.name}"


class AssessmentResult(models.Model):
    """The stored scoring of an assessment, so pages and reports never recompute on load."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="result")
    overall_score = models.FloatField(null=True, blank=True)
    overall_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    incomplete = models.BooleanField()
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
    score = models.FloatField(null=True, blank=True)
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provisional_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    incomplete = models.BooleanField()
    answered = models.PositiveSmallIntegerField()
    explanation = models.JSONField()

    class Meta:
        ordering = ["result", "domain__order"]
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
