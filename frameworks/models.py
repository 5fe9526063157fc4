"""What a maturity framework is: versions, stages, domains, questions, options and thresholds.

A framework moves draft -> published -> retired. Once published its content is frozen: every
model below refuses to save or delete a row of a published or retired framework, and their
querysets refuse bulk updates and deletes, so no path short of raw SQL can rewrite a year's
questions after trusts have answered them. A new version is a copy (see services).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from frameworks.definition import MAX_OPTION_SCORE, MAX_WEIGHT, UNSCORED_TYPES


class FrameworkFrozenError(Exception):
    """Raised on any attempt to change the content of a published or retired framework."""


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class OverallRule(models.TextChoices):
    WEAKEST_LINK = "weakest_link", "Weakest link (lowest domain stage)"
    MEDIAN = "median", "Median of domain stages (lower median)"
    SCORE = "score", "Overall score against overall thresholds"


class QuestionType(models.TextChoices):
    SCALE = "scale", "Scale (one option per stage)"
    YES_NO = "yes_no", "Yes or no"
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    PERCENTAGE = "percentage", "Percentage"
    NUMBER = "number", "Number (scored by bands)"
    FREE_TEXT = "free_text", "Free text (not scored)"
    BARRIERS = "barriers", "Barriers (choose up to three; not scored)"


class FrameworkQuerySet(models.QuerySet):
    """Bulk updates may only retire published frameworks; content stays as published."""

    def update(self, **kwargs) -> int:
        retiring = set(kwargs) == {"status"} and kwargs["status"] == FrameworkStatus.RETIRED
        if not retiring and self.exclude(status=FrameworkStatus.DRAFT).exists():
            raise FrameworkFrozenError("Cannot update a published or retired framework.")
        return super().update(**kwargs)

    def delete(self):
        if self.exclude(status=FrameworkStatus.DRAFT).exists():
            raise FrameworkFrozenError("Cannot delete a published or retired framework.")
        return super().delete()


class Framework(models.Model):
    code = models.SlugField(max_length=64)
    version = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(
        max_length=16, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    overall_rule = models.CharField(max_length=16, choices=OverallRule.choices)
    technologies = models.JSONField(
        default=list,
        blank=True,
        help_text="Medical technologies and their prerequisites (TechnologyDef.as_json).",
    )
    barriers = models.JSONField(
        default=list,
        blank=True,
        help_text="What holds trusts back, offered by barriers questions (BarrierDef.as_json).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_code_version"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="framework_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code} {self.version}, {self.get_status_display().lower()})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = Framework.objects.filter(pk=self.pk).first()
            if stored is not None and not stored.is_editable:
                self._refuse_content_change(stored=stored)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Framework.objects.filter(pk=self.pk).exclude(status=FrameworkStatus.DRAFT).exists():
            raise FrameworkFrozenError(f"{self.code} {self.version} is not a draft: keep it.")
        return super().delete(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status == FrameworkStatus.DRAFT

    @property
    def is_publishable(self) -> bool:
        return self.status == FrameworkStatus.DRAFT

    @property
    def is_retirable(self) -> bool:
        return self.status == FrameworkStatus.PUBLISHED

    def _refuse_content_change(self, *, stored: Framework) -> None:
        """On a frozen framework allow only the lifecycle step published -> retired."""
        changed = [
            field.name
            for field in self._meta.concrete_fields
            if field.name != "status"
            and getattr(stored, field.attname) != getattr(self, field.attname)
        ]
        lifecycle_ok = self.status == stored.status or (
            stored.status == FrameworkStatus.PUBLISHED and self.status == FrameworkStatus.RETIRED
        )
        if changed or not lifecycle_ok:
            raise FrameworkFrozenError(
                f"{self.code} {self.version} is {stored.status}: its content cannot change. "
                "Create a new version instead."
            )


class FrozenContentQuerySet(models.QuerySet):
    """Refuses bulk writes that would touch a published or retired framework's content."""

    framework_path = "framework"

    def _touches_frozen(self) -> bool:
        return self.exclude(**{f"{self.framework_path}__status": FrameworkStatus.DRAFT}).exists()

    def update(self, **kwargs) -> int:
        if self._touches_frozen():
            raise FrameworkFrozenError("Cannot update content of a published framework.")
        return super().update(**kwargs)

    def delete(self):
        if self._touches_frozen():
            raise FrameworkFrozenError("Cannot delete content of a published framework.")
        return super().delete()


class FrozenContentModel(models.Model):
    """Base for every row that belongs to a framework version."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def owning_framework(self) -> Framework:
        raise NotImplementedError

    def _refuse_if_frozen(self) -> None:
        framework = self.owning_framework()
        status = Framework.objects.filter(pk=framework.pk).values_list("status", flat=True).first()
        if status is not None and status != FrameworkStatus.DRAFT:
            raise FrameworkFrozenError(
                f"{framework.code} {framework.version} is {status}: its content cannot change."
            )


class OptionQuerySet(FrozenContentQuerySet):
    framework_path = "question__framework"


class Stage(FrozenContentModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="stages")
    code = models.SlugField(max_length=32)
    ordinal = models.PositiveSmallIntegerField(help_text="1 for the lowest stage.")
    name = models.CharField(max_length=64)
    descriptor = models.TextField()

    objects = FrozenContentQuerySet.as_manager()

    class Meta:
        ordering = ["framework_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="stage_code_per_framework"),
            models.UniqueConstraint(
                fields=["framework", "ordinal"], name="stage_ordinal_per_framework"
            ),
            models.CheckConstraint(condition=Q(ordinal__gte=1), name="stage_ordinal_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def owning_framework(self) -> Framework:
        return self.framework


class Domain(FrozenContentModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    description = models.TextField()
    order = models.PositiveSmallIntegerField()
    weight = models.PositiveSmallIntegerField(default=1)

    objects = FrozenContentQuerySet.as_manager()

    class Meta:
        ordering = ["framework_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="domain_code_per_framework"),
            models.UniqueConstraint(
                fields=["framework", "order"], name="domain_order_per_framework"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=MAX_WEIGHT), name="domain_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def owning_framework(self) -> Framework:
        return self.framework


class StageThreshold(FrozenContentModel):
    """The score needed to reach a stage: per domain, or overall when ``domain`` is empty."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="thresholds")
    domain = models.ForeignKey(
        Domain, on_delete=models.CASCADE, null=True, blank=True, related_name="thresholds"
    )
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="thresholds")
    minimum_score = models.DecimalField(max_digits=5, decimal_places=2)

    objects = FrozenContentQuerySet.as_manager()

    class Meta:
        ordering = ["framework_id", "domain_id", "stage_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "stage"],
                condition=Q(domain__isnull=False),
                name="threshold_per_domain_stage",
            ),
            models.UniqueConstraint(
                fields=["framework", "stage"],
                condition=Q(domain__isnull=True),
                name="overall_threshold_per_stage",
            ),
            models.CheckConstraint(
                condition=Q(minimum_score__gte=0, minimum_score__lte=100),
                name="threshold_between_0_and_100",
            ),
        ]

    def __str__(self) -> str:
        where = self.domain.code if self.domain_id else "overall"
        return f"{where} {self.stage.name} ≥ {self.minimum_score}"

    def owning_framework(self) -> Framework:
        return self.framework


class Question(FrozenContentModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="questions")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(
        max_length=32, help_text="Stable across framework versions so that years compare."
    )
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=80, help_text="A short name used in explanations.")
    text = models.TextField()
    guidance = models.TextField(help_text="What good looks like.")
    type = models.CharField(max_length=16, choices=QuestionType.choices)
    mandatory = models.BooleanField(default=True)
    weight = models.PositiveSmallIntegerField(default=1)
    allows_na = models.BooleanField(default=False)
    unit = models.CharField(max_length=32, blank=True)
    gate_stage = models.ForeignKey(
        Stage,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="gate_questions",
        help_text="The domain cannot reach this stage unless this answer meets the minimum.",
    )
    gate_minimum = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    shown_when = models.JSONField(
        null=True,
        blank=True,
        help_text="When the question is asked, from earlier answers (ShownWhenDef.as_json); "
        "empty: always.",
    )

    objects = FrozenContentQuerySet.as_manager()

    class Meta:
        ordering = ["framework_id", "domain_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="question_code_per_framework"
            ),
            models.UniqueConstraint(fields=["domain", "order"], name="question_order_per_domain"),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=MAX_WEIGHT), name="question_weight_range"
            ),
            models.CheckConstraint(
                condition=Q(gate_stage__isnull=True, gate_minimum__isnull=True)
                | Q(gate_stage__isnull=False, gate_minimum__gt=0, gate_minimum__lte=1),
                name="question_gate_complete",
            ),
            models.CheckConstraint(
                condition=~Q(type__in=UNSCORED_TYPES) | Q(weight=0, gate_stage__isnull=True),
                name="unscored_types_never_scored",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    def owning_framework(self) -> Framework:
        return self.framework

    @property
    def is_scored(self) -> bool:
        return self.type not in UNSCORED_TYPES


class AnswerOption(FrozenContentModel):
    """An option of a choice question, or a band of a number question (``band_min`` set)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=500)
    score = models.PositiveSmallIntegerField()
    stage = models.ForeignKey(
        Stage, on_delete=models.RESTRICT, null=True, blank=True, related_name="options"
    )
    exclusive = models.BooleanField(
        default=False, help_text="Multiple choice: this option ('None of these') stands alone."
    )
    band_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    band_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    objects = OptionQuerySet.as_manager()

    class Meta:
        ordering = ["question_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="option_order_per_question"),
            models.CheckConstraint(
                condition=Q(score__lte=MAX_OPTION_SCORE), name="option_score_range"
            ),
            models.CheckConstraint(
                condition=Q(band_max__isnull=True)
                | Q(band_min__isnull=False, band_max__gt=models.F("band_min")),
                name="band_max_above_min",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def owning_framework(self) -> Framework:
        return self.question.framework

    @property
    def is_band(self) -> bool:
        return self.band_min is not None
